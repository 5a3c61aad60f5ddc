/**
 * The relational vocabulary shared by the SQL front end, the engine and the connectors: columns
 * with SQL type text, views, unique indexes, and change sets (rows with integer weights). Type
 * text is the library's edge (`openDynamoDBOutput` takes it and parses it once); inside, types
 * travel as `SqlType` values (`sql/sql-type.ts`).
 */

export interface ColumnSpec {
  /** Canonical column name: lower case unless it was quoted in SQL. */
  name: string;
  /** SQL type text, e.g. `INT`, `DECIMAL(38,10)`, `VARCHAR ARRAY`, `MAP<VARCHAR, INT>`, or a user type name. */
  type: string;
  nullable: boolean;
}

export interface ViewSpec {
  name: string;
  columns: readonly ColumnSpec[];
}

export interface IndexSpec {
  name: string;
  /** Index columns in declaration order; they form the view's unique key. */
  columns: readonly string[];
}

/** User-defined struct types (`CREATE TYPE name AS (...)`) by canonical name, as their field lists. */
export type TypeCatalog = Readonly<Record<string, readonly ColumnSpec[]>>;

/** A row in Feldera's JSON representation: column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/** One element of a Z-set: a row with an integer weight (+1 insert, -1 delete). */
export interface Update {
  row: Row;
  weight: number;
  /**
   * Only on a change an input hands a table with a primary key (never on a view's change): a
   * partial update (Feldera's `{"update": {...}}`). `row` then holds the key columns and the
   * columns to change, nothing else, and `weight` is 0; the table replaces those columns in its
   * row with that key, and ignores the update when it has no such row.
   */
  partial?: true;
}
