/**
 * The syntax tree of a SQL program, as plain tagged data. Every node carries its source span so
 * that any later error can point at file:line:column.
 */

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
  readonly query: Select;
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
}

export interface Select {
  readonly kind: 'Select';
  readonly items: readonly SelectItem[];
  readonly from: TableReference;
  readonly where: Expression | null;
  readonly span: Span;
}

export type SelectItem =
  | { readonly kind: 'AllColumns'; readonly span: Span }
  | { readonly kind: 'SelectExpression'; readonly expression: Expression; readonly alias: Identifier | null; readonly span: Span };

export interface TableReference {
  readonly name: Identifier;
  readonly alias: Identifier | null;
  readonly span: Span;
}

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
  | { readonly kind: 'FieldAccess'; readonly operand: Expression; readonly field: Identifier; readonly span: Span };

export type ExpressionKind = Expression['kind'];
