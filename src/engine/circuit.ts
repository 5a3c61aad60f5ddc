/**
 * The program as a dataflow circuit: one operator per plan node (a node shared by several views
 * or read twice through WITH is one operator), run in dependency order once per step. A step takes
 * the tables' input changes and returns the change of every table and view; each operator's cost
 * follows the size of its input changes, not of the tables.
 *
 * The circuit's state is the state of its operators. `snapshot()` serializes it at once into
 * opaque bytes, which `restore()` takes back in a circuit built from the same program.
 */
import { deserialize, serialize } from 'node:v8';
import { DynaviewError } from '../errors.js';
import type { Update } from '../schema.js';
import type { Expression } from '../sql/ast.js';
import type { PlanColumn, PlanNode } from '../plan/plan.js';
import { isOrderKeyColumn, planInputs } from '../plan/plan.js';
import { expressionScope } from '../plan/scope.js';
import type { Catalog } from './catalog.js';
import type { Evaluate } from './compiled.js';
import { compileExpression, compilePredicate } from './expressions.js';
import { AggregateOperator } from './operators/aggregate.js';
import { makeAggregator } from './operators/aggregates/make.js';
import { distinctOperator } from './operators/distinct.js';
import { FilterOperator } from './operators/filter.js';
import { JoinOperator } from './operators/join.js';
import { MaterializeOperator } from './operators/materialize.js';
import type { Operator } from './operators/operator.js';
import { ProjectOperator } from './operators/project.js';
import { setOperation } from './operators/set-operation.js';
import { SingleRowOperator } from './operators/single-row.js';
import { TopKOperator } from './operators/top-k.js';
import { ValuesOperator } from './operators/values.js';
import { compileComparator } from './compare.js';
import { RowEvaluationError, rowErrors, type DroppedRow, type ExpressionSite, type RowKey } from './row-error.js';
import { TableState, type TableChange } from './table-state.js';
import type { Value } from './value.js';
import type { Batch } from './zset.js';
import { consolidateBatch, type ZSet } from './zset.js';

/** The engine's state as bytes; only a circuit of the same program reads them. */
export type EngineSnapshot = Uint8Array;

const SNAPSHOT_FORMAT = 'dynaview-engine-state';
const SNAPSHOT_VERSION = 2;

interface CircuitNode {
  readonly operator: Operator | TableState;
  readonly inputs: readonly number[];
  /** Whether its changes never hold a row twice (so readers need not consolidate them). */
  readonly consolidated: boolean;
  /** The view (or table) whose definition made the node, for runtime error messages. */
  readonly owner: string;
}

interface RelationOutput {
  readonly node: number;
  readonly columns: readonly string[];
  readonly table: boolean;
}

export interface CircuitOptions {
  /** The tables and views whose changes `step()` returns (by default all): the others stay inside. */
  readonly outputs?: Iterable<string>;
  /**
   * Leave out of an operator the rows on which one of its expressions fails, and list them in
   * `dropped`, instead of failing the step (see `row-error.ts` for which errors qualify).
   */
  readonly dropFailingRows?: boolean;
}

export class Circuit {
  private readonly nodes: CircuitNode[] = [];
  private readonly relations = new Map<string, RelationOutput>();
  private readonly compiled = new Map<PlanNode, number>();

  private readonly outputs: ReadonlySet<string> | null;
  private readonly dropFailingRows: boolean;
  private droppedRows: DroppedRow[] = [];

  constructor(private readonly catalog: Catalog, options: CircuitOptions = {}) {
    this.outputs = options.outputs === undefined ? null : new Set(options.outputs);
    this.dropFailingRows = options.dropFailingRows === true;
    for (const relation of catalog.relations.values()) {
      const columns = relation.columns.map((c) => c.name);
      if (relation.kind === 'table') {
        const keyPositions = relation.primaryKey.map((key) => columns.indexOf(key));
        this.nodes.push({ operator: new TableState(keyPositions, relation.name), inputs: [], owner: relation.name, consolidated: true });
        this.relations.set(relation.name, { node: this.nodes.length - 1, columns, table: true });
      } else {
        const node = this.compile(relation.plan, relation.name);
        this.relations.set(relation.name, { node: relation.statement.modifier === 'materialized' ? this.materialize(node, relation.name) : node, columns, table: false });
      }
    }
  }

  /** Applies one step's input changes; returns the non-empty deltas by relation name (of the wanted outputs). */
  step(inputs: ReadonlyMap<string, readonly Update[]>): Map<string, ZSet> {
    this.droppedRows = [];
    const tableInputs = new Map<number, TableChange[]>();
    for (const [name, changes] of inputs) {
      const relation = this.relations.get(name);
      if (relation === undefined || !relation.table) continue;
      const { columns } = relation;
      const batch: TableChange[] = new Array(changes.length);
      for (let i = 0; i < changes.length; i += 1) {
        const { row, weight, partial } = changes[i]!;
        const fields = new Array<Value>(columns.length);
        for (let c = 0; c < columns.length; c += 1) fields[c] = (row[columns[c]!] ?? null) as Value;
        // A partial update sets the columns it names, NULL included; the others keep their values.
        batch[i] = partial === true ? { update: fields, sets: columns.map((column) => Object.hasOwn(row, column)) } : { row: fields, weight };
      }
      tableInputs.set(relation.node, batch);
    }
    const outputs: Batch[] = [];
    for (const node of this.nodes) {
      try {
        outputs.push(node.operator instanceof TableState
          ? node.operator.apply(tableInputs.get(outputs.length) ?? [])
          : node.operator.step(node.inputs.map((i) => outputs[i]!)));
      } catch (error) {
        if (error instanceof RowEvaluationError) throw error.inView(node.owner);
        if (error instanceof DynaviewError && error.code === 'SQL_RUNTIME_ERROR') {
          throw new DynaviewError('SQL_RUNTIME_ERROR', `view ${node.owner}: ${error.message}`, { context: { view: node.owner }, cause: error });
        }
        throw error;
      }
    }
    const deltas = new Map<string, ZSet>();
    for (const [name, relation] of this.relations) {
      if (this.outputs !== null && !this.outputs.has(name)) continue;
      const batch = outputs[relation.node]!;
      if (batch.length === 0) continue;
      const delta = this.records(this.nodes[relation.node]!.consolidated ? batch : consolidateBatch(batch), relation.columns);
      if (delta.length > 0) deltas.set(name, delta);
    }
    return deltas;
  }

  /** The rows the last step left out, in the order it met them (with `dropFailingRows`). */
  get dropped(): readonly DroppedRow[] {
    return this.droppedRows;
  }

  /** Positional rows as records of `columns`. */
  private records(batch: Batch, columns: readonly string[]): ZSet {
    const records: ZSet = [];
    for (const { row, weight } of batch) {
      const record: Record<string, Value> = {};
      for (let c = 0; c < columns.length; c += 1) record[columns[c]!] = row[c] ?? null;
      records.push({ row: record, weight });
    }
    return records;
  }

  /** The state after the last step, serialized now (later steps do not change it). */
  snapshot(): EngineSnapshot {
    return serialize({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, nodes: this.nodes.map((n) => n.operator.snapshot()) });
  }

  /** Continues from a snapshot taken from a circuit of the same program. */
  restore(snapshot: EngineSnapshot): void {
    let state: { format?: unknown; version?: unknown; nodes?: unknown };
    try {
      state = deserialize(snapshot) as typeof state;
    } catch (error) {
      throw new DynaviewError('ENGINE_STATE_INVALID', 'the saved engine state cannot be read', { cause: error });
    }
    if (state?.format !== SNAPSHOT_FORMAT || state.version !== SNAPSHOT_VERSION || !Array.isArray(state.nodes) || state.nodes.length !== this.nodes.length) {
      throw new DynaviewError('ENGINE_STATE_INVALID', 'the saved engine state was written by another program or dynaview version');
    }
    this.nodes.forEach((node, i) => node.operator.restore((state.nodes as unknown[])[i]));
  }

  /** A node that keeps the contents of node `input`, a materialized view's. */
  private materialize(input: number, owner: string): number {
    this.nodes.push({ operator: new MaterializeOperator(), inputs: [input], owner, consolidated: this.nodes[input]!.consolidated });
    return this.nodes.length - 1;
  }

  /** The rows a materialized view holds after the last step; undefined for any other relation. */
  contents(view: string): ZSet | undefined {
    const relation = this.relations.get(view);
    const operator = relation === undefined ? undefined : this.nodes[relation.node]!.operator;
    if (relation === undefined || !(operator instanceof MaterializeOperator)) return undefined;
    return this.records(operator.contents(), relation.columns);
  }

  /** The node's operator index, compiling it and its inputs first; a node seen before is reused. */
  private compile(plan: PlanNode, owner: string): number {
    const seen = this.compiled.get(plan);
    if (seen !== undefined) return seen;
    if (plan.kind === 'Scan') {
      const relation = this.relations.get(plan.relation);
      if (relation === undefined) throw new Error(`plan reads ${plan.relation}, which the circuit does not have yet`);
      return relation.node;
    }
    const inputs = planInputs(plan).map((input) => this.compile(input, owner));
    const consolidated = inputs.map((i) => this.nodes[i]!.consolidated);
    this.nodes.push({ operator: this.operator(plan, consolidated, owner), inputs, owner, consolidated: producesConsolidated(plan, consolidated) });
    this.compiled.set(plan, this.nodes.length - 1);
    return this.nodes.length - 1;
  }

  /**
   * Where the primary keys of the tables `plan` reads sit in `columns` (rows of `plan`'s inputs),
   * for the tables whose every key column is there: a dropped row names its input rows by them.
   */
  private rowKeys(plan: PlanNode, columns: readonly PlanColumn[]): RowKey[] {
    const keys = new Map<string, RowKey>();
    const visit = (node: PlanNode): void => {
      if (node.kind !== 'Scan') {
        planInputs(node).forEach(visit);
        return;
      }
      const table = this.catalog.relations.get(node.relation);
      const relation = node.columns[0]?.relation ?? null;
      if (table?.kind !== 'table' || table.primaryKey.length === 0 || relation === null) return;
      const found = table.primaryKey.map((name) => [name, columns.findIndex((c) => c.relation === relation && c.name === name && c.hidden !== true)] as const);
      if (found.every(([, at]) => at >= 0)) keys.set(relation, { relation, columns: found });
    };
    visit(plan);
    return [...keys.values()];
  }

  /** `consolidated`: per input, whether its changes are consolidated already; `owner`: the view it is part of. */
  private operator(plan: Exclude<PlanNode, { kind: 'Scan' }>, consolidated: readonly boolean[], owner: string): Operator {
    const scope = (columns: readonly PlanColumn[]) => expressionScope(columns, { file: this.catalog.file, types: this.catalog.types });
    const over = (columns: readonly PlanColumn[]) => (e: Parameters<typeof compileExpression>[0]): Evaluate => compileExpression(e, scope(columns)).evaluate;
    const predicateOver = (columns: readonly PlanColumn[]) => (e: Parameters<typeof compileExpression>[0]): Evaluate => compilePredicate(e, scope(columns)).evaluate;
    // Where each per-row expression sits in the program, for runtime error messages.
    const site = (role: string, expression: Expression, evaluate: Evaluate): ExpressionSite => ({ role, span: expression.span, evaluate });
    const sites = (role: string, expressions: readonly Expression[], evaluates: readonly Evaluate[]) => expressions.map((e, i) => site(role, e, evaluates[i]!));
    const drop = this.dropFailingRows ? (row: DroppedRow) => this.droppedRows.push(row) : undefined;
    const errorsOver = (columns: readonly PlanColumn[], ...found: ExpressionSite[][]) => rowErrors(found.flat(), columns, {
      file: this.catalog.file, view: owner, ...(drop === undefined ? { keys: [] } : { keys: this.rowKeys(plan, columns), drop }),
    });
    switch (plan.kind) {
      case 'Values':
        return new ValuesOperator(plan.rows);
      case 'Filter': {
        const predicate = predicateOver(plan.input.columns)(plan.predicate);
        return new FilterOperator(predicate, errorsOver(plan.input.columns, [site(plan.clause, plan.predicate, predicate)]));
      }
      case 'Project': {
        const expressions = plan.expressions.map(over(plan.input.columns));
        const columns = plan.expressions.map((e, i) => {
          const { name } = plan.columns[i]!;
          return isOrderKeyColumn(name) ? site('ORDER BY', e, expressions[i]!) : { ...site(`column ${name}`, e, expressions[i]!), column: name };
        });
        return new ProjectOperator(expressions, errorsOver(plan.input.columns, columns));
      }
      case 'Join': {
        const joined = [...plan.left.columns, ...plan.right.columns];
        const leftKeys = plan.leftKeys.map(over(plan.left.columns));
        const rightKeys = plan.rightKeys.map(over(plan.right.columns));
        // The residual's conjuncts (from ON or from WHERE) are sites of their own, so an error points at the one that failed.
        const conjuncts = plan.residual === null ? [] : andTerms(plan.residual);
        return new JoinOperator({
          leftKeys,
          rightKeys,
          nullSafe: plan.nullSafe,
          residual: plan.residual === null ? null : predicateOver(joined)(plan.residual),
          leftRowError: errorsOver(plan.left.columns, sites('join condition', plan.leftKeys, leftKeys)),
          rightRowError: errorsOver(plan.right.columns, sites('join condition', plan.rightKeys, rightKeys)),
          residualRowError: errorsOver(joined, sites('join condition', conjuncts, conjuncts.map(predicateOver(joined)))),
          leftWidth: plan.left.columns.length,
          rightWidth: plan.right.columns.length,
          padLeft: plan.join === 'LEFT' || plan.join === 'FULL',
          padRight: plan.join === 'RIGHT' || plan.join === 'FULL',
          leftConsolidated: consolidated[0] === true,
          rightConsolidated: consolidated[1] === true,
        });
      }
      case 'Aggregate': {
        const evaluate = over(plan.input.columns);
        const groupBy = plan.groupBy.map(evaluate);
        const aggregates = plan.aggregates.map((spec) => ({
          aggregator: makeAggregator(spec),
          args: spec.args.map(evaluate),
          filter: spec.filter === null ? null : predicateOver(plan.input.columns)(spec.filter),
        }));
        return new AggregateOperator({
          groupBy,
          aggregates,
          global: plan.global,
          rowError: errorsOver(plan.input.columns, sites('GROUP BY', plan.groupBy, groupBy), ...plan.aggregates.map((spec, a) => [
            ...(spec.filter === null ? [] : [site(`FILTER of ${spec.function}`, spec.filter, aggregates[a]!.filter!)]),
            ...sites(`argument of ${spec.function}`, spec.args, aggregates[a]!.args),
          ])),
        });
      }
      case 'Distinct':
        return distinctOperator();
      case 'SetOperation':
        return setOperation(plan.operator, plan.all);
      case 'TopK': {
        const columns = plan.input.columns;
        const partitionBy = plan.partitionBy.map(over(columns));
        const orderBy = plan.orderBy.map((key) => {
          const compiled = compileExpression(key.expression, scope(columns));
          return { evaluate: compiled.evaluate, compare: compileComparator(compiled.type), descending: key.descending, nullsFirst: key.nullsFirst };
        });
        return new TopKOperator({
          partitionBy,
          orderBy,
          limit: plan.limit,
          offset: plan.offset,
          rankColumn: plan.rankColumn,
          rowError: errorsOver(columns, sites('PARTITION BY', plan.partitionBy, partitionBy),
            sites('ORDER BY', plan.orderBy.map((key) => key.expression), orderBy.map((key) => key.evaluate))),
        });
      }
      case 'SingleRow':
        return new SingleRowOperator();
    }
  }
}

/** The conjuncts of `a AND b AND ...`. */
function andTerms(e: Expression): Expression[] {
  return e.kind === 'Binary' && e.operator === 'AND' ? [...andTerms(e.left), ...andTerms(e.right)] : [e];
}

/**
 * Whether a node's changes are consolidated: operators that emit per row (or group) the difference
 * of an integrated state are; filters keep their input's property; projections, joins and UNION ALL
 * may produce a row twice.
 */
function producesConsolidated(plan: PlanNode, inputs: readonly boolean[]): boolean {
  switch (plan.kind) {
    case 'Aggregate':
    case 'Distinct':
    case 'TopK':
      return true;
    case 'SetOperation':
      return !(plan.operator === 'UNION' && plan.all);
    case 'Filter':
    case 'SingleRow':
      return inputs[0] === true;
    default:
      return false;
  }
}
