/**
 * A dead-letter file: records dynaview gives up on, one JSON line each, appended so that an
 * operator can inspect them and replay them. The DynamoDB output connector writes the records it
 * cannot write (`dead_letter_path`), the pipeline the input rows a view's expression failed on
 * (`runtime_error_dead_letter_path`); both write their lines through this file and this encoding.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigError, DynaviewError, errorMessage, type ErrorContext } from '../errors.js';

/** One record as a line of JSON, without its newline, its values in the form dynaview reads them back. */
export function deadLetterJson(record: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(record, replayableValue);
}

/**
 * Values as dynaview takes them back: bigint as its decimal text (exact, and accepted by integer
 * columns), bytes as an array of byte values (Feldera's JSON form of BINARY and VARBINARY), NaN and
 * ±Infinity by name, which JSON has no number for.
 */
function replayableValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // The original value, before Buffer's own toJSON turned it into {type, data}.
  const original = this[key];
  if (original instanceof Uint8Array) return Array.from(original);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** Who writes a dead-letter file, for its errors. */
export interface DeadLetterWriter {
  /** As messages name it: `connector v1_ddb`. */
  readonly subject: string;
  /** The option that names the file. */
  readonly option: string;
  /** The code of the error a failed append (or cut) rejects with. */
  readonly failureCode: string;
  readonly context: ErrorContext;
}

/** A dead-letter file, open for appending. */
export class DeadLetterFile {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly writer: DeadLetterWriter,
    private bytes: number,
  ) {}

  /** Opens (creating it if missing) the file for appending; a path that cannot be written is a configuration error. */
  static async open(path: string, writer: DeadLetterWriter): Promise<DeadLetterFile> {
    try {
      const handle = await open(path, 'a');
      return new DeadLetterFile(handle, path, writer, (await handle.stat()).size);
    } catch (error) {
      throw new ConfigError(writer.subject, [
        { field: writer.option, message: `cannot open ${path} for appending: ${errorMessage(error)}` },
      ], { ...writer.context, file: path });
    }
  }

  /** The file's length in bytes: what it held when opened, and what was appended and cut since. */
  get length(): number {
    return this.bytes;
  }

  /** Appends whole lines; resolves once the operating system has them (and, with `sync`, the disk). */
  async append(lines: readonly string[], { sync = false } = {}): Promise<void> {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    await this.failing(`cannot append ${lines.length} dead letter(s) to ${this.path}`, async () => {
      await this.handle.appendFile(text);
      if (sync) await this.handle.datasync();
    });
    this.bytes += Buffer.byteLength(text);
  }

  /** Cuts the file back to `length` bytes when it is longer: lines appended again must not be there twice. */
  async truncate(length: number): Promise<void> {
    if (this.bytes <= length) return;
    await this.failing(`cannot cut ${this.path} back to ${length} bytes`, () => this.handle.truncate(length));
    this.bytes = length;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private async failing(what: string, operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      throw new DynaviewError(this.writer.failureCode, `${this.writer.subject}: ${what}: ${errorMessage(error)}`,
        { context: { ...this.writer.context, file: this.path }, cause: error });
    }
  }
}
