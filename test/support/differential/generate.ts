/**
 * Random programs for the differential test: a few tables and views over them, drawn from the
 * SQL dynaview supports (projections and filters, inner/outer/cross joins on equi-keys with
 * residual predicates, GROUP BY and global aggregates with HAVING, DISTINCT, set operations,
 * subqueries in FROM and in expressions, ORDER BY ... LIMIT, views over views). Each construct is
 * a feature that can be switched off, to tell which one a failure needs.
 */
import {
  BIGINT, BOOLEAN, INT, VARCHAR, aggregateType, decimal, isInteger, isNumeric, outputColumns, renderQuery, sameType,
  typeOf, type AggregateName, type ColumnType, type ComparisonOperator, type Expr, type FromItem, type JoinType,
  type OutputColumn, type Query, type Select, type SelectItem,
} from './query.js';
import type { Rng } from './random.js';
import { TABLE_COLUMNS, centsText, createTableSql, type TableSpec } from './tables.js';

export const FEATURES = [
  'joins', 'outerJoins', 'crossJoins', 'multiJoins', 'nullSafeJoins',
  'aggregates', 'globalAggregates', 'having', 'distinctAggregates', 'aggregateExpressions', 'aggregateFilters',
  'distinct', 'setOperations', 'setOperationsAll',
  'subqueries', 'commonTableExpressions', 'inSubqueries', 'existsSubqueries', 'scalarSubqueries', 'correlatedSubqueries',
  'topK', 'offset', 'viewsOverViews',
  // Not a construct: a circuit replaced by one restored from its snapshot between steps, as a restarted run is.
  'restarts',
] as const;
export type Feature = (typeof FEATURES)[number];

export interface ViewSpec {
  readonly name: string;
  readonly query: Query;
  /** Feldera's types of the view's columns, by position. */
  readonly columns: readonly OutputColumn[];
}

export interface ProgramSpec {
  readonly tables: readonly TableSpec[];
  readonly views: readonly ViewSpec[];
}

/** The program as dynaview reads it. */
export function programText(program: ProgramSpec): string {
  return [
    ...program.tables.map((table) => `${createTableSql(table, 'feldera')};`),
    ...program.views.map((view) => `CREATE VIEW ${view.name} AS ${renderQuery(view.query, 'feldera')};`),
    '',
  ].join('\n');
}

export function generateProgram(rng: Rng, features: ReadonlySet<Feature>): ProgramSpec {
  const tables: TableSpec[] = Array.from({ length: rng.int(2, 3) }, (_, i) => ({
    name: `t${i}`,
    primaryKey: rng.chance(0.5),
    columns: TABLE_COLUMNS,
  }));
  const views: ViewSpec[] = [];
  const viewCount = rng.int(3, 6);
  for (let i = 0; i < viewCount; i++) {
    const sources: Source[] = [
      ...tables.map((t) => ({ name: t.name, columns: t.columns, isTable: true })),
      ...(features.has('viewsOverViews') ? views.map((v) => ({ name: v.name, columns: v.columns, isTable: false })) : []),
    ];
    const query = new QueryGenerator(rng, features, sources).view();
    views.push({ name: `v${i}`, query, columns: outputColumns(query) });
  }
  return { tables, views };
}

interface Source {
  readonly name: string;
  readonly columns: readonly OutputColumn[];
  readonly isTable: boolean;
}

/** A column a query can name: `qualifier.name`. */
interface ScopeColumn {
  readonly qualifier: string;
  readonly name: string;
  readonly type: ColumnType;
}

type Column = Extract<Expr, { kind: 'column' }>;

/** Columns that have few values: the likely join and group keys. */
const KEY_NAMES = new Set(['k', 's', 'f']);

const SET_OPERATION_TYPES: readonly ColumnType[] = [INT, BIGINT, VARCHAR, BOOLEAN, decimal(10, 2)];

class QueryGenerator {
  private aliases = 0;

  constructor(private readonly rng: Rng, private readonly features: ReadonlySet<Feature>, private readonly sources: readonly Source[]) {}

  private has(feature: Feature): boolean {
    return this.features.has(feature);
  }

  view(): Query {
    const shape = this.rng.weighted({
      select: 7,
      setOperation: this.has('setOperations') ? 1.5 : 0,
    });
    if (shape === 'setOperation') return this.setOperation(0);
    return this.select(0);
  }

  /** A SELECT; `depth` > 0 inside a subquery, where fewer nested constructs are drawn. */
  private select(depth: number): Select {
    const { from, scope } = this.from(depth);
    const where = this.rng.chance(0.4) ? this.wherePredicate(scope, depth) : null;
    const shape = this.rng.weighted({
      project: 4,
      distinct: this.has('distinct') ? 1.5 : 0,
      aggregate: this.has('aggregates') ? 3 : 0,
      global: this.has('globalAggregates') ? 1 : 0,
    });
    let select: Select;
    if (shape === 'aggregate' || shape === 'global') select = this.aggregate(from, where, scope, shape === 'global');
    else select = { kind: 'select', distinct: shape === 'distinct', items: this.projection(scope, depth), from, where, groupBy: null, having: null, topK: null };
    if (this.has('topK') && this.rng.chance(depth === 0 ? 0.12 : 0.05)) {
      const offset = this.has('offset') && this.rng.chance(0.25) ? this.rng.int(1, 3) : 0;
      select = { ...select, topK: { descending: select.items.map(() => this.rng.chance(0.4)), limit: this.rng.int(1, 5), offset } };
    }
    return select;
  }

  private newAlias(): string {
    return `a${this.aliases++}`;
  }

  /** One to three leaves joined left to right, and the columns they bring. */
  private from(depth: number): { from: FromItem; scope: ScopeColumn[] } {
    const leafCount = this.rng.weighted({ one: 9, two: this.has('joins') ? 8 : 0, three: this.has('joins') && this.has('multiJoins') ? 3 : 0 });
    let { from, scope } = this.leaf(depth);
    const joins = leafCount === 'one' ? 0 : leafCount === 'two' ? 1 : 2;
    for (let i = 0; i < joins; i++) {
      const right = this.leaf(depth + 1);
      const type = this.joinType();
      const on = type === 'CROSS' ? null : this.joinCondition(scope, right.scope);
      from = { kind: 'join', type, left: from, right: right.from, on };
      scope = [...scope, ...right.scope];
    }
    return { from, scope };
  }

  private leaf(depth: number): { from: FromItem; scope: ScopeColumn[] } {
    const alias = this.newAlias();
    if (this.has('subqueries') && this.rng.chance(depth === 0 ? 0.2 : depth === 1 ? 0.08 : 0)) {
      const query = this.rng.chance(0.25) && this.has('setOperations') ? this.setOperation(1) : this.select(depth + 1);
      const cte = this.has('commonTableExpressions') && this.rng.chance(0.35);
      return { from: { kind: 'subquery', query, alias, cte }, scope: outputColumns(query).map((c) => ({ qualifier: alias, ...c })) };
    }
    const views = this.sources.filter((s) => !s.isTable);
    const source = views.length > 0 && this.rng.chance(0.3) ? this.rng.pick(views) : this.rng.pick(this.sources.filter((s) => s.isTable));
    return { from: { kind: 'table', name: source.name, alias }, scope: source.columns.map((c) => ({ qualifier: alias, ...c })) };
  }

  private joinType(): JoinType {
    return this.rng.weighted({
      INNER: 4,
      LEFT: this.has('outerJoins') ? 2 : 0,
      RIGHT: this.has('outerJoins') ? 1.5 : 0,
      FULL: this.has('outerJoins') ? 1.5 : 0,
      CROSS: this.has('crossJoins') ? 0.4 : 0,
    });
  }

  /** Equalities between the two sides (NULL-safe ones too), sometimes with a residual predicate. */
  private joinCondition(left: readonly ScopeColumn[], right: readonly ScopeColumn[]): Expr {
    const pairs = left.flatMap((l) => right.filter((r) => sameType(l.type, r.type) && r.type.kind !== 'DOUBLE').map((r) => [l, r] as const));
    // Prefer keys with few values (and columns of the same name), so that rows match.
    const preferred = pairs.filter(([l, r]) => KEY_NAMES.has(r.name) || l.name === r.name);
    // Sometimes no equality at all: a join on a comparison only.
    const keyCount = this.rng.chance(0.08) ? 0 : this.rng.chance(0.15) ? 2 : 1;
    const keys = this.rng.sample(preferred.length > 0 && this.rng.chance(0.85) ? preferred : pairs, keyCount);
    let condition: Expr | null = null;
    for (const [l, r] of keys) {
      const equality: Expr = this.has('nullSafeJoins') && this.rng.chance(0.1)
        ? { kind: 'notDistinct', left: column(l), right: column(r) }
        : { kind: 'comparison', op: '=', left: column(l), right: column(r) };
      condition = condition ? and(condition, equality) : equality;
    }
    if (condition === null || this.rng.chance(0.35)) {
      const residual = this.rng.chance(0.5) ? this.crossComparison(left, right) : this.predicate(this.rng.chance(0.5) ? left : right, 1);
      condition = condition ? and(condition, residual) : residual;
    }
    return condition;
  }

  /** A non-equality comparison of a column of each side. */
  private crossComparison(left: readonly ScopeColumn[], right: readonly ScopeColumn[]): Expr {
    const r = this.rng.pick(right);
    const candidates = left.filter((l) => sameType(l.type, r.type));
    if (candidates.length === 0) return this.predicate(right, 1);
    const op = this.rng.pick<ComparisonOperator>(['<', '<=', '>', '>=', '<>']);
    return { kind: 'comparison', op, left: column(this.rng.pick(candidates)), right: column(r) };
  }

  /** A WHERE condition: at the top level of a view, sometimes one with a subquery. */
  private wherePredicate(scope: readonly ScopeColumn[], depth: number): Expr {
    const kind = this.rng.weighted({
      plain: 8,
      in: depth === 0 && this.has('inSubqueries') ? 1 : 0,
      exists: depth === 0 && this.has('existsSubqueries') ? 1 : 0,
      scalar: depth === 0 && this.has('scalarSubqueries') ? 0.7 : 0,
    });
    if (kind === 'plain') return this.predicate(scope, 0);
    const condition = kind === 'in' ? this.inSubquery(scope) : kind === 'exists' ? this.exists(scope) : this.scalarComparison(scope);
    return this.rng.chance(0.3) ? and(condition, this.predicate(scope, 1)) : condition;
  }

  /** A table of the program with a fresh alias, for a subquery. */
  private innerTable(): { alias: string; name: string; scope: ScopeColumn[] } {
    const alias = this.newAlias();
    const source = this.rng.pick(this.sources.filter((s) => s.isTable));
    return { alias, name: source.name, scope: source.columns.map((c) => ({ qualifier: alias, ...c })) };
  }

  /** `SELECT items FROM table WHERE condition`, as subqueries in expressions are written. */
  private innerSelect(table: { alias: string; name: string }, items: Expr[], where: Expr | null): Select {
    return {
      kind: 'select', distinct: false, items: items.map((expr, i) => ({ expr, alias: `c${i}` })),
      from: { kind: 'table', name: table.name, alias: table.alias }, where, groupBy: null, having: null, topK: null,
    };
  }

  /** An equality between an inner and an outer column (a correlated subquery), or null when none fits. */
  private correlation(outer: readonly ScopeColumn[], inner: readonly ScopeColumn[]): Expr | null {
    if (!this.has('correlatedSubqueries')) return null;
    const pairs = outer.flatMap((o) => inner.filter((i) => KEY_NAMES.has(i.name) && sameType(o.type, i.type)).map((i) => [o, i] as const));
    if (pairs.length === 0) return null;
    const [o, i] = this.rng.pick(pairs);
    return { kind: 'comparison', op: '=', left: column(i), right: column(o) };
  }

  /** `x [NOT] IN (SELECT y FROM t WHERE ...)`, sometimes correlated; NOT IN meets NULLs' three values. */
  private inSubquery(scope: readonly ScopeColumn[]): Expr {
    const inner = this.innerTable();
    const operands = scope.filter((c) => c.type.kind !== 'DOUBLE');
    const operand = operands.length > 0 ? this.rng.pick(operands) : null;
    const candidates = operand ? inner.scope.filter((c) => sameType(c.type, operand.type)) : [];
    if (operand === null || candidates.length === 0) return this.exists(scope);
    const filter = this.rng.chance(0.5) ? this.predicate(inner.scope, 1) : null;
    const correlated = this.rng.chance(0.3) ? this.correlation(scope, inner.scope) : null;
    const where = filter && correlated ? and(filter, correlated) : filter ?? correlated;
    const query = this.innerSelect(inner, [column(this.rng.pick(candidates))], where);
    return { kind: 'inSubquery', operand: column(operand), query, negated: this.rng.chance(0.35) };
  }

  /** `[NOT] EXISTS (SELECT ... FROM t WHERE t.k = outer.k ...)`. */
  private exists(scope: readonly ScopeColumn[]): Expr {
    const inner = this.innerTable();
    const correlated = this.correlation(scope, inner.scope);
    const filter = correlated === null || this.rng.chance(0.4) ? this.predicate(inner.scope, 1) : null;
    const where = filter && correlated ? and(correlated, filter) : correlated ?? filter;
    const query = this.innerSelect(inner, [column(this.rng.pick(inner.scope))], where);
    return { kind: 'exists', query, negated: this.rng.chance(0.4) };
  }

  /** An aggregate of another table, sometimes correlated: always one row, NULL when nothing matches (COUNT: 0). */
  private scalarSubquery(outer: readonly ScopeColumn[]): Extract<Expr, { kind: 'scalarSubquery' }> {
    const inner = this.innerTable();
    const call = this.aggregateCall(inner.scope);
    const correlated = this.rng.chance(0.6) ? this.correlation(outer, inner.scope) : null;
    return { kind: 'scalarSubquery', query: this.innerSelect(inner, [call], correlated), type: typeOf(call) };
  }

  /** A column compared with a scalar subquery of the same type. */
  private scalarComparison(scope: readonly ScopeColumn[]): Expr {
    for (let attempt = 0; attempt < 5; attempt++) {
      const subquery = this.scalarSubquery(scope);
      const candidates = scope.filter((c) => sameType(c.type, subquery.type) || (isInteger(c.type) && isInteger(subquery.type)));
      if (candidates.length > 0) {
        return { kind: 'comparison', op: this.rng.pick<ComparisonOperator>(['=', '<>', '<', '>=']), left: column(this.rng.pick(candidates)), right: subquery };
      }
    }
    return this.exists(scope);
  }

  private predicate(scope: readonly ScopeColumn[], depth: number): Expr {
    const kind = this.rng.weighted({
      literal: 5, columns: 1.5, isNull: 1.5, boolean: 1, inList: 0.7, between: 0.5, combined: depth < 2 ? 2 : 0, not: depth < 2 ? 0.5 : 0,
    });
    switch (kind) {
      case 'literal': {
        const c = this.rng.pick(scope);
        const op = c.type.kind === 'BOOLEAN' ? this.rng.pick<ComparisonOperator>(['=', '<>']) : this.rng.pick<ComparisonOperator>(['=', '<>', '<', '<=', '>', '>=']);
        return { kind: 'comparison', op, left: column(c), right: this.literal(c.type) };
      }
      case 'columns': {
        const c = this.rng.pick(scope);
        const others = scope.filter((o) => o !== c && sameType(o.type, c.type));
        if (others.length === 0) return this.isNull(scope);
        return { kind: 'comparison', op: this.rng.pick<ComparisonOperator>(['=', '<>', '<', '>=']), left: column(c), right: column(this.rng.pick(others)) };
      }
      case 'isNull':
        return this.isNull(scope);
      case 'inList': {
        const candidates = scope.filter((o) => o.type.kind !== 'DOUBLE' && o.type.kind !== 'BOOLEAN');
        if (candidates.length === 0) return this.isNull(scope);
        const c = this.rng.pick(candidates);
        const list = Array.from({ length: this.rng.int(1, 3) }, () => this.literal(c.type));
        return { kind: 'inList', operand: column(c), list, negated: this.rng.chance(0.3) };
      }
      case 'between': {
        const candidates = scope.filter((o) => isNumeric(o.type));
        if (candidates.length === 0) return this.isNull(scope);
        const c = this.rng.pick(candidates);
        const [low, high] = [this.literal(c.type), this.literal(c.type)];
        return { kind: 'between', operand: column(c), low, high };
      }
      case 'boolean': {
        const booleans = scope.filter((c) => c.type.kind === 'BOOLEAN');
        if (booleans.length === 0) return this.isNull(scope);
        return column(this.rng.pick(booleans));
      }
      case 'combined': {
        const left = this.predicate(scope, depth + 1);
        const right = this.predicate(scope, depth + 1);
        return { kind: 'logical', op: this.rng.chance(0.6) ? 'AND' : 'OR', left, right };
      }
      case 'not':
        return { kind: 'not', operand: this.predicate(scope, depth + 1) };
    }
  }

  /** `c IS [NOT] NULL`: the predicate every scope can make. */
  private isNull(scope: readonly ScopeColumn[]): Expr {
    return { kind: 'isNull', operand: column(this.rng.pick(scope)), negated: this.rng.chance(0.5) };
  }

  /** A literal in the range of the generated values, written alike in both dialects. */
  private literal(type: ColumnType): Extract<Expr, { kind: 'literal' }> {
    const rng = this.rng;
    switch (type.kind) {
      case 'INT':
      case 'BIGINT':
        return { kind: 'literal', text: String(rng.int(-3, 12)), type: INT };
      case 'BOOLEAN':
        return { kind: 'literal', text: rng.chance(0.5) ? 'TRUE' : 'FALSE', type: BOOLEAN };
      case 'VARCHAR':
        return { kind: 'literal', text: `'${rng.pick(['a', 'b', 'c', 'ab', ''])}'`, type: VARCHAR };
      case 'DOUBLE':
        // An exponent makes a DOUBLE literal in both; without one, 1.5 is a DECIMAL.
        return { kind: 'literal', text: `${rng.int(-16, 16) / 4}e0`, type };
      case 'DECIMAL': {
        const text = centsText(rng.int(-20, 20) * 25);
        return { kind: 'literal', text: text.includes('.') ? text : `${text}.0`, type: decimal(Math.max(text.replace(/[-.]/g, '').length, 2), 2) };
      }
    }
  }

  /** One to four output expressions, mostly plain columns; at a view's top level, sometimes a scalar subquery. */
  private projection(scope: readonly ScopeColumn[], depth: number): SelectItem[] {
    const count = this.rng.int(1, 4);
    return Array.from({ length: count }, (_, i) => ({
      expr: depth === 0 && this.has('scalarSubqueries') && this.rng.chance(0.06) ? this.scalarSubquery(scope) : this.valueExpression(scope),
      alias: `c${i}`,
    }));
  }

  private valueExpression(scope: readonly ScopeColumn[]): Expr {
    const c = this.rng.pick(scope);
    const kind = this.rng.weighted({
      column: 8,
      arithmetic: isInteger(c.type) ? 1.5 : 0,
      coalesce: c.type.kind === 'DOUBLE' || c.type.kind === 'DECIMAL' ? 0 : 1,
      case: 0.7,
    });
    if (kind === 'case') {
      const others = scope.filter((o) => sameType(o.type, c.type));
      return { kind: 'case', when: this.predicate(scope, 1), then: column(c), otherwise: column(this.rng.pick(others)), type: c.type };
    }
    if (kind === 'arithmetic') {
      const integers = scope.filter((o) => isInteger(o.type));
      const right = this.rng.chance(0.5) ? column(this.rng.pick(integers)) : this.literal(INT);
      const type = c.type.kind === 'BIGINT' || typeOf(right).kind === 'BIGINT' ? BIGINT : INT;
      return { kind: 'arithmetic', op: this.rng.pick(['+', '-'] as const), left: column(c), right, type };
    }
    if (kind === 'coalesce') {
      const literal = c.type.kind === 'BIGINT' ? { ...this.literal(INT), type: BIGINT } : this.literal(c.type);
      return { kind: 'coalesce', args: [column(c), literal], type: c.type };
    }
    return column(c);
  }

  /**
   * A GROUP BY query (or a global aggregate): some of the keys (columns, sometimes expressions),
   * then aggregates; sometimes HAVING, sometimes DISTINCT over the result.
   */
  private aggregate(from: FromItem, where: Expr | null, scope: readonly ScopeColumn[], global: boolean): Select {
    const groupable = scope.filter((c) => c.type.kind !== 'DOUBLE');
    const preferred = groupable.filter((c) => KEY_NAMES.has(c.name));
    const keyColumns = global ? [] : this.rng.sample(preferred.length > 0 && this.rng.chance(0.8) ? preferred : groupable, this.rng.int(1, 2));
    const keys = keyColumns.map((c) => (this.has('aggregateExpressions') && this.rng.chance(0.15) ? this.valueExpression([c]) : column(c)));
    // Grouping keys may be left out of the output, which then may repeat rows.
    const shownKeys = keys.filter(() => this.rng.chance(0.85));
    const aggregates = Array.from({ length: this.rng.int(1, 3) }, () => this.aggregateOutput(scope));
    const items = [...shownKeys, ...aggregates].map((expr, i) => ({ expr, alias: `c${i}` }));
    const having = this.has('having') && this.rng.chance(0.3) ? this.havingPredicate(scope, keys) : null;
    const distinct = !global && this.has('distinct') && this.rng.chance(0.1);
    return { kind: 'select', distinct, items, from, where, groupBy: global ? null : keys, having, topK: null };
  }

  /** An aggregate, sometimes inside an expression: COALESCE(SUM(n), 0), COUNT(*) + 1, MAX(n) - MIN(n). */
  private aggregateOutput(scope: readonly ScopeColumn[]): Expr {
    const call = this.aggregateCall(scope);
    const type = typeOf(call);
    if (!this.has('aggregateExpressions') || !isInteger(type) || !this.rng.chance(0.2)) return call;
    const kind = this.rng.weighted({ coalesce: 1, plus: 1, range: call.arg && call.name !== 'COUNT' ? 1 : 0 });
    if (kind === 'coalesce') return { kind: 'coalesce', args: [call, { ...this.literal(INT), type }], type };
    if (kind === 'plus') return { kind: 'arithmetic', op: '+', left: call, right: this.literal(INT), type };
    const max: Expr = { ...call, name: 'MAX', distinct: false };
    const min: Expr = { ...call, name: 'MIN', distinct: false };
    return { kind: 'arithmetic', op: '-', left: max, right: min, type };
  }

  /** An aggregate of a column (sometimes of an expression), sometimes DISTINCT, sometimes with FILTER. */
  private aggregateCall(scope: readonly ScopeColumn[]): Extract<Expr, { kind: 'aggregate' }> {
    const name = this.rng.weighted<AggregateName | 'COUNT_STAR'>({ COUNT_STAR: 2, COUNT: 1.5, SUM: 2, AVG: 1.5, MIN: 1.5, MAX: 1.5 });
    const filter = this.has('aggregateFilters') && this.rng.chance(0.12) ? this.predicate(scope, 1) : null;
    if (name === 'COUNT_STAR') return { kind: 'aggregate', name: 'COUNT', arg: null, distinct: false, filter, type: BIGINT };
    const candidates = name === 'SUM' || name === 'AVG' ? scope.filter((c) => isNumeric(c.type)) : scope.filter((c) => c.type.kind !== 'BOOLEAN');
    const pool = candidates.length > 0 ? candidates : scope;
    const arg = this.has('aggregateExpressions') && this.rng.chance(0.15) ? this.valueExpression(pool) : column(this.rng.pick(pool));
    // SUM and AVG need a numeric argument: fall back to COUNT when the scope has none.
    const actual = (name === 'SUM' || name === 'AVG') && !isNumeric(typeOf(arg)) ? 'COUNT' : name;
    const distinct = this.has('distinctAggregates') && actual !== 'AVG' && this.rng.chance(0.1);
    return { kind: 'aggregate', name: actual, arg, distinct, filter, type: aggregateType(actual, arg) };
  }

  /** A comparison of an aggregate with a literal (`COUNT(*) > 1`), sometimes AND a condition on a grouping key. */
  private havingPredicate(scope: readonly ScopeColumn[], keys: readonly Expr[]): Expr {
    const call = this.aggregateCall(scope);
    const type = typeOf(call);
    const literal = type.kind === 'BIGINT' ? { ...this.literal(INT), text: String(this.rng.int(0, 3)) } : this.literal(type);
    const condition: Expr = { kind: 'comparison', op: this.rng.pick<ComparisonOperator>(['>', '>=', '<', '<>']), left: call, right: literal };
    if (keys.length === 0 || !this.rng.chance(0.3)) return condition;
    const key = this.rng.pick(keys);
    const onKey: Expr = this.rng.chance(0.3) ? { kind: 'isNull', operand: key, negated: true } : { kind: 'comparison', op: '<>', left: key, right: this.literal(typeOf(key)) };
    return this.rng.chance(0.5) ? and(condition, onKey) : { kind: 'logical', op: 'OR', left: onKey, right: condition };
  }

  /** Two (sometimes three) queries of the same column types combined. */
  private setOperation(depth: number, columnTypes?: readonly ColumnType[]): Query {
    const types = columnTypes ?? this.rng.sample(SET_OPERATION_TYPES, this.rng.int(1, 3));
    const branch = (): Query => (depth < 1 && this.rng.chance(0.2) ? this.setOperation(depth + 1, types) : this.setBranch(types));
    const op = this.rng.weighted({ UNION: 4, EXCEPT: 2, INTERSECT: 2 });
    const all = op === 'UNION' ? this.rng.chance(0.5) : this.has('setOperationsAll') && this.rng.chance(0.3);
    return { kind: 'setOperation', op, all, left: branch(), right: branch() };
  }

  /** A SELECT of columns of the given types, from a table or a join of two, often filtered. */
  private setBranch(types: readonly ColumnType[]): Select {
    const tables = this.sources.filter((s) => s.isTable);
    const leaf = (): { from: FromItem; scope: ScopeColumn[] } => {
      const alias = this.newAlias();
      const source = this.rng.pick(tables);
      return { from: { kind: 'table', name: source.name, alias }, scope: source.columns.map((c) => ({ qualifier: alias, ...c })) };
    };
    let { from, scope } = leaf();
    if (this.has('joins') && this.rng.chance(0.3)) {
      const right = leaf();
      from = { kind: 'join', type: 'INNER', left: from, right: right.from, on: this.joinCondition(scope, right.scope) };
      scope = [...scope, ...right.scope];
    }
    const items = types.map((type, i) => ({ expr: column(this.rng.pick(scope.filter((c) => sameType(c.type, type)))), alias: `c${i}` }));
    const where = this.rng.chance(0.6) ? this.predicate(scope, 0) : null;
    return { kind: 'select', distinct: this.has('distinct') && this.rng.chance(0.2), items, from, where, groupBy: null, having: null, topK: null };
  }
}

function column(c: ScopeColumn): Column {
  return { kind: 'column', qualifier: c.qualifier, name: c.name, type: c.type };
}

function and(left: Expr, right: Expr): Expr {
  return { kind: 'logical', op: 'AND', left, right };
}
