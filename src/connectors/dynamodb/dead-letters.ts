/**
 * Dead letters: the records the connector gives up on, one JSON line each in the file named by
 * `dead_letter_path`, so that an operator can inspect them and replay them. Workers turn records
 * into lines (`deadLetterLine`); the connector appends each step's lines in step order
 * (`openDeadLetterFile`), so that every thread's letters end up in one file of complete lines.
 */
import type { Row, Update } from '../../schema.js';
import { DeadLetterFile, deadLetterJson } from '../../util/dead-letter-file.js';

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
  return deadLetterJson({
    time: new Date().toISOString(),
    connector: letter.connector,
    view: letter.view,
    table: letter.table,
    step: letter.step,
    reason: letter.reason,
    message: letter.message,
    key: Object.fromEntries(letter.keyColumns.map((column) => [column, keyRow[column] ?? null])),
    ...record,
  });
}

/** Opens the connector's dead-letter file (`dead_letter_path`) for appending. */
export function openDeadLetterFile(path: string, connector: string): Promise<DeadLetterFile> {
  return DeadLetterFile.open(path, {
    subject: `connector ${connector}`, option: 'dead_letter_path', failureCode: 'DYNAMODB_DEAD_LETTER_WRITE_FAILED', context: { connector },
  });
}
