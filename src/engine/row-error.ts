/**
 * Runtime errors that point at the data: the expression that failed (the output column or the
 * clause it belongs to, and its file:line:col) and the row it was evaluated on, shown truncated.
 *
 * Operators evaluate a whole batch inside one try and, on an error, pass it here with the row they
 * were at. The failing expression is found on that error path by evaluating the row's expressions
 * again (they are pure), so evaluating a row costs nothing more when nothing fails.
 */
import { DynaviewError } from '../errors.js';
import type { PlanColumn } from '../plan/plan.js';
import type { Span } from '../sql/ast.js';
import type { Evaluate } from './compiled.js';
import { quoteText, SQL_RUNTIME_ERROR } from './runtime-error.js';
import type { Fields, Value } from './value.js';

const MAX_ROW_PREVIEW = 200;

/** Turns an error thrown while evaluating `row` into one that names the expression and the row. */
export type RowErrorHandler = (error: unknown, row: Fields) => unknown;

/** Errors pass unchanged: for operators built without a program (tests). */
export const plainErrors: RowErrorHandler = (error) => error;

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
 * A handler for rows of `columns` whose expressions are `sites`: a SQL runtime error becomes a
 * RowEvaluationError naming the first site that fails on the row again; other errors pass unchanged.
 */
export function rowErrors(sites: readonly ExpressionSite[], columns: readonly PlanColumn[], file: string | undefined): RowErrorHandler {
  return (error, row) => {
    if (!(error instanceof DynaviewError) || error.code !== SQL_RUNTIME_ERROR || error instanceof RowEvaluationError) return error;
    return new RowEvaluationError(error.message, sites.find((site) => failsOn(site, row)), file, rowText(columns, row), error);
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
  const visible = columns.flatMap((column, i) => (column.hidden === true ? [] : [{ column, value: row[i] ?? null }]));
  const shared = new Set(visible.map(({ column }) => column.name).filter((name, i, names) => names.indexOf(name) !== i));
  let text = '{';
  for (const [i, { column, value }] of visible.entries()) {
    const name = shared.has(column.name) && column.relation !== null ? `${column.relation}.${column.name}` : column.name;
    text += `${i === 0 ? '' : ', '}${name}: ${valueText(value)}`;
    if (text.length > MAX_ROW_PREVIEW) return `${text.slice(0, MAX_ROW_PREVIEW - 4)}...}`;
  }
  return `${text}}`;
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
