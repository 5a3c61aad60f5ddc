/**
 * A recursive-descent parser from SQL program text to the syntax tree of `ast.ts`.
 *
 * Two kinds of failure are kept apart: text that is not SQL is a SQL_SYNTAX_ERROR
 * ("expected X but found Y"); SQL that Feldera accepts but dynaview cannot run yet (joins,
 * aggregates, GROUP BY, ...) is a SQL_NOT_SUPPORTED error naming the construct, so that a user
 * knows the program is fine and dynaview is what falls short.
 */
import { SqlError, SqlTypeError } from '../errors.js';
import type {
  BinaryOperator, ColumnDefinition, CreateIndex, CreateTable, CreateType, CreateView, Expression, Identifier,
  LiteralType, Program, Property, Select, SelectItem, Span, Statement, TableReference, TypeText,
} from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { parseSqlType } from './parse-type.js';

/** Parses a whole program: statements separated by `;`, the last `;` optional. */
export function parseProgram(source: string, file?: string): Program {
  return new Parser(tokenize(source, file), source, file).program();
}

// Words that cannot be used unquoted as names, because they would make the grammar ambiguous:
// `FROM t WHERE ...` must not read WHERE as an alias of t.
const RESERVED = new Set([
  'ALL', 'AND', 'ARRAY', 'AS', 'BETWEEN', 'CASE', 'CAST', 'CREATE', 'CROSS', 'DEFAULT', 'DISTINCT', 'ELSE',
  'END', 'EXCEPT', 'EXISTS', 'FALSE', 'FETCH', 'FOREIGN', 'FROM', 'FULL', 'GROUP', 'HAVING', 'IN', 'INNER',
  'INTERSECT', 'INTERVAL', 'IS', 'JOIN', 'LATENESS', 'LEFT', 'LIKE', 'LIMIT', 'MINUS', 'NATURAL', 'NOT',
  'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'OVER', 'PRIMARY', 'RIGHT', 'SELECT', 'TABLE', 'THEN', 'TRUE',
  'UNION', 'UNNEST', 'USING', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

// Reserved words that also name functions.
const FUNCTION_WORDS = new Set(['LEFT', 'RIGHT']);

// Clauses that may follow a query's FROM or WHERE, with the name an error gives them.
const UNSUPPORTED_CLAUSES: Readonly<Record<string, string>> = {
  GROUP: 'GROUP BY',
  HAVING: 'HAVING',
  WINDOW: 'WINDOW',
  ORDER: 'ORDER BY',
  LIMIT: 'LIMIT',
  OFFSET: 'OFFSET',
  FETCH: 'FETCH',
  UNION: 'UNION',
  EXCEPT: 'EXCEPT',
  MINUS: 'EXCEPT',
  INTERSECT: 'INTERSECT',
};

const JOIN_WORDS = new Set(['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL']);

const AGGREGATE_FUNCTIONS = new Set([
  'ARG_MAX', 'ARG_MIN', 'ARRAY_AGG', 'AVG', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'BOOL_AND', 'BOOL_OR', 'COUNT',
  'COUNTIF', 'EVERY', 'LOGICAL_AND', 'LOGICAL_OR', 'MAX', 'MIN', 'SOME', 'STDDEV', 'STDDEV_POP',
  'STDDEV_SAMP', 'SUM', 'VAR_POP', 'VAR_SAMP', 'VARIANCE',
]);

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

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
    private readonly file: string | undefined,
  ) {}

  program(): Program {
    const statements: Statement[] = [];
    for (;;) {
      while (this.acceptSymbol(';')) { /* empty statements are harmless */ }
      if (this.atEnd()) return { statements };
      statements.push(this.statement());
      if (!this.atEnd()) this.expectSymbol(';');
    }
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
    const name = this.newName('a table name');
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
    const name = this.newName('a view name');
    const columnNames = this.isSymbol(this.current, '(') ? this.identifierList('a column name') : null;
    const properties = this.optionalProperties();
    this.expectWord('AS');
    const query = this.select();
    return { kind: 'CreateView', name, modifier, columnNames, properties, query, span: this.spanTo(create) };
  }

  private createIndex(create: Token): CreateIndex {
    const name = this.newName('an index name');
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
    const name = this.newName('a type name');
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
  private newName(what: string): Identifier {
    if (this.isWord(this.current, 'IF') && this.isWord(this.peek(1), 'NOT')) throw this.notSupported('IF NOT EXISTS', this.current);
    return this.identifier(what);
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

  private select(): Select {
    if (this.isWord(this.current, 'WITH')) throw this.notSupported('WITH (a common table expression)', this.current);
    const select = this.expectWord('SELECT');
    if (this.isWord(this.current, 'DISTINCT')) throw this.notSupported('DISTINCT', this.current);
    this.acceptWord('ALL');
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptSymbol(','));
    if (!this.acceptWord('FROM')) {
      if (this.atStatementEnd()) throw this.notSupported('SELECT without FROM', select);
      this.fail('"," or "FROM"');
    }
    const from = this.tableReference();
    if (this.isSymbol(this.current, ',')) throw this.notSupported("a join (',' in FROM)", this.current);
    if (this.isWordIn(this.current, JOIN_WORDS)) throw this.notSupported('JOIN', this.current);
    const where = this.acceptWord('WHERE') ? this.expression() : null;
    const clause = this.current.kind === 'word' ? UNSUPPORTED_CLAUSES[this.current.text.toUpperCase()] : undefined;
    if (clause !== undefined) throw this.notSupported(clause, this.current);
    return { kind: 'Select', items, from, where, span: this.spanTo(select) };
  }

  private selectItem(): SelectItem {
    const first = this.current;
    if (this.acceptSymbol('*')) return { kind: 'AllColumns', span: first.span };
    if (this.isName(first) && this.isSymbol(this.peek(1), '.') && this.isSymbol(this.peek(2), '*')) {
      throw this.notSupported(`${first.text}.*`, first);
    }
    const expression = this.expression();
    const alias = this.optionalAlias();
    return { kind: 'SelectExpression', expression, alias, span: this.spanTo(first) };
  }

  private tableReference(): TableReference {
    const first = this.current;
    if (this.isSymbol(first, '(')) throw this.notSupported('a subquery', first);
    if (this.isWord(first, 'TABLE')) throw this.notSupported('a table function', first);
    if (this.isWord(first, 'UNNEST')) throw this.notSupported('UNNEST', first);
    const name = this.identifier('a table or view name');
    const alias = this.optionalAlias();
    return { name, alias, span: this.spanTo(first) };
  }

  /** `[AS] alias`; without AS, any name that is not a reserved word. */
  private optionalAlias(): Identifier | null {
    if (this.acceptWord('AS')) return this.identifier('an alias');
    return this.isName(this.current) ? this.identifier('an alias') : null;
  }

  private atStatementEnd(): boolean {
    return this.atEnd() || this.isSymbol(this.current, ';');
  }

  // ---- Expressions, loosest binding first --------------------------------------------------

  private expression(): Expression {
    return this.disjunction();
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
    const operand = this.negation();
    return { kind: 'Unary', operator: 'NOT', operand, span: this.spanTo(not) };
  }

  private comparison(): Expression {
    let left = this.concatenation();
    for (;;) {
      const token = this.current;
      const operator = token.kind === 'symbol' ? COMPARISONS[token.text] : undefined;
      if (operator !== undefined) {
        this.advance();
        left = this.binary(operator, left, this.concatenation());
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

  /** After IS: [NOT] NULL | [NOT] TRUE | [NOT] FALSE. */
  private isPredicate(operand: Expression): Expression {
    const negated = this.acceptWord('NOT');
    if (this.isWord(this.current, 'DISTINCT')) throw this.notSupported('IS DISTINCT FROM', this.current);
    if (this.acceptWord('NULL')) return { kind: 'IsNull', operand, negated, span: this.spanTo(operand.span) };
    if (this.acceptWord('TRUE')) return { kind: 'IsBoolean', operand, value: true, negated, span: this.spanTo(operand.span) };
    if (this.acceptWord('FALSE')) return { kind: 'IsBoolean', operand, value: false, negated, span: this.spanTo(operand.span) };
    return this.fail('"NULL", "TRUE" or "FALSE"');
  }

  /** [NOT] BETWEEN a AND b | [NOT] IN (list) | [NOT] LIKE pattern. */
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
      this.expectSymbol('(');
      if (this.isWord(this.current, 'SELECT')) throw this.notSupported('a subquery', this.current);
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
    const operand = this.unary();
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
        if (this.isSymbol(token, '(')) return this.parenthesized();
        return this.fail('an expression');
      case 'quotedIdentifier':
        return this.isSymbol(this.peek(1), '(') ? this.functionCall() : this.columnReference();
      case 'word':
        return this.wordPrimary(token);
      case 'end':
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
        throw this.notSupported('a subquery', token);
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

  /** `(expr)`; the node's span grows to cover the parentheses. */
  private parenthesized(): Expression {
    const open = this.expectSymbol('(');
    if (this.isWord(this.current, 'SELECT') || this.isWord(this.current, 'WITH')) throw this.notSupported('a subquery', this.current);
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
    if (this.isSymbol(this.current, '(')) throw this.notSupported('a subquery', start);
    this.expectSymbol('[');
    const elements = this.expressionList(']');
    return { kind: 'ArrayConstructor', elements, span: this.spanTo(start) };
  }

  /** `name(args)`, with SQL's keyword-separated forms turned into plain arguments. */
  private functionCall(): Expression {
    const nameToken = this.current;
    const upper = nameToken.kind === 'word' ? nameToken.text.toUpperCase() : '';
    if (AGGREGATE_FUNCTIONS.has(upper)) throw this.notSupported(`aggregate function ${upper}`, nameToken);
    const name: Identifier = FUNCTION_WORDS.has(upper)
      ? (this.advance(), { name: nameToken.value, quoted: false, span: nameToken.span })
      : this.identifier('a function name');
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
        if (this.isWord(this.current, 'DISTINCT')) throw this.notSupported('DISTINCT', this.current);
        call = { kind: 'FunctionCall', name, args: this.expressionList(')'), span: this.spanTo(name.span) };
    }
    if (this.isWord(this.current, 'OVER')) throw this.notSupported('a window function (OVER)', this.current);
    return call;
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
    const list: Expression[] = [];
    if (this.acceptSymbol(close)) return list;
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
    // The lexer always ends with an `end` token, which stands for everything past it.
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
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

  private notSupported(construct: string, at: Token): SqlError {
    return this.error('SQL_NOT_SUPPORTED', `${construct} is not supported yet`, at);
  }

  private error(code: 'SQL_SYNTAX_ERROR' | 'SQL_NOT_SUPPORTED' | 'SQL_INVALID', message: string, at: Token): SqlError {
    return new SqlError(code, message, { file: this.file, line: at.span.start.line, col: at.span.start.col });
  }
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
