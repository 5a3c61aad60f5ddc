/**
 * Feldera's CSV input format: its configuration (`CsvParserConfig` in
 * `feldera-types/src/format/csv.rs`: `delimiter`, `headers`, `quote`, `escape`, `double_quote`,
 * `quoting`, `comment`, `flexible`, `trim`, with Feldera's defaults), validated into a `CsvFormat`.
 * CSV carries inserts only: every record is a row of the table, its fields in column order.
 */
import { z } from 'zod';
import { ConfigProblems, parseOptions } from '../../../util/config-problems.js';
import type { CsvFormat, InputFormatEntry } from '../format.js';

const asciiCharacter = (what: string) => z.string({ error: `must be a single ASCII character (${what})` })
  .regex(/^[\x00-\x7f]$/, { error: `must be a single ASCII character (${what})` })
  .refine((c) => c !== '\n' && c !== '\r', { error: 'cannot be a line end' });

const CSV_CONFIG_SHAPE = z.strictObject({
  delimiter: asciiCharacter('the field delimiter').optional(),
  headers: z.boolean({ error: 'must be true or false' }).optional(),
  quote: asciiCharacter('the quote character').optional(),
  escape: asciiCharacter('the escape character inside quotes').nullable().optional(),
  double_quote: z.boolean({ error: 'must be true or false' }).optional(),
  quoting: z.boolean({ error: 'must be true or false' }).optional(),
  comment: asciiCharacter('the character that starts a comment line').nullable().optional(),
  flexible: z.boolean({ error: 'must be true or false' }).optional(),
  trim: z.enum(['none', 'headers', 'fields', 'all'], { error: 'must be "none", "headers", "fields" or "all"' }).optional(),
});

/** The CSV format, for the format registry. */
export const csvInputFormat: InputFormatEntry = { parse: parseCsvFormat };

const CSV_FORMAT_DEFAULTS: CsvFormat = {
  name: 'csv', delimiter: ',', headers: false, quote: '"', escape: null, doubleQuote: true, quoting: true, comment: null, flexible: true, trim: 'none',
};

/** The CSV format's `config`; problems are reported under `format.config.…`. */
export function parseCsvFormat(config: unknown, problems: ConfigProblems): CsvFormat {
  const options = parseOptions(CSV_CONFIG_SHAPE, config ?? {}, ['format', 'config'], 'a CSV format option', problems);
  if (options === undefined) return CSV_FORMAT_DEFAULTS;
  const d = CSV_FORMAT_DEFAULTS;
  const format: CsvFormat = {
    name: 'csv',
    delimiter: options.delimiter ?? d.delimiter,
    headers: options.headers ?? d.headers,
    quote: options.quote ?? d.quote,
    escape: options.escape ?? d.escape,
    doubleQuote: options.double_quote ?? d.doubleQuote,
    quoting: options.quoting ?? d.quoting,
    comment: options.comment ?? d.comment,
    flexible: options.flexible ?? d.flexible,
    trim: options.trim ?? d.trim,
  };
  if (format.quoting && format.quote === format.delimiter) problems.add('format.config.quote', `cannot be the delimiter ${JSON.stringify(format.delimiter)}`);
  if (format.quoting && format.escape === format.delimiter) problems.add('format.config.escape', `cannot be the delimiter ${JSON.stringify(format.delimiter)}`);
  if (format.comment === format.delimiter) problems.add('format.config.comment', `cannot be the delimiter ${JSON.stringify(format.delimiter)}`);
  return format;
}
