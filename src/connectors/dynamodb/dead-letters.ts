/**
 * Dead letters: the records the connector gives up on, one JSON line each in the file named by
 * `dead_letter_path`, so that an operator can inspect them and replay them. Workers turn records
 * into lines (`deadLetterLine`); the connector appends each step's lines in step order
 * (`DeadLetterFile`), so that every thread's letters end up in one file of complete lines.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigError, DynaviewError, errorMessage } from '../../errors.js';
import type { Row, Update } from '../../schema.js';

/** The stable reason of a dead letter: the code of the error that made the connector give up on the record. */
export type DeadLetterReason =
  | 'DYNAMODB_ITEM_TOO_LARGE'
  | 'DYNAMODB_INVALID_VALUE'
  | 'DYNAMODB_UNIQUENESS_VIOLATION'
  | 'DYNAMODB_VALIDATION_REJECTED'
  | 'DYNAMODB_WRITE_FAILED';

/**
 * The record itself: the write the connector meant to make (replayed as the update `{ row, weight:
 * 1 }` for a put, `{ row, weight: -1 }` for a delete), or for a uniqueness violation every update
 * of the key in the step, since which of them is right is for the operator to decide.
 */
export type DeadRecord =
  | { readonly operation: 'put' | 'delete'; readonly row: Row }
  | { readonly updates: readonly Update[] };

export interface DeadLetter {
  connector: string;
  view: string;
  table: string;
  step: number;
  keyColumns: readonly string[];
  reason: DeadLetterReason;
  message: string;
  record: DeadRecord;
}

/** One dead letter as a line of JSON, without its newline. */
export function deadLetterLine(letter: DeadLetter): string {
  const { record } = letter;
  const keyRow = 'row' in record ? record.row : record.updates[0]?.row ?? {};
  return JSON.stringify({
    time: new Date().toISOString(),
    connector: letter.connector,
    view: letter.view,
    table: letter.table,
    step: letter.step,
    reason: letter.reason,
    message: letter.message,
    key: Object.fromEntries(letter.keyColumns.map((column) => [column, keyRow[column] ?? null])),
    ...record,
  }, replayableValue);
}

/**
 * Values as the connector takes them back: bigint as its decimal text (exact, and accepted by
 * integer columns), bytes as an array of byte values (Feldera's JSON form of BINARY and
 * VARBINARY), NaN and ±Infinity by name, which JSON has no number for.
 */
function replayableValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // The original value, before Buffer's own toJSON turned it into {type, data}.
  const original = this[key];
  if (original instanceof Uint8Array) return Array.from(original);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** The dead-letter file of one connector, open for appending. */
export class DeadLetterFile {
  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly connector: string,
  ) {}

  /** Opens (creating it if missing) the file for appending; a path that cannot be written is a configuration error. */
  static async open(path: string, connector: string): Promise<DeadLetterFile> {
    try {
      return new DeadLetterFile(await open(path, 'a'), path, connector);
    } catch (error) {
      throw new ConfigError(`connector ${connector}`, [
        { field: 'dead_letter_path', message: `cannot open ${path} for appending: ${errorMessage(error)}` },
      ], { connector, file: path });
    }
  }

  /** Appends whole lines; resolves once the operating system has them. */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    try {
      await this.handle.appendFile(`${lines.join('\n')}\n`);
    } catch (error) {
      throw new DynaviewError('DYNAMODB_DEAD_LETTER_WRITE_FAILED',
        `connector ${this.connector}: cannot append ${lines.length} dead letter(s) to ${this.path}: ${errorMessage(error)}`,
        { context: { connector: this.connector, file: this.path }, cause: error });
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
