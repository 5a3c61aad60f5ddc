/**
 * A recursive-descent parser from SQL program text to the syntax tree of `ast.ts`.
 *
 * Two kinds of failure are kept apart: text that is not SQL is a SQL_SYNTAX_ERROR
 * ("expected X but found Y"); SQL that Feldera accepts but dynaview cannot run yet (window
 * frames, GROUPING SETS, LATERAL, ...) is a SQL_NOT_SUPPORTED error naming the construct, so that
 * a user knows the program is fine and dynaview is what falls short.
 *
 * Lists and chains (set operations, joins, binary operators) are parsed by loops, not by
 * recursion: only nesting (parentheses, subqueries, CASE, function arguments) makes the parser
 * go deeper, and only MAX_SQL_NESTING_DEPTH levels of it; the chains' trees are held to
 * MAX_SQL_EXPRESSION_DEPTH (see `../limits.ts`), so that no later recursive pass runs out of stack.
 */
import { SqlError, SqlTypeError } from '../errors.js';
import type {
  BinaryOperator, ColumnDefinition, DeclaredName, CommonTableExpression, CreateIndex, CreateTable, CreateType, CreateView,
  Expression, FromItem, Identifier, JoinType, LiteralType, OrderItem, Program, Property, Query, QueryBody, Select,
  SelectItem, SetOperation, Span, Statement, SubqueryReference, TypeText, Values,
} from './ast.js';
import { MAX_SQL_EXPRESSION_DEPTH, MAX_SQL_NESTING_DEPTH } from '../limits.js';
import { tokenize, type Token } from './lexer.js';
import { parseSqlType } from './parse-type.js';

/** Parses a whole program: statements separated by `;`, the last `;` optional. */
/**
 * Parses a whole program. A statement with a syntax error is reported in `problems` and left out,
 * and reading goes on at the next statement (after the next `;`, or at the next CREATE), so that
 * one run reports every statement's first syntax problem.
 */
export function parseProgramWithProblems(source: string, file?: string): Program {
  const { tokens, problems } = tokenize(source, file);
  return new Parser(tokens, source, file).program(problems);
}

/** Parses a whole program that must be free of syntax errors: throws the first one. */
export function parseProgram(source: string, file?: string): Program {
  const program = parseProgramWithProblems(source, file);
  const [first] = program.problems;
  if (first !== undefined) throw first;
  return program;
}

// Words that cannot be used unquoted as names, because they would make the grammar ambiguous:
// `FROM t WHERE ...` must not read WHERE as an alias of t.
const RESERVED = new Set([
  'ALL', 'AND', 'ARRAY', 'AS', 'ASOF', 'BETWEEN', 'CASE', 'CAST', 'CREATE', 'CROSS', 'DEFAULT', 'DISTINCT', 'ELSE',
  'END', 'EXCEPT', 'EXISTS', 'FALSE', 'FETCH', 'FOREIGN', 'FROM', 'FULL', 'GROUP', 'HAVING', 'IN', 'INNER',
  'INTERSECT', 'INTERVAL', 'IS', 'JOIN', 'LATENESS', 'LATERAL', 'LEFT', 'LIKE', 'LIMIT', 'MINUS', 'NATURAL', 'NOT',
  'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'OVER', 'PRIMARY', 'QUALIFY', 'RIGHT', 'SELECT', 'TABLE', 'THEN',
  'TRUE', 'UNION', 'UNNEST', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

// Reserved words that also name functions.
const FUNCTION_WORDS = new Set(['LEFT', 'RIGHT']);

/** Whether an unquoted word (in any case) is reserved, so that it must be quoted to be a name. */
export function isReservedWord(word: string): boolean {
  return RESERVED.has(word.toUpperCase());
}

/** Whether an unquoted word (in any case) may name a function although it is reserved: LEFT(s, n). */
export function isFunctionWord(word: string): boolean {
  return FUNCTION_WORDS.has(word.toUpperCase());
}

/** Functions whose calls are `AggregateCall`s (or `WindowCall`s with OVER), by upper-case name. */
export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set([
  'ARG_MAX', 'ARG_MIN', 'ARRAY_AGG', 'AVG', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'BOOL_AND', 'BOOL_OR', 'COUNT',
  'COUNTIF', 'EVERY', 'LOGICAL_AND', 'LOGICAL_OR', 'MAX', 'MIN', 'MODE', 'SOME', 'STDDEV', 'STDDEV_POP',
  'STDDEV_SAMP', 'SUM', 'VAR_POP', 'VAR_SAMP', 'VARIANCE',
]);

/** Functions that exist only as window functions: a call must have OVER. */
export const WINDOW_FUNCTIONS: ReadonlySet<string> = new Set([
  'DENSE_RANK', 'FIRST_VALUE', 'LAG', 'LAST_VALUE', 'LEAD', 'RANK', 'ROW_NUMBER',
]);

const SET_OPERATORS: Readonly<Record<string, SetOperation['operator']>> = {
  UNION: 'UNION', EXCEPT: 'EXCEPT', MINUS: 'EXCEPT', INTERSECT: 'INTERSECT',
};

// What may follow a parenthesized query inside a larger query: `((SELECT 1) UNION (SELECT 2))`
// is a query, `((SELECT 1) + 1)` an expression and `((SELECT 1) x JOIN u ...)` a join.
const QUERY_CONTINUATIONS = new Set(['EXCEPT', 'FETCH', 'INTERSECT', 'LIMIT', 'MINUS', 'OFFSET', 'ORDER', 'UNION']);

// What may follow a SELECT list that has no FROM, besides `)`, `;` and the end of input.
const SELECT_LIST_FOLLOWERS = new Set([...QUERY_CONTINUATIONS, 'GROUP', 'HAVING', 'QUALIFY', 'WHERE', 'WINDOW']);

// `* EXCLUDE (a)`, `* EXCEPT (a)`, `* REPLACE (e AS a)`: Feldera's column list edits.
const STAR_MODIFIERS = new Set(['EXCEPT', 'EXCLUDE', 'REPLACE']);

// Operators that Feldera accepts after a FROM item: `t PIVOT (...)`.
const TABLE_OPERATORS = new Set(['PIVOT', 'UNPIVOT']);

const FRAME_UNITS = new Set(['GROUPS', 'RANGE', 'ROWS']);

const QUANTIFIERS = new Set(['ALL', 'ANY', 'SOME']);

const COMPARISONS: Readonly<Record<string, BinaryOperator>> = {
  '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};

// Words that continue a type after its name: INT UNSIGNED, DOUBLE PRECISION, CHARACTER VARYING,
// TIME WITHOUT TIME ZONE, INT ARRAY. Only `x::type` needs them, having no closing token to stop at.
const TYPE_CONTINUATIONS = new Set(['UNSIGNED', 'PRECISION', 'VARYING', 'WITHOUT', 'TIME', 'ZONE', 'ARRAY']);

// Words after a column's type that begin a constraint rather than continue the type.
const COLUMN_CONSTRAINTS = new Set(['PRIMARY', 'DEFAULT', 'FOREIGN', 'LATENESS', 'NOT', 'NULL']);

const NEGATABLE_PREDICATES = new Set(['BETWEEN', 'IN', 'LIKE']);

// Type names whose parameters are written in angle brackets: ARRAY<INT>, MAP<VARCHAR, INT>.
const ANGLE_BRACKET_TYPES = new Set(['ARRAY', 'MAP']);

const TYPED_LITERALS: Readonly<Record<string, LiteralType>> = {
  DATE: 'DATE', TIME: 'TIME', TIMESTAMP: 'TIMESTAMP', UUID: 'UUID',
};

const TRIM_MODES = ['BOTH', 'LEADING', 'TRAILING'] as const;

// A found token is quoted in messages; a JSON connector list would drown the message.
const MAX_QUOTED_TOKEN = 30;

class Parser {
  private index = 0;
  /** The name the statement being read declares, once read: left out if the statement is. */
  private declaring: DeclaredName | undefined;
  /** Levels of nesting the parser is inside: see `nested`. */
  private depth = 0;
  /** How many expressions the parser is inside; the outermost one has its depth checked. */
  private expressionLevel = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
    private readonly file: string | undefined,
  ) {}

  program(lexerProblems: readonly SqlError[]): Program {
    const statements: Statement[] = [];
    const problems = [...lexerProblems];
    const unparsed: DeclaredName[] = [];
    for (;;) {
      while (this.acceptSymbol(';')) { /* empty statements are harmless */ }
      if (this.atEnd()) {
        problems.sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
        return { statements, problems, unparsed };
      }
      const start = this.index;
      this.declaring = undefined;
      let statement: Statement | undefined;
      try {
        statement = this.statement();
        if (!this.atEnd()) this.expectSymbol(';');
        statements.push(statement);
      } catch (error) {
        if (!(error instanceof SqlError)) throw error;
        // Text that is no token was reported by the lexer; the parser stumbling on it is no second problem.
        const lexical = this.current.kind === 'invalid';
        if (!lexical) problems.push(error);
        // A whole statement followed by something other than `;` is kept: only the `;` is missing.
        if (statement !== undefined && !lexical) statements.push(statement);
        else if (this.declaring !== undefined) unparsed.push(this.declaring);
        this.skipStatement(start);
      }
    }
  }

  /** Moves to where the next statement can start: the next `;`, or the next CREATE (a missing `;`). */
  private skipStatement(start: number): void {
    if (this.index === start) this.advance();
    while (!this.atEnd() && !this.isSymbol(this.current, ';') && !this.isWord(this.current, 'CREATE')) this.advance();
  }

  // ---- Statements --------------------------------------------------------------------------

  private statement(): Statement {
    const first = this.current;
    if (this.isWord(first, 'DECLARE')) throw this.notSupported('DECLARE RECURSIVE', first);
    if (this.isWord(first, 'LATENESS')) throw this.notSupported('LATENESS', first);
    this.expectWord('CREATE');
    const what = this.current;
    if (this.isWord(what, 'OR')) throw this.notSupported('CREATE OR REPLACE', first);
    if (this.isWord(what, 'FUNCTION')) throw this.notSupported('CREATE FUNCTION', first);
    if (this.acceptWord('TABLE')) return this.createTable(first);
    if (this.acceptWord('VIEW')) return this.createView(first, null);
    if (this.acceptWord('MATERIALIZED')) return this.createViewAfterModifier(first, 'materialized');
    if (this.acceptWord('LOCAL')) return this.createViewAfterModifier(first, 'local');
    if (this.acceptWord('INDEX')) return this.createIndex(first);
    if (this.acceptWord('TYPE')) return this.createType(first);
    return this.fail('"TABLE", "VIEW", "MATERIALIZED VIEW", "LOCAL VIEW", "INDEX" or "TYPE"');
  }

  private createTable(create: Token): CreateTable {
    const name = this.newName('a table name', 'relation');
    this.expectSymbol('(');
    let columns: ColumnDefinition[] = [];
    let primaryKey: Identifier[] = [];
    const declarePrimaryKey = (key: Identifier[], at: Token): void => {
      if (primaryKey.length > 0) throw this.error('SQL_INVALID', `table ${name.name} has more than one PRIMARY KEY`, at);
      primaryKey = key;
    };
    do {
      const first = this.current;
      if (this.isWord(first, 'FOREIGN')) throw this.notSupported('FOREIGN KEY', first);
      if (this.acceptWord('PRIMARY')) {
        this.expectWord('KEY');
        declarePrimaryKey(this.identifierList('a column name'), first);
      } else {
        const { definition, primaryKeyToken } = this.columnDefinition({ allowPrimaryKey: true });
        if (primaryKeyToken !== null) declarePrimaryKey([definition.name], primaryKeyToken);
        columns.push(definition);
      }
    } while (this.acceptSymbol(','));
    this.expectListEnd(')');
    const properties = this.optionalProperties();
    // A key column can never be NULL, however it is declared (Feldera forces NOT NULL too).
    const keyed = new Set(primaryKey.map((key) => key.name));
    columns = columns.map((c) => (keyed.has(c.name.name) ? { ...c, nullable: false, primaryKey: true } : c));
    return { kind: 'CreateTable', name, columns, primaryKey, properties, span: this.spanTo(create) };
  }

  /**
   * `name type [NOT NULL | NULL] [PRIMARY KEY] [DEFAULT expr]`, constraints in any order. The
   * type's text runs to the first constraint, `,` or `)` outside brackets.
   */
  private columnDefinition(options: { allowPrimaryKey: boolean }): { definition: ColumnDefinition; primaryKeyToken: Token | null } {
    const name = this.identifier('a column name');
    const type = this.typeText(() => this.isSymbol(this.current, ',') || this.startsConstraint());
    let nullable = true;
    let primaryKeyToken: Token | null = null;
    let defaultValue: Expression | null = null;
    for (;;) {
      const token = this.current;
      if (this.acceptWord('NULL')) {
        nullable = true;
      } else if (this.acceptWord('NOT')) {
        this.expectWord('NULL');
        nullable = false;
      } else if (options.allowPrimaryKey && this.acceptWord('PRIMARY')) {
        this.expectWord('KEY');
        primaryKeyToken = token;
      } else if (this.acceptWord('DEFAULT')) {
        defaultValue = this.expression();
      } else if (this.isWord(token, 'FOREIGN')) {
        throw this.notSupported('FOREIGN KEY', token);
      } else if (this.isWord(token, 'LATENESS')) {
        throw this.notSupported('LATENESS', token);
      } else {
        break;
      }
    }
    const definition: ColumnDefinition = {
      name, type, nullable, primaryKey: primaryKeyToken !== null, defaultValue, span: this.spanTo(name.span),
    };
    return { definition, primaryKeyToken };
  }

  /** NOT NULL or NULL end a column's type, unless followed by ARRAY: `INT NOT NULL ARRAY` is a type. */
  private startsConstraint(): boolean {
    return this.isWordIn(this.current, COLUMN_CONSTRAINTS) && !this.atArrayElementNullability();
  }

  private createViewAfterModifier(create: Token, modifier: 'materialized' | 'local'): CreateView {
    this.expectWord('VIEW');
    return this.createView(create, modifier);
  }

  private createView(create: Token, modifier: 'materialized' | 'local' | null): CreateView {
    const name = this.newName('a view name', 'relation');
    const columnNames = this.isSymbol(this.current, '(') ? this.identifierList('a column name') : null;
    const properties = this.optionalProperties();
    this.expectWord('AS');
    const query = this.query();
    return { kind: 'CreateView', name, modifier, columnNames, properties, query, span: this.spanTo(create) };
  }

  private createIndex(create: Token): CreateIndex {
    const name = this.newName('an index name', 'index');
    this.expectWord('ON');
    const relation = this.identifier('a view name');
    // An empty list parses, so that the catalog can say what is wrong with it.
    const columns = this.isSymbol(this.peek(1), ')') ? this.emptyList() : this.identifierList('a column name');
    return { kind: 'CreateIndex', name, relation, columns, span: this.spanTo(create) };
  }

  private emptyList(): Identifier[] {
    this.expectSymbol('(');
    this.expectSymbol(')');
    return [];
  }

  private createType(create: Token): CreateType {
    const name = this.newName('a type name', 'type');
    this.expectWord('AS');
    if (!this.acceptSymbol('(')) {
      const alias = this.typeText(() => false);
      return { kind: 'CreateType', name, fields: null, alias, span: this.spanTo(create) };
    }
    const fields: ColumnDefinition[] = [];
    do fields.push(this.columnDefinition({ allowPrimaryKey: false }).definition);
    while (this.acceptSymbol(','));
    this.expectListEnd(')');
    return { kind: 'CreateType', name, fields, alias: null, span: this.spanTo(create) };
  }

  /** A name being declared: `IF NOT EXISTS` before it is Feldera syntax that dynaview lacks. */
  private newName(what: string, kind: DeclaredName['kind']): Identifier {
    if (this.isWord(this.current, 'IF') && this.isWord(this.peek(1), 'NOT')) {
      const name = this.peek(3);
      if (name.kind === 'word' || name.kind === 'quotedIdentifier') this.declaring = { kind, name: name.value };
      throw this.notSupported('IF NOT EXISTS', this.current);
    }
    const name = this.identifier(what);
    this.declaring = { kind, name: name.name };
    return name;
  }

  private optionalProperties(): Property[] {
    if (!this.acceptWord('WITH')) return [];
    this.expectSymbol('(');
    const properties: Property[] = [];
    do {
      const key = this.expectString('a property name');
      this.expectSymbol('=');
      const value = this.expectString('a property value');
      properties.push({ key: key.value, value: value.value, keySpan: key.span, valueSpan: value.span });
    } while (this.acceptSymbol(','));
    this.expectListEnd(')');
    return properties;
  }

  // ---- Queries -----------------------------------------------------------------------------

  /**
   * `[WITH ...] body [ORDER BY ...] [LIMIT ...] [OFFSET ...] [FETCH ...]`. A query that is only a
   * parenthesized query, `(q)`, is `q` itself.
   */
  private query(): Query {
    const first = this.current;
    const withItems = this.isWord(first, 'WITH') ? this.withClause() : [];
    const body = this.setOperations();
    const orderBy = this.orderByClause();
    const { limit, offset } = this.limitClauses();
    const query: Query = { kind: 'Query', with: withItems, body, orderBy, limit, offset, span: this.spanTo(first) };
    return body.kind === 'Query' && isBareQuery(query) ? body : query;
  }

  /** `WITH name [(columns)] AS (query), ...`. */
  private withClause(): CommonTableExpression[] {
    const withToken = this.advance();
    if (this.isWord(this.current, 'RECURSIVE') && this.isName(this.peek(1))) {
      // Feldera refuses it too, asking for its own form of recursion.
      throw this.error('SQL_NOT_SUPPORTED',
        'WITH RECURSIVE is not supported: Feldera requires DECLARE RECURSIVE VIEW, which dynaview does not support yet', withToken);
    }
    const items: CommonTableExpression[] = [];
    do {
      const name = this.identifier('a name for the WITH query');
      const columnNames = this.isSymbol(this.current, '(') ? this.identifierList('a column name') : null;
      this.expectWord('AS');
      const query = this.subquery();
      items.push({ name, columnNames, query, span: this.spanTo(name.span) });
    } while (this.acceptSymbol(','));
    return items;
  }

  /** `(query)`, the parentheses required. */
  private subquery(): Query {
    this.expectSymbol('(');
    const query = this.nested(() => this.query());
    this.expectSymbol(')');
    return query;
  }

  /** UNION and EXCEPT (MINUS) over INTERSECTs, which bind tighter; all associate to the left. */
  private setOperations(): QueryBody {
    return this.setOperationChain(['UNION', 'EXCEPT', 'MINUS'], () => this.setOperationChain(['INTERSECT'], () => this.queryOperand()));
  }

  private setOperationChain(words: readonly string[], operand: () => QueryBody): QueryBody {
    let left = operand();
    for (;;) {
      const word = words.find((w) => this.acceptWord(w));
      if (word === undefined) return left;
      const all = this.acceptWord('ALL');
      if (!all) this.acceptWord('DISTINCT');
      const right = operand();
      left = { kind: 'SetOperation', operator: SET_OPERATORS[word]!, all, left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private queryOperand(): QueryBody {
    const first = this.current;
    if (this.isWord(first, 'SELECT')) return this.select();
    if (this.startsValues(this.index)) return this.values();
    if (this.isSymbol(first, '(')) return this.parenthesizedQuery();
    return this.fail('"SELECT", "VALUES" or "("');
  }

  /**
   * `(query)` as an operand. Without its own WITH, ORDER BY, LIMIT or OFFSET it is just its body,
   * whose span grows to cover the parentheses; with them it stays a nested query.
   */
  private parenthesizedQuery(): QueryBody {
    const open = this.current;
    const query = this.subquery();
    const span = this.spanTo(open);
    return isBareQuery(query) ? { ...query.body, span } : { ...query, span };
  }

  /** `VALUES row, ...` (or `VALUE`), a row being `(expr, ...)`, `ROW(expr, ...)` or one expression. */
  private values(): Values {
    const start = this.advance();
    const rows: Expression[][] = [];
    do {
      if (this.isWord(this.current, 'ROW') && this.isSymbol(this.peek(1), '(')) this.advance();
      rows.push(this.acceptSymbol('(') ? this.nonEmptyExpressionList(')') : [this.expression()]);
    } while (this.acceptSymbol(','));
    return { kind: 'Values', rows, span: this.spanTo(start) };
  }

  private select(): Select {
    const select = this.advance();
    const distinct = this.selectQuantifier();
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptSymbol(','));
    let from: FromItem | null = null;
    if (this.acceptWord('FROM')) from = this.fromClause();
    else if (!this.atSelectListEnd()) this.fail('"," or "FROM"');
    const where = this.acceptWord('WHERE') ? this.expression() : null;
    const groupBy = this.groupByClause();
    const having = this.acceptWord('HAVING') ? this.expression() : null;
    const clause = this.current;
    if (this.isWord(clause, 'QUALIFY') || this.isWord(clause, 'WINDOW')) throw this.notSupported(clause.text.toUpperCase(), clause);
    return { kind: 'Select', distinct, items, from, where, groupBy, having, span: this.spanTo(select) };
  }

  /** `[ALL | DISTINCT]`: whether DISTINCT was written. */
  private selectQuantifier(): boolean {
    const token = this.current;
    if (this.isWord(token, 'DISTINCT') && this.isWord(this.peek(1), 'ON')) {
      throw this.notSupported('DISTINCT ON', token, 'filter ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) = 1 in a subquery');
    }
    if (this.acceptWord('DISTINCT')) return true;
    this.acceptWord('ALL');
    return false;
  }

  /** Without FROM, the SELECT list must be followed by another clause or end the query. */
  private atSelectListEnd(): boolean {
    return this.atStatementEnd() || this.isSymbol(this.current, ')') || this.isWordIn(this.current, SELECT_LIST_FOLLOWERS);
  }

  private selectItem(): SelectItem {
    const first = this.current;
    if (this.acceptSymbol('*')) return this.allColumns(null, first);
    if (this.isName(first) && this.isSymbol(this.peek(1), '.') && this.isSymbol(this.peek(2), '*')) {
      const table = this.identifier('a table name');
      this.advance();
      this.advance();
      return this.allColumns(table, first);
    }
    const expression = this.expression();
    const alias = this.optionalAlias();
    return { kind: 'SelectExpression', expression, alias, span: this.spanTo(first) };
  }

  /** After `*` or `t.*`, which Feldera may follow with EXCLUDE, EXCEPT or REPLACE (...). */
  private allColumns(table: Identifier | null, first: Token): SelectItem {
    const modifier = this.current;
    // `SELECT * EXCEPT (SELECT ...)` is a set operation instead.
    if (this.isWordIn(modifier, STAR_MODIFIERS) && this.isSymbol(this.peek(1), '(') && !this.opensQuery(this.index + 1)) {
      throw this.notSupported(`* ${modifier.text.toUpperCase()}`, modifier);
    }
    return { kind: 'AllColumns', table, span: this.spanTo(first) };
  }

  /** FROM items joined left to right; a comma is a join too, so `a, b JOIN c ON ...` is `(a, b) JOIN c`, as in Calcite. */
  private fromClause(): FromItem {
    let left = this.fromItem();
    for (;;) {
      const join = this.joinOperator();
      if (join === null) return left;
      const right = this.fromItem();
      const { on, using } = this.joinCondition(join.type, join.natural);
      left = { kind: 'Join', ...join, left, right, on, using, span: this.spanTo(left.span) };
    }
  }

  /** `,`, `CROSS JOIN` or `[NATURAL] [INNER | LEFT | RIGHT | FULL [OUTER]] JOIN`; null when none follows. */
  private joinOperator(): { type: JoinType; natural: boolean; comma: boolean } | null {
    const first = this.current;
    if (this.acceptSymbol(',')) return { type: 'CROSS', natural: false, comma: true };
    if ((this.isWord(first, 'CROSS') || this.isWord(first, 'OUTER')) && this.isWord(this.peek(1), 'APPLY')) {
      throw this.notSupported(`${first.text.toUpperCase()} APPLY`, first);
    }
    if (this.acceptWord('CROSS')) {
      this.expectWord('JOIN');
      return { type: 'CROSS', natural: false, comma: false };
    }
    const natural = this.acceptWord('NATURAL');
    let type: JoinType | null = null;
    if (this.acceptWord('INNER')) {
      type = 'INNER';
    } else {
      type = (['LEFT', 'RIGHT', 'FULL'] as const).find((t) => this.acceptWord(t)) ?? null;
      if (type !== null) this.acceptWord('OUTER');
    }
    if (this.isWord(this.current, 'ASOF')) throw this.notSupported('ASOF JOIN', first);
    if (!natural && type === null && !this.isWord(this.current, 'JOIN')) return null;
    this.expectWord('JOIN');
    return { type: type ?? 'INNER', natural, comma: false };
  }

  /** `ON cond` or `USING (columns)`: required by a join that is neither NATURAL nor CROSS, refused by those. */
  private joinCondition(type: JoinType, natural: boolean): { on: Expression | null; using: Identifier[] | null } {
    const token = this.current;
    if (natural || type === 'CROSS') {
      if (this.isWord(token, 'ON') || this.isWord(token, 'USING')) {
        throw this.error('SQL_SYNTAX_ERROR', `a ${natural ? 'NATURAL' : 'CROSS'} join cannot have ${token.text.toUpperCase()}`, token);
      }
      return { on: null, using: null };
    }
    if (this.acceptWord('ON')) return { on: this.expression(), using: null };
    if (this.acceptWord('USING')) return { on: null, using: this.identifierList('a column name') };
    return this.fail('"ON" or "USING"');
  }

  /** A table or view with an optional alias, `(query) [alias]`, or `(joins)`. */
  private fromItem(): FromItem {
    const first = this.current;
    if (this.isSymbol(first, '(')) return this.opensQuery(this.index) ? this.subqueryReference() : this.parenthesizedJoin();
    if (this.isWord(first, 'LATERAL')) throw this.notSupported('LATERAL', first);
    if (this.isWord(first, 'TABLE')) throw this.notSupported('a table function', first);
    if (this.isWord(first, 'UNNEST')) throw this.notSupported('UNNEST', first);
    const name = this.identifier('a table or view name');
    const alias = this.fromAlias();
    if (this.isSymbol(this.current, '(')) throw this.notSupported('a column list after a table alias', this.current);
    return { kind: 'TableReference', name, alias, span: this.spanTo(first) };
  }

  private subqueryReference(): SubqueryReference {
    const open = this.current;
    const query = this.subquery();
    const alias = this.fromAlias();
    const columnNames = alias !== null && this.isSymbol(this.current, '(') ? this.identifierList('a column name') : null;
    return { kind: 'SubqueryReference', query, alias, columnNames, span: this.spanTo(open) };
  }

  /** `(a JOIN b ON ...)`; the span grows to cover the parentheses. */
  private parenthesizedJoin(): FromItem {
    const open = this.expectSymbol('(');
    const item = this.nested(() => this.fromClause());
    this.expectSymbol(')');
    return { ...item, span: this.spanTo(open) };
  }

  /** An optional alias after a FROM item, where PIVOT (...) and UNPIVOT (...) are no aliases. */
  private fromAlias(): Identifier | null {
    const token = this.current;
    if (this.isWordIn(token, TABLE_OPERATORS) && this.isSymbol(this.peek(1), '(')) throw this.notSupported(token.text.toUpperCase(), token);
    return this.optionalAlias();
  }

  /** `[AS] alias`; without AS, any name that is not a reserved word. */
  private optionalAlias(): Identifier | null {
    if (this.acceptWord('AS')) return this.identifier('an alias');
    return this.isName(this.current) ? this.identifier('an alias') : null;
  }

  /** `GROUP BY expr, ...`; null without GROUP BY. Grouping sets of any kind are not supported. */
  private groupByClause(): Expression[] | null {
    const group = this.current;
    if (!this.acceptWord('GROUP')) return null;
    this.expectWord('BY');
    const quantifier = this.current;
    if (this.isWord(quantifier, 'ALL') || this.isWord(quantifier, 'DISTINCT')) {
      throw this.notSupported(`GROUP BY ${quantifier.text.toUpperCase()}`, group);
    }
    const items: Expression[] = [];
    do items.push(this.groupByItem());
    while (this.acceptSymbol(','));
    return items;
  }

  private groupByItem(): Expression {
    const token = this.current;
    if ((this.isWord(token, 'CUBE') || this.isWord(token, 'ROLLUP')) && this.isSymbol(this.peek(1), '(')) {
      throw this.notSupported(token.text.toUpperCase(), token, 'write one GROUP BY query per grouping and combine them with UNION ALL');
    }
    if (this.isWord(token, 'GROUPING') && this.isWord(this.peek(1), 'SETS')) {
      throw this.notSupported('GROUPING SETS', token, 'write one GROUP BY query per grouping and combine them with UNION ALL');
    }
    if (this.isSymbol(token, '(') && !this.opensQuery(this.index)) this.refuseGroupingSet();
    return this.expression();
  }

  /** `()` and `(a, b)` are grouping sets; `(a)` is an expression, which is then parsed again. */
  private refuseGroupingSet(): void {
    const open = this.current;
    const start = this.index;
    this.advance();
    if (this.isSymbol(this.current, ')')) throw this.notSupported('the empty grouping set ()', open);
    this.expression();
    if (this.isSymbol(this.current, ',')) throw this.notSupported('a grouping set in parentheses', open);
    this.index = start;
  }

  /** `ORDER BY item, ...`; empty without ORDER BY. */
  private orderByClause(): OrderItem[] {
    const order = this.current;
    if (!this.acceptWord('ORDER')) return [];
    this.expectWord('BY');
    if (this.isWord(this.current, 'ALL')) throw this.notSupported('ORDER BY ALL', order);
    return this.orderItems();
  }

  private orderItems(): OrderItem[] {
    const items: OrderItem[] = [];
    do items.push(this.orderItem());
    while (this.acceptSymbol(','));
    return items;
  }

  /** `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`. */
  private orderItem(): OrderItem {
    const expression = this.expression();
    const descending = this.acceptWord('DESC');
    if (!descending) this.acceptWord('ASC');
    let nullsFirst: boolean | null = null;
    if (this.acceptWord('NULLS')) {
      if (this.acceptWord('FIRST')) nullsFirst = true;
      else if (this.acceptWord('LAST')) nullsFirst = false;
      else this.fail('"FIRST" or "LAST"');
    }
    return { expression, descending, nullsFirst, span: this.spanTo(expression.span) };
  }

  /**
   * Calcite's forms: `LIMIT {n | ALL | start, n} [OFFSET m]`, or `OFFSET m [ROW | ROWS]` followed by
   * an optional `FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY`, or FETCH alone. `LIMIT start, n`
   * is `LIMIT n OFFSET start`; LIMIT ALL is no limit; FETCH is a LIMIT.
   */
  private limitClauses(): { limit: Expression | null; offset: Expression | null } {
    let limit: Expression | null = null;
    let offset: Expression | null = null;
    const limitWritten = this.acceptWord('LIMIT');
    if (limitWritten && !this.acceptWord('ALL')) {
      limit = this.rowCount();
      if (this.acceptSymbol(',')) {
        offset = limit;
        limit = this.rowCount();
      }
    }
    if (offset === null && this.acceptWord('OFFSET')) {
      offset = this.rowCount();
      if (!this.acceptWord('ROWS')) this.acceptWord('ROW');
    }
    if (!limitWritten && this.isWord(this.current, 'FETCH')) limit = this.fetchClause();
    return { limit, offset };
  }

  /** `FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY`; the count is 1 when not written. */
  private fetchClause(): Expression {
    const fetch = this.advance();
    if (!this.acceptWord('FIRST') && !this.acceptWord('NEXT')) this.fail('"FIRST" or "NEXT"');
    const count = this.current.kind === 'number' ? this.rowCount() : null;
    if (!this.acceptWord('ROWS') && !this.acceptWord('ROW')) this.fail('"ROW" or "ROWS"');
    this.expectWord('ONLY');
    return count ?? this.literal('INTEGER', '1', this.spanTo(fetch));
  }

  /** A LIMIT, OFFSET or FETCH count: a whole number, as Calcite requires. */
  private rowCount(): Expression {
    const token = this.current;
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) return this.fail('a whole number');
    this.advance();
    return this.literal('INTEGER', token.text, token.span);
  }

  private atStatementEnd(): boolean {
    return this.atEnd() || this.isSymbol(this.current, ';');
  }

  /** VALUES, or VALUE followed by a row (VALUE alone is a common column name). */
  private startsValues(at: number): boolean {
    const token = this.tokenAt(at);
    return this.isWord(token, 'VALUES') || (this.isWord(token, 'VALUE') && this.isSymbol(this.tokenAt(at + 1), '('));
  }

  /**
   * Whether the `(` at token index `at` holds a query rather than an expression or a join. It
   * does when a query begins inside it, possibly after more `(`: then each inner parenthesized
   * query must be followed by `)` or something that continues a query (UNION, ORDER BY, ...).
   */
  private opensQuery(at: number): boolean {
    let innermost = at;
    while (this.isSymbol(this.tokenAt(innermost + 1), '(')) innermost += 1;
    const first = this.tokenAt(innermost + 1);
    if (!this.isWord(first, 'SELECT') && !this.isWord(first, 'WITH') && !this.startsValues(innermost + 1)) return false;
    for (let open = innermost; open > at; open -= 1) {
      const after = this.tokenAt(this.matchingClose(open) + 1);
      if (!this.isSymbol(after, ')') && !this.isWordIn(after, QUERY_CONTINUATIONS)) return false;
    }
    return true;
  }

  /** The index of the `)` that closes the `(` at `open`, or of the end token when none does. */
  private matchingClose(open: number): number {
    let depth = 0;
    for (let i = open; i < this.tokens.length; i += 1) {
      const token = this.tokens[i]!;
      if (this.isSymbol(token, '(')) depth += 1;
      else if (this.isSymbol(token, ')') && --depth === 0) return i;
    }
    return this.tokens.length - 1;
  }

  // ---- Expressions, loosest binding first --------------------------------------------------

  private expression(): Expression {
    const start = this.current;
    this.expressionLevel += 1;
    let expression: Expression;
    try {
      expression = this.nested(() => this.disjunction());
    } finally {
      this.expressionLevel -= 1;
    }
    if (this.expressionLevel === 0) this.checkExpressionDepth(expression, start);
    return expression;
  }

  /** Runs `parse` one level of nesting deeper, refusing to go past MAX_SQL_NESTING_DEPTH. */
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_SQL_NESTING_DEPTH) {
      throw this.error('SQL_NOT_SUPPORTED',
        `nested more than ${MAX_SQL_NESTING_DEPTH} levels deep (parentheses, subqueries, function calls, CASE, `
        + 'prefix operators), which is dynaview\'s limit', this.current);
    }
    this.depth += 1;
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  /**
   * Refuses an outermost expression whose syntax tree is deeper than MAX_SQL_EXPRESSION_DEPTH,
   * which a long chain of binary operators makes without nesting; measured without recursion.
   */
  private checkExpressionDepth(expression: Expression, start: Token): void {
    const pending: Array<[unknown, number]> = [[expression, 0]];
    while (pending.length > 0) {
      const [value, depth] = pending.pop()!;
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        for (const item of value) pending.push([item, depth]);
        continue;
      }
      const isNode = typeof (value as { kind?: unknown }).kind === 'string';
      const level = isNode ? depth + 1 : depth;
      if (level > MAX_SQL_EXPRESSION_DEPTH) {
        throw this.error('SQL_NOT_SUPPORTED',
          `the expression is more than ${MAX_SQL_EXPRESSION_DEPTH} levels deep (a chain of that many operators), `
          + 'which is dynaview\'s limit: split it, e.g. into a subquery or a view', start);
      }
      for (const [key, child] of Object.entries(value)) {
        if (key !== 'span' && key !== 'valueSpan') pending.push([child, level]);
      }
    }
  }

  private disjunction(): Expression {
    let left = this.conjunction();
    while (this.acceptWord('OR')) left = this.binary('OR', left, this.conjunction());
    return left;
  }

  private conjunction(): Expression {
    let left = this.negation();
    while (this.acceptWord('AND')) left = this.binary('AND', left, this.negation());
    return left;
  }

  private negation(): Expression {
    const not = this.current;
    if (!this.acceptWord('NOT')) return this.comparison();
    const operand = this.nested(() => this.negation());
    return { kind: 'Unary', operator: 'NOT', operand, span: this.spanTo(not) };
  }

  private comparison(): Expression {
    let left = this.concatenation();
    for (;;) {
      const token = this.current;
      const operator = token.kind === 'symbol' ? COMPARISONS[token.text] : undefined;
      if (operator !== undefined) {
        this.advance();
        this.refuseQuantifier();
        left = this.binary(operator, left, this.concatenation());
      } else if (this.acceptSymbol('<=>')) {
        left = this.isDistinct(left, true);
      } else if (this.acceptWord('IS')) {
        left = this.isPredicate(left);
      } else if (this.isWordIn(token, NEGATABLE_PREDICATES)
        || (this.isWord(token, 'NOT') && this.isWordIn(this.peek(1), NEGATABLE_PREDICATES))) {
        left = this.negatablePredicate(left);
      } else {
        return left;
      }
    }
  }

  /** `= ANY (...)`, `< ALL (...)` and `= SOME (...)` compare with every row of a subquery. */
  private refuseQuantifier(): void {
    const token = this.current;
    if (this.isWordIn(token, QUANTIFIERS) && this.isSymbol(this.peek(1), '(')) {
      throw this.notSupported(`a quantified comparison (${token.text.toUpperCase()})`, token,
        'compare with MIN or MAX of the subquery, or use [NOT] IN / [NOT] EXISTS');
    }
  }

  /** After IS: [NOT] NULL | [NOT] TRUE | [NOT] FALSE | [NOT] DISTINCT FROM b. */
  private isPredicate(operand: Expression): Expression {
    const negated = this.acceptWord('NOT');
    if (this.acceptWord('DISTINCT')) {
      this.expectWord('FROM');
      return this.isDistinct(operand, negated);
    }
    if (this.acceptWord('NULL')) return { kind: 'IsNull', operand, negated, span: this.spanTo(operand.span) };
    if (this.acceptWord('TRUE')) return { kind: 'IsBoolean', operand, value: true, negated, span: this.spanTo(operand.span) };
    if (this.acceptWord('FALSE')) return { kind: 'IsBoolean', operand, value: false, negated, span: this.spanTo(operand.span) };
    return this.fail('"NULL", "TRUE", "FALSE" or "DISTINCT FROM"');
  }

  /** The right side of `a IS [NOT] DISTINCT FROM b` or `a <=> b`; `negated` for IS NOT DISTINCT FROM and `<=>`. */
  private isDistinct(left: Expression, negated: boolean): Expression {
    const right = this.concatenation();
    return { kind: 'IsDistinct', left, right, negated, span: this.spanTo(left.span) };
  }

  /** [NOT] BETWEEN a AND b | [NOT] IN (list) | [NOT] IN (query) | [NOT] LIKE pattern. */
  private negatablePredicate(operand: Expression): Expression {
    const negated = this.acceptWord('NOT');
    if (this.acceptWord('BETWEEN')) {
      // Bounds bind tighter than AND, which separates them.
      const low = this.concatenation();
      this.expectWord('AND');
      const high = this.concatenation();
      return { kind: 'Between', operand, low, high, negated, span: this.spanTo(operand.span) };
    }
    if (this.acceptWord('IN')) {
      if (this.opensQuery(this.index)) {
        return { kind: 'InSubquery', operand, query: this.subquery(), negated, span: this.spanTo(operand.span) };
      }
      this.expectSymbol('(');
      const list = this.expressionList(')');
      return { kind: 'InList', operand, list, negated, span: this.spanTo(operand.span) };
    }
    this.expectWord('LIKE');
    const pattern = this.concatenation();
    if (this.isWord(this.current, 'ESCAPE')) throw this.notSupported('LIKE ... ESCAPE', this.current);
    return { kind: 'Like', operand, pattern, negated, span: this.spanTo(operand.span) };
  }

  private concatenation(): Expression {
    let left = this.additive();
    while (this.acceptSymbol('||')) left = this.binary('||', left, this.additive());
    return left;
  }

  private additive(): Expression {
    let left = this.multiplicative();
    for (;;) {
      if (this.acceptSymbol('+')) left = this.binary('+', left, this.multiplicative());
      else if (this.acceptSymbol('-')) left = this.binary('-', left, this.multiplicative());
      else return left;
    }
  }

  private multiplicative(): Expression {
    let left = this.unary();
    for (;;) {
      if (this.acceptSymbol('*')) left = this.binary('*', left, this.unary());
      else if (this.acceptSymbol('/')) left = this.binary('/', left, this.unary());
      else if (this.acceptSymbol('%')) left = this.binary('%', left, this.unary());
      else return left;
    }
  }

  private unary(): Expression {
    const sign = this.current;
    if (!this.acceptSymbol('-') && !this.acceptSymbol('+')) return this.postfix();
    const operand = this.nested(() => this.unary());
    return { kind: 'Unary', operator: sign.text === '-' ? '-' : '+', operand, span: this.spanTo(sign) };
  }

  /** x[i], x.field and x::type, applied left to right. */
  private postfix(): Expression {
    let operand = this.primary();
    for (;;) {
      if (this.acceptSymbol('[')) {
        const index = this.expression();
        this.expectSymbol(']');
        operand = { kind: 'Subscript', operand, index, span: this.spanTo(operand.span) };
      } else if (this.acceptSymbol('.')) {
        const field = this.identifier('a field name');
        operand = { kind: 'FieldAccess', operand, field, span: this.spanTo(operand.span) };
      } else if (this.acceptSymbol('::')) {
        const type = this.typeText(() => !this.continuesType());
        operand = { kind: 'Cast', operand, type, span: this.spanTo(operand.span) };
      } else {
        return operand;
      }
    }
  }

  private primary(): Expression {
    const token = this.current;
    switch (token.kind) {
      case 'number':
        this.advance();
        return this.literal(numberType(token.text), token.text, token.span);
      case 'string':
        this.advance();
        return this.literal('VARCHAR', token.value, token.span);
      case 'binaryString':
        this.advance();
        return this.literal('BINARY', token.value, token.span);
      case 'symbol':
        if (!this.isSymbol(token, '(')) return this.fail('an expression');
        return this.opensQuery(this.index) ? this.scalarSubquery() : this.parenthesized();
      case 'quotedIdentifier':
        return this.isSymbol(this.peek(1), '(') ? this.functionCall() : this.columnReference();
      case 'word':
        return this.wordPrimary(token);
      case 'end':
      case 'invalid':
        return this.fail('an expression');
      default:
        return unreachable(token.kind);
    }
  }

  private wordPrimary(token: Token): Expression {
    const word = token.text.toUpperCase();
    const next = this.peek(1);
    const typedLiteral = TYPED_LITERALS[word];
    if (typedLiteral !== undefined && next.kind === 'string') {
      this.advance();
      this.advance();
      return this.literal(typedLiteral, next.value, this.spanTo(token));
    }
    switch (word) {
      case 'TRUE':
      case 'FALSE':
        this.advance();
        return this.literal('BOOLEAN', word, token.span);
      case 'NULL':
        this.advance();
        return this.literal('NULL', word, token.span);
      case 'CAST':
        return this.cast();
      case 'CASE':
        return this.caseExpression();
      case 'ARRAY':
        return this.arrayConstructor();
      case 'EXISTS':
        this.advance();
        return { kind: 'Exists', query: this.subquery(), span: this.spanTo(token) };
      case 'INTERVAL':
        throw this.notSupported('INTERVAL', token);
      default:
        // LEFT and RIGHT are join words, but followed by "(" they are the string functions.
        if (RESERVED.has(word) && !(FUNCTION_WORDS.has(word) && this.isSymbol(next, '('))) return this.fail('an expression');
        return this.isSymbol(next, '(') ? this.functionCall() : this.columnReference();
    }
  }

  private literal(type: LiteralType, text: string, span: Span): Expression {
    return { kind: 'Literal', type, text, span };
  }

  /** `(query)` as a value. */
  private scalarSubquery(): Expression {
    const open = this.current;
    return { kind: 'ScalarSubquery', query: this.subquery(), span: this.spanTo(open) };
  }

  /** `(expr)`; the node's span grows to cover the parentheses. */
  private parenthesized(): Expression {
    const open = this.expectSymbol('(');
    const inner = this.expression();
    this.expectSymbol(')');
    return { ...inner, span: this.spanTo(open) };
  }

  private columnReference(): Expression {
    const first = this.identifier('a column name');
    if (this.isSymbol(this.current, '.') && this.isName(this.peek(1))) {
      this.advance();
      const column = this.identifier('a column name');
      return { kind: 'ColumnReference', table: first, column, span: this.spanTo(first.span) };
    }
    return { kind: 'ColumnReference', table: null, column: first, span: first.span };
  }

  private cast(): Expression {
    const cast = this.advance();
    this.expectSymbol('(');
    const operand = this.expression();
    this.expectWord('AS');
    const type = this.typeText(() => false);
    this.expectSymbol(')');
    return { kind: 'Cast', operand, type, span: this.spanTo(cast) };
  }

  private caseExpression(): Expression {
    const start = this.advance();
    const operand = this.isWord(this.current, 'WHEN') ? null : this.expression();
    const branches: { when: Expression; then: Expression }[] = [];
    do {
      this.expectWord('WHEN');
      const when = this.expression();
      this.expectWord('THEN');
      branches.push({ when, then: this.expression() });
    } while (this.isWord(this.current, 'WHEN'));
    const otherwise = this.acceptWord('ELSE') ? this.expression() : null;
    this.expectWord('END');
    return { kind: 'Case', operand, branches, otherwise, span: this.spanTo(start) };
  }

  private arrayConstructor(): Expression {
    const start = this.advance();
    if (this.isSymbol(this.current, '(')) throw this.notSupported('ARRAY(subquery)', start);
    this.expectSymbol('[');
    const elements = this.expressionList(']');
    return { kind: 'ArrayConstructor', elements, span: this.spanTo(start) };
  }

  /** `name(args)`, with SQL's keyword-separated forms turned into plain arguments. */
  private functionCall(): Expression {
    const nameToken = this.current;
    const upper = nameToken.kind === 'word' ? nameToken.text.toUpperCase() : '';
    if (AGGREGATE_FUNCTIONS.has(upper) || WINDOW_FUNCTIONS.has(upper)) return this.aggregateOrWindowCall(upper);
    const name: Identifier = FUNCTION_WORDS.has(upper)
      ? (this.advance(), { name: nameToken.value, quoted: false, span: nameToken.span })
      : this.identifier('a function name');
    // How the user wrote it: built-in names in upper case, quoted ones as they are.
    const displayName = upper === '' ? name.name : upper;
    this.expectSymbol('(');
    let call: Expression;
    switch (upper) {
      case 'SUBSTRING':
        call = this.substring(name);
        break;
      case 'TRIM':
        call = this.trim(name);
        break;
      case 'POSITION':
        call = this.position(name);
        break;
      case 'EXTRACT':
        call = this.extract(name);
        break;
      default:
        if (this.isWord(this.current, 'DISTINCT')) {
          throw this.notSupported(`DISTINCT in a call of ${displayName} (not a built-in aggregate function)`, this.current);
        }
        call = { kind: 'FunctionCall', name, args: this.expressionList(')'), span: this.spanTo(name.span) };
    }
    if (this.isWord(this.current, 'OVER')) throw this.notSupported(`window function ${displayName}`, nameToken);
    return call;
  }

  /**
   * `NAME([DISTINCT | ALL] args) [FILTER (WHERE cond)]`, `COUNT(*)`, and either followed by
   * `OVER (...)`, which makes a window call. The name is kept in upper case. ROW_NUMBER, RANK,
   * LAG, ... exist only as window functions and take their arguments as they are.
   */
  private aggregateOrWindowCall(upper: string): Expression {
    const nameToken = this.advance();
    const name: Identifier = { name: upper, quoted: false, span: nameToken.span };
    this.expectSymbol('(');
    if (WINDOW_FUNCTIONS.has(upper)) {
      const args = this.expressionList(')');
      if (!this.isWord(this.current, 'OVER')) {
        throw this.error('SQL_SYNTAX_ERROR', `${upper} requires OVER (...): expected "OVER" but found ${describe(this.current)}`, this.current);
      }
      return this.windowCall(name, args);
    }
    const distinctToken = this.current;
    const distinct = this.acceptWord('DISTINCT');
    if (!distinct) this.acceptWord('ALL');
    const star = upper === 'COUNT' && !distinct && this.acceptSymbol('*');
    let args: Expression[] = [];
    if (star) this.expectSymbol(')');
    else args = this.aggregateArguments(upper);
    const filterToken = this.current;
    const filter = this.aggregateFilter();
    if (!this.isWord(this.current, 'OVER')) {
      return { kind: 'AggregateCall', name, args, star, distinct, filter, span: this.spanTo(nameToken) };
    }
    // A window call has no DISTINCT or FILTER: dynaview's window aggregates take plain arguments.
    if (distinct) throw this.notSupported('DISTINCT in a window function', distinctToken);
    if (filter !== null) throw this.notSupported('FILTER in a window function', filterToken);
    // COUNT(*) OVER (...) is the window call COUNT with no arguments.
    return this.windowCall(name, args);
  }

  /** An aggregate's arguments up to `)`: at least one; `*` is not one (only COUNT(*) is valid). */
  private aggregateArguments(upper: string): Expression[] {
    const args: Expression[] = [];
    do args.push(this.expression());
    while (this.acceptSymbol(','));
    if (this.isWord(this.current, 'ORDER')) throw this.notSupported(`ORDER BY in ${upper}(...)`, this.current);
    this.expectListEnd(')');
    return args;
  }

  /** `FILTER (WHERE cond)` after an aggregate call; null when absent. */
  private aggregateFilter(): Expression | null {
    if (!this.isWord(this.current, 'FILTER') || !this.isSymbol(this.peek(1), '(')) return null;
    this.advance();
    this.advance();
    this.expectWord('WHERE');
    const condition = this.expression();
    this.expectSymbol(')');
    return condition;
  }

  /** `OVER ([PARTITION BY expr, ...] [ORDER BY item, ...])`; named windows and frames are not supported. */
  private windowCall(name: Identifier, args: Expression[]): Expression {
    this.advance();
    if (this.isName(this.current)) throw this.notSupported('a named window (OVER name)', this.current);
    this.expectSymbol('(');
    const first = this.current;
    if (this.isName(first) && !this.isWord(first, 'PARTITION') && !this.isWordIn(first, FRAME_UNITS)) {
      throw this.notSupported('a named window (OVER name)', first);
    }
    const partitionBy: Expression[] = [];
    if (this.acceptWord('PARTITION')) {
      this.expectWord('BY');
      do partitionBy.push(this.expression());
      while (this.acceptSymbol(','));
    }
    let orderBy: OrderItem[] = [];
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      orderBy = this.orderItems();
    }
    const frame = this.current;
    if (this.isWordIn(frame, FRAME_UNITS)) throw this.notSupported(`a window frame (${frame.text.toUpperCase()})`, frame);
    this.expectSymbol(')');
    return { kind: 'WindowCall', name, args, partitionBy, orderBy, span: this.spanTo(name.span) };
  }

  /** SUBSTRING(s FROM a [FOR b]) or SUBSTRING(s, a[, b]). */
  private substring(name: Identifier): Expression {
    const args = [this.expression()];
    if (this.acceptWord('FROM')) {
      args.push(this.expression());
      if (this.acceptWord('FOR')) args.push(this.expression());
    } else {
      while (this.acceptSymbol(',')) args.push(this.expression());
    }
    this.expectListEnd(')');
    return { kind: 'FunctionCall', name, args, span: this.spanTo(name.span) };
  }

  /** TRIM([BOTH | LEADING | TRAILING] [characters] FROM s) or TRIM(s); BOTH when no mode is given. */
  private trim(name: Identifier): Expression {
    const mode = TRIM_MODES.find((m) => this.acceptWord(m)) ?? 'BOTH';
    let characters: Expression | null = null;
    let string: Expression;
    if (this.acceptWord('FROM')) {
      string = this.expression();
    } else {
      const first = this.expression();
      if (this.acceptWord('FROM')) {
        characters = first;
        string = this.expression();
      } else {
        string = first;
      }
    }
    this.expectSymbol(')');
    const args = characters === null ? [string] : [string, characters];
    return { kind: 'FunctionCall', name, args, mode, span: this.spanTo(name.span) };
  }

  /** POSITION(needle IN haystack). */
  private position(name: Identifier): Expression {
    // Below comparison level, so that IN is not taken for `x IN (list)`.
    const needle = this.concatenation();
    this.expectWord('IN');
    const haystack = this.expression();
    this.expectSymbol(')');
    return { kind: 'FunctionCall', name, args: [needle, haystack], span: this.spanTo(name.span) };
  }

  /** EXTRACT(field FROM x); the field is kept in upper case, e.g. `YEAR`. */
  private extract(name: Identifier): Expression {
    const field = this.current;
    if (field.kind !== 'word') return this.fail('a date or time field such as YEAR');
    this.advance();
    this.expectWord('FROM');
    const operand = this.expression();
    this.expectSymbol(')');
    return { kind: 'FunctionCall', name, args: [operand], field: field.text.toUpperCase(), span: this.spanTo(name.span) };
  }

  /** Comma-separated expressions up to `close`, which is consumed; may be empty. */
  private expressionList(close: ')' | ']'): Expression[] {
    return this.acceptSymbol(close) ? [] : this.nonEmptyExpressionList(close);
  }

  /** Comma-separated expressions up to `close`, which is consumed; at least one. */
  private nonEmptyExpressionList(close: ')' | ']'): Expression[] {
    const list: Expression[] = [];
    do list.push(this.expression());
    while (this.acceptSymbol(','));
    this.expectListEnd(close);
    return list;
  }

  private binary(operator: BinaryOperator, left: Expression, right: Expression): Expression {
    return { kind: 'Binary', operator, left, right, span: { start: left.span.start, end: right.span.end } };
  }

  // ---- Types -------------------------------------------------------------------------------

  /**
   * Type text from the current token up to `)`, `;` or the end of input, or the first token for
   * which `endsHere` says so, outside brackets. It is captured as written and checked with
   * `parseSqlType`, so that a bad type is reported where it is written.
   */
  private typeText(endsHere: () => boolean): TypeText {
    const first = this.current;
    if (first.kind !== 'word' && first.kind !== 'quotedIdentifier') return this.fail('a type');
    this.advance();
    // Closing brackets still expected: `(` always opens one, `<` only after ARRAY or MAP.
    const closers: string[] = [];
    for (;;) {
      const token = this.current;
      if (token.kind === 'end' || this.isSymbol(token, ';')) break;
      if (closers.length === 0 && (this.isSymbol(token, ')') || endsHere())) break;
      if (this.isSymbol(token, '(')) closers.push(')');
      else if (this.isSymbol(token, '<') && this.isWordIn(this.previous, ANGLE_BRACKET_TYPES)) closers.push('>');
      else if (token.kind === 'symbol' && token.text === closers[closers.length - 1]) closers.pop();
      this.advance();
    }
    const span = this.spanTo(first);
    const text = this.source.slice(span.start.offset, span.end.offset);
    try {
      parseSqlType(text);
    } catch (error) {
      if (!(error instanceof SqlTypeError)) throw error;
      throw this.error('SQL_SYNTAX_ERROR', error.message, first);
    }
    return { text, span };
  }

  /** Whether the current token continues a type after `::`, where nothing closes the type. */
  private continuesType(): boolean {
    const token = this.current;
    if (this.isSymbol(token, '(')) return true;
    if (this.isSymbol(token, '<')) return this.isWordIn(this.previous, ANGLE_BRACKET_TYPES);
    return this.isWordIn(token, TYPE_CONTINUATIONS) || this.atArrayElementNullability();
  }

  /** `NULL ARRAY` or `NOT NULL ARRAY`: the nullability of an array's elements, part of the type. */
  private atArrayElementNullability(): boolean {
    if (this.isWord(this.peek(0), 'NULL')) return this.isWord(this.peek(1), 'ARRAY');
    return this.isWord(this.peek(0), 'NOT') && this.isWord(this.peek(1), 'NULL') && this.isWord(this.peek(2), 'ARRAY');
  }

  // ---- Names -------------------------------------------------------------------------------

  /** A name: a quoted identifier, or a word that is not reserved. */
  private identifier(what: string): Identifier {
    const token = this.current;
    if (!this.isName(token)) return this.fail(what);
    this.advance();
    return { name: token.value, quoted: token.kind === 'quotedIdentifier', span: token.span };
  }

  private isName(token: Token): boolean {
    return token.kind === 'quotedIdentifier' || (token.kind === 'word' && !RESERVED.has(token.text.toUpperCase()));
  }

  /** `(name, ...)`, at least one name. */
  private identifierList(what: string): Identifier[] {
    this.expectSymbol('(');
    const names: Identifier[] = [];
    do names.push(this.identifier(what));
    while (this.acceptSymbol(','));
    this.expectListEnd(')');
    return names;
  }

  // ---- Tokens ------------------------------------------------------------------------------

  private get current(): Token {
    return this.peek(0);
  }

  /** The token before the current one (the first token when there is none). */
  private get previous(): Token {
    return this.tokens[Math.max(this.index - 1, 0)]!;
  }

  private peek(ahead: number): Token {
    return this.tokenAt(this.index + ahead);
  }

  private tokenAt(index: number): Token {
    // The lexer always ends with an `end` token, which stands for everything past it.
    return this.tokens[Math.min(index, this.tokens.length - 1)]!;
  }

  private atEnd(): boolean {
    return this.current.kind === 'end';
  }

  private advance(): Token {
    const token = this.current;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isWord(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toUpperCase() === keyword;
  }

  private isWordIn(token: Token, keywords: ReadonlySet<string>): boolean {
    return token.kind === 'word' && keywords.has(token.text.toUpperCase());
  }

  private isSymbol(token: Token, symbol: string): boolean {
    return token.kind === 'symbol' && token.text === symbol;
  }

  private acceptWord(keyword: string): boolean {
    if (!this.isWord(this.current, keyword)) return false;
    this.advance();
    return true;
  }

  private expectWord(keyword: string): Token {
    if (!this.isWord(this.current, keyword)) this.fail(`"${keyword}"`);
    return this.advance();
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(this.current, symbol)) return false;
    this.advance();
    return true;
  }

  private expectSymbol(symbol: string): Token {
    if (!this.isSymbol(this.current, symbol)) this.fail(`"${symbol}"`);
    return this.advance();
  }

  /** The end of a comma-separated list: after an item, either `,` or `close` was due. */
  private expectListEnd(close: string): void {
    if (!this.acceptSymbol(close)) this.fail(`"," or "${close}"`);
  }

  private expectString(what: string): Token {
    if (this.current.kind !== 'string') this.fail(what);
    return this.advance();
  }

  /** From the start of `first` to the end of the last token consumed. */
  private spanTo(first: Token | Span): Span {
    const start = 'kind' in first ? first.span.start : first.start;
    return { start, end: this.previous.span.end };
  }

  // ---- Errors ------------------------------------------------------------------------------

  private fail(expected: string): never {
    throw this.error('SQL_SYNTAX_ERROR', `expected ${expected} but found ${describe(this.current)}`, this.current);
  }

  /** `construct is not supported yet`, with what to write instead when there is an alternative. */
  private notSupported(construct: string, at: Token, instead?: string): SqlError {
    return this.error('SQL_NOT_SUPPORTED', `${construct} is not supported yet${instead === undefined ? '' : `: ${instead}`}`, at);
  }

  private error(code: 'SQL_SYNTAX_ERROR' | 'SQL_NOT_SUPPORTED' | 'SQL_INVALID', message: string, at: Token): SqlError {
    return new SqlError(code, message, { file: this.file, line: at.span.start.line, col: at.span.start.col });
  }
}

/** Whether a query is only its body: no WITH, ORDER BY, LIMIT or OFFSET of its own. */
function isBareQuery(query: Query): boolean {
  return query.with.length === 0 && query.orderBy.length === 0 && query.limit === null && query.offset === null;
}

/** A literal number's type by its form: `12` INTEGER, `12.5` DECIMAL, `1e3` DOUBLE. */
function numberType(text: string): LiteralType {
  if (/[eE]/.test(text)) return 'DOUBLE';
  return text.includes('.') ? 'DECIMAL' : 'INTEGER';
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of input';
  const text = token.text.length > MAX_QUOTED_TOKEN ? `${token.text.slice(0, MAX_QUOTED_TOKEN)}...` : token.text;
  return JSON.stringify(text);
}

function unreachable(value: never): never {
  throw new Error(`unexpected token kind ${String(value)}`);
}
