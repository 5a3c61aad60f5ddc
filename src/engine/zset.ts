/**
 * Z-sets: collections of rows with integer weights (+1 insert, -1 delete). Every step of the
 * engine turns input changes into a Z-set of changes for each view.
 */
import type { Row, Update } from '../schema.js';
import { jsonText } from '../util/json-text.js';
import type { Fields } from './value.js';

export type ZSet = Update[];

/**
 * Equal text exactly for equal rows of one relation (values are canonical, see value.ts). This
 * runs for every row of every step, so scalars are written directly; only nested values go
 * through JSON.
 */
export function rowIdentity(row: Row, columns: readonly string[]): string {
  let identity = '';
  for (const column of columns) identity += valueIdentity(row[column]);
  return identity;
}

/** Equal text exactly for equal value lists (a row by position, a join key, a group key). */
export function valuesIdentity(values: readonly unknown[]): string {
  let identity = '';
  for (const value of values) identity += valueIdentity(value);
  return identity;
}

function valueIdentity(value: unknown): string {
  switch (typeof value) {
    case 'string':
      // The length prefix keeps "ab"+"c" apart from "a"+"bc".
      return `s${value.length}:${value}`;
    case 'number':
      return `n${value};`;
    case 'bigint':
      return `i${value};`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return '_';
    default:
      if (value === null) return '_';
      return `j${jsonText(value)};`;
  }
}

/** Sums the weights of equal rows and drops the rows whose weights cancel. */
export function consolidate(changes: ZSet, columns: readonly string[]): ZSet {
  if (changes.length <= 1) return changes.filter((c) => c.weight !== 0);
  const merged = new Map<string, Update>();
  for (const change of changes) {
    const id = rowIdentity(change.row, columns);
    const seen = merged.get(id);
    // Changes are shared with other operators: replace, never mutate, and copy only when merging.
    merged.set(id, seen ? { row: seen.row, weight: seen.weight + change.weight } : change);
  }
  return [...merged.values()].filter((c) => c.weight !== 0);
}

/** One change of the engine's internal Z-sets: a row by position with its weight. */
export interface Change {
  readonly row: Fields;
  readonly weight: number;
}

/** A step's changes to one stream of the circuit. */
export type Batch = Change[];

/** Sums the weights of equal rows and drops the rows whose weights cancel. */
export function consolidateBatch(batch: Batch): Batch {
  if (batch.length <= 1) return batch.filter((c) => c.weight !== 0);
  const merged = new Map<string, Change>();
  for (const change of batch) {
    const id = valuesIdentity(change.row);
    const seen = merged.get(id);
    merged.set(id, seen ? { row: seen.row, weight: seen.weight + change.weight } : change);
  }
  const out: Batch = [];
  for (const change of merged.values()) if (change.weight !== 0) out.push(change);
  return out;
}

/**
 * A key for Maps: a single primitive value stands for itself (Map compares it by SameValueZero,
 * which equals NaN with NaN and 0 with -0, as SQL does); anything else becomes its identity text.
 * Keys of one Map come from one typed expression, so values of different kinds never meet.
 */
export type KeyId = string | number | bigint | boolean | null;

export function keyIdentity(values: readonly unknown[]): KeyId {
  if (values.length === 1) {
    const value = values[0];
    if (value === null || value === undefined) return null;
    const kind = typeof value;
    if (kind === 'number' || kind === 'bigint' || kind === 'boolean') return value as number | bigint | boolean;
  }
  return valuesIdentity(values);
}

/** Whether two rows are equal, comparing primitives directly and other values by identity text. */
export function sameRow(a: Fields, b: Fields): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) {
      if (typeof x === 'number' && typeof y === 'number' && Number.isNaN(x) && Number.isNaN(y)) continue;
      return false;
    }
    if (valuesIdentity([x]) !== valuesIdentity([y])) return false;
  }
  return true;
}
