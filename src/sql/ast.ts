/**
 * The syntax tree of a SQL program, as plain tagged data. Every node carries its source span so
 * that any later error can point at file:line:column.
 */
import type { SqlError } from '../errors.js';

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units. */
  readonly col: number;
  /** 0-based offset into the source text. */
  readonly offset: number;
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

export interface Identifier {
  /** Canonical name: lower case unless the identifier was double-quoted. */
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

/** Type text as written, e.g. `DECIMAL(10, 2)`; `parseSqlType` turns it into a SqlType. */
export interface TypeText {
  readonly text: string;
  readonly span: Span;
}

/** One `'key' = 'value'` entry of a WITH clause. */
export interface Property {
  readonly key: string;
  readonly value: string;
  readonly keySpan: Span;
  /** Span of the value's string literal including its quotes; its content starts one column later. */
  readonly valueSpan: Span;
}

export interface ColumnDefinition {
  readonly name: Identifier;
  readonly type: TypeText;
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  readonly defaultValue: Expression | null;
  readonly span: Span;
}

export interface CreateTable {
  readonly kind: 'CreateTable';
  readonly name: Identifier;
  readonly columns: readonly ColumnDefinition[];
  /** From column constraints or a table-level PRIMARY KEY (...); empty when there is none. */
  readonly primaryKey: readonly Identifier[];
  readonly properties: readonly Property[];
  readonly span: Span;
}

export interface CreateView {
  readonly kind: 'CreateView';
  readonly name: Identifier;
  readonly modifier: 'materialized' | 'local' | null;
  /** Optional column name list: CREATE VIEW v (a, b) AS ... */
  readonly columnNames: readonly Identifier[] | null;
  readonly properties: readonly Property[];
  readonly query: Query;
  readonly span: Span;
}

export interface CreateIndex {
  readonly kind: 'CreateIndex';
  readonly name: Identifier;
  readonly relation: Identifier;
  readonly columns: readonly Identifier[];
  readonly span: Span;
}

export interface CreateType {
  readonly kind: 'CreateType';
  readonly name: Identifier;
  /** A struct type: CREATE TYPE t AS (field type, ...). */
  readonly fields: readonly ColumnDefinition[] | null;
  /** An alias: CREATE TYPE t AS INT. */
  readonly alias: TypeText | null;
  readonly span: Span;
}

export type Statement = CreateTable | CreateView | CreateIndex | CreateType;

export interface Program {
  readonly statements: readonly Statement[];
  /** Syntax problems; a statement with one is not in `statements`. */
  readonly problems: readonly SqlError[];
  /** What the statements left out declared, so that a later use of it is not reported as unknown. */
  readonly unparsed: readonly DeclaredName[];
}

export interface DeclaredName {
  readonly kind: 'relation' | 'index' | 'type';
  readonly name: string;
}

/**
 * A whole query: optional common table expressions, a body, and ORDER BY / LIMIT / OFFSET.
 * `FETCH FIRST n ROWS ONLY` is read as LIMIT n.
 */
export interface Query {
  readonly kind: 'Query';
  readonly with: readonly CommonTableExpression[];
  readonly body: QueryBody;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expression | null;
  readonly offset: Expression | null;
  readonly span: Span;
}

/** `name [(columns)] AS (query)` in a WITH clause. */
export interface CommonTableExpression {
  readonly name: Identifier;
  readonly columnNames: readonly Identifier[] | null;
  readonly query: Query;
  readonly span: Span;
}

/** What a query computes before ordering: a SELECT, VALUES, a set operation, or a parenthesized query. */
export type QueryBody = Select | Values | SetOperation | Query;

export interface Values {
  readonly kind: 'Values';
  readonly rows: readonly (readonly Expression[])[];
  readonly span: Span;
}

/** `left UNION|EXCEPT|INTERSECT [ALL|DISTINCT] right`; MINUS is read as EXCEPT; DISTINCT (the default) gives `all: false`. */
export interface SetOperation {
  readonly kind: 'SetOperation';
  readonly operator: 'UNION' | 'EXCEPT' | 'INTERSECT';
  readonly all: boolean;
  readonly left: QueryBody;
  readonly right: QueryBody;
  readonly span: Span;
}

export interface OrderItem {
  readonly expression: Expression;
  readonly descending: boolean;
  /** NULLS FIRST (true) / NULLS LAST (false); null when not written (Feldera: NULLs sort low). */
  readonly nullsFirst: boolean | null;
  readonly span: Span;
}

export interface Select {
  readonly kind: 'Select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** null for `SELECT expr` without FROM (one row). */
  readonly from: FromItem | null;
  readonly where: Expression | null;
  /** null without GROUP BY; items may be ordinals (`GROUP BY 1`), aliases or expressions. */
  readonly groupBy: readonly Expression[] | null;
  readonly having: Expression | null;
  readonly span: Span;
}

export type SelectItem =
  /** `*`, or `t.*` with `table` set. */
  | { readonly kind: 'AllColumns'; readonly table: Identifier | null; readonly span: Span }
  | { readonly kind: 'SelectExpression'; readonly expression: Expression; readonly alias: Identifier | null; readonly span: Span };

/** A table or view by name. */
export interface TableReference {
  readonly kind: 'TableReference';
  readonly name: Identifier;
  readonly alias: Identifier | null;
  readonly span: Span;
}

/** `(query) [AS] alias [(columns)]`; the alias is optional, as in Calcite. */
export interface SubqueryReference {
  readonly kind: 'SubqueryReference';
  readonly query: Query;
  readonly alias: Identifier | null;
  readonly columnNames: readonly Identifier[] | null;
  readonly span: Span;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

/**
 * `left [NATURAL] [INNER|LEFT|RIGHT|FULL [OUTER]|CROSS] JOIN right [ON cond | USING (cols)]`; a comma in
 * FROM is a CROSS join with `comma: true`. Joins associate to the left.
 */
export interface Join {
  readonly kind: 'Join';
  readonly type: JoinType;
  readonly natural: boolean;
  readonly comma: boolean;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on: Expression | null;
  readonly using: readonly Identifier[] | null;
  readonly span: Span;
}

export type FromItem = TableReference | SubqueryReference | Join;

export type LiteralType =
  | 'NULL' | 'BOOLEAN' | 'INTEGER' | 'DECIMAL' | 'DOUBLE' | 'VARCHAR' | 'BINARY' | 'DATE' | 'TIME' | 'TIMESTAMP' | 'UUID';

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%' | '||'
  | '=' | '<>' | '<' | '<=' | '>' | '>='
  | 'AND' | 'OR';

export type Expression =
  /**
   * `text` is the literal's canonical text: digits for numbers (`12.50`, `1e3`), the unescaped
   * string for VARCHAR, hex digits for BINARY (X'0aff'), the quoted text for DATE/TIME/TIMESTAMP/UUID.
   */
  | { readonly kind: 'Literal'; readonly type: LiteralType; readonly text: string; readonly span: Span }
  | { readonly kind: 'ColumnReference'; readonly table: Identifier | null; readonly column: Identifier; readonly span: Span }
  | { readonly kind: 'Unary'; readonly operator: '-' | '+' | 'NOT'; readonly operand: Expression; readonly span: Span }
  | { readonly kind: 'Binary'; readonly operator: BinaryOperator; readonly left: Expression; readonly right: Expression; readonly span: Span }
  | { readonly kind: 'IsNull'; readonly operand: Expression; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'IsBoolean'; readonly operand: Expression; readonly value: boolean; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'Between'; readonly operand: Expression; readonly low: Expression; readonly high: Expression; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'InList'; readonly operand: Expression; readonly list: readonly Expression[]; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'Like'; readonly operand: Expression; readonly pattern: Expression; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'Cast'; readonly operand: Expression; readonly type: TypeText; readonly span: Span }
  | {
    readonly kind: 'Case';
    /** CASE x WHEN ...: the operand; null for CASE WHEN cond ... */
    readonly operand: Expression | null;
    readonly branches: readonly { readonly when: Expression; readonly then: Expression }[];
    readonly otherwise: Expression | null;
    readonly span: Span;
  }
  /**
   * A function call. Special syntaxes are normalized to plain arguments:
   * SUBSTRING(s FROM a [FOR b]) -> SUBSTRING(s, a[, b]); TRIM([BOTH|LEADING|TRAILING] [c] FROM s) -> TRIM(s[, c]) with `mode`;
   * POSITION(a IN b) -> POSITION(a, b); EXTRACT(field FROM x) -> EXTRACT with `field`.
   */
  | {
    readonly kind: 'FunctionCall';
    readonly name: Identifier;
    readonly args: readonly Expression[];
    readonly mode?: 'BOTH' | 'LEADING' | 'TRAILING';
    readonly field?: string;
    readonly span: Span;
  }
  /** ARRAY[a, b] */
  | { readonly kind: 'ArrayConstructor'; readonly elements: readonly Expression[]; readonly span: Span }
  /** x[i] */
  | { readonly kind: 'Subscript'; readonly operand: Expression; readonly index: Expression; readonly span: Span }
  /** x.field (struct field access) */
  | { readonly kind: 'FieldAccess'; readonly operand: Expression; readonly field: Identifier; readonly span: Span }
  /**
   * `a IS [NOT] DISTINCT FROM b`. As for IsNull, `negated` is the NOT: `a IS DISTINCT FROM b` has
   * `negated: false` and is TRUE when a and b differ (NULLs equal to each other); IS NOT DISTINCT
   * FROM and `a <=> b` have `negated: true` and are TRUE when they are the same. Never NULL.
   */
  | { readonly kind: 'IsDistinct'; readonly left: Expression; readonly right: Expression; readonly negated: boolean; readonly span: Span }
  /**
   * A call of an aggregate function (COUNT, SUM, ... see AGGREGATE_FUNCTIONS in the parser), with the
   * name upper-cased: `COUNT(*)` has `star`, `COUNT(DISTINCT x)` has `distinct`, `... FILTER (WHERE c)` has `filter`.
   */
  | {
    readonly kind: 'AggregateCall';
    readonly name: Identifier;
    readonly args: readonly Expression[];
    readonly star: boolean;
    readonly distinct: boolean;
    readonly filter: Expression | null;
    readonly span: Span;
  }
  /**
   * A window function call `f(args) OVER (PARTITION BY ... ORDER BY ...)`, name upper-cased
   * (ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD, FIRST_VALUE, LAST_VALUE, or an aggregate).
   * `COUNT(*) OVER (...)` is COUNT with no arguments. A frame clause, DISTINCT and FILTER are
   * refused by the parser.
   */
  | {
    readonly kind: 'WindowCall';
    readonly name: Identifier;
    readonly args: readonly Expression[];
    readonly partitionBy: readonly Expression[];
    readonly orderBy: readonly OrderItem[];
    readonly span: Span;
  }
  /** `(SELECT ...)` used as a value. */
  | { readonly kind: 'ScalarSubquery'; readonly query: Query; readonly span: Span }
  /** `EXISTS (query)`; NOT EXISTS is NOT applied to it. */
  | { readonly kind: 'Exists'; readonly query: Query; readonly span: Span }
  /** `x [NOT] IN (query)`. */
  | { readonly kind: 'InSubquery'; readonly operand: Expression; readonly query: Query; readonly negated: boolean; readonly span: Span }
  /**
   * Never written by users: the planner replaces a part of an expression that an operator below
   * already computed (an aggregate, a GROUP BY expression, a subquery's result) by a reference to
   * that input column, by position.
   */
  | { readonly kind: 'InputReference'; readonly index: number; readonly span: Span };

export type ExpressionKind = Expression['kind'];
