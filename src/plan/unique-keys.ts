/**
 * What a plan's output is known to be unique on, derived from the plan: a table's primary key
 * through filters and projections that keep it, GROUP BY columns, DISTINCT rows, the combined keys
 * of a join's sides (or one side's key, when the other side is joined on a key of its own), and no
 * columns at all for a relation of at most one row. Functional dependencies (a key determines its
 * row's other columns) travel along, so that `GROUP BY id, name` with `id` a customer's key is
 * known unique on `id` alone. A DynamoDB output's index should be unique; otherwise two rows may
 * share a key.
 */
import type { PlanNode } from './plan.js';

/** `from` columns determine the `to` columns (output positions). */
export interface Dependency {
  readonly from: readonly number[];
  readonly to: readonly number[];
}

export interface Uniqueness {
  /** Sets of output positions the rows are unique on; an empty set means at most one row. */
  readonly keys: ReadonlyArray<readonly number[]>;
  readonly dependencies: readonly Dependency[];
}

const NONE: Uniqueness = { keys: [], dependencies: [] };

export function uniqueness(node: PlanNode, relation: (name: string) => Uniqueness): Uniqueness {
  const all = node.columns.map((_, i) => i);
  const withKeys = (keys: ReadonlyArray<readonly number[]>, dependencies: readonly Dependency[] = []): Uniqueness => ({
    keys,
    dependencies: [...dependencies, ...keys.map((key) => ({ from: key, to: all }))],
  });
  switch (node.kind) {
    case 'Scan':
      return relation(node.relation);
    case 'Values':
      return node.rows.length <= 1 ? withKeys([[]]) : NONE;
    case 'Filter':
    case 'TopK':
      return uniqueness(node.input, relation);
    case 'SingleRow':
      return withKeys([[]]);
    case 'Project': {
      const input = uniqueness(node.input, relation);
      const positions = new Map<number, number[]>();
      node.expressions.forEach((e, i) => {
        if (e.kind === 'InputReference') positions.set(e.index, [...(positions.get(e.index) ?? []), i]);
      });
      const kept = (columns: readonly number[]): boolean => columns.every((c) => positions.has(c));
      const first = (columns: readonly number[]): number[] => columns.map((c) => positions.get(c)![0]!);
      return {
        keys: input.keys.filter(kept).map(first),
        dependencies: input.dependencies.filter((d) => kept(d.from)).map((d) => ({
          from: first(d.from), to: d.to.flatMap((c) => positions.get(c) ?? []),
        })),
      };
    }
    case 'Join': {
      const width = node.left.columns.length;
      const left = uniqueness(node.left, relation);
      const rightInput = uniqueness(node.right, relation);
      const shift = (columns: readonly number[]): number[] => columns.map((c) => c + width);
      const right: Uniqueness = {
        keys: rightInput.keys.map(shift),
        dependencies: rightInput.dependencies.map((d) => ({ from: shift(d.from), to: shift(d.to) })),
      };
      const keyedOn = (side: Uniqueness, keys: typeof node.leftKeys, offset: number): boolean => {
        const joined = keys.flatMap((e) => (e.kind === 'InputReference' ? [e.index + offset] : []));
        return side.keys.some((key) => isUniqueOn({ keys: [key], dependencies: side.dependencies }, joined));
      };
      // Each left row meets at most one right row when the right side is joined on one of its keys (and vice versa).
      const leftKept = node.join !== 'RIGHT' && node.join !== 'FULL' && keyedOn(right, node.rightKeys, width) ? left.keys : [];
      const rightKept = node.join !== 'LEFT' && node.join !== 'FULL' && keyedOn(left, node.leftKeys, 0) ? right.keys : [];
      return {
        keys: [...left.keys.flatMap((l) => right.keys.map((r) => [...l, ...r])), ...leftKept, ...rightKept],
        dependencies: [...left.dependencies, ...right.dependencies],
      };
    }
    case 'Aggregate': {
      const input = uniqueness(node.input, relation);
      const groups = node.groupBy.map((e) => (e.kind === 'InputReference' ? e.index : -1));
      const output = (columns: readonly number[]): number[] => columns.flatMap((c) => groups.flatMap((g, i) => (g === c ? [i] : [])));
      const among = input.dependencies
        .filter((d) => d.from.every((c) => groups.includes(c)))
        .map((d) => ({ from: output(d.from), to: output(d.to) }));
      return withKeys([node.groupBy.map((_, i) => i)], among);
    }
    case 'Distinct':
      return withKeys([all]);
    case 'SetOperation':
      if (!node.all) return withKeys([all]);
      return node.operator === 'UNION' ? NONE : uniqueness(node.left, relation);
  }
}

/** Whether rows are unique on `columns`: the columns, with what they determine, cover a key. */
export function isUniqueOn(known: Uniqueness, columns: readonly number[]): boolean {
  const closure = new Set(columns);
  for (let grew = true; grew;) {
    grew = false;
    for (const { from, to } of known.dependencies) {
      if (!from.every((c) => closure.has(c))) continue;
      for (const c of to) {
        if (!closure.has(c)) {
          closure.add(c);
          grew = true;
        }
      }
    }
  }
  return known.keys.some((key) => key.every((c) => closure.has(c)));
}
