/**
 * The base tables of the differential test, their values in the engine's representation
 * (src/engine/value.ts), and a model of their contents that applies changes the way Feldera does:
 * with a primary key an insert of an existing key replaces the row and a delete removes the key
 * (ignored when missing); without one the table is a multiset.
 */
import type { Update } from '../../../src/schema.js';
import { BIGINT, BOOLEAN, DOUBLE, INT, VARCHAR, decimal, typeText, type ColumnType, type OutputColumn } from './query.js';
import type { Rng } from './random.js';

export type Row = Readonly<Record<string, unknown>>;

export interface TableSpec {
  readonly name: string;
  /** The primary key is `id`; without one `id` is an ordinary column and rows may repeat. */
  readonly primaryKey: boolean;
  readonly columns: readonly OutputColumn[];
}

/**
 * Every table has the same columns, so that any two can be joined or combined by a set operation.
 * `k` and `s` have few values, so that joins and groups match many rows.
 */
export const TABLE_COLUMNS: readonly OutputColumn[] = [
  { name: 'id', type: INT },
  { name: 'k', type: INT },
  { name: 'n', type: INT },
  { name: 'b', type: BIGINT },
  { name: 's', type: VARCHAR },
  { name: 'f', type: BOOLEAN },
  { name: 'd', type: decimal(10, 2) },
  { name: 'x', type: DOUBLE },
];

/** Largest id: ids are reused after deletes, so keys come back. */
const MAX_ID = 40;
const STRINGS = ['a', 'b', 'c', 'ab', ''];

export function createTableSql(table: TableSpec, dialect: 'feldera' | 'duckdb'): string {
  const columns = table.columns.map((column) => {
    const key = column.name === 'id' ? (table.primaryKey && dialect === 'feldera' ? ' NOT NULL PRIMARY KEY' : ' NOT NULL') : '';
    return `${column.name} ${typeText(column.type)}${key}`;
  });
  return `CREATE TABLE ${table.name} (${columns.join(', ')})`;
}

/**
 * A value of the column's type in the engine's representation, NULL one time in six. The ranges
 * are small: SUM keeps INT in Feldera and overflow would be a runtime error; DOUBLE values are
 * multiples of 1/8, so sums of them are exact in any order.
 */
export function randomValue(rng: Rng, type: ColumnType): unknown {
  if (rng.chance(1 / 6)) return null;
  switch (type.kind) {
    case 'INT':
      return rng.int(-5, 20);
    case 'BIGINT':
      return BigInt(rng.int(-50, 50));
    case 'BOOLEAN':
      return rng.chance(0.5);
    case 'VARCHAR':
      return rng.pick(STRINGS);
    case 'DOUBLE':
      return rng.int(-32, 32) / 8;
    case 'DECIMAL':
      return centsText(rng.int(-40, 40) * 25);
  }
}

/** Canonical decimal text (no trailing fractional zeros) of a number of hundredths. */
export function centsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  const fraction = String(magnitude % 100).padStart(2, '0').replace(/0+$/, '');
  return `${sign}${Math.floor(magnitude / 100)}${fraction ? `.${fraction}` : ''}`;
}

function randomRow(rng: Rng, table: TableSpec, id: number): Row {
  const row: Record<string, unknown> = {};
  for (const column of table.columns) row[column.name] = column.name === 'id' ? id : randomValue(rng, column.type);
  // Join keys are NULL less often than other values, so that joins match.
  if (row.k === null && rng.chance(0.5)) row.k = rng.int(0, 4);
  if (typeof row.k === 'number') row.k = Math.abs(row.k) % 5;
  return row;
}

/** The row with one column given a new value: most real updates change one field. */
function changedRow(rng: Rng, table: TableSpec, row: Row): Row {
  const column = rng.pick(table.columns.filter((c) => c.name !== 'id'));
  const fresh = randomRow(rng, table, row.id as number);
  return { ...row, [column.name]: fresh[column.name] };
}

/** Equal text exactly for equal rows: bigint and number, and NULL and a missing value, stay apart. */
export function rowKey(row: Row, columns: readonly string[]): string {
  return columns.map((c) => {
    const value = row[c];
    return value === null || value === undefined ? '~' : `${typeof value}:${String(value)}`;
  }).join('|');
}

export class TableModel {
  private readonly columnNames: string[];
  /** Without a primary key: rows by `rowKey`, with their number of copies. */
  private readonly entries = new Map<string, { row: Row; count: number }>();

  constructor(readonly spec: TableSpec) {
    this.columnNames = spec.columns.map((c) => c.name);
  }

  /**
   * Applies changes in order. A change the table cannot take (a delete of a row a table without
   * primary key does not hold: undefined in Feldera) is dropped; the changes applied are returned,
   * so that the engine is given exactly those.
   */
  apply(changes: readonly Update[]): Update[] {
    const applied: Update[] = [];
    for (const change of changes) {
      const key = rowKey(change.row, this.spec.primaryKey ? ['id'] : this.columnNames);
      const entry = this.entries.get(key);
      if (this.spec.primaryKey) {
        if (change.weight > 0) this.entries.set(key, { row: change.row, count: 1 });
        else this.entries.delete(key);
      } else {
        const count = (entry?.count ?? 0) + change.weight;
        if (count < 0) continue;
        if (count === 0) this.entries.delete(key);
        else this.entries.set(key, { row: change.row, count });
      }
      applied.push(change);
    }
    return applied;
  }

  get size(): number {
    let size = 0;
    for (const entry of this.entries.values()) size += entry.count;
    return size;
  }

  /** Each distinct row with its number of copies. */
  contents(): { row: Row; count: number }[] {
    return [...this.entries.values()];
  }

  /** The rows held, a row held twice given twice. */
  rows(): Row[] {
    return this.contents().flatMap(({ row, count }) => Array.from({ length: count }, () => row));
  }

  private unusedId(rng: Rng): number {
    const used = new Set(this.contents().map((e) => e.row.id));
    for (let attempt = 0; attempt < 10; attempt++) {
      const id = rng.int(0, MAX_ID);
      if (!used.has(id)) return id;
    }
    return rng.int(0, MAX_ID);
  }

  /**
   * One step's changes, applied to the model: inserts, deletes of rows held, updates (an upsert
   * of the key, or a delete and an insert), duplicates, a delete by key with other values, a
   * delete of a missing key, and insert-then-delete within the step.
   */
  randomChanges(rng: Rng, count: number): Update[] {
    const changes: Update[] = [];
    const emit = (row: Row, weight: number): void => {
      changes.push(...this.apply([{ row, weight }]));
    };
    for (let i = 0; i < count; i++) {
      const size = this.size;
      const held = this.contents();
      const op = rng.weighted({
        insert: size < 4 ? 6 : size > 40 ? 1 : 4,
        delete: size === 0 ? 0 : size > 40 ? 6 : 2,
        update: size === 0 ? 0 : 3,
        duplicate: size === 0 ? 0 : 1,
        transient: 0.5,
        deleteMissing: this.spec.primaryKey ? 0.3 : 0,
      });
      switch (op) {
        case 'insert':
          emit(randomRow(rng, this.spec, this.unusedId(rng)), this.spec.primaryKey || !rng.chance(0.15) ? 1 : 2);
          break;
        case 'delete': {
          const { row, count: copies } = rng.pick(held);
          // A primary key table deletes by key: the other values of the deleted row do not matter.
          const deleted = this.spec.primaryKey && rng.chance(0.3) ? randomRow(rng, this.spec, row.id as number) : row;
          emit(deleted, !this.spec.primaryKey && copies > 1 && rng.chance(0.3) ? -2 : -1);
          break;
        }
        case 'update': {
          const { row } = rng.pick(held);
          // Sometimes the "new" row equals the old one: no change must come out.
          const updated = rng.chance(0.1) ? row : changedRow(rng, this.spec, row);
          if (!this.spec.primaryKey) emit(row, -1);
          emit(updated, 1);
          break;
        }
        case 'duplicate':
          // With a primary key, a second insert of the same row changes nothing.
          emit(rng.pick(held).row, 1);
          break;
        case 'transient': {
          const row = randomRow(rng, this.spec, this.unusedId(rng));
          emit(row, 1);
          emit(row, -1);
          break;
        }
        case 'deleteMissing':
          emit(randomRow(rng, this.spec, this.unusedId(rng)), -1);
          break;
      }
    }
    return changes;
  }
}
