/**
 * Z-sets: collections of rows with integer weights (+1 insert, -1 delete). Every step of the
 * engine turns input changes into a Z-set of changes for each view.
 */
import type { Row, Update } from '../schema.js';
import { jsonText } from '../util/json-text.js';

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
