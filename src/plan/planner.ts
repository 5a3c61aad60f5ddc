/**
 * The planner: a view's query (the parser's AST) to a tree of plan nodes. Names are resolved and
 * types checked here, with positioned errors; the nodes it returns read their inputs by position
 * only. Joins written with commas or CROSS JOIN take their equalities from WHERE, so that they are
 * planned as equi-joins and never as cross products; WITH items and views read twice are one node.
 */
import { FollowOnProblem, SqlError, type SourceLocation } from '../errors.js';
import { closestName } from '../util/closest-name.js';
import type {
  Expression, FromItem, Identifier, Join, Query, QueryBody, Select, SelectItem, SetOperation, Span, Values,
} from '../sql/ast.js';
import { formatSqlType } from '../sql/parse-type.js';
import { AGGREGATE_FUNCTIONS } from '../sql/parser.js';
import type { SqlType } from '../sql/sql-type.js';
import { commonTypeOf, describeType, sameType } from '../engine/type-rules.js';
import { isNullType } from '../engine/compiled.js';
import type { Value } from '../engine/value.js';
import { aggregateSpec } from './aggregates.js';
import { conjuncts, rewrite, sameExpression, some } from './expression-walk.js';
import type { AggregateSpec, FilterClause, JoinKind, PlanColumn, PlanNode, SortKey } from './plan.js';
import { orderKeyColumn } from './plan.js';
import { bind, hiddenColumn, inputReference, type BindContext } from './scope.js';

export interface PlannerContext extends BindContext {
  /** A table's or an earlier view's node, with its columns qualified by its name. */
  relation(name: string): PlanNode | undefined;
  /** Every table and view `relation` knows, for suggesting one in place of a misspelt name. */
  relationNames(): readonly string[];
  /** Whether `name` was declared by a statement that failed: reading it is no new problem. */
  failedRelation(name: string): boolean;
}

/** A planned FROM item or query: its node, and its columns as names in the query see them. */
interface Planned {
  readonly node: PlanNode;
  readonly scope: readonly PlanColumn[];
}

interface Environment {
  readonly ctes: ReadonlyMap<string, Planned>;
  /** Set while planning the body of an expression's subquery: the outer query's columns, and the keys found. */
  readonly correlation?: Correlation;
}

interface Correlation {
  readonly outer: readonly PlanColumn[];
  readonly pairs: Correlated[];
}

/** One correlation equality: its inner side (over the subquery) and outer side (over the outer query). */
interface Correlated {
  readonly inner: Expression;
  readonly outer: Expression;
  readonly innerType: SqlType;
  readonly outerType: SqlType;
}

export function planQuery(query: Query, context: PlannerContext): Planned {
  return new Planner(context).query(query, { ctes: new Map() });
}

class Planner {
  constructor(private readonly context: PlannerContext) {}

  query(query: Query, outer: Environment): Planned {
    const ctes = new Map(outer.ctes);
    for (const cte of query.with) {
      const planned = this.query(cte.query, { ctes });
      ctes.set(cte.name.name, this.renamed(planned, cte.columnNames, cte.name));
    }
    const environment: Environment = { ctes };
    // Correlation reaches a plain SELECT body only: limits and set operations are not decorrelated.
    const correlated = outer.correlation !== undefined && query.body.kind === 'Select' && query.limit === null && query.offset === null;
    const body = this.body(query.body, correlated ? { ctes, correlation: outer.correlation! } : environment);
    if (query.limit === null && query.offset === null) return body; // ORDER BY alone is ignored, as in Feldera.
    const limit = query.limit === null ? Number.MAX_SAFE_INTEGER : this.count(query.limit, 'LIMIT');
    const offset = query.offset === null ? 0 : this.count(query.offset, 'OFFSET');
    // ORDER BY may name input columns the SELECT does not output: they ride along as hidden columns.
    const unselected = query.body.kind === 'Select' && !query.body.distinct
      ? query.orderBy.filter((item) => !this.readsOutput(item.expression, body.scope)).map((item) => item.expression)
      : [];
    const sorted = unselected.length === 0 ? body : this.select(query.body as Select, environment, unselected);
    const orderBy = query.orderBy.map((item): SortKey => {
      const extra = unselected.indexOf(item.expression);
      return {
        expression: extra >= 0 ? inputReference(body.scope.length + extra, item.span) : this.orderExpression(item.expression, body.scope),
        descending: item.descending,
        nullsFirst: item.nullsFirst ?? !item.descending,
      };
    });
    const top: PlanNode = { kind: 'TopK', input: sorted.node, partitionBy: [], orderBy, limit, offset, rankColumn: false, columns: sorted.node.columns };
    if (unselected.length === 0) return { node: top, scope: body.scope };
    const expressions = body.scope.map((_, i) => inputReference(i, query.span));
    return { node: { kind: 'Project', input: top, expressions, columns: body.node.columns }, scope: body.scope };
  }

  /** Whether an ORDER BY item is an ordinal or reads only output columns. */
  private readsOutput(e: Expression, scope: readonly PlanColumn[]): boolean {
    if (e.kind === 'Literal' && e.type === 'INTEGER') return true;
    return !some(e, (n) => n.kind === 'AggregateCall') && this.columnsRead(e, scope, false) !== undefined;
  }

  /** ORDER BY items name output columns: by ordinal, by name, or as an expression over them. */
  private orderExpression(e: Expression, scope: readonly PlanColumn[]): Expression {
    if (e.kind === 'Literal' && e.type === 'INTEGER') {
      const ordinal = Number(e.text);
      if (ordinal < 1 || ordinal > scope.length) throw this.error('SQL_INVALID', `ORDER BY position ${ordinal} is not in the select list (1 to ${scope.length})`, e.span);
      return inputReference(ordinal - 1, e.span);
    }
    return bind(e, scope, this.context).expression;
  }

  private count(e: Expression, clause: string): number {
    if (e.kind !== 'Literal' || e.type !== 'INTEGER') throw this.error('SQL_NOT_SUPPORTED', `${clause} must be an integer constant`, e.span);
    return Number(e.text);
  }

  private body(body: QueryBody, environment: Environment): Planned {
    switch (body.kind) {
      case 'Select':
        return this.select(body, environment);
      case 'Values':
        return this.values(body);
      case 'SetOperation':
        return this.setOperation(body, environment);
      case 'Query':
        return this.query(body, environment);
    }
  }

  private values(values: Values): Planned {
    const width = values.rows[0]?.length ?? 0;
    const compiledRows = values.rows.map((row) => {
      if (row.length !== width) throw this.error('SQL_INVALID', `VALUES rows must all have ${width} values`, row[0]?.span ?? values.span);
      return row.map((e) => bind(e, [], this.context));
    });
    const columns = Array.from({ length: width }, (_, i): PlanColumn => {
      const type = commonTypeOf(compiledRows.map((row) => row[i]!.compiled.type));
      if (type === undefined || isNullType(type)) throw this.error('SQL_INVALID', `the values of VALUES column ${i + 1} have no common type`, values.span);
      return { name: `expr$${i}`, type, nullable: compiledRows.some((row) => row[i]!.compiled.nullable), relation: null };
    });
    const rows = compiledRows.map((row) => row.map((cell, i) => this.constant(this.cast(cell.expression, cell.compiled.type, columns[i]!.type))));
    return { node: { kind: 'Values', rows, columns }, scope: columns };
  }

  private constant(e: Expression): Value {
    return bind(e, [], this.context).compiled.evaluate([]);
  }

  private setOperation(operation: SetOperation, environment: Environment): Planned {
    const left = this.body(operation.left, environment);
    const right = this.body(operation.right, environment);
    if (left.scope.length !== right.scope.length) {
      throw this.error('SQL_INVALID', `the two sides of ${operation.operator} have ${left.scope.length} and ${right.scope.length} columns`, operation.span);
    }
    const types = left.scope.map((column, i) => {
      const other = right.scope[i]!;
      const type = commonTypeOf([column.type, other.type]);
      if (type === undefined || isNullType(type)) {
        throw this.error('SQL_INVALID', `column ${i + 1} of ${operation.operator} has types ${describeType(column.type)} and ${describeType(other.type)}, which do not mix`, operation.span);
      }
      return type;
    });
    const leftNode = this.castColumns(left, types, operation.span);
    const rightNode = this.castColumns(right, types, operation.span);
    const columns = left.scope.map((column, i): PlanColumn => ({
      name: column.name, type: types[i]!, nullable: column.nullable || right.scope[i]!.nullable, relation: null,
    }));
    const node: PlanNode = { kind: 'SetOperation', operator: operation.operator, all: operation.all, left: leftNode, right: rightNode, columns };
    return { node, scope: columns };
  }

  /** The planned input with its columns converted to `types` where they differ. */
  private castColumns(planned: Planned, types: readonly SqlType[], span: Span): PlanNode {
    const columns = planned.node.columns;
    if (columns.every((c, i) => sameType(c.type, types[i]!))) return planned.node;
    const expressions = columns.map((c, i) => this.cast(inputReference(i, span), c.type, types[i]!));
    return { kind: 'Project', input: planned.node, expressions, columns: columns.map((c, i) => ({ ...c, type: types[i]!, relation: null })) };
  }

  private cast(e: Expression, from: SqlType | { kind: 'null' }, to: SqlType): Expression {
    if (sameType(from, to)) return e;
    // The syntax tree's casts name their type as text, as written in SQL.
    return { kind: 'Cast', operand: e, type: { text: formatSqlType(to), span: e.span }, span: e.span };
  }

  // ---- SELECT ---------------------------------------------------------------------------------

  /** `extra`: expressions (ORDER BY items) to output too, after the select list, as hidden columns. */
  private select(select: Select, outer: Environment, extra: readonly Expression[] = []): Planned {
    const { correlation } = outer;
    const environment: Environment = { ctes: outer.ctes };
    const where = select.where === null ? [] : conjuncts(select.where);
    let input: Planned = select.from === null ? { node: { kind: 'Values', rows: [[]], columns: [] }, scope: [] } : this.from(select.from, environment, where);
    if (correlation !== undefined) this.correlate(where, input.scope, correlation);
    for (const condition of where) input = this.filter(input, condition, environment);
    // A correlated subquery also returns its side of the correlation keys, grouped by them when it aggregates.
    const keys = correlation?.pairs.map((pair) => pair.inner) ?? [];
    const extraItems = extra.map((e, i) => ({ expression: e, name: orderKeyColumn(i), span: e.span }));
    const hiddenCount = extra.length + keys.length;

    const aggregated = select.groupBy !== null || [...select.items.map((i) => (i.kind === 'SelectExpression' ? i.expression : null)), select.having]
      .some((e) => e !== null && some(e, (n) => n.kind === 'AggregateCall'));
    let items: Array<{ expression: Expression; name: string; span: Span }>;
    let scope: readonly PlanColumn[];
    let node: PlanNode;
    if (aggregated) {
      const grouped = this.aggregate(select, input, keys, extraItems);
      // Subqueries of HAVING and of the select list read the groups.
      const having = grouped.having === null ? [] : [grouped.having];
      const withSubqueries = this.subqueriesIn([...having, ...grouped.items.map((i) => i.expression)], { node: grouped.node, scope: grouped.scope }, environment);
      ({ node, scope } = withSubqueries.planned);
      if (grouped.having !== null) node = this.filterBound({ node, scope }, withSubqueries.expressions[0]!, 'HAVING');
      items = grouped.items.map((item, i) => ({ ...item, expression: withSubqueries.expressions[having.length + i]! }));
    } else {
      if (select.having !== null) throw this.error('SQL_INVALID', 'HAVING needs GROUP BY or an aggregate', select.having.span);
      const ranked = this.rowNumber(input, this.expandItems(select.items, input.scope));
      node = ranked.planned.node;
      scope = ranked.planned.scope;
      items = [...ranked.items, ...extraItems, ...keys.map((key, i) => ({ expression: key, name: `correlation$${i}`, span: select.span }))];
      const withSubqueries = this.subqueriesIn(items.map((i) => i.expression), { node, scope }, environment);
      node = withSubqueries.planned.node;
      scope = withSubqueries.planned.scope;
      items = items.map((item, i) => ({ ...item, expression: withSubqueries.expressions[i]! }));
    }
    const bound = items.map((item) => bind(item.expression, scope, this.context));
    const columns = items.map((item, i): PlanColumn => {
      const sourceIndex = bound[i]!.expression.kind === 'InputReference' ? (bound[i]!.expression as { index: number }).index : -1;
      const source = scope[sourceIndex];
      const column: PlanColumn = { name: item.name, type: bound[i]!.compiled.type, nullable: bound[i]!.compiled.nullable, relation: source?.relation ?? null };
      return i >= items.length - hiddenCount ? { ...column, hidden: true } : column;
    });
    const identity = bound.length === scope.length && bound.every((b, i) => b.expression.kind === 'InputReference' && b.expression.index === i)
      && scope.every((c) => !c.hidden);
    let projected: PlanNode = identity && columns.every((c, i) => c.name === node.columns[i]!.name)
      ? node
      : { kind: 'Project', input: node, expressions: bound.map((b) => b.expression), columns };
    if (select.distinct) projected = { kind: 'Distinct', input: projected, columns };
    return { node: projected, scope: columns };
  }

  /** Select items with `*` and `t.*` expanded, each with its output name. */
  private expandItems(items: readonly SelectItem[], scope: readonly PlanColumn[]): Array<{ expression: Expression; name: string; span: Span }> {
    return items.flatMap((item, position) => {
      if (item.kind === 'AllColumns') {
        const table = item.table;
        const columns = scope.flatMap((c, index) => (!c.hidden && (table === null || c.relation === table.name) ? [{ c, index }] : []));
        if (table !== null && columns.length === 0) throw this.error('SQL_INVALID', `unknown table ${table.name} in ${table.name}.*`, table.span);
        return columns.map(({ c, index }) => ({ expression: inputReference(index, item.span), name: c.name, span: item.span }));
      }
      const e = item.expression;
      const name = item.alias?.name ?? (e.kind === 'ColumnReference' ? e.column.name : `expr$${position}`);
      return [{ expression: e, name, span: item.alias?.span ?? item.span }];
    });
  }

  private filter(input: Planned, condition: Expression, environment: Environment): Planned {
    const { planned, expressions } = this.subqueriesIn([condition], input, environment);
    return { node: this.filterBound(planned, expressions[0]!, 'WHERE'), scope: planned.scope };
  }

  private filterBound(input: Planned, condition: Expression, clause: FilterClause): PlanNode {
    const predicate = bind(condition, input.scope, this.context, true).expression;
    const source = limitRanking(input.node, predicate);
    return { kind: 'Filter', input: source, predicate, clause, columns: source.columns };
  }

  /**
   * `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)` in the select list: a TopK that numbers the
   * rows of each partition, as a hidden column the item reads. Unlimited until a filter on the
   * number (`rn <= k`) limits it (see `limitRanking`), which is the form Feldera runs cheaply.
   */
  private rowNumber(input: Planned, items: Array<{ expression: Expression; name: string; span: Span }>): { planned: Planned; items: typeof items } {
    let ranking: Planned | undefined;
    const rewritten = items.map((item) => ({
      ...item,
      expression: rewrite(item.expression, (n) => {
        if (n.kind !== 'WindowCall') return undefined;
        if (n.name.name !== 'ROW_NUMBER') {
          const instead = AGGREGATE_FUNCTIONS.has(n.name.name) && n.orderBy.length === 0
            ? `compute ${n.name.name} in a GROUP BY subquery and join it back on the PARTITION BY columns`
            : 'ROW_NUMBER() is supported, filtered with rn <= k (a top-k per partition)';
          throw this.error('SQL_NOT_SUPPORTED', `window function ${n.name.name} is not supported yet: ${instead}`, n.span);
        }
        if (ranking !== undefined) throw this.error('SQL_NOT_SUPPORTED', 'only one ROW_NUMBER() per query is supported', n.span);
        const partitionBy = n.partitionBy.map((e) => bind(e, input.scope, this.context).expression);
        const orderBy = n.orderBy.map((o): SortKey => ({
          expression: bind(o.expression, input.scope, this.context).expression, descending: o.descending, nullsFirst: o.nullsFirst ?? !o.descending,
        }));
        const rank = hiddenColumn('row_number$', { type: { kind: 'integer', name: 'BIGINT', unsigned: false }, nullable: false });
        const columns = [...input.node.columns, rank];
        ranking = {
          node: { kind: 'TopK', input: input.node, partitionBy, orderBy, limit: Number.MAX_SAFE_INTEGER, offset: 0, rankColumn: true, columns },
          scope: [...input.scope, rank],
        };
        return inputReference(columns.length - 1, n.span);
      }),
    }));
    return { planned: ranking ?? input, items: rewritten };
  }

  // ---- FROM and joins -------------------------------------------------------------------------

  /**
   * A FROM clause. Inner and cross joins are flattened into their items and conditions (ON and,
   * for the whole FROM, WHERE conjuncts, which are taken out of `where` when used), then joined
   * left to right, each join keyed by the equalities between what is joined so far and the next item.
   */
  private from(item: FromItem, environment: Environment, where: Expression[]): Planned {
    const items: Planned[] = [];
    const conditions: Expression[] = [];
    this.flatten(item, environment, items, conditions);
    if (items.length > 1) this.pushDown(items, [[conditions, 'JOIN ON'], [where, 'WHERE']]);
    const fromWhere = where.filter((c) => !some(c, isSubquery));
    const groups = this.joinGroups(items, [...conditions, ...fromWhere]);
    // Each group of linked items is joined on its keys; the groups then meet in cross products.
    const joinGroup = (group: readonly number[]): Planned => group.slice(1)
      .reduce((joined, i) => this.innerJoin(joined, items[i]!, conditions, where, fromWhere), items[group[0]!]!);
    let joined = groups.slice(1).reduce((left, group) => this.innerJoin(left, joinGroup(group), conditions, where, fromWhere), joinGroup(groups[0]!));
    // ON conditions that read no column.
    for (const condition of conditions) joined = { node: this.filterBound(joined, condition, 'JOIN ON'), scope: joined.scope };
    return this.inFromOrder(joined, items, groups.flat());
  }

  /**
   * FROM items grouped by the equalities that link them, so that every join inside a group has a
   * key; each group lists its items in the order to join them (always the first item, in FROM
   * order, linked to what is joined so far), and groups come in FROM order of their first item.
   */
  private joinGroups(items: readonly Planned[], conditions: readonly Expression[]): number[][] {
    const scope = items.flatMap((i) => i.scope);
    const owner = items.flatMap((i, index) => i.scope.map(() => index));
    const links = items.map(() => new Set<number>());
    for (const condition of conditions) {
      if (!(condition.kind === 'Binary' && condition.operator === '=') && !(condition.kind === 'IsDistinct' && condition.negated)) continue;
      const read = this.columnsRead(condition, scope);
      const readItems = [...new Set([...(read ?? [])].map((c) => owner[c]!))];
      if (readItems.length !== 2) continue;
      links[readItems[0]!]!.add(readItems[1]!);
      links[readItems[1]!]!.add(readItems[0]!);
    }
    const groups: number[][] = [];
    const placed = new Set<number>();
    for (let start = 0; start < items.length; start += 1) {
      if (placed.has(start)) continue;
      const group = [start];
      placed.add(start);
      for (let grown = true; grown;) {
        grown = false;
        for (let next = 0; next < items.length && !grown; next += 1) {
          if (placed.has(next) || !group.some((i) => links[i]!.has(next))) continue;
          group.push(next);
          placed.add(next);
          grown = true;
        }
      }
      groups.push(group);
    }
    return groups;
  }

  /** The joined columns back in FROM order (as `SELECT *` shows them), when the join order differs. */
  private inFromOrder(joined: Planned, items: readonly Planned[], order: readonly number[]): Planned {
    if (order.every((item, i) => item === i)) return joined;
    const start = new Map<number, number>();
    let offset = 0;
    for (const item of order) {
      start.set(item, offset);
      offset += items[item]!.scope.length;
    }
    const positions = items.flatMap((item, index) => item.scope.map((_, column) => start.get(index)! + column));
    const span = { start: { line: 0, col: 0, offset: 0 }, end: { line: 0, col: 0, offset: 0 } };
    const node: PlanNode = {
      kind: 'Project', input: joined.node,
      expressions: positions.map((p) => inputReference(p, span)),
      columns: positions.map((p) => joined.node.columns[p]!),
    };
    return { node, scope: positions.map((p) => joined.scope[p]!) };
  }

  /** Conditions that read one FROM item only filter that item before it is joined (and leave their lists). */
  private pushDown(items: Planned[], lists: ReadonlyArray<readonly [Expression[], FilterClause]>): void {
    const scope = items.flatMap((i) => i.scope);
    const owner = items.flatMap((i, index) => i.scope.map(() => index));
    for (const [list, clause] of lists) {
      for (let i = 0; i < list.length; i += 1) {
        const condition = list[i]!;
        if (some(condition, isSubquery)) continue;
        const read = this.columnsRead(condition, scope);
        const readItems = new Set([...(read ?? [])].map((column) => owner[column]!));
        if (readItems.size !== 1) continue;
        const [target] = readItems as Set<number>;
        items[target!] = { node: this.filterBound(items[target!]!, condition, clause), scope: items[target!]!.scope };
        list.splice(i, 1);
        i -= 1;
      }
    }
  }

  /** The positions of `scope` an expression (a condition, unless `predicate` is false) reads; undefined when it reads a column `scope` lacks. */
  private columnsRead(condition: Expression, scope: readonly PlanColumn[], predicate = true): Set<number> | undefined {
    let bound: Expression;
    try {
      bound = bind(condition, scope, this.context, predicate).expression;
    } catch (error) {
      if (error instanceof SqlError && /^unknown (column|table)/.test(error.detail)) return undefined;
      throw error;
    }
    const read = new Set<number>();
    some(bound, (n) => {
      if (n.kind === 'InputReference') read.add(n.index);
      return false;
    });
    return read;
  }

  private flatten(item: FromItem, environment: Environment, items: Planned[], conditions: Expression[]): void {
    if (item.kind === 'Join' && (item.type === 'INNER' || item.type === 'CROSS') && !item.natural && item.using === null) {
      this.flatten(item.left, environment, items, conditions);
      this.flatten(item.right, environment, items, conditions);
      if (item.on !== null) conditions.push(...conjuncts(item.on));
      return;
    }
    items.push(this.fromItem(item, environment));
  }

  private fromItem(item: FromItem, environment: Environment): Planned {
    switch (item.kind) {
      case 'TableReference': {
        const name = item.name.name;
        const cte = environment.ctes.get(name);
        const qualifier = item.alias?.name ?? name;
        if (cte !== undefined) return this.qualified(cte, qualifier);
        // A scan is cheap to repeat: each reference gets its own, named as the query names it (for explain).
        const scan = this.relation(item.name, environment);
        const columns = scan.columns.map((c) => ({ ...c, relation: qualifier }));
        return { node: { ...scan, columns }, scope: columns };
      }
      case 'SubqueryReference': {
        const planned = this.renamed(this.query(item.query, environment), item.columnNames, item.alias ?? item.query);
        return this.qualified(planned, item.alias?.name ?? null);
      }
      case 'Join':
        return this.outerJoin(item, environment);
    }
  }

  private relation(name: Identifier, environment: Environment): PlanNode {
    const node = this.context.relation(name.name);
    if (node !== undefined) return node;
    if (this.context.failedRelation(name.name)) throw new FollowOnProblem(`table or view ${name.name}`);
    const suggestion = closestName(name.name, [...this.context.relationNames(), ...environment.ctes.keys()]);
    throw this.error('SQL_INVALID', `unknown table or view ${name.name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`, name.span);
  }

  private qualified(planned: Planned, relation: string | null): Planned {
    return { node: planned.node, scope: planned.scope.map((c) => ({ ...c, relation })) };
  }

  /** `(cols)` after a WITH item or a subquery alias renames its columns. */
  private renamed(planned: Planned, names: readonly Identifier[] | null, at: { span: Span }): Planned {
    if (names === null) return planned;
    if (names.length !== planned.scope.length) {
      throw this.error('SQL_INVALID', `${names.length} column names given for ${planned.scope.length} columns`, at.span);
    }
    const columns = planned.node.columns.map((c, i) => ({ ...c, name: names[i]!.name }));
    const node: PlanNode = { kind: 'Project', input: planned.node, expressions: columns.map((_, i) => inputReference(i, at.span)), columns };
    return { node, scope: columns };
  }

  /**
   * Joins `right` to `left` on the conditions of `pending` (and WHERE conjuncts in `where`) that
   * the two together can evaluate: equalities between one side and the other become keys; the
   * rest is the residual. Used conditions are removed from their lists.
   */
  private innerJoin(left: Planned, right: Planned, pending: Expression[], where: Expression[], fromWhere: readonly Expression[]): Planned {
    const scope = [...left.scope, ...right.scope];
    const leftWidth = left.scope.length;
    const leftKeys: Expression[] = [];
    const rightKeys: Expression[] = [];
    const nullSafe: boolean[] = [];
    const residual: Expression[] = [];
    const take = (list: Expression[], fromWhereList: boolean): void => {
      for (let i = 0; i < list.length; i += 1) {
        const condition = list[i]!;
        if (fromWhereList && !fromWhere.includes(condition)) continue;
        const read = this.columnsRead(condition, scope);
        if (read === undefined || ![...read].some((column) => column >= leftWidth)) continue;
        list.splice(i, 1);
        i -= 1;
        const key = this.equiKey(condition, scope, leftWidth);
        if (key === undefined) {
          residual.push(condition);
          continue;
        }
        leftKeys.push(key.left);
        rightKeys.push(key.right);
        nullSafe.push(key.nullSafe);
      }
    };
    take(pending, false);
    take(where, true);
    return this.joinNode('INNER', left, right, leftKeys, rightKeys, nullSafe, residual);
  }

  /** `a = b` (or `a IS NOT DISTINCT FROM b`) with `a` on one side and `b` on the other: the key pair, cast to a common type. */
  private equiKey(condition: Expression, scope: readonly PlanColumn[], leftWidth: number): { left: Expression; right: Expression; nullSafe: boolean } | undefined {
    let a: Expression;
    let b: Expression;
    let nullSafe: boolean;
    if (condition.kind === 'Binary' && condition.operator === '=') {
      [a, b, nullSafe] = [condition.left, condition.right, false];
    } else if (condition.kind === 'IsDistinct' && condition.negated) {
      [a, b, nullSafe] = [condition.left, condition.right, true];
    } else {
      return undefined;
    }
    const boundA = bind(a, scope, this.context);
    const boundB = bind(b, scope, this.context);
    const sideOf = (e: Expression): 'left' | 'right' | 'both' | 'none' => {
      let l = false;
      let r = false;
      some(e, (n) => {
        if (n.kind === 'InputReference') {
          if (n.index < leftWidth) l = true;
          else r = true;
        }
        return false;
      });
      return l && r ? 'both' : l ? 'left' : r ? 'right' : 'none';
    };
    const sa = sideOf(boundA.expression);
    const sb = sideOf(boundB.expression);
    let leftSide: typeof boundA;
    let rightSide: typeof boundA;
    if (sa === 'left' && sb === 'right') [leftSide, rightSide] = [boundA, boundB];
    else if (sa === 'right' && sb === 'left') [leftSide, rightSide] = [boundB, boundA];
    else return undefined;
    const type = commonTypeOf([leftSide.compiled.type, rightSide.compiled.type]);
    if (type === undefined || isNullType(type)) return undefined;
    const shift = (e: Expression): Expression => rewrite(e, (n) => (n.kind === 'InputReference' ? inputReference(n.index - leftWidth, n.span) : undefined));
    return {
      left: this.cast(leftSide.expression, leftSide.compiled.type, type),
      right: shift(this.cast(rightSide.expression, rightSide.compiled.type, type)),
      nullSafe,
    };
  }

  private joinNode(kind: JoinKind, left: Planned, right: Planned, leftKeys: Expression[], rightKeys: Expression[], nullSafe: boolean[], residual: Expression[]): Planned {
    const nullableLeft = kind === 'RIGHT' || kind === 'FULL';
    const nullableRight = kind === 'LEFT' || kind === 'FULL';
    const nodeColumns = [
      ...left.node.columns.map((c) => (nullableLeft ? { ...c, nullable: true } : c)),
      ...right.node.columns.map((c) => (nullableRight ? { ...c, nullable: true } : c)),
    ];
    const scope = [
      ...left.scope.map((c) => (nullableLeft ? { ...c, nullable: true } : c)),
      ...right.scope.map((c) => (nullableRight ? { ...c, nullable: true } : c)),
    ];
    const joinScope = [...left.scope, ...right.scope];
    const residualExpression = residual.length === 0 ? null : bind(residual.reduce((a, b) => ({ kind: 'Binary', operator: 'AND', left: a, right: b, span: a.span })), joinScope, this.context, true).expression;
    const node: PlanNode = { kind: 'Join', join: kind, left: left.node, right: right.node, leftKeys, rightKeys, nullSafe, residual: residualExpression, columns: nodeColumns };
    return { node, scope };
  }

  /** A join that is not flattened: outer joins, USING and NATURAL joins. */
  private outerJoin(join: Join, environment: Environment): Planned {
    const left = this.fromItem(join.left, environment);
    const right = this.fromItem(join.right, environment);
    const kind: JoinKind = join.type === 'CROSS' ? 'INNER' : join.type;
    const scope = [...left.scope, ...right.scope];
    const leftWidth = left.scope.length;
    const conditions: Expression[] = [];
    const usingPairs: Array<[number, number]> = [];
    const using = join.natural
      ? left.scope.filter((c) => !c.hidden && right.scope.some((r) => !r.hidden && r.name === c.name)).map((c): Identifier => ({ name: c.name, quoted: true, span: join.span }))
      : join.using;
    if (using !== null) {
      for (const id of using) {
        const l = left.scope.findIndex((c) => !c.hidden && c.name === id.name);
        const r = right.scope.findIndex((c) => !c.hidden && c.name === id.name);
        if (l < 0 || r < 0) throw this.error('SQL_INVALID', `column ${id.name} of USING is not a column of both sides of the join`, id.span);
        conditions.push({ kind: 'Binary', operator: '=', left: inputReference(l, id.span), right: inputReference(leftWidth + r, id.span), span: id.span });
        usingPairs.push([l, r]);
      }
    } else if (join.on !== null) {
      conditions.push(...conjuncts(join.on));
    }
    const leftKeys: Expression[] = [];
    const rightKeys: Expression[] = [];
    const nullSafe: boolean[] = [];
    const residual: Expression[] = [];
    for (const condition of conditions) {
      const key = this.equiKey(condition, scope, leftWidth);
      if (key === undefined) {
        residual.push(condition);
      } else {
        leftKeys.push(key.left);
        rightKeys.push(key.right);
        nullSafe.push(key.nullSafe);
      }
    }
    const planned = this.joinNode(kind, left, right, leftKeys, rightKeys, nullSafe, residual);
    if (usingPairs.length === 0) return planned;
    // USING columns appear once (the right's copy is out of `*` and of unqualified names); where the
    // left side may be padded, the merged value is COALESCE(left, right).
    const merged = planned.scope.map((c, i) => (i >= leftWidth && usingPairs.some(([, r]) => r === i - leftWidth) ? { ...c, hidden: true } : c));
    if (kind !== 'RIGHT' && kind !== 'FULL') return { node: planned.node, scope: merged };
    const span = join.span;
    const expressions = planned.node.columns.map((_, i): Expression => {
      const pair = usingPairs.find(([l]) => l === i);
      if (pair === undefined) return inputReference(i, span);
      return { kind: 'FunctionCall', name: { name: 'COALESCE', quoted: false, span }, args: [inputReference(i, span), inputReference(leftWidth + pair[1], span)], span };
    });
    const columns = planned.node.columns.map((c, i) => (usingPairs.some(([l, r]) => l === i && !planned.node.columns[leftWidth + r]!.nullable) ? { ...c, nullable: false } : c));
    return { node: { kind: 'Project', input: planned.node, expressions, columns }, scope: merged };
  }

  // ---- GROUP BY and aggregates ----------------------------------------------------------------

  private aggregate(select: Select, input: Planned, correlationKeys: readonly Expression[], extraItems: ReadonlyArray<{ expression: Expression; name: string; span: Span }>): {
    node: PlanNode; scope: PlanColumn[]; items: Array<{ expression: Expression; name: string; span: Span }>; having: Expression | null;
  } {
    const items = [...this.expandItems(select.items, input.scope), ...extraItems];
    const userGroups = (select.groupBy ?? []).map((e) => this.groupExpression(e, items, input.scope));
    const groupExpressions = [...userGroups, ...correlationKeys];
    const groupBound = groupExpressions.map((e) => bind(e, input.scope, this.context));
    const calls: Array<Extract<Expression, { kind: 'AggregateCall' }>> = [];
    const collect = (e: Expression): void => {
      some(e, (n) => {
        if (n.kind === 'AggregateCall' && !calls.some((c) => sameExpression(c, n))) calls.push(n);
        return false;
      });
    };
    items.forEach((item) => collect(item.expression));
    if (select.having !== null) collect(select.having);
    const aggregates: AggregateSpec[] = calls.map((call) => aggregateSpec(call, input.scope, this.context, groupExpressions.length === 0));
    const columns: PlanColumn[] = [
      ...groupBound.map((g, i) => {
        const e = groupBound[i]!.expression;
        const source = e.kind === 'InputReference' ? input.scope[e.index] : undefined;
        return source ? { ...source, type: g.compiled.type, nullable: g.compiled.nullable } : hiddenColumn(`group$${i}`, g.compiled);
      }),
      ...aggregates.map((a, i) => hiddenColumn(`agg$${i}`, { type: a.resultType, nullable: a.resultNullable })),
    ];
    const node: PlanNode = {
      kind: 'Aggregate', input: input.node, groupBy: groupBound.map((g) => g.expression), aggregates, global: groupExpressions.length === 0 && select.groupBy === null,
      columns: columns.map((c) => ({ ...c, hidden: false })),
    };
    const replace = (e: Expression): Expression => rewrite(e, (n) => {
      if (n.kind === 'AggregateCall') return inputReference(groupBound.length + calls.findIndex((c) => sameExpression(c, n)), n.span);
      if (n.kind === 'InputReference' && !groupBound.some((g) => sameExpression(g.expression, n))) return n;
      const bound = this.tryBind(n, input.scope);
      if (bound === undefined) return undefined;
      const group = groupBound.findIndex((g) => sameExpression(g.expression, bound));
      if (group >= 0) return inputReference(group, n.span);
      if (n.kind === 'ColumnReference') {
        throw this.error('SQL_INVALID', `column ${n.column.name} must appear in GROUP BY or be used in an aggregate function`, n.span);
      }
      return undefined;
    });
    return {
      node,
      scope: columns,
      items: [
        ...items.map((item) => ({ ...item, expression: replace(item.expression) })),
        ...correlationKeys.map((_, i) => ({ expression: inputReference(userGroups.length + i, select.span), name: `correlation$${i}`, span: select.span })),
      ],
      having: select.having === null ? null : replace(select.having),
    };
  }

  /** A GROUP BY item: an ordinal names a select item, a name that is no input column may name a select alias. */
  private groupExpression(e: Expression, items: ReadonlyArray<{ expression: Expression; name: string }>, scope: readonly PlanColumn[]): Expression {
    if (e.kind === 'Literal' && e.type === 'INTEGER') {
      const item = items[Number(e.text) - 1];
      if (item === undefined) throw this.error('SQL_INVALID', `GROUP BY position ${e.text} is not in the select list (1 to ${items.length})`, e.span);
      return item.expression;
    }
    if (e.kind === 'ColumnReference' && e.table === null && !scope.some((c) => !c.hidden && c.name === e.column.name)) {
      const item = items.find((i) => i.name === e.column.name);
      if (item !== undefined) return item.expression;
    }
    if (some(e, (n) => n.kind === 'AggregateCall')) throw this.error('SQL_INVALID', 'GROUP BY cannot use an aggregate function', e.span);
    return e;
  }

  private tryBind(e: Expression, scope: readonly PlanColumn[]): Expression | undefined {
    if (some(e, (n) => n.kind === 'AggregateCall' || isSubquery(n))) return undefined;
    try {
      return bind(e, scope, this.context).expression;
    } catch (error) {
      if (error instanceof SqlError) return undefined;
      throw error;
    }
  }

  // ---- Subqueries in expressions --------------------------------------------------------------

  /**
   * Replaces the subqueries in `expressions` by columns joined to `input`: a scalar subquery's
   * value (NULL when it has no row), EXISTS as a row count, and IN as a count of matching rows
   * plus the subquery's row and non-NULL counts, which give IN's three-valued answer. A subquery
   * correlated through equalities (`inner.k = outer.k` in its WHERE) is grouped by its side of
   * them and joined on the outer side, so each outer row meets its own group.
   */
  private subqueriesIn(expressions: readonly Expression[], input: Planned, environment: Environment): { planned: Planned; expressions: Expression[] } {
    let planned = input;
    const rewritten = expressions.map((e) => rewrite(e, (n) => {
      switch (n.kind) {
        case 'ScalarSubquery':
          return this.scalarSubquery(n, environment, planned, (p) => { planned = p; });
        case 'Exists': {
          const sub = this.subquery(n.query, environment, planned.scope, null);
          const count = this.counted(sub.planned, sub.correlation.map((c) => c.inner));
          planned = this.correlatedJoin(planned, count, sub.correlation.map((c, i) => ({ ...c, inner: inputReference(i, n.span) })));
          const rows = inputReference(planned.scope.length - 1, n.span);
          return { kind: 'Binary', operator: 'AND', span: n.span, left: { kind: 'IsNull', operand: rows, negated: true, span: n.span }, right: this.greaterThanZero(rows) };
        }
        case 'InSubquery':
          return this.inSubquery(n, environment, planned, (p) => { planned = p; });
        default:
          return undefined;
      }
    }));
    return { planned, expressions: rewritten };
  }

  private scalarSubquery(n: Extract<Expression, { kind: 'ScalarSubquery' }>, environment: Environment, input: Planned, update: (p: Planned) => void): Expression {
    const sub = this.subquery(n.query, environment, input.scope, 1);
    // Uncorrelated, the subquery must hold one row at most; correlated, one per group (it is an aggregate).
    const node: PlanNode = sub.correlation.length === 0 ? { kind: 'SingleRow', input: sub.planned.node, columns: sub.planned.node.columns } : sub.planned.node;
    const joined = this.correlatedJoin(input, { node, scope: sub.planned.scope }, sub.correlation);
    update(joined);
    const value = inputReference(input.scope.length, n.span);
    // COUNT over an outer row's empty group is 0, not the NULL a missing group gives.
    const body = n.query.body;
    const counts = body.kind === 'Select' && body.items.length === 1 && body.items[0]!.kind === 'SelectExpression'
      && body.items[0]!.expression.kind === 'AggregateCall' && ['COUNT', 'COUNTIF'].includes(body.items[0]!.expression.name.name);
    if (!counts || sub.correlation.length === 0) return value;
    return { kind: 'FunctionCall', name: { name: 'COALESCE', quoted: false, span: n.span }, args: [value, { kind: 'Literal', type: 'INTEGER', text: '0', span: n.span }], span: n.span };
  }

  private inSubquery(n: Extract<Expression, { kind: 'InSubquery' }>, environment: Environment, input: Planned, update: (p: Planned) => void): Expression {
    const sub = this.subquery(n.query, environment, input.scope, 1);
    const span = n.span;
    const keys = sub.correlation.map((c) => c.inner);
    // Per value of the subquery, how many rows have it; and for the whole subquery (per correlation group), rows and non-NULL values.
    const perValue = this.counted(sub.planned, [inputReference(0, span), ...keys]);
    const totals = this.counted(sub.planned, keys, [inputReference(0, span)]);
    const operand = bind(n.operand, input.scope, this.context);
    const valueType = sub.planned.scope[0]!.type;
    const type = commonTypeOf([operand.compiled.type, valueType]);
    if (type === undefined || isNullType(type)) {
      throw this.error('SQL_INVALID', `cannot apply IN to ${describeType(operand.compiled.type)} and a subquery of ${describeType(valueType)}`, span);
    }
    const leftWidth = input.scope.length;
    const valueKey: Correlated = { inner: inputReference(0, span), outer: operand.expression, innerType: valueType, outerType: operand.compiled.type };
    const matched = this.correlatedJoin(input, perValue, [valueKey, ...sub.correlation.map((c, i) => ({ ...c, inner: inputReference(i + 1, span) }))]);
    const withTotals = this.correlatedJoin(matched, totals, sub.correlation.map((c, i) => ({ ...c, inner: inputReference(i, span) })));
    update(withTotals);
    const matches = inputReference(leftWidth + keys.length + 1, span);
    const rows = inputReference(leftWidth + keys.length + 2 + keys.length, span);
    const nonNull = inputReference(leftWidth + keys.length + 3 + keys.length, span);
    const bool = (value: boolean | null): Expression => (value === null
      ? { kind: 'Cast', operand: { kind: 'Literal', type: 'NULL', text: 'NULL', span }, type: { text: 'BOOLEAN', span }, span }
      : { kind: 'Literal', type: 'BOOLEAN', text: value ? 'TRUE' : 'FALSE', span });
    const found = !n.negated;
    return {
      kind: 'Case', operand: null, span,
      branches: [
        { when: { kind: 'IsNull', operand: matches, negated: true, span }, then: bool(found) },
        // An empty subquery: no group at all when correlated, a count of 0 when not.
        {
          when: { kind: 'Binary', operator: 'OR', span, left: { kind: 'IsNull', operand: rows, negated: false, span },
            right: { kind: 'Binary', operator: '=', left: rows, right: { kind: 'Literal', type: 'INTEGER', text: '0', span }, span } },
          then: bool(!found),
        },
        {
          when: { kind: 'Binary', operator: 'OR', span, left: { kind: 'IsNull', operand: operand.expression, negated: false, span }, right: { kind: 'Binary', operator: '<', left: nonNull, right: rows, span } },
          then: bool(null),
        },
      ],
      otherwise: bool(!found),
    };
  }

  /**
   * A subquery of an expression, planned with the outer query's columns in reach of its WHERE:
   * its correlation equalities come back with its inner sides as trailing hidden columns.
   */
  private subquery(query: Query, environment: Environment, outer: readonly PlanColumn[], width: number | null): { planned: Planned; correlation: Correlated[] } {
    const correlation: Correlated[] = [];
    const planned = this.query(query, { ctes: environment.ctes, correlation: { outer, pairs: correlation } });
    const columns = planned.scope.length - correlation.length;
    if (width !== null && columns !== width) throw this.error('SQL_INVALID', `the subquery must return ${width} column, not ${columns}`, query.span);
    return { planned, correlation: correlation.map((c, i) => ({ ...c, inner: inputReference(columns + i, query.span) })) };
  }

  /**
   * LEFT JOIN of `input` with `sub` on the correlation keys (outer expressions over `input`, inner
   * ones over `sub`), cast to common types; `sub`'s columns are hidden.
   */
  private correlatedJoin(input: Planned, sub: Planned, keys: readonly Correlated[]): Planned {
    const leftKeys: Expression[] = [];
    const rightKeys: Expression[] = [];
    for (const key of keys) {
      const type = commonTypeOf([key.outerType, key.innerType]);
      if (type === undefined || isNullType(type)) {
        throw this.error('SQL_INVALID', `cannot compare ${describeType(key.outerType)} with ${describeType(key.innerType)} in a subquery's condition`, key.inner.span);
      }
      leftKeys.push(this.cast(key.outer, key.outerType, type));
      rightKeys.push(this.cast(key.inner, key.innerType, type));
    }
    return this.joinNode('LEFT', input, { node: sub.node, scope: sub.scope.map((c) => ({ ...c, hidden: true })) }, leftKeys, rightKeys, keys.map(() => false), []);
  }

  /**
   * Takes the WHERE conditions of a correlated subquery that read the outer query: `inner = outer`
   * equalities become correlation keys; any other use of outer columns is refused.
   */
  private correlate(where: Expression[], inner: readonly PlanColumn[], correlation: Correlation): void {
    for (let i = 0; i < where.length; i += 1) {
      const condition = where[i]!;
      if (some(condition, isSubquery) || this.columnsRead(condition, inner) !== undefined) continue;
      const pair = condition.kind === 'Binary' && condition.operator === '='
        ? this.correlationPair(condition.left, condition.right, inner, correlation.outer) ?? this.correlationPair(condition.right, condition.left, inner, correlation.outer)
        : undefined;
      if (pair === undefined) {
        if (this.columnsRead(condition, [...inner, ...correlation.outer]) === undefined) continue; // Reads neither: its own error comes later.
        throw this.error('SQL_NOT_SUPPORTED', 'a subquery can read the outer query only in equalities of its WHERE (inner = outer) joined by AND; '
          + 'write other conditions as a JOIN', condition.span);
      }
      correlation.pairs.push(pair);
      where.splice(i, 1);
      i -= 1;
    }
  }

  private correlationPair(innerSide: Expression, outerSide: Expression, inner: readonly PlanColumn[], outer: readonly PlanColumn[]): Correlated | undefined {
    if (this.columnsRead(innerSide, inner, false) === undefined || this.columnsRead(outerSide, outer, false) === undefined) return undefined;
    const innerBound = bind(innerSide, inner, this.context);
    const outerBound = bind(outerSide, outer, this.context);
    return { inner: innerBound.expression, outer: outerBound.expression, innerType: innerBound.compiled.type as SqlType, outerType: outerBound.compiled.type as SqlType };
  }

  /** GROUP BY `groupBy` with COUNT(*) and, for each of `counted`, COUNT(x): hidden columns. */
  private counted(planned: Planned, groupBy: Expression[], counted: Expression[] = []): Planned {
    const count = (args: Expression[]): AggregateSpec => ({
      function: 'COUNT', args, distinct: false, filter: null, argumentType: null, resultType: { kind: 'integer', name: 'BIGINT', unsigned: false }, resultNullable: false,
    });
    const groupColumns = groupBy.map((e, i): PlanColumn => ({ ...planned.node.columns[(e as { index: number }).index]!, name: `key$${i}`, relation: null, hidden: true }));
    const columns: PlanColumn[] = [
      ...groupColumns,
      hiddenColumn('count$', { type: { kind: 'integer', name: 'BIGINT', unsigned: false }, nullable: false }),
      ...counted.map((_, i) => hiddenColumn(`count$${i}`, { type: { kind: 'integer', name: 'BIGINT', unsigned: false }, nullable: false })),
    ];
    const node: PlanNode = { kind: 'Aggregate', input: planned.node, groupBy, aggregates: [count([]), ...counted.map((e) => count([e]))], global: groupBy.length === 0, columns };
    return { node, scope: columns };
  }

  private greaterThanZero(e: Expression): Expression {
    return { kind: 'Binary', operator: '>', left: e, right: { kind: 'Literal', type: 'INTEGER', text: '0', span: e.span }, span: e.span };
  }

  error(code: 'SQL_INVALID' | 'SQL_NOT_SUPPORTED', message: string, span: Span): SqlError {
    const at: SourceLocation = { line: span.start.line, col: span.start.col, ...(this.context.file === undefined ? {} : { file: this.context.file }) };
    return new SqlError(code, message, at);
  }
}

/**
 * A filter `rn <= k` (`rn < k`, `rn = 1`, `k >= rn`, ...) on the number an unlimited ROW_NUMBER()
 * TopK adds, read through projections and filters: the same plan with that TopK limited to k rows
 * per partition. Anything else: the input as it is.
 */
function limitRanking(input: PlanNode, predicate: Expression): PlanNode {
  for (const condition of conjuncts(predicate)) {
    const bound = rankBound(condition);
    if (bound === undefined) continue;
    const limited = withLimitedRank(input, bound.column, bound.limit);
    if (limited !== undefined) return limited;
  }
  return input;
}

function rankBound(condition: Expression): { column: number; limit: number } | undefined {
  if (condition.kind !== 'Binary') return undefined;
  const flip: Readonly<Record<string, string>> = { '<=': '>=', '<': '>', '>=': '<=', '>': '<', '=': '=' };
  let { left, right } = condition;
  let op: string = condition.operator;
  if (left.kind !== 'InputReference') {
    [left, right] = [right, left];
    op = flip[op] ?? '';
  }
  if (left.kind !== 'InputReference' || right.kind !== 'Literal' || right.type !== 'INTEGER') return undefined;
  const k = Number(right.text);
  const limit = op === '<=' ? k : op === '<' ? k - 1 : op === '=' && k === 1 ? 1 : undefined;
  return limit === undefined || limit < 0 ? undefined : { column: left.index, limit };
}

function withLimitedRank(node: PlanNode, column: number, limit: number): PlanNode | undefined {
  switch (node.kind) {
    case 'TopK':
      if (!node.rankColumn || column !== node.columns.length - 1 || limit >= node.limit) return undefined;
      return { ...node, limit };
    case 'Filter': {
      const input = withLimitedRank(node.input, column, limit);
      return input === undefined ? undefined : { ...node, input };
    }
    case 'Project': {
      const e = node.expressions[column];
      const input = e?.kind === 'InputReference' ? withLimitedRank(node.input, e.index, limit) : undefined;
      return input === undefined ? undefined : { ...node, input };
    }
    default:
      return undefined;
  }
}

function isSubquery(n: Expression): boolean {
  return n.kind === 'ScalarSubquery' || n.kind === 'Exists' || n.kind === 'InSubquery';
}

