/**
 * Rows of a PostgreSQL table or query as rows of the SQL table. Columns match by name as JSON
 * fields do (an exact match, else case-insensitively when the SQL name is lower case, i.e. was
 * not quoted); extra source columns are ignored and SQL columns without a source column are NULL.
 * Each value is decoded by its PostgreSQL type (`values.ts`) and then read with the JSON input's
 * rules (`coerceRow`), as Feldera passes Postgres rows through its JSON parser.
 */
import { coerceRow, coerceValue, INPUT_INVALID_VALUE } from '../../../engine/coerce.js';
import type { Tuple, Value } from '../../../engine/value.js';
import { DynaviewError, errorMessage } from '../../../errors.js';
import type { Update } from '../../../schema.js';
import type { InputTable } from '../input.js';
import type { TypeDecoders, ValueDecoder } from './values.js';

export interface SourceColumn {
  readonly name: string;
  readonly typeOid: number;
}

/** A source row's value by column name: its text, null for SQL NULL, undefined when the source did not send it. */
export type SourceValues = (column: string) => string | null | undefined;

/** The source column a SQL column reads: the one of that exact name, else, for a lower-case SQL name, the first that matches ignoring case. */
export function sourceColumnFor<C extends { readonly name: string }>(sqlName: string, source: readonly C[]): C | undefined {
  return source.find((s) => s.name === sqlName)
    ?? (sqlName === sqlName.toLowerCase() ? source.find((s) => s.name.toLowerCase() === sqlName) : undefined);
}

interface Feed {
  readonly source: string;
  readonly decode: ValueDecoder;
}

export class RowReader {
  private constructor(
    private readonly table: InputTable,
    /** By SQL column position: the source column that feeds it, if any. */
    private readonly feeds: readonly (Feed | undefined)[],
  ) {}

  static match(table: InputTable, source: readonly SourceColumn[], types: TypeDecoders): RowReader {
    const feeds = table.columns.map((column) => {
      const match = sourceColumnFor(column.name, source);
      return match === undefined ? undefined : { source: match.name, decode: types.decoder(match.typeOid) };
    });
    return new RowReader(table, feeds);
  }

  /** The NOT NULL columns of the SQL table that no source column feeds. */
  get missingNotNull(): string[] {
    return this.table.columns.filter((column, i) => !column.nullable && this.feeds[i] === undefined).map((column) => column.name);
  }

  /** The source columns that feed the table, in the table's column order. */
  get sourceColumns(): string[] {
    return this.feeds.flatMap((feed) => (feed === undefined ? [] : [feed.source]));
  }

  /** The source columns the table needs whose values were not sent. */
  unsent(values: SourceValues): string[] {
    return this.sourceColumns.filter((name) => values(name) === undefined);
  }

  /** The row; throws a DynaviewError (INPUT_INVALID_VALUE) when a value does not fit its column. */
  row(values: SourceValues): Tuple {
    const json: Record<string, unknown> = {};
    this.table.columns.forEach((column, i) => {
      const feed = this.feeds[i];
      if (feed !== undefined) json[column.name] = this.decode(feed, column.name, values(feed.source) ?? null);
    });
    return coerceRow(this.table.columns, json);
  }

  /** The row's insert; undefined, reported as skipped (`where` says which row it was), when a value does not fit its column. */
  insert(values: SourceValues, where: string, connector: string, report: (error: DynaviewError) => void): Update | undefined {
    try {
      return { row: this.row(values), weight: 1 };
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      report(new DynaviewError(error.code, `connector ${connector}: ${where}: ${error.message} (record skipped)`, {
        context: { ...error.context, connector, table: this.table.name },
      }));
      return undefined;
    }
  }

  /**
   * A row holding only the primary key (the other columns NULL): enough for a table with a
   * primary key to delete the row with that key.
   */
  keyRow(values: SourceValues): Tuple {
    const row: Record<string, Value> = {};
    this.table.columns.forEach((column, i) => {
      const feed = this.feeds[i];
      const isKey = this.table.primaryKey.includes(column.name);
      row[column.name] = isKey && feed !== undefined ? coerceValue(column.type, this.decode(feed, column.name, values(feed.source) ?? null), column.name) : null;
    });
    return row;
  }

  private decode(feed: Feed, column: string, text: string | null): unknown {
    if (text === null) return null;
    try {
      return feed.decode(text);
    } catch (error) {
      throw new DynaviewError(INPUT_INVALID_VALUE, `column "${column}": ${errorMessage(error)}`, { context: { column } });
    }
  }
}
