/**
 * Feldera's indexed change-set semantics: the updates of one key in one step become a single
 * operation (insert, delete, upsert, nothing) or a uniqueness violation.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Row, Update } from '../../schema.js';

export type KeyChange =
  | { readonly kind: 'insert'; readonly row: Row }
  | { readonly kind: 'delete'; readonly row: Row }
  /** Replaces the old row by `row`; DynamoDB's put replaces the whole item, so the old row is not needed. */
  | { readonly kind: 'upsert'; readonly row: Row }
  | { readonly kind: 'none' }
  | { readonly kind: 'violation'; readonly description: string; readonly updates: readonly Update[] };

/**
 * Classifies the updates of one key (one update, or a list). Identical rows are consolidated first (their weights add),
 * so changes that cancel do nothing, as in Feldera's consolidated batches.
 */
export function classifyKeyUpdates(keyUpdates: Update | readonly Update[]): KeyChange {
  if (!Array.isArray(keyUpdates)) {
    // A key with one update, most keys of most steps: no arrays.
    const only = keyUpdates as Update;
    if (only.weight === 1) return { kind: 'insert', row: only.row };
    if (only.weight === -1) return { kind: 'delete', row: only.row };
    return classifyConsolidated([only], [only]);
  }
  const updates = keyUpdates as readonly Update[];
  if (updates.length === 1) {
    const only = updates[0]!;
    return classifyConsolidated([only], updates);
  }
  return classifyConsolidated(consolidate(updates), updates);
}

function consolidate(updates: readonly Update[]): Update[] {
  const merged: Update[] = [];
  for (const update of updates) {
    const same = merged.find((m) => m.row === update.row || isDeepStrictEqual(m.row, update.row));
    if (same) same.weight += update.weight;
    else merged.push({ row: update.row, weight: update.weight });
  }
  return merged;
}

function classifyConsolidated(values: readonly Update[], original: readonly Update[]): KeyChange {
  let inserted: Row | undefined;
  let deleted: Row | undefined;
  for (const { row, weight } of values) {
    if (weight === 0) continue;
    if (weight > 1) return violation(`record inserted ${weight} times`, original);
    if (weight < -1) return violation(`record deleted ${-weight} times`, original);
    if (weight === 1) {
      if (inserted) return violation('multiple new values for the same key', original);
      inserted = row;
    } else {
      if (deleted) return violation('multiple deleted values for the same key', original);
      deleted = row;
    }
  }
  if (inserted && deleted) return { kind: 'upsert', row: inserted };
  if (inserted) return { kind: 'insert', row: inserted };
  if (deleted) return { kind: 'delete', row: deleted };
  return { kind: 'none' };
}

function violation(description: string, updates: readonly Update[]): KeyChange {
  return { kind: 'violation', description, updates };
}
