/**
 * Feldera's JSON output format with `update_format` `insert_delete`: its `format` section, and
 * the events of a batch, one line each: `{"delete":row}` and `{"insert":row}`. As Feldera's
 * encoder writes them, a batch's deletes come first, then its inserts, so that a reader applying
 * the lines in order never sees a key's new row before its old one is gone; a record of weight w
 * is written |w| times.
 */
import { z } from 'zod';
import type { Update } from '../../schema.js';
import { ConfigProblems, parseOptions, unknownNameMessage } from '../../util/config-problems.js';
import type { JsonRowEncoder } from './json-encode.js';

/** Feldera's encoder refuses to repeat a record more often than this. */
export const MAX_RECORD_WEIGHT = 1_000_000;

const FORMAT_NAMES = ['json'];
const UPDATE_FORMATS = ['insert_delete'];
const FLAVORS = ['default'];

const JSON_OUTPUT_SHAPE = z.strictObject({
  update_format: z.string({ error: 'must be "insert_delete"' }).optional(),
  array: z.literal(false, { error: 'must be false: every event is written on a line of its own' }).optional(),
  json_flavor: z.string({ error: 'must be "default"' }).optional(),
  // Feldera's records per message; events are lines in a file, whatever the message size.
  buffer_size_records: z.int({ error: 'must be an integer of at least 1' }).min(1, { error: 'must be an integer of at least 1' }).optional(),
});

/** The options a JSON `format.config` of an output takes. */
export const JSON_OUTPUT_OPTION_NAMES: readonly string[] = Object.keys(JSON_OUTPUT_SHAPE.shape);

/**
 * Checks the connector's `format` section, which may be omitted: JSON with `insert_delete` is
 * the default. `writer` names the connector in messages (`file_output`); problems are reported
 * under `format.…`.
 */
export function checkJsonOutputFormat(format: { name: string; config?: unknown } | undefined, writer: string, problems: ConfigProblems): void {
  if (format === undefined) return;
  if (!FORMAT_NAMES.includes(format.name)) {
    problems.add('format.name', `"${format.name}" ${unknownNameMessage(format.name, FORMAT_NAMES, `a format ${writer} writes`)}`);
    return;
  }
  const options = parseOptions(JSON_OUTPUT_SHAPE, format.config ?? {}, ['format', 'config'], 'a JSON output format option', problems);
  const choices = [
    { field: 'update_format', value: options?.update_format, valid: UPDATE_FORMATS, what: `an update format ${writer} writes` },
    { field: 'json_flavor', value: options?.json_flavor, valid: FLAVORS, what: `a JSON flavor ${writer} writes` },
  ];
  for (const { field, value, valid, what } of choices) {
    if (value !== undefined && !valid.includes(value)) problems.add(`format.config.${field}`, `"${value}" ${unknownNameMessage(value, valid, what)}`);
  }
}

/**
 * The batch's events as lines of text, newline included. A record whose weight is beyond
 * ±MAX_RECORD_WEIGHT is handed to `tooHeavy` instead of being written.
 */
export function* insertDeleteLines(changes: readonly Update[], encodeRow: JsonRowEncoder, tooHeavy: (change: Update) => void): Generator<string> {
  for (const [action, sign] of [['delete', -1], ['insert', 1]] as const) {
    for (const change of changes) {
      if (Math.sign(change.weight) !== sign) continue;
      const times = Math.abs(change.weight);
      if (times > MAX_RECORD_WEIGHT) {
        tooHeavy(change);
        continue;
      }
      const line = `{"${action}":${encodeRow(change.row)}}\n`;
      for (let i = 0; i < times; i += 1) yield line;
    }
  }
}
