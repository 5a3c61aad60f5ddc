/**
 * Runtime errors that point at the data: the expression that failed (the output column or the
 * clause it belongs to, and its file:line:col) and the row it was evaluated on, shown truncated.
 *
 * Operators evaluate a row's expressions before they change any state for it and, on an error,
 * pass it here with the row. The failing expression is found on that error path by evaluating the
 * row's expressions again (they are pure), so evaluating a row costs nothing more when nothing
 * fails. The handler then throws (the step fails: Feldera's rule) or, when failing rows are
 * dropped, records the row and returns, and the operator leaves the row out. Only an error that
 * one of the operator's expressions raises on the row alone is dropped: evaluation is
 * deterministic, so the same row fails again when it is retracted and is left out again, and the
 * operator's output never holds a retraction of a row it did not insert. Any other error (an
 * aggregate's result out of range, a scalar subquery with several rows) depends on more than one
 * row and still fails the step.
 */
import { DynaviewError } from '../errors.js';
import type { PlanColumn } from '../plan/plan.js';
import type { Span } from '../sql/ast.js';
import type { Evaluate } from './compiled.js';
import { quoteText, SQL_RUNTIME_ERROR } from './runtime-error.js';
import type { Fields, Value } from './value.js';

const MAX_ROW_PREVIEW = 200;

/**
 * Called with an error thrown while evaluating the expressions of `row` (of weight `weight`):
 * throws an error that names the expression and the row, or returns when the row is to be left out.
 */
export type RowErrorHandler = (error: unknown, row: Fields, weight: number) => void;

/** Errors pass unchanged: for operators built without a program (tests). */
export const plainErrors: RowErrorHandler = (error) => {
  throw error;
};

/** A row an operator left out because one of its expressions failed on it. */
export interface DroppedRow {
  readonly view: string;
  /** `column ratio` for a SELECT expression, else its clause: `WHERE`, `HAVING`, `JOIN ON`, ... */
  readonly role: string;
  readonly column?: string;
  /** `file:line:col` of the failing expression. */
  readonly position: string;
  /** The evaluation's own message, e.g. `division by zero: 100 / 0`. */
  readonly message: string;
  /** The row's visible columns by name (qualified where two share a name), in full. */
  readonly row: Readonly<Record<string, Value>>;
  /** The primary key of each keyed table whose key columns the row holds, by its name in FROM. */
  readonly keys: Readonly<Record<string, Readonly<Record<string, Value>>>>;
  /** The row's weight in the change: positive for an insert, negative for a delete. */
  readonly weight: number;
}

/** The columns of a table's primary key in an operator's rows: the table's name in FROM, and each key column's name and position. */
export interface RowKey {
  readonly relation: string;
  readonly columns: ReadonlyArray<readonly [name: string, position: number]>;
}

/** Where the rows of an operator come from and what to do with the ones that fail. */
export interface RowErrorOptions {
  readonly file: string | undefined;
  readonly view: string;
  /** The keys a dropped row names (only needed with `drop`). */
  readonly keys: readonly RowKey[];
  /** Receives each row left out; without it, every error fails the step. */
  readonly drop?: (row: DroppedRow) => void;
}

/** An expression an operator evaluates per row, and where the program wrote it. */
export interface ExpressionSite {
  /** `column ratio` for a SELECT expression, else its clause: `WHERE`, `HAVING`, `JOIN ON`, ... */
  readonly role: string;
  /** The output column, for a SELECT expression. */
  readonly column?: string;
  readonly span: Span;
  readonly evaluate: Evaluate;
}

/** A SQL runtime error on one row, with the failing expression when it could be found. */
export class RowEvaluationError extends DynaviewError {
  constructor(
    /** The evaluation's own message, e.g. `division by zero: 100 / 0`. */
    readonly detail: string,
    readonly site: ExpressionSite | undefined,
    readonly file: string | undefined,
    /** The row as `{name: value, ...}`, cut short when long. */
    readonly row: string,
    cause: unknown,
  ) {
    super(SQL_RUNTIME_ERROR, `${site === undefined ? '' : `${position(file, site.span)}: ${site.role}: `}${detail} (row: ${row})`, { cause });
  }

  /** The message with the view named after the position: `x.sql:3:28: view v, column ratio: ...`. */
  inView(view: string): DynaviewError {
    const { site, file } = this;
    const at = site === undefined ? undefined : site.span.start;
    const where = site === undefined ? `view ${view}` : `${position(file, site.span)}: view ${view}, ${site.role}`;
    const column = site?.column;
    return new DynaviewError(SQL_RUNTIME_ERROR, `${where}: ${this.detail} (row: ${this.row})`, {
      context: {
        view,
        ...(column === undefined ? {} : { column }),
        ...(site === undefined || column !== undefined ? {} : { clause: site.role }),
        ...(file === undefined || at === undefined ? {} : { file }),
        ...(at === undefined ? {} : { line: at.line, col: at.col }),
        row: this.row,
      },
      cause: this,
    });
  }
}

/**
 * A handler for rows of `columns` whose expressions are `sites`: a SQL runtime error that a site
 * raises on the row again is dropped when `options.drop` is given, and otherwise thrown as a
 * RowEvaluationError naming that site (or none); other errors pass unchanged.
 */
export function rowErrors(sites: readonly ExpressionSite[], columns: readonly PlanColumn[], options: RowErrorOptions): RowErrorHandler {
  const { file, drop } = options;
  return (error, row, weight) => {
    if (!(error instanceof DynaviewError) || error.code !== SQL_RUNTIME_ERROR || error instanceof RowEvaluationError) throw error;
    const site = sites.find((candidate) => failsOn(candidate, row));
    if (site === undefined || drop === undefined) throw new RowEvaluationError(error.message, site, file, rowText(columns, row), error);
    drop({
      view: options.view,
      role: site.role,
      ...(site.column === undefined ? {} : { column: site.column }),
      position: position(file, site.span),
      message: error.message,
      row: Object.fromEntries(namedValues(columns, row)),
      keys: Object.fromEntries(options.keys.map(({ relation, columns: key }) => [relation, Object.fromEntries(key.map(([name, at]) => [name, row[at] ?? null]))])),
      weight,
    });
  };
}

function failsOn(site: ExpressionSite, row: Fields): boolean {
  try {
    site.evaluate(row);
    return false;
  } catch {
    return true;
  }
}

function position(file: string | undefined, span: Span): string {
  return `${file ?? '<program>'}:${span.start.line}:${span.start.col}`;
}

/** `{id: 7, a: 100, b: 0}`: the visible columns (qualified where two share a name), cut at ~200 characters. */
export function rowText(columns: readonly PlanColumn[], row: Fields): string {
  let text = '{';
  for (const [i, [name, value]] of namedValues(columns, row).entries()) {
    text += `${i === 0 ? '' : ', '}${name}: ${valueText(value)}`;
    if (text.length > MAX_ROW_PREVIEW) return `${text.slice(0, MAX_ROW_PREVIEW - 4)}...}`;
  }
  return `${text}}`;
}

/** The visible columns' names (qualified where two share a name) and values. */
function namedValues(columns: readonly PlanColumn[], row: Fields): Array<[string, Value]> {
  const visible = columns.flatMap((column, i) => (column.hidden === true ? [] : [{ column, value: row[i] ?? null }]));
  const shared = new Set(visible.map(({ column }) => column.name).filter((name, i, names) => names.indexOf(name) !== i));
  return visible.map(({ column, value }) => [shared.has(column.name) && column.relation !== null ? `${column.relation}.${column.name}` : column.name, value]);
}

function valueText(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quoteText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  if (Array.isArray(value)) return `[${(value as readonly Value[]).map(valueText).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${k}: ${valueText(v)}`).join(', ')}}`;
}
