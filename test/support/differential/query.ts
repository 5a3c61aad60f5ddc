/**
 * The queries of the differential test as a small syntax tree, written out twice: as Feldera SQL
 * for dynaview, and as DuckDB SQL that computes what Feldera computes (the oracle). The two texts
 * differ only where Feldera's documented semantics differ from DuckDB's (see the header of
 * test/differential/differential.test.ts); everything else is the same text.
 */

export type ColumnType =
  | { readonly kind: 'INT' | 'BIGINT' | 'BOOLEAN' | 'VARCHAR' | 'DOUBLE' }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number };

export const INT: ColumnType = { kind: 'INT' };
export const BIGINT: ColumnType = { kind: 'BIGINT' };
export const BOOLEAN: ColumnType = { kind: 'BOOLEAN' };
export const VARCHAR: ColumnType = { kind: 'VARCHAR' };
export const DOUBLE: ColumnType = { kind: 'DOUBLE' };

export function decimal(precision: number, scale: number): ColumnType {
  return { kind: 'DECIMAL', precision, scale };
}

/** SQL type text that both Feldera and DuckDB read, e.g. `DECIMAL(10,2)`. */
export function typeText(type: ColumnType): string {
  return type.kind === 'DECIMAL' ? `DECIMAL(${type.precision},${type.scale})` : type.kind;
}

export function sameType(a: ColumnType, b: ColumnType): boolean {
  return typeText(a) === typeText(b);
}

export function isInteger(type: ColumnType): boolean {
  return type.kind === 'INT' || type.kind === 'BIGINT';
}

export function isNumeric(type: ColumnType): boolean {
  return isInteger(type) || type.kind === 'DECIMAL' || type.kind === 'DOUBLE';
}

export type AggregateName = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { readonly kind: 'column'; readonly qualifier: string; readonly name: string; readonly type: ColumnType }
  /** `text` is valid in both dialects. */
  | { readonly kind: 'literal'; readonly text: string; readonly type: ColumnType }
  | { readonly kind: 'arithmetic'; readonly op: '+' | '-' | '*'; readonly left: Expr; readonly right: Expr; readonly type: ColumnType }
  | { readonly kind: 'comparison'; readonly op: ComparisonOperator; readonly left: Expr; readonly right: Expr }
  /** `a IS NOT DISTINCT FROM b`: equality under which NULL matches NULL. */
  | { readonly kind: 'notDistinct'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'logical'; readonly op: 'AND' | 'OR'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'isNull'; readonly operand: Expr; readonly negated: boolean }
  | { readonly kind: 'coalesce'; readonly args: readonly Expr[]; readonly type: ColumnType }
  | { readonly kind: 'case'; readonly when: Expr; readonly then: Expr; readonly otherwise: Expr; readonly type: ColumnType }
  | { readonly kind: 'inList'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr }
  /** `arg` null is `COUNT(*)`; `filter` is `FILTER (WHERE filter)`. */
  | {
    readonly kind: 'aggregate'; readonly name: AggregateName; readonly arg: Expr | null; readonly distinct: boolean;
    readonly filter: Expr | null; readonly type: ColumnType;
  }
  /** A subquery of one column and at most one row (an aggregate without GROUP BY), as a value. */
  | { readonly kind: 'scalarSubquery'; readonly query: Query; readonly type: ColumnType }
  | { readonly kind: 'exists'; readonly query: Query; readonly negated: boolean }
  | { readonly kind: 'inSubquery'; readonly operand: Expr; readonly query: Query; readonly negated: boolean };

export function typeOf(expr: Expr): ColumnType {
  switch (expr.kind) {
    case 'column':
    case 'literal':
    case 'arithmetic':
    case 'coalesce':
    case 'case':
    case 'aggregate':
    case 'scalarSubquery':
      return expr.type;
    default:
      return BOOLEAN;
  }
}

export interface SelectItem {
  readonly expr: Expr;
  readonly alias: string;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

export type FromItem =
  | { readonly kind: 'table'; readonly name: string; readonly alias: string }
  /** With `cte`, written as `WITH w_alias AS (query)` before the SELECT that reads it. */
  | { readonly kind: 'subquery'; readonly query: Query; readonly alias: string; readonly cte: boolean }
  /** `on` is null only for CROSS. */
  | { readonly kind: 'join'; readonly type: JoinType; readonly left: FromItem; readonly right: FromItem; readonly on: Expr | null };

export interface Select {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from: FromItem;
  readonly where: Expr | null;
  /** null: no GROUP BY (with aggregates among the items: a global aggregate, always one row). */
  readonly groupBy: readonly Expr[] | null;
  readonly having: Expr | null;
  /**
   * `ORDER BY` every output column (descending where true) `LIMIT n`. Ordering by every column
   * leaves only ties between equal rows, so which rows survive the limit is determined even
   * though Feldera breaks ties arbitrarily.
   */
  readonly topK: { readonly descending: readonly boolean[]; readonly limit: number; readonly offset: number } | null;
}

export interface SetOperation {
  readonly kind: 'setOperation';
  readonly op: 'UNION' | 'EXCEPT' | 'INTERSECT';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
}

export type Query = Select | SetOperation;

export interface OutputColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** The query's columns, by position; set operations take the names of their left side. */
export function outputColumns(query: Query): OutputColumn[] {
  if (query.kind === 'setOperation') return outputColumns(query.left);
  return query.items.map((item) => ({ name: item.alias, type: typeOf(item.expr) }));
}

/** The tables and views the query reads (also in subqueries of its expressions), each once. */
export function relationsRead(query: Query): string[] {
  const names = new Set<string>();
  const visitExpr = (expr: Expr): void => {
    for (const child of childExpressions(expr)) visitExpr(child);
    if (expr.kind === 'scalarSubquery' || expr.kind === 'exists' || expr.kind === 'inSubquery') visitQuery(expr.query);
  };
  const visitFrom = (from: FromItem): void => {
    if (from.kind === 'table') names.add(from.name);
    else if (from.kind === 'subquery') visitQuery(from.query);
    else {
      visitFrom(from.left);
      visitFrom(from.right);
      if (from.on) visitExpr(from.on);
    }
  };
  const visitQuery = (q: Query): void => {
    if (q.kind === 'setOperation') {
      visitQuery(q.left);
      visitQuery(q.right);
      return;
    }
    visitFrom(q.from);
    for (const expr of [...q.items.map((i) => i.expr), q.where, q.having]) if (expr) visitExpr(expr);
  };
  visitQuery(query);
  return [...names];
}

/** The expressions directly inside an expression (not those inside its subqueries). */
function childExpressions(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'column':
    case 'literal':
    case 'scalarSubquery':
    case 'exists':
      return [];
    case 'arithmetic':
    case 'comparison':
    case 'notDistinct':
    case 'logical':
      return [expr.left, expr.right];
    case 'not':
    case 'isNull':
      return [expr.operand];
    case 'coalesce':
      return [...expr.args];
    case 'case':
      return [expr.when, expr.then, expr.otherwise];
    case 'inList':
      return [expr.operand, ...expr.list];
    case 'between':
      return [expr.operand, expr.low, expr.high];
    case 'aggregate':
      return [...(expr.arg ? [expr.arg] : []), ...(expr.filter ? [expr.filter] : [])];
    case 'inSubquery':
      return [expr.operand];
  }
}

export type Dialect = 'feldera' | 'duckdb';

export function renderQuery(query: Query, dialect: Dialect): string {
  if (query.kind === 'setOperation') {
    // Parentheses keep nested operations in the tree's order whatever the precedence rules.
    const op = `${query.op}${query.all ? ' ALL' : ''}`;
    return `(${renderQuery(query.left, dialect)}) ${op} (${renderQuery(query.right, dialect)})`;
  }
  const items = query.items.map((item) => `${renderExpr(item.expr, dialect)} AS ${item.alias}`).join(', ');
  const ctes = commonTableExpressions(query.from).map((cte) => `${cteName(cte.alias)} AS (${renderQuery(cte.query, dialect)})`);
  let text = `${ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : ''}SELECT ${query.distinct ? 'DISTINCT ' : ''}${items} FROM ${renderFrom(query.from, dialect)}`;
  if (query.where) text += ` WHERE ${renderExpr(query.where, dialect)}`;
  if (query.groupBy && query.groupBy.length > 0) text += ` GROUP BY ${query.groupBy.map((e) => renderExpr(e, dialect)).join(', ')}`;
  if (query.having) text += ` HAVING ${renderExpr(query.having, dialect)}`;
  if (query.topK) {
    const order = query.items.map((item, i) => {
      const descending = query.topK!.descending[i] ?? false;
      // Feldera sorts NULLs low: first ascending, last descending. DuckDB's default is NULLS LAST.
      if (dialect === 'duckdb') return `${item.alias} ${descending ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`;
      return `${item.alias}${descending ? ' DESC' : ''}`;
    });
    text += ` ORDER BY ${order.join(', ')} LIMIT ${query.topK.limit}${query.topK.offset > 0 ? ` OFFSET ${query.topK.offset}` : ''}`;
  }
  return text;
}

/** The subqueries of a FROM clause that are written as common table expressions. */
function commonTableExpressions(from: FromItem): Extract<FromItem, { kind: 'subquery' }>[] {
  if (from.kind === 'join') return [...commonTableExpressions(from.left), ...commonTableExpressions(from.right)];
  return from.kind === 'subquery' && from.cte ? [from] : [];
}

function cteName(alias: string): string {
  return `w_${alias}`;
}

function renderFrom(from: FromItem, dialect: Dialect): string {
  switch (from.kind) {
    case 'table':
      return `${from.name} AS ${from.alias}`;
    case 'subquery':
      return from.cte ? `${cteName(from.alias)} AS ${from.alias}` : `(${renderQuery(from.query, dialect)}) AS ${from.alias}`;
    case 'join': {
      const right = from.right.kind === 'join' ? `(${renderFrom(from.right, dialect)})` : renderFrom(from.right, dialect);
      const kind = from.type === 'INNER' ? 'JOIN' : from.type === 'CROSS' ? 'CROSS JOIN' : `${from.type} JOIN`;
      const on = from.on ? ` ON ${renderExpr(from.on, dialect)}` : '';
      return `${renderFrom(from.left, dialect)} ${kind} ${right}${on}`;
    }
  }
}

export function renderExpr(expr: Expr, dialect: Dialect): string {
  switch (expr.kind) {
    case 'column':
      return `${expr.qualifier}.${expr.name}`;
    case 'literal':
      return expr.text;
    case 'arithmetic':
    case 'comparison':
    case 'logical':
      return `(${renderExpr(expr.left, dialect)} ${expr.op} ${renderExpr(expr.right, dialect)})`;
    case 'notDistinct':
      return `(${renderExpr(expr.left, dialect)} IS NOT DISTINCT FROM ${renderExpr(expr.right, dialect)})`;
    case 'not':
      return `(NOT ${renderExpr(expr.operand, dialect)})`;
    case 'isNull':
      return `(${renderExpr(expr.operand, dialect)} IS ${expr.negated ? 'NOT ' : ''}NULL)`;
    case 'coalesce':
      return `COALESCE(${expr.args.map((a) => renderExpr(a, dialect)).join(', ')})`;
    case 'case':
      return `CASE WHEN ${renderExpr(expr.when, dialect)} THEN ${renderExpr(expr.then, dialect)} ELSE ${renderExpr(expr.otherwise, dialect)} END`;
    case 'inList':
      return `(${renderExpr(expr.operand, dialect)} ${expr.negated ? 'NOT ' : ''}IN (${expr.list.map((e) => renderExpr(e, dialect)).join(', ')}))`;
    case 'between':
      return `(${renderExpr(expr.operand, dialect)} BETWEEN ${renderExpr(expr.low, dialect)} AND ${renderExpr(expr.high, dialect)})`;
    case 'aggregate':
      return dialect === 'duckdb' ? renderOracleAggregate(expr) : renderAggregate(expr, expr.name, 'feldera');
    case 'scalarSubquery':
      return `(${renderQuery(expr.query, dialect)})`;
    case 'exists':
      return `(${expr.negated ? 'NOT ' : ''}EXISTS (${renderQuery(expr.query, dialect)}))`;
    case 'inSubquery':
      return `(${renderExpr(expr.operand, dialect)} ${expr.negated ? 'NOT ' : ''}IN (${renderQuery(expr.query, dialect)}))`;
  }
}

/** The aggregate call written with the given function name (the oracle writes AVG as SUM and COUNT). */
function renderAggregate(expr: Extract<Expr, { kind: 'aggregate' }>, name: string, dialect: Dialect): string {
  const call = expr.arg === null ? `${name}(*)` : `${name}(${expr.distinct ? 'DISTINCT ' : ''}${renderExpr(expr.arg, dialect)})`;
  return expr.filter ? `${call} FILTER (WHERE ${renderExpr(expr.filter, dialect)})` : call;
}

/**
 * DuckDB text that gives Feldera's result and type. SUM keeps its argument's type (DuckDB widens
 * integers to HUGEINT); AVG of integers and decimals is SUM / COUNT truncated toward zero in the
 * argument's type (DuckDB returns a DOUBLE), computed exactly on integers: DuckDB's `//`
 * truncates toward zero, and a DECIMAL(p,s) average is the truncated quotient of the sum
 * scaled by 10^s, scaled back.
 */
function renderOracleAggregate(expr: Extract<Expr, { kind: 'aggregate' }>): string {
  const plain = (name: string): string => renderAggregate(expr, name, 'duckdb');
  const argType = expr.arg ? typeOf(expr.arg) : null;
  if (argType === null || expr.name === 'COUNT' || expr.name === 'MIN' || expr.name === 'MAX') return plain(expr.name);
  if (argType.kind === 'DOUBLE') return plain(expr.name);
  const resultType = typeText(expr.type);
  if (expr.name === 'SUM') return `CAST(${plain('SUM')} AS ${resultType})`;
  if (argType.kind === 'DECIMAL') {
    const scale = 10n ** BigInt(argType.scale);
    const quotient = `CAST(${plain('SUM')} * ${scale} AS HUGEINT) // ${plain('COUNT')}`;
    const unit = argType.scale === 0 ? '1' : `CAST(0.${'0'.repeat(argType.scale - 1)}1 AS DECIMAL(${argType.scale},${argType.scale}))`;
    return `CAST(CAST(${quotient} AS DECIMAL(${38 - argType.scale},0)) * ${unit} AS ${resultType})`;
  }
  return `CAST(CAST(${plain('SUM')} AS HUGEINT) // ${plain('COUNT')} AS ${resultType})`;
}

/**
 * Feldera's result type of an aggregate (facts §2): COUNT is BIGINT; SUM, AVG, MIN and MAX keep
 * the argument's type, except that SUM of DECIMAL(p,s) is DECIMAL(38,s).
 */
export function aggregateType(name: AggregateName, arg: Expr | null): ColumnType {
  if (name === 'COUNT' || arg === null) return BIGINT;
  const type = typeOf(arg);
  if (name === 'SUM' && type.kind === 'DECIMAL') return decimal(38, type.scale);
  return type;
}
