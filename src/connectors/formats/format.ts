/**
 * The contract between input transports and the formats they carry. A transport (a file, an HTTP
 * request body, a database) gets bytes; a format (Feldera's `format` section beside `transport`)
 * says what they hold. `registry.ts` picks the format by its `name` and validates its `config`;
 * `decoder.ts` turns the bytes into changes, the same way for every transport. Formats are told
 * apart by `name`: a new format is one more member of `InputFormat`, and a `switch` that forgets
 * it fails to compile.
 */
import type { ConfigProblems } from '../../util/config-problems.js';

/** A connector's `format` section, as it sits beside `transport`. */
export interface FormatSection {
  name: string;
  config?: unknown;
}

/**
 * How JSON events say what changes: `insert_delete` (`{"insert": row}`, `{"delete": row}`,
 * `{"update": partial row}`), `raw` (bare rows, inserts), `weighted` (`{"weight": n, "data": row}`)
 * or `debezium` (`{"payload": {"op", "before", "after"}}`).
 */
export type UpdateFormat = 'insert_delete' | 'raw' | 'weighted' | 'debezium';

/** Feldera's `json_flavor`s that dynaview reads: how values whose JSON form varies are written. */
export type JsonFlavor = 'default' | 'datagen' | 'debezium_postgres' | 'debezium_mysql';

/** Feldera's JSON format, validated. */
export interface JsonFormat {
  readonly name: 'json';
  readonly updateFormat: UpdateFormat;
  /** Each message is a JSON array of events rather than one event. */
  readonly array: boolean;
  readonly flavor: JsonFlavor;
}

/** Which CSV fields lose their surrounding blanks: Feldera's (and the `csv` crate's) `trim`. */
export type CsvTrim = 'none' | 'headers' | 'fields' | 'all';

/** Feldera's CSV format, validated. Every character is a single ASCII character. */
export interface CsvFormat {
  readonly name: 'csv';
  readonly delimiter: string;
  /** The first line of the input names the columns and is skipped. */
  readonly headers: boolean;
  readonly quote: string;
  /** Inside quotes, makes the next character literal; null: quotes are escaped by doubling them only. */
  readonly escape: string | null;
  /** Inside quotes, two quote characters stand for one. */
  readonly doubleQuote: boolean;
  /** false: quote characters are ordinary and every newline ends a record. */
  readonly quoting: boolean;
  /** Lines that start with this character are skipped. */
  readonly comment: string | null;
  /** false: a record must have exactly as many fields as the table has columns. */
  readonly flexible: boolean;
  readonly trim: CsvTrim;
}

/** A validated input format: one member per format the registry knows. */
export type InputFormat = JsonFormat | CsvFormat;

/** What the registry knows of one input format. */
export interface InputFormatEntry {
  /**
   * Validates the format's `config`, reporting problems under `format.config…`; returns a usable
   * format (its defaults) even when there were problems, so that the transport's own are still found.
   */
  parse(config: unknown, problems: ConfigProblems): InputFormat;
}

/** A record that does not have the shape its format requires. */
export const INPUT_INVALID_RECORD = 'INPUT_INVALID_RECORD';
/** A record that is not valid JSON. */
export const INPUT_INVALID_JSON = 'INPUT_INVALID_JSON';
