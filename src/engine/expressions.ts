/**
 * SQL expressions (the parser's `Expression` tree) compiled against the columns of their input:
 * types are checked and inferred once, as Feldera's Calcite front end does, and the result is one
 * closure per node, so evaluating a row never looks at node kinds or type names.
 *
 * Compile errors are SqlErrors at the offending node (SQL_INVALID for type errors and unknown
 * names, SQL_NOT_SUPPORTED for valid SQL that dynaview does not run yet). Evaluation errors
 * (overflow, division by zero, text that does not parse) are DynaviewErrors with code
 * SQL_RUNTIME_ERROR, raised for the row at hand.
 */
import { DynaviewError, SqlError, SqlTypeError } from '../errors.js';
import type { Expression, Identifier, Span } from '../sql/ast.js';
import { normalizeDecimal } from '../sql/numbers.js';
import { parseSqlType } from '../sql/parse-type.js';
import { resolveType, type UserTypes } from '../sql/resolve-type.js';
import type { SqlType } from '../sql/sql-type.js';
import { normalizeDate, normalizeTime, normalizeTimestamp } from '../sql/temporal.js';
import { compileCast } from './casts.js';
import {
  alwaysNull,
  type CompileContext,
  type Compiled,
  type Evaluate,
  isNullType,
  NULL_TYPE,
  strict1,
  strict2,
} from './compiled.js';
import { compileFunctionCall } from './functions.js';
import { likeRegExp } from './like.js';
import { SQL_RUNTIME_ERROR } from './runtime-error.js';
import {
  type ComparisonPlan,
  comparisonPlan,
  compileArithmetic,
  compileComparison,
  compileConcatenation,
  compileLogical,
  compileNegation,
  compileNot,
  prepared,
  rejectRowEquality,
} from './scalar-operators.js';
import {
  BIGINT, BOOLEAN, commonTypeOf, describeType, INT, integerLimits, isNumeric, isString, MAX_DECIMAL_PRECISION, sameType, unreachable, VARCHAR,
} from './type-rules.js';
import { type Fields, mapKeyText, type Value } from './value.js';
import { closestName } from '../util/closest-name.js';

export interface ColumnBinding {
  name: string;
  type: SqlType;
  nullable: boolean;
  /** The FROM item (table name or alias) the column comes from, for `t.col`; absent when the scope has one. */
  relation?: string | null;
  /** Computed by the planner (an aggregate, a subquery's value): reachable only through InputReference. */
  hidden?: boolean;
}

/** The input of an expression: row values are read by position, `row[i]` being `columns[i]`. */
export interface ExpressionScope {
  columns: readonly ColumnBinding[];
  /** Names the FROM items may be referred to by (table names and aliases), for `t.col`. */
  relationNames: readonly string[];
  /** For error positions. */
  file?: string;
  /** User struct types, for CAST targets and field access. */
  types: UserTypes;
}

export interface CompiledExpression {
  readonly type: SqlType;
  readonly nullable: boolean;
  evaluate(row: Fields): Value;
}

/** Compiles `expression` for rows of `scope`. Throws SqlError for an expression that cannot run. */
export function compileExpression(expression: Expression, scope: ExpressionScope): CompiledExpression {
  const compiler = new ExpressionCompiler(scope);
  const compiled = compiler.compile(expression);
  if (isNullType(compiled.type)) {
    return compiler.invalid(expression.span, 'illegal use of NULL: give it a type with CAST(NULL AS type)');
  }
  return { type: compiled.type, nullable: compiled.nullable, evaluate: compiled.evaluate };
}

/** Compiles a condition (WHERE, ...): a BOOLEAN expression; a bare NULL counts as a BOOLEAN one. */
export function compilePredicate(expression: Expression, scope: ExpressionScope): CompiledExpression {
  const compiler = new ExpressionCompiler(scope);
  const compiled = compiler.compile(expression);
  if (compiled.type.kind !== 'boolean' && !isNullType(compiled.type)) {
    return compiler.invalid(expression.span, `a condition must be BOOLEAN, not ${describeType(compiled.type)}`);
  }
  return { type: BOOLEAN, nullable: compiled.nullable, evaluate: compiled.evaluate };
}

/** Whether a condition's value keeps a row: only TRUE does, FALSE and NULL do not. */
export function isTrue(value: Value): boolean {
  return value === true;
}

type ExpressionOf<K extends Expression['kind']> = Extract<Expression, { kind: K }>;

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT_MAX = integerLimits(INT).max;
const BIGINT_MAX = integerLimits(BIGINT).max;

function constant(type: SqlType, value: Value): Compiled {
  return { type, nullable: false, evaluate: () => value };
}

const NULL_LITERAL: Compiled = { type: NULL_TYPE, nullable: true, evaluate: alwaysNull };

class ExpressionCompiler implements CompileContext {
  private readonly resolved = new Map<SqlType, SqlType>();

  constructor(private readonly scope: ExpressionScope) {}

  invalid(at: Span, message: string): never {
    throw new SqlError('SQL_INVALID', message, { file: this.scope.file, line: at.start.line, col: at.start.col });
  }

  unsupported(at: Span, message: string): never {
    throw new SqlError('SQL_NOT_SUPPORTED', message, { file: this.scope.file, line: at.start.line, col: at.start.col });
  }

  resolve(type: SqlType, at: Span): SqlType {
    let result = this.resolved.get(type);
    if (result === undefined) {
      try {
        result = resolveType(type, this.scope.types);
      } catch (error) {
        if (error instanceof SqlTypeError) this.invalid(at, error.message);
        throw error;
      }
      this.resolved.set(type, result);
    }
    return result;
  }

  coerce(value: Compiled, to: SqlType, at: Span): Compiled {
    if (isNullType(value.type)) return { type: to, nullable: true, evaluate: value.evaluate };
    if (sameType(value.type, to)) return value;
    const cast = compileCast(this.resolve(value.type, at), this.resolve(to, at));
    if (cast === undefined) return this.invalid(at, `cannot convert ${describeType(value.type)} to ${describeType(to)}`);
    return { type: to, nullable: value.nullable || cast.mayProduceNull, evaluate: strict1(value.evaluate, cast.convert) };
  }

  compile(e: Expression): Compiled {
    switch (e.kind) {
      case 'Literal':
        return this.literal(e);
      case 'ColumnReference':
        return this.columnReference(e);
      case 'Unary':
        return this.unary(e);
      case 'Binary':
        return this.binary(e);
      case 'IsNull':
        return this.isNull(e);
      case 'IsBoolean':
        return this.isBoolean(e);
      case 'Between':
        return this.between(e);
      case 'InList':
        return this.inList(e);
      case 'Like':
        return this.like(e);
      case 'Cast':
        return this.cast(e);
      case 'Case':
        return e.operand === null ? this.searchedCase(e) : this.simpleCase(e, e.operand);
      case 'FunctionCall':
        return compileFunctionCall(e, this, (argument) => this.compile(argument));
      case 'ArrayConstructor':
        return this.arrayConstructor(e);
      case 'Subscript':
        return this.subscript(e);
      case 'FieldAccess':
        return this.fieldAccess(this.compile(e.operand), e.field, e.span);
      case 'IsDistinct':
        return this.isDistinct(e);
      case 'InputReference':
        return this.readColumn(e.index);
      case 'AggregateCall':
        return this.invalid(e.span, `aggregate function ${e.name.name} is not allowed here (only in SELECT, HAVING and ORDER BY of a query)`);
      case 'WindowCall':
        return this.unsupported(e.span,
          `window function ${e.name.name} is supported only as ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) in a subquery filtered on it with <=, < or = 1 (the TopK pattern)`);
      case 'ScalarSubquery':
      case 'Exists':
      case 'InSubquery':
        return this.unsupported(e.span, 'a subquery here is not supported: use it in WHERE, SELECT or HAVING of a query');
      default:
        return unreachable(e);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Leaves

  /** Literal types as Calcite gives them: `12` INT (BIGINT, then DECIMAL when larger), `12.50` DECIMAL(4, 2), `1e3` DOUBLE. */
  private literal(e: ExpressionOf<'Literal'>): Compiled {
    const text = e.text;
    switch (e.type) {
      case 'NULL':
        return NULL_LITERAL;
      case 'BOOLEAN':
        return constant(BOOLEAN, text.toUpperCase() === 'TRUE');
      case 'INTEGER': {
        const n = BigInt(text);
        if (n <= INT_MAX) return constant(INT, Number(n));
        if (n <= BIGINT_MAX) return constant(BIGINT, n);
        return this.decimalLiteral(e, n.toString().length, 0);
      }
      case 'DECIMAL': {
        const point = text.indexOf('.');
        return this.decimalLiteral(e, text.length - 1, text.length - point - 1);
      }
      case 'DOUBLE':
        return constant({ kind: 'double' }, Number(text));
      case 'VARCHAR':
        return constant(VARCHAR, text);
      case 'BINARY': {
        const bytes = Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
        const type: SqlType = bytes.length > 0 ? { kind: 'binary', length: bytes.length } : { kind: 'varbinary', length: null };
        return constant(type, bytes);
      }
      case 'DATE':
        return this.temporalLiteral(e, { kind: 'date' }, normalizeDate);
      case 'TIME':
        return this.temporalLiteral(e, { kind: 'time' }, normalizeTime);
      case 'TIMESTAMP':
        return this.temporalLiteral(e, { kind: 'timestamp' }, normalizeTimestamp);
      case 'UUID':
        if (!UUID_TEXT.test(text)) return this.invalid(e.span, `invalid UUID literal '${text}': expected 8-4-4-4-12 hex digits`);
        return constant({ kind: 'uuid' }, text.toLowerCase());
      default:
        return unreachable(e.type);
    }
  }

  private decimalLiteral(e: ExpressionOf<'Literal'>, precision: number, scale: number): Compiled {
    if (precision > MAX_DECIMAL_PRECISION) {
      return this.invalid(e.span, `numeric literal ${e.text} has more than ${MAX_DECIMAL_PRECISION} digits`);
    }
    return constant({ kind: 'decimal', precision, scale }, normalizeDecimal(e.text));
  }

  private temporalLiteral(e: ExpressionOf<'Literal'>, type: SqlType, normalize: (text: string) => string): Compiled {
    try {
      return constant(type, normalize(e.text));
    } catch (error) {
      return this.invalid(e.span, `invalid ${describeType(type)} literal '${e.text}': ${(error as Error).message}`);
    }
  }

  /**
   * `col`, `t.col` (t names the FROM relation) or `s.field` (s is a struct column): a name in
   * front of the dot is a relation first, as in Calcite.
   */
  private columnReference(e: ExpressionOf<'ColumnReference'>): Compiled {
    const table = e.table;
    if (table === null || this.scope.relationNames.includes(table.name)) return this.column(e.column, table);
    const struct = this.findColumn(table, null);
    if (struct === undefined) return this.invalid(table.span, `unknown table or column ${table.name}`);
    return this.fieldAccess(this.readColumn(struct), e.column, e.span);
  }

  /** The position of the column `name` (of FROM item `table` when given). */
  private findColumn(name: Identifier, table: Identifier | null): number | undefined {
    let found: number | undefined;
    this.scope.columns.forEach((c, i) => {
      if (c.hidden || c.name !== name.name) return;
      if (table !== null && c.relation != null && c.relation !== table.name) return;
      if (found !== undefined) {
        const qualified = table === null ? ' (qualify it with its table name or alias)' : '';
        this.invalid(name.span, `column ${name.name} is ambiguous${qualified}`);
      }
      found = i;
    });
    return found;
  }

  private column(name: Identifier, table: Identifier | null): Compiled {
    const column = this.findColumn(name, table);
    if (column === undefined) {
      const where = table === null ? '' : ` in ${table.name}`;
      const visible = this.scope.columns.filter((c) => !c.hidden && (table === null || c.relation == null || c.relation === table.name));
      const suggestion = closestName(name.name, visible.map((c) => c.name));
      return this.invalid(name.span, `unknown column ${name.name}${where}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`);
    }
    return this.readColumn(column);
  }

  private readColumn(index: number): Compiled {
    const column = this.scope.columns[index];
    if (column === undefined) throw new Error(`input reference $${index} is outside the input's ${this.scope.columns.length} columns`);
    return { type: column.type, nullable: column.nullable, evaluate: (row) => row[index] ?? null };
  }

  /** `a IS [NOT] DISTINCT FROM b`: equality in which NULL equals NULL; never NULL itself. */
  private isDistinct(e: ExpressionOf<'IsDistinct'>): Compiled {
    const left = this.compile(e.left);
    const right = this.compile(e.right);
    const plan = comparisonPlan([left, right], e.span, this, () => `cannot compare ${describeType(left.type)} and ${describeType(right.type)}`);
    const l = prepared(plan, left);
    const r = prepared(plan, right);
    const compare = plan.compare;
    const distinctResult = !e.negated;
    const evaluate: Evaluate = (row) => {
      const a = l(row);
      const b = r(row);
      const same = a === null || b === null ? a === b : compare(a, b) === 0;
      return same ? !distinctResult : distinctResult;
    };
    return { type: BOOLEAN, nullable: false, evaluate };
  }

  // -------------------------------------------------------------------------------------------
  // Operators

  private unary(e: ExpressionOf<'Unary'>): Compiled {
    const operand = this.compile(e.operand);
    switch (e.operator) {
      case '-':
        return compileNegation(operand, e.span, this);
      case '+':
        if (!isNumeric(operand.type) && !isNullType(operand.type)) this.invalid(e.span, `cannot apply + to ${describeType(operand.type)}`);
        return operand;
      case 'NOT':
        return compileNot(operand, e.span, this);
      default:
        return unreachable(e.operator);
    }
  }

  private binary(e: ExpressionOf<'Binary'>): Compiled {
    const left = this.compile(e.left);
    const right = this.compile(e.right);
    const op = e.operator;
    switch (op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return compileArithmetic(op, left, right, e.span, this);
      case '||':
        return compileConcatenation(left, right, e.span, this);
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return compileComparison(op, left, right, e.span, this);
      case 'AND':
      case 'OR':
        return compileLogical(op, left, right, e.span, this);
      default:
        return unreachable(op);
    }
  }

  private isNull(e: ExpressionOf<'IsNull'>): Compiled {
    const operand = this.compile(e.operand).evaluate;
    const evaluate: Evaluate = e.negated ? (row) => operand(row) !== null : (row) => operand(row) === null;
    return { type: BOOLEAN, nullable: false, evaluate };
  }

  /** IS [NOT] TRUE / FALSE: never NULL; NULL IS NOT TRUE is TRUE. */
  private isBoolean(e: ExpressionOf<'IsBoolean'>): Compiled {
    const operand = this.compile(e.operand);
    if (operand.type.kind !== 'boolean' && !isNullType(operand.type)) {
      this.invalid(e.span, `cannot apply IS ${e.negated ? 'NOT ' : ''}${e.value ? 'TRUE' : 'FALSE'} to ${describeType(operand.type)}`);
    }
    const read = operand.evaluate;
    const value = e.value;
    const evaluate: Evaluate = e.negated ? (row) => read(row) !== value : (row) => read(row) === value;
    return { type: BOOLEAN, nullable: false, evaluate };
  }

  /** x BETWEEN low AND high = low <= x AND x <= high, with three-valued logic. */
  private between(e: ExpressionOf<'Between'>): Compiled {
    const operands = [this.compile(e.operand), this.compile(e.low), this.compile(e.high)] as const;
    const plan = comparisonPlan(operands, e.span, this, () => `cannot apply BETWEEN to ${operands.map((o) => describeType(o.type)).join(', ')}`);
    const [x, low, high] = operands.map((o) => prepared(plan, o)) as [Evaluate, Evaluate, Evaluate];
    const compare = plan.compare;
    const negated = e.negated;
    const evaluate: Evaluate = (row) => {
      const value = x(row);
      if (value === null) return null;
      const lo = low(row);
      const hi = high(row);
      const aboveLow = lo === null ? null : compare(value, lo) >= 0;
      const belowHigh = hi === null ? null : compare(value, hi) <= 0;
      const inside = aboveLow === false || belowHigh === false ? false : aboveLow === null || belowHigh === null ? null : true;
      return negated && inside !== null ? !inside : inside;
    };
    return { type: BOOLEAN, nullable: operands.some((o) => o.nullable), evaluate };
  }

  /** x IN (a, b, ...): TRUE when x equals one, else NULL when x or some item is NULL, else FALSE. */
  private inList(e: ExpressionOf<'InList'>): Compiled {
    const operand = this.compile(e.operand);
    const items = e.list.map((item) => this.compile(item));
    const plan = comparisonPlan([operand, ...items], e.span, this, () => {
      return `cannot apply IN to ${describeType(operand.type)} and (${items.map((i) => describeType(i.type)).join(', ')})`;
    });
    if (!isNullType(plan.type)) rejectRowEquality(plan.type, 'IN', e.span, this);
    const x = prepared(plan, operand);
    const nullable = operand.nullable || items.some((i) => i.nullable);
    const found = e.negated ? false : true;
    const constantSet = e.list.every(isLiteral) ? literalSet(plan, items) : undefined;
    if (constantSet !== undefined) {
      const { values, hasNull } = constantSet;
      const evaluate: Evaluate = (row) => {
        const value = x(row);
        if (value === null) return null;
        if (values.has(value)) return found;
        return hasNull ? null : !found;
      };
      return { type: BOOLEAN, nullable, evaluate };
    }
    const candidates = items.map((i) => prepared(plan, i));
    const compare = plan.compare;
    const evaluate: Evaluate = (row) => {
      const value = x(row);
      if (value === null) return null;
      let sawNull = false;
      for (const candidate of candidates) {
        const c = candidate(row);
        if (c === null) sawNull = true;
        else if (compare(value, c) === 0) return found;
      }
      return sawNull ? null : !found;
    };
    return { type: BOOLEAN, nullable, evaluate };
  }

  private like(e: ExpressionOf<'Like'>): Compiled {
    const operand = this.stringOperand(this.compile(e.operand), 'LIKE', e.span);
    const pattern = this.stringOperand(this.compile(e.pattern), 'LIKE', e.span);
    // Patterns are usually literals: keep the expression of the last one seen.
    let lastPattern: string | undefined;
    let regExp = /^$/;
    const negated = e.negated;
    const evaluate = strict2(operand.evaluate, pattern.evaluate, (text, p) => {
      if (p !== lastPattern) {
        regExp = likeRegExp(p as string);
        lastPattern = p as string;
      }
      return regExp.test(text as string) !== negated;
    });
    return { type: BOOLEAN, nullable: operand.nullable || pattern.nullable, evaluate };
  }

  private stringOperand(operand: Compiled, operator: string, at: Span): Compiled {
    if (!isString(operand.type) && !isNullType(operand.type)) this.invalid(at, `cannot apply ${operator} to ${describeType(operand.type)}`);
    return operand;
  }

  private cast(e: ExpressionOf<'Cast'>): Compiled {
    const operand = this.compile(e.operand);
    let target: SqlType;
    try {
      target = parseSqlType(e.type.text);
    } catch (error) {
      if (error instanceof SqlTypeError) return this.invalid(e.type.span, error.message);
      throw error;
    }
    const resolvedTarget = this.resolve(target, e.type.span);
    if (isNullType(operand.type)) return { type: target, nullable: true, evaluate: alwaysNull };
    const cast = compileCast(this.resolve(operand.type, e.span), resolvedTarget);
    if (cast === undefined) return this.invalid(e.span, `cannot cast ${describeType(operand.type)} to ${describeType(target)}`);
    return { type: target, nullable: operand.nullable || cast.mayProduceNull, evaluate: strict1(operand.evaluate, cast.convert) };
  }

  /** CASE WHEN c1 THEN r1 ... [ELSE r] END: the first branch whose condition is TRUE. */
  private searchedCase(e: ExpressionOf<'Case'>): Compiled {
    const conditions = e.branches.map((b) => {
      const condition = this.compile(b.when);
      if (condition.type.kind !== 'boolean' && !isNullType(condition.type)) {
        this.invalid(b.when.span, `a CASE condition must be BOOLEAN, not ${describeType(condition.type)}`);
      }
      return condition.evaluate;
    });
    const { results, otherwise, type, nullable } = this.caseResults(e);
    const evaluate: Evaluate = (row) => {
      for (let i = 0; i < conditions.length; i++) {
        if ((conditions[i] as Evaluate)(row) === true) return (results[i] as Evaluate)(row);
      }
      return otherwise(row);
    };
    return { type, nullable, evaluate };
  }

  /** CASE x WHEN v1 THEN r1 ... [ELSE r] END: the first branch whose value equals x. */
  private simpleCase(e: ExpressionOf<'Case'>, operandNode: Expression): Compiled {
    const operand = this.compile(operandNode);
    const values = e.branches.map((b) => this.compile(b.when));
    const plan: ComparisonPlan = comparisonPlan([operand, ...values], e.span, this, () => {
      return `cannot compare CASE value ${describeType(operand.type)} with ${values.map((v) => describeType(v.type)).join(', ')}`;
    });
    if (!isNullType(plan.type)) rejectRowEquality(plan.type, 'CASE', e.span, this);
    const x = prepared(plan, operand);
    const candidates = values.map((v) => prepared(plan, v));
    const compare = plan.compare;
    const { results, otherwise, type, nullable } = this.caseResults(e);
    const evaluate: Evaluate = (row) => {
      const value = x(row);
      if (value !== null) {
        for (let i = 0; i < candidates.length; i++) {
          const candidate = (candidates[i] as Evaluate)(row);
          if (candidate !== null && compare(value, candidate) === 0) return (results[i] as Evaluate)(row);
        }
      }
      return otherwise(row);
    };
    return { type, nullable, evaluate };
  }

  /** The THEN and ELSE values, converted to their common type. */
  private caseResults(e: ExpressionOf<'Case'>): { results: Evaluate[]; otherwise: Evaluate; type: Compiled['type']; nullable: boolean } {
    const thens = e.branches.map((b) => this.compile(b.then));
    const otherwise = e.otherwise === null ? NULL_LITERAL : this.compile(e.otherwise);
    const all = [...thens, otherwise];
    const type = commonTypeOf(all.map((c) => c.type));
    if (type === undefined) return this.invalid(e.span, `CASE branches have incompatible types: ${all.map((c) => describeType(c.type)).join(', ')}`);
    const nullable = all.some((c) => c.nullable);
    if (isNullType(type)) return { results: thens.map(() => alwaysNull), otherwise: alwaysNull, type, nullable };
    const convert = (c: Compiled): Evaluate => this.coerce(c, type, e.span).evaluate;
    return { results: thens.map(convert), otherwise: convert(otherwise), type, nullable };
  }

  // -------------------------------------------------------------------------------------------
  // Collections and structs

  private arrayConstructor(e: ExpressionOf<'ArrayConstructor'>): Compiled {
    if (e.elements.length === 0) return this.unsupported(e.span, 'an empty ARRAY[] is not supported yet');
    const elements = e.elements.map((x) => this.compile(x));
    const element = commonTypeOf(elements.map((x) => x.type));
    if (element === undefined) {
      return this.invalid(e.span, `ARRAY elements have incompatible types: ${elements.map((x) => describeType(x.type)).join(', ')}`);
    }
    if (isNullType(element)) return this.invalid(e.span, 'illegal use of NULL: give the ARRAY elements a type with CAST(NULL AS type)');
    const parts = elements.map((x) => this.coerce(x, element, e.span).evaluate);
    const evaluate: Evaluate = (row) => {
      const values = new Array<Value>(parts.length);
      for (let i = 0; i < parts.length; i++) values[i] = (parts[i] as Evaluate)(row);
      return values;
    };
    return { type: { kind: 'array', element, elementNullable: elements.some((x) => x.nullable) }, nullable: false, evaluate };
  }

  /** `array[i]` (1-based), `map[key]` and `variant[i or key]`: NULL when there is no such element. */
  private subscript(e: ExpressionOf<'Subscript'>): Compiled {
    const operand = this.compile(e.operand);
    const index = this.compile(e.index);
    const type = isNullType(operand.type) ? operand.type : this.resolve(operand.type, e.span);
    const fail = (): never => this.invalid(e.span, `cannot apply [] to ${describeType(operand.type)} with an index of type ${describeType(index.type)}`);
    switch (type.kind) {
      case 'array': {
        if (index.type.kind !== 'integer' && !isNullType(index.type)) return fail();
        const evaluate = strict2(operand.evaluate, index.evaluate, (array, i) => (array as readonly Value[])[Number(i) - 1] ?? null);
        return { type: type.element, nullable: true, evaluate };
      }
      case 'map': {
        const key = this.coerce(index, type.key, e.index.span);
        const keyText = mapKeyText(type.key);
        if (keyText === undefined) return fail();
        const evaluate = strict2(operand.evaluate, key.evaluate, (map, k) => ownEntry(map, keyText(k)));
        return { type: type.value, nullable: true, evaluate };
      }
      case 'variant': {
        if (index.type.kind === 'integer') {
          const evaluate = strict2(operand.evaluate, index.evaluate, (v, i) => (Array.isArray(v) ? ((v as readonly Value[])[Number(i) - 1] ?? null) : null));
          return { type, nullable: true, evaluate };
        }
        if (!isString(index.type)) return fail();
        return { type, nullable: true, evaluate: strict2(operand.evaluate, index.evaluate, (v, k) => variantMember(v, k as string)) };
      }
      default:
        return fail();
    }
  }

  /** `x.field` on a ROW (or user struct) value, or a VARIANT object (same as `x['field']`). */
  private fieldAccess(operand: Compiled, field: Identifier, at: Span): Compiled {
    const type = isNullType(operand.type) ? operand.type : this.resolve(operand.type, at);
    const name = field.name;
    if (type.kind === 'variant') return { type, nullable: true, evaluate: strict1(operand.evaluate, (v) => variantMember(v, name)) };
    if (type.kind !== 'row') return this.invalid(field.span, `cannot access field ${name} of ${describeType(operand.type)}`);
    const found = type.fields.find((f) => f.name === name);
    if (found === undefined) return this.invalid(field.span, `${describeType(operand.type)} has no field ${name}`);
    const evaluate = strict1(operand.evaluate, (v) => (v as Readonly<Record<string, Value>>)[name] ?? null);
    return { type: found.type, nullable: operand.nullable || found.nullable, evaluate };
  }
}

function ownEntry(object: Value, key: string): Value {
  const record = object as Readonly<Record<string, Value>>;
  return Object.hasOwn(record, key) ? (record[key] ?? null) : null;
}

/** A VARIANT object's member, NULL for a missing one or a value that is no object. */
function variantMember(value: Value, key: string): Value {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) return null;
  return ownEntry(value, key);
}

/** A literal, possibly signed or cast: evaluated once when an IN list holds only such. */
function isLiteral(e: Expression): boolean {
  if (e.kind === 'Literal') return true;
  if (e.kind === 'Unary' && e.operator !== 'NOT') return isLiteral(e.operand);
  return e.kind === 'Cast' && isLiteral(e.operand);
}

const SET_COMPARABLE_KINDS = new Set(['boolean', 'integer', 'decimal', 'varchar', 'char', 'date', 'time', 'timestamp', 'uuid']);

/**
 * The values of a constant IN list as a Set, for comparison types whose equal values are equal JS
 * primitives (canonical text, numbers, bigints). Floats are left out: NaN and -0 compare equal in
 * SQL's order but not by identity. Undefined when the list cannot be evaluated up front.
 */
function literalSet(plan: ComparisonPlan, items: readonly Compiled[]): { values: ReadonlySet<Value>; hasNull: boolean } | undefined {
  if (!SET_COMPARABLE_KINDS.has(plan.type.kind)) return undefined;
  const values = new Set<Value>();
  let hasNull = false;
  try {
    for (const item of items) {
      const value = prepared(plan, item)([]);
      if (value === null) hasNull = true;
      else values.add(value);
    }
  } catch (error) {
    // A literal that fails to convert fails the same way on every row: leave that to evaluation.
    if (error instanceof DynaviewError && error.code === SQL_RUNTIME_ERROR) return undefined;
    throw error;
  }
  return { values, hasNull };
}
