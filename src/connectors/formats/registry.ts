/**
 * The input formats dynaview knows, by Feldera's `format.name`. Transports call
 * `parseInputFormat` on their connector's `format` section and hand the result to
 * `createInputDecoder`; a new format is its folder, a member of `InputFormat`, and one line here.
 */
import { unknownNameMessage, type ConfigProblems } from '../../util/config-problems.js';
import { csvInputFormat } from './csv/csv-format.js';
import type { FormatSection, InputFormat, InputFormatEntry } from './format.js';
import { JSON_FORMAT_DEFAULTS, jsonInputFormat } from './json/json-format.js';

const INPUT_FORMATS: Readonly<Record<string, InputFormatEntry>> = {
  json: jsonInputFormat,
  csv: csvInputFormat,
};

export const INPUT_FORMAT_NAMES: readonly string[] = Object.keys(INPUT_FORMATS);

/**
 * The connector's `format` section, validated; problems are reported under `format.…`. Without a
 * section, or with an unknown format, the JSON format's defaults stand in, so that the
 * transport's own problems are still found.
 */
export function parseInputFormat(format: FormatSection | undefined, problems: ConfigProblems): InputFormat {
  const fallback = JSON_FORMAT_DEFAULTS;
  if (format === undefined) {
    problems.add('format', 'is required: add "format": {"name": "json", "config": {"update_format": "insert_delete"}} beside "transport"');
    return fallback;
  }
  const entry = Object.hasOwn(INPUT_FORMATS, format.name) ? INPUT_FORMATS[format.name] : undefined;
  if (entry === undefined) {
    problems.add('format.name', `"${format.name}" ${unknownNameMessage(format.name, INPUT_FORMAT_NAMES, 'an input format')}`);
    return fallback;
  }
  return entry.parse(format.config, problems);
}
