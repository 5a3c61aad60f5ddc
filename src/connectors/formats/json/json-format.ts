/**
 * Feldera's JSON input format: its configuration (`update_format`, `array`, `lines`,
 * `json_flavor`) and the decoding of one event into changes: `insert_delete` events are
 * `{"insert": row}` / `{"delete": row}` (both: the delete first), `raw` events are bare rows
 * (inserts).
 */
import { z } from 'zod';
import { DynaviewError } from '../../../errors.js';
import { coerceRow } from '../../../engine/coerce.js';
import type { Update } from '../../../schema.js';
import type { SqlField } from '../../../sql/sql-type.js';
import { ConfigProblems, isPlainObject, parseOptions, showValue, unknownNameMessage } from '../../../util/config-problems.js';
import { JsonNumberText } from '../../../util/lossless-json.js';
import { INPUT_INVALID_RECORD, type InputFormatEntry, type JsonFormat, type UpdateFormat } from '../format.js';

const FLAVORS = ['default', 'datagen'] as const;
const UNSUPPORTED_UPDATE_FORMATS: Readonly<Record<string, string>> = {
  weighted: 'is declared by Feldera but not implemented there either',
  debezium: 'is not supported by dynaview yet',
  snowflake: 'is an output format; Feldera rejects it for input',
};

const JSON_CONFIG_SHAPE = z.strictObject({
  update_format: z.string({ error: 'must be "insert_delete" or "raw"' }).optional(),
  array: z.boolean({ error: 'must be true or false' }).optional(),
  // Accepted for compatibility and not needed: without `array` every line is one event, with it
  // arrays are found by their brackets, whichever lines they span.
  lines: z.enum(['multiple', 'single'], { error: 'must be "multiple" or "single"' }).optional(),
  json_flavor: z.string({ error: `must be one of ${FLAVORS.map((f) => `"${f}"`).join(', ')}` }).optional(),
});

/** The JSON format, for the format registry. */
export const jsonInputFormat: InputFormatEntry = { parse: parseJsonFormat };

/** What a connector without a usable JSON configuration is read with, so that its other problems are still found. */
export const JSON_FORMAT_DEFAULTS: JsonFormat = { name: 'json', updateFormat: 'insert_delete', array: false };

/** The JSON format's `config`; problems are reported under `format.config.…`. */
export function parseJsonFormat(config: unknown, problems: ConfigProblems): JsonFormat {
  const fallback = JSON_FORMAT_DEFAULTS;
  const options = parseOptions(JSON_CONFIG_SHAPE, config ?? {}, ['format', 'config'], 'a JSON format option', problems);
  if (options === undefined) return fallback;
  const { update_format: updateFormat = 'insert_delete', array = false, json_flavor: flavor = 'default' } = options;
  if (!FLAVORS.some((f) => f === flavor)) {
    problems.add('format.config.json_flavor', `"${flavor}" is not supported (supported: ${FLAVORS.join(', ')})`);
  }
  if (updateFormat !== 'insert_delete' && updateFormat !== 'raw') {
    const reason = UNSUPPORTED_UPDATE_FORMATS[updateFormat];
    problems.add('format.config.update_format', reason === undefined
      ? `"${updateFormat}" ${unknownNameMessage(updateFormat, ['insert_delete', 'raw'], 'an update format')}`
      : `"${updateFormat}" ${reason}; use "insert_delete" or "raw"`);
    return fallback;
  }
  return { name: 'json', updateFormat, array };
}

const EVENT_KEYS = ['insert', 'delete', 'update', 'table'];

/**
 * The changes one event stands for. Throws a DynaviewError (INPUT_INVALID_RECORD for a wrong
 * shape, INPUT_INVALID_VALUE for a value that does not fit its column); the caller adds where the
 * event is.
 */
export function decodeEvent(event: unknown, updateFormat: UpdateFormat, columns: readonly SqlField[]): Update[] {
  switch (updateFormat) {
    case 'raw':
      return [{ row: coerceRow(columns, event), weight: 1 }];
    case 'insert_delete':
      return decodeInsertDelete(event, columns);
    default:
      return unreachable(updateFormat);
  }
}

function decodeInsertDelete(event: unknown, columns: readonly SqlField[]): Update[] {
  if (!isPlainObject(event) || event instanceof JsonNumberText) {
    throw invalidRecord(`expected an object such as {"insert": {...}} or {"delete": {...}}, got ${describe(event)}`);
  }
  for (const key of Object.keys(event)) {
    if (!EVENT_KEYS.includes(key)) throw invalidRecord(`"${key}" ${unknownNameMessage(key, ['insert', 'delete'], 'an event key (insert, delete)')}`);
  }
  if (event['update'] !== undefined) {
    throw invalidRecord('"update" events (partial updates by primary key) are not supported; send {"delete": old} and {"insert": new}');
  }
  const changes: Update[] = [];
  // Feldera applies "delete" before "insert" when an event has both.
  if (event['delete'] !== undefined) changes.push({ row: actionRow(columns, event['delete'], 'delete'), weight: -1 });
  if (event['insert'] !== undefined) changes.push({ row: actionRow(columns, event['insert'], 'insert'), weight: 1 });
  if (changes.length === 0) throw invalidRecord('the event has neither "insert" nor "delete"');
  return changes;
}

function actionRow(columns: readonly SqlField[], json: unknown, action: 'insert' | 'delete'): Update['row'] {
  try {
    return coerceRow(columns, json);
  } catch (error) {
    if (!(error instanceof DynaviewError)) throw error;
    throw new DynaviewError(error.code, `"${action}": ${error.message}`, { context: error.context });
  }
}

function invalidRecord(message: string): DynaviewError {
  return new DynaviewError(INPUT_INVALID_RECORD, message);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : showValue(value);
}

function unreachable(value: never): never {
  throw new Error(`internal error: unexpected update format ${String(value)}`);
}
