/**
 * Query plans: what the planner makes of a view's query, as plain data that tests can build and
 * `dynaview explain` prints. Every node lists its output columns; its expressions are syntax trees
 * read against its input's columns (by name, or by position through `InputReference` for what a
 * node below computed). A node object used twice (a view read by several views, a WITH item read
 * twice) is one node of the circuit, evaluated once per step.
 */
import type { Expression } from '../sql/ast.js';
import type { SqlType } from '../sql/sql-type.js';
import type { Value } from '../engine/value.js';

export interface PlanColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  /** The FROM item (table name or alias) a column can be qualified with; null for computed columns. */
  readonly relation: string | null;
  /** Computed by the planner for an operator above (an aggregate, a subquery's value): not visible to `*` or by name. */
  readonly hidden?: boolean;
}

export type JoinKind = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

export type AggregateFunction =
  | 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX' | 'ARG_MIN' | 'ARG_MAX' | 'BOOL_AND' | 'BOOL_OR'
  | 'STDDEV_POP' | 'STDDEV_SAMP' | 'VAR_POP' | 'VAR_SAMP' | 'ARRAY_AGG';

export interface AggregateSpec {
  readonly function: AggregateFunction;
  /** Over the aggregate's input columns; empty for COUNT(*). */
  readonly args: readonly Expression[];
  readonly distinct: boolean;
  /** Only rows for which this is TRUE are aggregated (FILTER (WHERE ...)). */
  readonly filter: Expression | null;
  /** The argument's type (the first argument's, for ARG_MIN / ARG_MAX the value's); null for COUNT(*). */
  readonly argumentType: SqlType | null;
  /** ARG_MIN / ARG_MAX: the type of the argument rows are ordered by. */
  readonly orderType?: SqlType;
  readonly resultType: SqlType;
  /** Whether the result can be NULL (in a global aggregate, every aggregate but COUNT and ARRAY_AGG can). */
  readonly resultNullable: boolean;
}

export interface SortKey {
  readonly expression: Expression;
  readonly descending: boolean;
  /** Feldera sorts NULLs low: first ascending, last descending, unless NULLS FIRST/LAST says otherwise. */
  readonly nullsFirst: boolean;
}

interface NodeBase {
  readonly columns: readonly PlanColumn[];
}

/** A table's changes, or a view's (views over views share the view's node). */
export interface ScanNode extends NodeBase {
  readonly kind: 'Scan';
  readonly relation: string;
}

/** Constant rows (VALUES, SELECT without FROM): inserted once, at the first step. */
export interface ValuesNode extends NodeBase {
  readonly kind: 'Values';
  readonly rows: readonly (readonly Value[])[];
}

export interface FilterNode extends NodeBase {
  readonly kind: 'Filter';
  readonly input: PlanNode;
  readonly predicate: Expression;
  /** The clause the predicate comes from, for runtime error messages. */
  readonly clause: FilterClause;
}

export type FilterClause = 'WHERE' | 'HAVING' | 'JOIN ON';

export interface ProjectNode extends NodeBase {
  readonly kind: 'Project';
  readonly input: PlanNode;
  readonly expressions: readonly Expression[];
}

/**
 * An equi-join on `leftKeys[i] = rightKeys[i]` (NULL keys never match unless `nullSafe[i]`), then
 * `residual` over the joined row (left columns, then right columns); no keys is a cross product.
 * Outer kinds add the unmatched rows of one or both sides, padded with NULLs.
 */
export interface JoinNode extends NodeBase {
  readonly kind: 'Join';
  readonly join: JoinKind;
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly leftKeys: readonly Expression[];
  readonly rightKeys: readonly Expression[];
  readonly nullSafe: readonly boolean[];
  readonly residual: Expression | null;
}

/**
 * GROUP BY `groupBy` with `aggregates`: output columns are the group values then the aggregate
 * results. Without GROUP BY (`global`) there is always exactly one row.
 */
export interface AggregateNode extends NodeBase {
  readonly kind: 'Aggregate';
  readonly input: PlanNode;
  readonly groupBy: readonly Expression[];
  readonly aggregates: readonly AggregateSpec[];
  readonly global: boolean;
}

export interface DistinctNode extends NodeBase {
  readonly kind: 'Distinct';
  readonly input: PlanNode;
}

/** UNION / EXCEPT / INTERSECT of two inputs with the same column types, matched by position. */
export interface SetOperationNode extends NodeBase {
  readonly kind: 'SetOperation';
  readonly operator: 'UNION' | 'EXCEPT' | 'INTERSECT';
  readonly all: boolean;
  readonly left: PlanNode;
  readonly right: PlanNode;
}

/**
 * The first `offset + limit` rows of each partition in `orderBy` order, without the first `offset`
 * (ties are broken by the whole row, so the choice is stable). With `rankColumn`, a last BIGINT
 * column holds each row's number in its partition (ROW_NUMBER()).
 */
export interface TopKNode extends NodeBase {
  readonly kind: 'TopK';
  readonly input: PlanNode;
  readonly partitionBy: readonly Expression[];
  readonly orderBy: readonly SortKey[];
  readonly limit: number;
  readonly offset: number;
  readonly rankColumn: boolean;
}

/** Fails the step when its input holds more than one row: a scalar subquery's value. */
export interface SingleRowNode extends NodeBase {
  readonly kind: 'SingleRow';
  readonly input: PlanNode;
}

export type PlanNode =
  | ScanNode | ValuesNode | FilterNode | ProjectNode | JoinNode | AggregateNode | DistinctNode
  | SetOperationNode | TopKNode | SingleRowNode;

/** The name of the i-th ORDER BY key that is not an output column, computed by a Project below the sort. */
export function orderKeyColumn(i: number): string {
  return `order$${i}`;
}

export function isOrderKeyColumn(name: string): boolean {
  return /^order\$\d+$/.test(name);
}

/** The inputs of a node, in the order its operator takes them. */
export function planInputs(node: PlanNode): readonly PlanNode[] {
  switch (node.kind) {
    case 'Scan':
    case 'Values':
      return [];
    case 'Join':
    case 'SetOperation':
      return [node.left, node.right];
    default:
      return [node.input];
  }
}
