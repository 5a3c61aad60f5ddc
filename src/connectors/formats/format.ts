/**
 * The contract between input transports and the formats they carry. A transport (a file, and
 * later HTTP or a database) gets bytes or messages; a format (Feldera's `format` section beside
 * `transport`) says what they hold and turns each event into changes. `registry.ts` picks the
 * format by its `name` and validates its `config`, so every transport reuses the same formats.
 * Formats are told apart by `name`: a transport switches on it, and a new format (Debezium, CSV)
 * is one more member of `InputFormat` that a forgotten `switch` case reports at compile time.
 */
import type { ConfigProblems } from '../../util/config-problems.js';

/** A connector's `format` section, as it sits beside `transport`. */
export interface FormatSection {
  name: string;
  config?: unknown;
}

/** How events say what changes: `insert_delete` (`{"insert": row}` / `{"delete": row}`) or `raw` (bare rows, inserts). */
export type UpdateFormat = 'insert_delete' | 'raw';

/** Feldera's JSON format, validated. */
export interface JsonFormat {
  readonly name: 'json';
  readonly updateFormat: UpdateFormat;
  /** Each message is a JSON array of events rather than one event. */
  readonly array: boolean;
}

/** A validated input format: one member per format the registry knows. */
export type InputFormat = JsonFormat;

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
