/**
 * Comparing a view as the engine maintains it with the oracle's result: both are turned into rows
 * of canonical cells (exact numbers as canonical decimal text, DOUBLE as numbers compared with a
 * relative tolerance), sorted, and compared as multisets.
 */
import { normalizeDecimal } from '../../../src/sql/numbers.js';
import type { ColumnType } from './query.js';

/** NULL, BOOLEAN, VARCHAR or exact number as text, DOUBLE as a number. */
export type Cell = null | boolean | string | number;

/** Relative tolerance for DOUBLE: incremental sums add in another order than a recomputation. */
const RELATIVE_TOLERANCE = 1e-9;

/**
 * The cell of an engine value, or why the value is not in the engine's representation of the
 * column's type (src/engine/value.ts): INT number, BIGINT bigint, DECIMAL canonical text.
 */
export function engineCell(value: unknown, type: ColumnType): { cell: Cell; problem: string | null } {
  if (value === null) return { cell: null, problem: null };
  const wrong = (expected: string): { cell: Cell; problem: string } => ({
    cell: typeof value === 'bigint' || typeof value === 'number' ? String(value) : (value as Cell),
    problem: `${describe(value)} is not ${expected}`,
  });
  switch (type.kind) {
    case 'INT':
      return typeof value === 'number' && Number.isInteger(value) ? { cell: String(value), problem: null } : wrong('an INT (an integer number)');
    case 'BIGINT':
      return typeof value === 'bigint' ? { cell: String(value), problem: null } : wrong('a BIGINT (a bigint)');
    case 'DECIMAL':
      return typeof value === 'string' && isCanonicalDecimal(value) ? { cell: value, problem: null } : wrong('a DECIMAL (canonical decimal text)');
    case 'DOUBLE':
      return typeof value === 'number' ? { cell: value, problem: null } : wrong('a DOUBLE (a number)');
    case 'VARCHAR':
      return typeof value === 'string' ? { cell: value, problem: null } : wrong('a VARCHAR (a string)');
    case 'BOOLEAN':
      return typeof value === 'boolean' ? { cell: value, problem: null } : wrong('a BOOLEAN');
  }
}

function isCanonicalDecimal(text: string): boolean {
  try {
    return normalizeDecimal(text) === text;
  } catch {
    return false;
  }
}

/** The cell of a value as @duckdb/node-api returns it for a column of the given (Feldera) type. */
export function oracleCell(value: unknown, type: ColumnType): Cell {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'INT':
    case 'BIGINT':
    case 'DECIMAL':
      // DECIMAL values are DuckDBDecimalValue objects, whose text is e.g. `1.50`.
      return normalizeDecimal(String(value));
    case 'DOUBLE':
      return Number(value);
    case 'BOOLEAN':
      return Boolean(value);
    case 'VARCHAR':
      return String(value);
  }
}

function kindRank(cell: Cell): number {
  return cell === null ? 0 : typeof cell === 'boolean' ? 1 : typeof cell === 'number' ? 2 : 3;
}

function compareCells(a: Cell, b: Cell): number {
  const rank = kindRank(a) - kindRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

function compareRows(a: readonly Cell[], b: readonly Cell[]): number {
  for (let i = 0; i < a.length; i++) {
    const order = compareCells(a[i] ?? null, b[i] ?? null);
    if (order !== 0) return order;
  }
  return 0;
}

function cellsEqual(a: Cell, b: Cell): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

/** Text for a row in reports and for grouping in diffs; DOUBLE rounded to 12 digits. */
export function rowText(cells: readonly Cell[]): string {
  return `(${cells.map((c) => (c === null ? 'NULL' : typeof c === 'number' ? `${Number(c.toPrecision(12))}e0` : typeof c === 'string' ? JSON.stringify(c) : String(c))).join(', ')})`;
}

export interface MultisetDiff {
  /** Rows the engine's view holds more often than the oracle's result, with how many more. */
  readonly onlyEngine: { text: string; count: number }[];
  readonly onlyOracle: { text: string; count: number }[];
}

/** null when the two multisets are equal (DOUBLE within the tolerance). */
export function compareMultisets(engine: readonly (readonly Cell[])[], oracle: readonly (readonly Cell[])[]): MultisetDiff | null {
  const left = [...engine].sort(compareRows);
  const right = [...oracle].sort(compareRows);
  if (left.length === right.length && left.every((row, i) => row.every((cell, j) => cellsEqual(cell, right[i]![j] ?? null)))) return null;
  const counts = new Map<string, number>();
  for (const row of left) counts.set(rowText(row), (counts.get(rowText(row)) ?? 0) + 1);
  for (const row of right) counts.set(rowText(row), (counts.get(rowText(row)) ?? 0) - 1);
  const onlyEngine: MultisetDiff['onlyEngine'] = [];
  const onlyOracle: MultisetDiff['onlyOracle'] = [];
  for (const [text, count] of counts) {
    if (count > 0) onlyEngine.push({ text, count });
    if (count < 0) onlyOracle.push({ text, count: -count });
  }
  return { onlyEngine, onlyOracle };
}

export function formatDiff(diff: MultisetDiff, engineSize: number, oracleSize: number, limit = 15): string {
  const side = (label: string, rows: MultisetDiff['onlyEngine']): string[] => {
    const lines = rows.slice(0, limit).map(({ text, count }) => `    ${count > 1 ? `${count} x ` : ''}${text}`);
    if (rows.length > limit) lines.push(`    ... and ${rows.length - limit} more`);
    return rows.length === 0 ? [] : [`  ${label}:`, ...lines];
  };
  return [
    `  engine holds ${engineSize} rows, DuckDB returns ${oracleSize}`,
    ...side('only in the engine (or more often)', diff.onlyEngine),
    ...side('only in DuckDB (or more often)', diff.onlyOracle),
  ].join('\n');
}

/** A value for reports: bigint as `5n`, strings quoted. */
export function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  return String(value);
}
