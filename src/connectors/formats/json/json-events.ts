/**
 * One JSON event -> the changes it stands for, per Feldera's update formats
 * (`crates/adapters/src/format/json/{mod,input}.rs`):
 *
 * - `insert_delete`: `{"insert": row}`, `{"delete": row}`, `{"update": partial row}`; an event
 *   with several is applied delete, then insert, then update; `"table"` is ignored; other keys are
 *   rejected (`deny_unknown_fields`); a null value counts as absent.
 * - `raw`: the bare row, an insert.
 * - `weighted`: `{"weight": n, "data": row}`, the row with weight n (Feldera declares this shape
 *   and leaves it unimplemented).
 * - `debezium`: only `payload` is read: `{"op": "c"|"u"|"d"|"r", "before": row, "after": row}`;
 *   `before` is deleted, `after` inserted, `op` is only checked.
 */
import { DynaviewError } from '../../../errors.js';
import { coercePartialRow, coerceRow, type ValueEncoding } from '../../../engine/coerce.js';
import type { Row, Update } from '../../../schema.js';
import { isPlainObject, showValue, unknownNameMessage } from '../../../util/config-problems.js';
import { JsonNumberText } from '../../../util/lossless-json.js';
import type { InputTable } from '../../inputs/input.js';
import { INPUT_INVALID_RECORD, type UpdateFormat } from '../format.js';

/** What events are decoded for: the table, and how the flavor writes values. */
export interface EventTarget {
  readonly table: InputTable;
  readonly encoding: ValueEncoding;
}

/**
 * The changes one event stands for. Throws a DynaviewError (INPUT_INVALID_RECORD for a wrong
 * shape, INPUT_INVALID_VALUE for a value that does not fit its column); the caller adds where the
 * event is.
 */
export function decodeEvent(event: unknown, updateFormat: UpdateFormat, target: EventTarget): Update[] {
  switch (updateFormat) {
    case 'raw':
      return [{ row: eventRow(target, event), weight: 1 }];
    case 'insert_delete':
      return decodeInsertDelete(event, target);
    case 'weighted':
      return decodeWeighted(event, target);
    case 'debezium':
      return decodeDebezium(event, target);
    default:
      return unreachable(updateFormat);
  }
}

const INSERT_DELETE_KEYS = ['insert', 'delete', 'update', 'table'];

function decodeInsertDelete(event: unknown, target: EventTarget): Update[] {
  const fields = expectObject(event, 'an object such as {"insert": {...}}, {"delete": {...}} or {"update": {...}}');
  for (const key of Object.keys(fields)) {
    if (!INSERT_DELETE_KEYS.includes(key)) throw invalidRecord(`"${key}" ${unknownNameMessage(key, ['insert', 'delete', 'update'], 'an event key (insert, delete, update)')}`);
  }
  const { insert, delete: remove, update } = fields;
  if (isAbsent(insert) && isAbsent(remove) && isAbsent(update)) throw invalidRecord('the event has none of "insert", "delete" and "update"');
  const changes: Update[] = [];
  // Feldera's order when an event has several.
  if (!isAbsent(remove)) changes.push({ row: eventRow(target, remove, '"delete": '), weight: -1 });
  if (!isAbsent(insert)) changes.push({ row: eventRow(target, insert, '"insert": '), weight: 1 });
  if (!isAbsent(update)) changes.push(partialUpdate(target, update));
  return changes;
}

function partialUpdate({ table, encoding }: EventTarget, json: unknown): Update {
  if (table.primaryKey.length === 0) {
    throw invalidRecord(`"update" (a partial update by primary key) needs a table with a primary key, and ${table.name} has none; `
      + 'send {"delete": old row} and {"insert": new row} instead');
  }
  return { row: withPrefix('"update": ', () => coercePartialRow(table.columns, table.primaryKey, json, encoding)), weight: 0, partial: true };
}

function decodeWeighted(event: unknown, target: EventTarget): Update[] {
  const { weight, data } = expectObject(event, 'an object such as {"weight": 1, "data": {...}}');
  if (weight === undefined) throw invalidRecord('"weight" is missing: expected {"weight": n, "data": {...}}');
  if (data === undefined) throw invalidRecord('"data" is missing: expected {"weight": n, "data": {...}}');
  const n = typeof weight === 'bigint' ? Number(weight) : weight;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw invalidRecord(`"weight" must be an integer between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${describe(weight)}`);
  }
  const row = eventRow(target, data, '"data": ');
  // A weight of 0 changes nothing, but the row is still checked.
  return n === 0 ? [] : [{ row, weight: n }];
}

const DEBEZIUM_OPS = ['c', 'u', 'd', 'r'];

function decodeDebezium(event: unknown, target: EventTarget): Update[] {
  const { payload } = expectObject(event, 'a Debezium event {"payload": {"op": ..., "before": ..., "after": ...}}');
  if (payload === undefined) throw invalidRecord('"payload" is missing (Debezium\'s JSON converter needs schemas.enable=true)');
  const { op, before, after } = expectObject(payload, 'a Debezium payload {"op": ..., "before": ..., "after": ...}', '"payload": ');
  if (typeof op !== 'string' || !DEBEZIUM_OPS.includes(op)) {
    throw invalidRecord(`"payload": "op" must be one of ${DEBEZIUM_OPS.map((o) => `"${o}"`).join(', ')}, got ${op === undefined ? 'nothing' : describe(op)}`);
  }
  const changes: Update[] = [];
  if (!isAbsent(before)) changes.push({ row: eventRow(target, before, '"payload.before": '), weight: -1 });
  if (!isAbsent(after)) changes.push({ row: eventRow(target, after, '"payload.after": '), weight: 1 });
  return changes;
}

function eventRow({ table, encoding }: EventTarget, json: unknown, prefix = ''): Row {
  return withPrefix(prefix, () => coerceRow(table.columns, json, encoding));
}

/** Names the part of the event a value error is in. */
function withPrefix<T>(prefix: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof DynaviewError) || prefix === '') throw error;
    throw new DynaviewError(error.code, prefix + error.message, { context: error.context });
  }
}

function expectObject(json: unknown, expected: string, prefix = ''): Record<string, unknown> {
  if (!isPlainObject(json) || json instanceof JsonNumberText) throw invalidRecord(`${prefix}expected ${expected}, got ${describe(json)}`);
  return json;
}

/** Feldera's event fields are `Option`s: null is the same as leaving the key out. */
function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function invalidRecord(message: string): DynaviewError {
  return new DynaviewError(INPUT_INVALID_RECORD, message);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (value instanceof JsonNumberText) return value.text;
  if (typeof value === 'bigint') return value.toString();
  return typeof value === 'object' ? 'an object' : showValue(value);
}

function unreachable(value: never): never {
  throw new Error(`internal error: unexpected update format ${String(value)}`);
}
