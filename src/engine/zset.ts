/**
 * Z-sets: collections of rows with integer weights (+1 insert, -1 delete). Every step of the
 * engine turns input changes into a Z-set of changes for each view.
 */
import type { Row, Update } from '../schema.js';
import { jsonText } from '../util/json-text.js';

export type ZSet = Update[];

/** Equal text exactly for equal rows of one relation (values are canonical, see value.ts). */
export function rowIdentity(row: Row, columns: readonly string[]): string {
  return jsonText(columns.map((c) => row[c] ?? null));
}

/** Sums the weights of equal rows and drops the rows whose weights cancel. */
export function consolidate(changes: ZSet, columns: readonly string[]): ZSet {
  if (changes.length <= 1) return changes.filter((c) => c.weight !== 0);
  const merged = new Map<string, Update>();
  for (const change of changes) {
    const id = rowIdentity(change.row, columns);
    const seen = merged.get(id);
    if (seen) seen.weight += change.weight;
    else merged.set(id, { row: change.row, weight: change.weight });
  }
  return [...merged.values()].filter((c) => c.weight !== 0);
}
