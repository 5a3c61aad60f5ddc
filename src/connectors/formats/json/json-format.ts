/**
 * Feldera's JSON input format: its configuration (`update_format`, `array`, `lines`,
 * `json_flavor`), validated into a `JsonFormat`. `json-events.ts` decodes the events.
 */
import { z } from 'zod';
import { ConfigProblems, parseOptions, unknownNameMessage } from '../../../util/config-problems.js';
import type { InputFormatEntry, JsonFormat, UpdateFormat } from '../format.js';
import { JSON_FLAVORS } from './json-flavors.js';

const UPDATE_FORMATS: readonly UpdateFormat[] = ['insert_delete', 'raw', 'weighted', 'debezium'];
const OUTPUT_ONLY_UPDATE_FORMATS = ['snowflake', 'redis'];
/** Flavors Feldera has and dynaview does not read. */
const OTHER_FELDERA_FLAVORS = ['snowflake', 'kafka_connect_json_converter', 'pandas', 'blockchain', 'c_hex'];

const quoted = (names: readonly string[]): string => names.map((name) => `"${name}"`).join(', ');

const JSON_CONFIG_SHAPE = z.strictObject({
  update_format: z.string({ error: `must be one of ${quoted(UPDATE_FORMATS)}` }).optional(),
  array: z.boolean({ error: 'must be true or false' }).optional(),
  // Accepted for compatibility and not needed: without `array` every line is one event, with it
  // arrays are found by their brackets, whichever lines they span.
  lines: z.enum(['multiple', 'single'], { error: 'must be "multiple" or "single"' }).optional(),
  json_flavor: z.string({ error: `must be one of ${quoted(JSON_FLAVORS)}` }).optional(),
});

/** The JSON format, for the format registry. */
export const jsonInputFormat: InputFormatEntry = { parse: parseJsonFormat };

/** What a connector without a usable JSON configuration is read with, so that its other problems are still found. */
export const JSON_FORMAT_DEFAULTS: JsonFormat = { name: 'json', updateFormat: 'insert_delete', array: false, flavor: 'default' };

/** The JSON format's `config`; problems are reported under `format.config.…`. */
export function parseJsonFormat(config: unknown, problems: ConfigProblems): JsonFormat {
  const options = parseOptions(JSON_CONFIG_SHAPE, config ?? {}, ['format', 'config'], 'a JSON format option', problems);
  if (options === undefined) return JSON_FORMAT_DEFAULTS;
  const { update_format: updateFormat = 'insert_delete', array = false, json_flavor: flavor = 'default' } = options;
  const knownFlavor = JSON_FLAVORS.find((f) => f === flavor);
  if (knownFlavor === undefined) {
    problems.add('format.config.json_flavor', OTHER_FELDERA_FLAVORS.includes(flavor)
      ? `"${flavor}" is not supported by dynaview (supported: ${JSON_FLAVORS.join(', ')})`
      : `"${flavor}" ${unknownNameMessage(flavor, JSON_FLAVORS, 'a JSON flavor')}`);
  }
  const knownUpdateFormat = UPDATE_FORMATS.find((f) => f === updateFormat);
  if (knownUpdateFormat === undefined) {
    problems.add('format.config.update_format', OUTPUT_ONLY_UPDATE_FORMATS.includes(updateFormat)
      ? `"${updateFormat}" is an output format; Feldera rejects it for input too (use one of ${quoted(UPDATE_FORMATS)})`
      : `"${updateFormat}" ${unknownNameMessage(updateFormat, UPDATE_FORMATS, 'an update format')}`);
  }
  return { name: 'json', updateFormat: knownUpdateFormat ?? 'insert_delete', array, flavor: knownFlavor ?? 'default' };
}
