/**
 * SQL text back from the syntax tree, for `dynaview explain` to print plans: keywords in upper
 * case, names as their canonical name (double-quoted only when they must be), and only the
 * parentheses that parsing needs. Parsing the text again gives the same tree, apart from spans
 * and whether a name that needs no quotes was written with them.
 */
import type {
  BinaryOperator, CommonTableExpression, Expression, FromItem, Identifier, Join, OrderItem, Query, QueryBody, Select,
  SelectItem, SetOperation,
} from './ast.js';
import { AGGREGATE_FUNCTIONS, isFunctionWord, isReservedWord, WINDOW_FUNCTIONS } from './parser.js';

/**
 * An expression as SQL. `inputName` names the planner's input columns (InputReference), which
 * are printed as `$index` without it.
 */
export function formatExpression(expression: Expression, inputName?: (index: number) => string): string {
  return new Formatter(inputName).expression(expression, LOOSEST);
}

/** A query as SQL, on one line. */
export function formatQuery(query: Query): string {
  return new Formatter(undefined).query(query);
}

/** A name as it must be written: bare when the lexer reads it back as the same name, else quoted. */
export function formatIdentifier(identifier: Identifier): string {
  return isBareName(identifier.name) ? identifier.name : quoteName(identifier.name);
}

// How tightly each kind of expression binds, loosest first, as the parser's levels: an operand
// that binds more loosely than its position needs is put in parentheses.
const LOOSEST = 0;
const OR = 1;
const AND = 2;
const NOT = 3;
const COMPARISON = 4;
const CONCATENATION = 5;
const ADDITIVE = 6;
const MULTIPLICATIVE = 7;
const SIGN = 8;
const POSTFIX = 9;
const PRIMARY = 10;

const BINARY_LEVELS: Readonly<Record<BinaryOperator, number>> = {
  OR, AND,
  '=': COMPARISON, '<>': COMPARISON, '<': COMPARISON, '<=': COMPARISON, '>': COMPARISON, '>=': COMPARISON,
  '||': CONCATENATION, '+': ADDITIVE, '-': ADDITIVE, '*': MULTIPLICATIVE, '/': MULTIPLICATIVE, '%': MULTIPLICATIVE,
};

// INTERSECT binds tighter than UNION and EXCEPT.
const SET_OPERATION_LEVELS: Readonly<Record<SetOperation['operator'], number>> = { UNION: 1, EXCEPT: 1, INTERSECT: 2 };

const JOIN_KEYWORDS: Readonly<Record<Join['type'], string>> = {
  INNER: 'JOIN', LEFT: 'LEFT JOIN', RIGHT: 'RIGHT JOIN', FULL: 'FULL JOIN', CROSS: 'CROSS JOIN',
};

// What the lexer reads as one unquoted word.
const WORD = /^[\p{L}_][\p{L}\p{N}_$]*$/u;

function level(expression: Expression): number {
  switch (expression.kind) {
    case 'Binary':
      return BINARY_LEVELS[expression.operator];
    case 'Unary':
      return expression.operator === 'NOT' ? NOT : SIGN;
    case 'IsNull':
    case 'IsBoolean':
    case 'Between':
    case 'InList':
    case 'Like':
    case 'IsDistinct':
    case 'InSubquery':
      return COMPARISON;
    case 'Subscript':
    case 'FieldAccess':
      return POSTFIX;
    default:
      return PRIMARY;
  }
}

class Formatter {
  constructor(private readonly inputName: ((index: number) => string) | undefined) {}

  // ---- Queries -----------------------------------------------------------------------------

  query(query: Query): string {
    const parts: string[] = [];
    if (query.with.length > 0) parts.push(`WITH ${query.with.map((cte) => this.commonTableExpression(cte)).join(', ')}`);
    parts.push(this.body(query.body));
    if (query.orderBy.length > 0) parts.push(`ORDER BY ${this.orderItems(query.orderBy)}`);
    if (query.limit !== null) parts.push(`LIMIT ${this.expression(query.limit, LOOSEST)}`);
    if (query.offset !== null) parts.push(`OFFSET ${this.expression(query.offset, LOOSEST)}`);
    return parts.join(' ');
  }

  private commonTableExpression(cte: CommonTableExpression): string {
    const columns = cte.columnNames === null ? '' : ` (${this.names(cte.columnNames)})`;
    return `${formatIdentifier(cte.name)}${columns} AS (${this.query(cte.query)})`;
  }

  private body(body: QueryBody): string {
    switch (body.kind) {
      case 'Select':
        return this.select(body);
      case 'Values':
        return `VALUES ${body.rows.map((row) => `(${this.list(row)})`).join(', ')}`;
      case 'SetOperation':
        return this.setOperation(body);
      case 'Query':
        return `(${this.query(body)})`;
    }
  }

  /** Left-associative: the right operand is parenthesized when it binds no tighter than the operator. */
  private setOperation(operation: SetOperation): string {
    const own = SET_OPERATION_LEVELS[operation.operator];
    const operand = (body: QueryBody, least: number): string => (
      body.kind === 'SetOperation' && SET_OPERATION_LEVELS[body.operator] < least ? `(${this.body(body)})` : this.body(body));
    const operator = operation.all ? `${operation.operator} ALL` : operation.operator;
    return `${operand(operation.left, own)} ${operator} ${operand(operation.right, own + 1)}`;
  }

  private select(select: Select): string {
    const parts = [select.distinct ? 'SELECT DISTINCT' : 'SELECT', select.items.map((item) => this.selectItem(item)).join(', ')];
    if (select.from !== null) parts.push(`FROM ${this.fromItem(select.from)}`);
    if (select.where !== null) parts.push(`WHERE ${this.expression(select.where, LOOSEST)}`);
    if (select.groupBy !== null) parts.push(`GROUP BY ${this.list(select.groupBy)}`);
    if (select.having !== null) parts.push(`HAVING ${this.expression(select.having, LOOSEST)}`);
    return parts.join(' ');
  }

  private selectItem(item: SelectItem): string {
    if (item.kind === 'AllColumns') return item.table === null ? '*' : `${formatIdentifier(item.table)}.*`;
    const text = this.expression(item.expression, LOOSEST);
    return item.alias === null ? text : `${text} AS ${formatIdentifier(item.alias)}`;
  }

  private fromItem(item: FromItem): string {
    switch (item.kind) {
      case 'TableReference':
        return this.aliased(formatIdentifier(item.name), item.alias);
      case 'SubqueryReference': {
        const text = this.aliased(`(${this.query(item.query)})`, item.alias);
        return item.alias === null || item.columnNames === null ? text : `${text} (${this.names(item.columnNames)})`;
      }
      case 'Join':
        return this.join(item);
    }
  }

  /** Joins associate to the left, so only a join on the right needs parentheses. */
  private join(join: Join): string {
    const right = join.right.kind === 'Join' ? `(${this.join(join.right)})` : this.fromItem(join.right);
    const operator = join.comma ? ',' : ` ${join.natural ? 'NATURAL ' : ''}${JOIN_KEYWORDS[join.type]}`;
    let condition = '';
    if (join.on !== null) condition = ` ON ${this.expression(join.on, LOOSEST)}`;
    else if (join.using !== null) condition = ` USING (${this.names(join.using)})`;
    return `${this.fromItem(join.left)}${operator} ${right}${condition}`;
  }

  private aliased(text: string, alias: Identifier | null): string {
    return alias === null ? text : `${text} AS ${formatIdentifier(alias)}`;
  }

  private orderItems(items: readonly OrderItem[]): string {
    return items.map((item) => {
      const nulls = item.nullsFirst === null ? '' : item.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
      return `${this.expression(item.expression, LOOSEST)}${item.descending ? ' DESC' : ''}${nulls}`;
    }).join(', ');
  }

  // ---- Expressions -------------------------------------------------------------------------

  /** The expression, in parentheses when it binds more loosely than `least`. */
  expression(expression: Expression, least: number): string {
    const text = this.bare(expression);
    return level(expression) < least ? `(${text})` : text;
  }

  private bare(e: Expression): string {
    switch (e.kind) {
      case 'Literal':
        return literal(e);
      case 'ColumnReference':
        return e.table === null ? formatIdentifier(e.column) : `${formatIdentifier(e.table)}.${formatIdentifier(e.column)}`;
      case 'Unary':
        return this.unary(e);
      case 'Binary': {
        const own = BINARY_LEVELS[e.operator];
        return `${this.expression(e.left, own)} ${e.operator} ${this.expression(e.right, own + 1)}`;
      }
      case 'IsNull':
        return `${this.expression(e.operand, COMPARISON)} IS ${not(e.negated)}NULL`;
      case 'IsBoolean':
        return `${this.expression(e.operand, COMPARISON)} IS ${not(e.negated)}${e.value ? 'TRUE' : 'FALSE'}`;
      case 'IsDistinct':
        return `${this.expression(e.left, COMPARISON)} IS ${not(e.negated)}DISTINCT FROM ${this.expression(e.right, CONCATENATION)}`;
      case 'Between':
        return `${this.expression(e.operand, COMPARISON)} ${not(e.negated)}BETWEEN `
          + `${this.expression(e.low, CONCATENATION)} AND ${this.expression(e.high, CONCATENATION)}`;
      case 'InList':
        return `${this.expression(e.operand, COMPARISON)} ${not(e.negated)}IN (${this.list(e.list)})`;
      case 'InSubquery':
        return `${this.expression(e.operand, COMPARISON)} ${not(e.negated)}IN (${this.query(e.query)})`;
      case 'Like':
        return `${this.expression(e.operand, COMPARISON)} ${not(e.negated)}LIKE ${this.expression(e.pattern, CONCATENATION)}`;
      case 'Cast':
        return `CAST(${this.expression(e.operand, LOOSEST)} AS ${e.type.text})`;
      case 'Case':
        return this.caseExpression(e);
      case 'FunctionCall':
        return this.functionCall(e);
      case 'ArrayConstructor':
        return `ARRAY[${this.list(e.elements)}]`;
      case 'Subscript':
        return `${this.expression(e.operand, POSTFIX)}[${this.expression(e.index, LOOSEST)}]`;
      case 'FieldAccess':
        return `${this.fieldOwner(e.operand)}.${formatIdentifier(e.field)}`;
      case 'AggregateCall': {
        const args = e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${this.list(e.args)}`;
        const filter = e.filter === null ? '' : ` FILTER (WHERE ${this.expression(e.filter, LOOSEST)})`;
        return `${e.name.name}(${args})${filter}`;
      }
      case 'WindowCall':
        return this.windowCall(e);
      case 'ScalarSubquery':
        return `(${this.query(e.query)})`;
      case 'Exists':
        return `EXISTS (${this.query(e.query)})`;
      case 'InputReference':
        return this.inputName === undefined ? `$${e.index}` : this.inputName(e.index);
    }
  }

  private unary(e: Extract<Expression, { kind: 'Unary' }>): string {
    if (e.operator === 'NOT') return `NOT ${this.expression(e.operand, NOT)}`;
    // `- -a` would do, but `--a` would be a comment: a nested sign gets parentheses.
    const operand = e.operand.kind === 'Unary' && e.operand.operator !== 'NOT'
      ? `(${this.bare(e.operand)})`
      : this.expression(e.operand, SIGN);
    return `${e.operator}${operand}`;
  }

  /** `x.f`: a bare `a.f` would read as column f of table a, and `1.f` as a number. */
  private fieldOwner(operand: Expression): string {
    const ambiguous = (operand.kind === 'ColumnReference' && operand.table === null) || operand.kind === 'Literal';
    return ambiguous ? `(${this.bare(operand)})` : this.expression(operand, POSTFIX);
  }

  private caseExpression(e: Extract<Expression, { kind: 'Case' }>): string {
    const parts = ['CASE'];
    if (e.operand !== null) parts.push(this.expression(e.operand, LOOSEST));
    for (const branch of e.branches) {
      parts.push(`WHEN ${this.expression(branch.when, LOOSEST)} THEN ${this.expression(branch.then, LOOSEST)}`);
    }
    if (e.otherwise !== null) parts.push(`ELSE ${this.expression(e.otherwise, LOOSEST)}`);
    parts.push('END');
    return parts.join(' ');
  }

  /**
   * A call in the syntax the parser normalized it from: TRIM(mode [chars] FROM s), EXTRACT(f FROM x),
   * POSITION(a IN b). A name that the parser would read as something else unquoted (an aggregate,
   * or TRIM without its mode) is quoted.
   */
  private functionCall(e: Extract<Expression, { kind: 'FunctionCall' }>): string {
    const name = e.name.name;
    const upper = name.toUpperCase();
    const bare = isBareName(name) || (name === name.toLowerCase() && isFunctionWord(name));
    const [first, second] = e.args;
    if (bare && upper === 'TRIM' && e.mode !== undefined && first !== undefined && e.args.length <= 2) {
      const characters = second === undefined ? '' : `${this.expression(second, LOOSEST)} `;
      return `TRIM(${e.mode} ${characters}FROM ${this.expression(first, LOOSEST)})`;
    }
    if (bare && upper === 'EXTRACT' && e.field !== undefined && first !== undefined && e.args.length === 1) {
      return `EXTRACT(${e.field} FROM ${this.expression(first, LOOSEST)})`;
    }
    if (bare && upper === 'POSITION' && first !== undefined && second !== undefined && e.args.length === 2) {
      // The needle is read below comparison level, so that its IN is POSITION's.
      return `POSITION(${this.expression(first, CONCATENATION)} IN ${this.expression(second, LOOSEST)})`;
    }
    const special = AGGREGATE_FUNCTIONS.has(upper) || WINDOW_FUNCTIONS.has(upper)
      || upper === 'TRIM' || upper === 'EXTRACT' || upper === 'POSITION' || (upper === 'SUBSTRING' && first === undefined);
    return `${bare && !special ? upper : quoteName(name)}(${this.list(e.args)})`;
  }

  private windowCall(e: Extract<Expression, { kind: 'WindowCall' }>): string {
    // COUNT(*) OVER (...) is COUNT with no arguments.
    const args = e.name.name === 'COUNT' && e.args.length === 0 ? '*' : this.list(e.args);
    const window: string[] = [];
    if (e.partitionBy.length > 0) window.push(`PARTITION BY ${this.list(e.partitionBy)}`);
    if (e.orderBy.length > 0) window.push(`ORDER BY ${this.orderItems(e.orderBy)}`);
    return `${e.name.name}(${args}) OVER (${window.join(' ')})`;
  }

  private list(expressions: readonly Expression[]): string {
    return expressions.map((e) => this.expression(e, LOOSEST)).join(', ');
  }

  private names(identifiers: readonly Identifier[]): string {
    return identifiers.map(formatIdentifier).join(', ');
  }
}

function literal(e: Extract<Expression, { kind: 'Literal' }>): string {
  switch (e.type) {
    case 'NULL':
      return 'NULL';
    case 'BOOLEAN':
      return e.text.toUpperCase();
    case 'INTEGER':
    case 'DECIMAL':
    case 'DOUBLE':
      return e.text;
    case 'VARCHAR':
      return quoteString(e.text);
    case 'BINARY':
      return `X'${e.text}'`;
    default:
      // DATE, TIME, TIMESTAMP, UUID: the type word, then the text as a string.
      return `${e.type} ${quoteString(e.text)}`;
  }
}

function not(negated: boolean): string {
  return negated ? 'NOT ' : '';
}

/** Whether a name reads back as itself unquoted: one word, already folded, not reserved. */
function isBareName(name: string): boolean {
  return WORD.test(name) && name === name.toLowerCase() && !isReservedWord(name);
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
