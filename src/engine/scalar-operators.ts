/**
 * Operators: arithmetic (checked integers, exact decimals, IEEE floats), comparisons through one
 * total order per type, three-valued AND / OR / NOT, and `||`. Each builder checks the operand
 * types once and returns one closure specialised for them.
 */
import type { Span } from '../sql/ast.js';
import type { SqlType } from '../sql/sql-type.js';
import { compileCast, type Convert } from './casts.js';
import { type Comparator, compileComparator } from './compare.js';
import {
  alwaysNull,
  type CompileContext,
  type Compiled,
  type Evaluate,
  type ExprType,
  isNullType,
  NULL_TYPE,
  strict1,
  strict2,
} from './compiled.js';
import {
  addDecimals,
  divideDecimals,
  fitDecimal,
  multiplyDecimals,
  negateDecimal,
  remainderDecimals,
  subtractDecimals,
} from './decimal.js';
import { sqlRuntimeError } from './runtime-error.js';
import {
  type ArithmeticOperator,
  arithmeticType,
  BOOLEAN,
  commonType,
  commonTypeOf,
  type DecimalType,
  describeType,
  type IntegerType,
  integerLimits,
  isBinary,
  isNumeric,
  isString,
  type NumericType,
  sameType,
  unreachable,
} from './type-rules.js';
import type { Value } from './value.js';

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

type Operation = (a: Value, b: Value) => Value;

/** The operand types with a NULL-typed side taking the other's type, or undefined when both are NULL. */
function operandTypes(left: Compiled, right: Compiled): [ExprType, ExprType] | undefined {
  const l = isNullType(left.type) ? right.type : left.type;
  const r = isNullType(right.type) ? left.type : right.type;
  return isNullType(l) ? undefined : [l, r];
}

const NULL_RESULT: Compiled = { type: NULL_TYPE, nullable: true, evaluate: alwaysNull };

export function compileArithmetic(op: ArithmeticOperator, left: Compiled, right: Compiled, at: Span, ctx: CompileContext): Compiled {
  const types = operandTypes(left, right);
  if (types === undefined) return NULL_RESULT;
  const [l, r] = types;
  if (!isNumeric(l) || !isNumeric(r)) ctx.invalid(at, `cannot apply ${op} to ${describeType(left.type)} and ${describeType(right.type)}`);
  const type = arithmeticType(op, l, r);
  const nullable = left.nullable || right.nullable;
  if (type.kind === 'decimal') {
    // Exact operands of any precision: the result type's precision is checked on the result.
    const evaluate = strict2(decimalTextOf(left), decimalTextOf(right), decimalOperation(op, type));
    return { type, nullable, evaluate };
  }
  const evaluate = strict2(ctx.coerce(left, type, at).evaluate, ctx.coerce(right, type, at).evaluate, numericOperation(op, type));
  return { type, nullable, evaluate };
}

/** The value of an exact numeric (or NULL-typed) operand as canonical decimal text. */
function decimalTextOf(operand: Compiled): Evaluate {
  return operand.type.kind === 'integer' ? strict1(operand.evaluate, String) : operand.evaluate;
}

function numericOperation(op: ArithmeticOperator, type: Exclude<NumericType, DecimalType>): Operation {
  switch (type.kind) {
    case 'integer':
      return integerLimits(type).isBigint ? bigintOperation(op, type) : smallIntegerOperation(op, type);
    case 'real':
      return floatOperation(op, Math.fround);
    case 'double':
      return floatOperation(op, (x) => x);
    default:
      return unreachable(type);
  }
}

function overflow(a: Value, op: string, b: Value, type: SqlType): Error {
  return sqlRuntimeError(`integer overflow: ${String(a)} ${op} ${String(b)} does not fit in ${describeType(type)}`);
}

function divisionByZero(a: Value, op: string, b: Value): Error {
  return sqlRuntimeError(`division by zero: ${String(a)} ${op} ${String(b)}`);
}

/** TINYINT, SMALLINT and INT (signed or not): exact in doubles, checked against the type's range. */
function smallIntegerOperation(op: ArithmeticOperator, type: IntegerType): Operation {
  const { minNumber: min, maxNumber: max } = integerLimits(type);
  // `+ 0` turns -0 (from 0 * -1, -4 % 2, ...) into 0.
  const checked = (n: number, a: Value, b: Value): number => {
    if (n < min || n > max) throw overflow(a, op, b, type);
    return n + 0;
  };
  switch (op) {
    case '+':
      return (a, b) => checked((a as number) + (b as number), a, b);
    case '-':
      return (a, b) => checked((a as number) - (b as number), a, b);
    case '*':
      // A product beyond 2^53 is inexact, but far outside any of these ranges anyway.
      return (a, b) => checked((a as number) * (b as number), a, b);
    case '/':
      return (a, b) => {
        if (b === 0) throw divisionByZero(a, op, b);
        return checked(Math.trunc((a as number) / (b as number)), a, b);
      };
    case '%':
      return (a, b) => {
        if (b === 0) throw divisionByZero(a, op, b);
        return ((a as number) % (b as number)) + 0;
      };
    default:
      return unreachable(op);
  }
}

function bigintOperation(op: ArithmeticOperator, type: IntegerType): Operation {
  const { min, max } = integerLimits(type);
  const checked = (n: bigint, a: Value, b: Value): bigint => {
    if (n < min || n > max) throw overflow(a, op, b, type);
    return n;
  };
  switch (op) {
    case '+':
      return (a, b) => checked((a as bigint) + (b as bigint), a, b);
    case '-':
      return (a, b) => checked((a as bigint) - (b as bigint), a, b);
    case '*':
      return (a, b) => checked((a as bigint) * (b as bigint), a, b);
    case '/':
      return (a, b) => {
        if (b === 0n) throw divisionByZero(a, op, b);
        return checked((a as bigint) / (b as bigint), a, b);
      };
    case '%':
      return (a, b) => {
        if (b === 0n) throw divisionByZero(a, op, b);
        return (a as bigint) % (b as bigint);
      };
    default:
      return unreachable(op);
  }
}

/** IEEE arithmetic: x / 0 is ±Infinity or NaN, x % 0 is NaN, as in Feldera. */
function floatOperation(op: ArithmeticOperator, round: (x: number) => number): Operation {
  switch (op) {
    case '+':
      return (a, b) => round((a as number) + (b as number));
    case '-':
      return (a, b) => round((a as number) - (b as number));
    case '*':
      return (a, b) => round((a as number) * (b as number));
    case '/':
      return (a, b) => round((a as number) / (b as number));
    case '%':
      return (a, b) => round((a as number) % (b as number));
    default:
      return unreachable(op);
  }
}

function decimalOperation(op: ArithmeticOperator, type: DecimalType): Operation {
  const fit = (result: string, a: Value, b: Value): string => fitDecimal(result, type, `the result of ${String(a)} ${op} ${String(b)}`);
  switch (op) {
    case '+':
      return (a, b) => fit(addDecimals(a as string, b as string), a, b);
    case '-':
      return (a, b) => fit(subtractDecimals(a as string, b as string), a, b);
    case '*':
      return (a, b) => fit(multiplyDecimals(a as string, b as string, type.scale), a, b);
    case '/':
      return (a, b) => fit(divideDecimals(a as string, b as string, type.scale), a, b);
    case '%':
      return (a, b) => fit(remainderDecimals(a as string, b as string), a, b);
    default:
      return unreachable(op);
  }
}

/** Unary minus. */
export function compileNegation(operand: Compiled, at: Span, ctx: CompileContext): Compiled {
  const type = operand.type;
  if (isNullType(type)) return NULL_RESULT;
  if (!isNumeric(type)) return ctx.invalid(at, `cannot apply - to ${describeType(type)}`);
  return { type, nullable: operand.nullable, evaluate: strict1(operand.evaluate, negation(type)) };
}

function negation(type: NumericType): (a: Value) => Value {
  switch (type.kind) {
    case 'integer': {
      const { min, max, minNumber, maxNumber, isBigint } = integerLimits(type);
      const fail = (a: Value): Error => sqlRuntimeError(`integer overflow: -(${String(a)}) does not fit in ${describeType(type)}`);
      if (isBigint) {
        return (a) => {
          const n = -(a as bigint);
          if (n < min || n > max) throw fail(a);
          return n;
        };
      }
      return (a) => {
        const n = -(a as number);
        if (n < minNumber || n > maxNumber) throw fail(a);
        return n + 0;
      };
    }
    case 'decimal':
      return (a) => negateDecimal(a as string);
    case 'real':
    case 'double':
      return (a) => -(a as number);
    default:
      return unreachable(type);
  }
}

/**
 * How to compare values of several operand types: the common type they convert to, the
 * conversion of each operand's (non-NULL) values, and the order.
 */
export interface ComparisonPlan {
  readonly type: ExprType;
  readonly compare: Comparator;
  convert(operand: Compiled): Convert;
}

const identityConvert: Convert = (v) => v;

/**
 * Plans a comparison of `operands`; `failure` is the message when their types do not mix. Exact
 * numbers of different types compare as unbounded decimals, so no common precision can overflow.
 */
export function comparisonPlan(operands: readonly Compiled[], at: Span, ctx: CompileContext, failure: () => string): ComparisonPlan {
  const type = commonTypeOf(operands.map((o) => o.type));
  if (type === undefined) return ctx.invalid(at, failure());
  if (isNullType(type)) return { type, compare: () => 0, convert: () => identityConvert };
  if (type.kind === 'decimal') {
    return {
      type,
      compare: compileComparator(type),
      convert: (operand) => (operand.type.kind === 'integer' ? String : identityConvert),
    };
  }
  const resolved = ctx.resolve(type, at);
  return {
    type,
    compare: compileComparator(resolved),
    convert: (operand) => {
      if (isNullType(operand.type) || sameType(operand.type, type)) return identityConvert;
      const cast = compileCast(ctx.resolve(operand.type, at), resolved);
      return cast === undefined ? ctx.invalid(at, failure()) : cast.convert;
    },
  };
}

/** `operand` evaluated and converted for the plan. */
export function prepared(plan: ComparisonPlan, operand: Compiled): Evaluate {
  const convert = plan.convert(operand);
  return convert === identityConvert ? operand.evaluate : strict1(operand.evaluate, convert);
}

const COMPARISON_TESTS: Readonly<Record<ComparisonOperator, (order: number) => boolean>> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

export function compileComparison(op: ComparisonOperator, left: Compiled, right: Compiled, at: Span, ctx: CompileContext): Compiled {
  const failure = (): string => `cannot apply ${op} to ${describeType(left.type)} and ${describeType(right.type)}`;
  const plan = comparisonPlan([left, right], at, ctx, failure);
  if ((op === '=' || op === '<>') && !isNullType(plan.type)) rejectRowEquality(plan.type, op, at, ctx);
  const l = prepared(plan, left);
  const r = prepared(plan, right);
  const compare = plan.compare;
  const test = COMPARISON_TESTS[op];
  const evaluate: Evaluate = (row) => {
    const a = l(row);
    if (a === null) return null;
    const b = r(row);
    return b === null ? null : test(compare(a, b));
  };
  return { type: BOOLEAN, nullable: left.nullable || right.nullable, evaluate };
}

/** Feldera rejects `=` and `<>` between ROW values, whose standard NULL semantics surprise (a row with a NULL field is not equal to itself). */
export function rejectRowEquality(type: SqlType, op: string, at: Span, ctx: CompileContext): void {
  if (ctx.resolve(type, at).kind === 'row') {
    ctx.invalid(at, `cannot apply ${op} to ROW values (${describeType(type)}): compare their fields instead`);
  }
}

function booleanOperand(operand: Compiled, op: string, at: Span, ctx: CompileContext, describeOperands: () => string): Evaluate {
  if (operand.type.kind !== 'boolean' && !isNullType(operand.type)) ctx.invalid(at, `cannot apply ${op} to ${describeOperands()}`);
  return operand.evaluate;
}

/** AND / OR with SQL's three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE. */
export function compileLogical(op: 'AND' | 'OR', left: Compiled, right: Compiled, at: Span, ctx: CompileContext): Compiled {
  const describeOperands = (): string => `${describeType(left.type)} and ${describeType(right.type)}`;
  const l = booleanOperand(left, op, at, ctx, describeOperands);
  const r = booleanOperand(right, op, at, ctx, describeOperands);
  // The value that decides the result on its own: FALSE for AND, TRUE for OR.
  const decisive = op === 'OR';
  const evaluate: Evaluate = (row) => {
    const a = l(row);
    if (a === decisive) return decisive;
    const b = r(row);
    if (b === decisive) return decisive;
    return a === null || b === null ? null : !decisive;
  };
  return { type: BOOLEAN, nullable: left.nullable || right.nullable, evaluate };
}

export function compileNot(operand: Compiled, at: Span, ctx: CompileContext): Compiled {
  const evaluate = booleanOperand(operand, 'NOT', at, ctx, () => describeType(operand.type));
  return { type: BOOLEAN, nullable: operand.nullable, evaluate: strict1(evaluate, (a) => !(a as boolean)) };
}

/** `||` on strings (CHAR padding kept, as Feldera does), binary strings and arrays. */
export function compileConcatenation(left: Compiled, right: Compiled, at: Span, ctx: CompileContext): Compiled {
  const types = operandTypes(left, right);
  if (types === undefined) return NULL_RESULT;
  const [l, r] = types;
  const nullable = left.nullable || right.nullable;
  if (isString(l) && isString(r)) {
    const type: SqlType =
      l.kind === 'char' && r.kind === 'char'
        ? { kind: 'char', length: l.length + r.length }
        : { kind: 'varchar', length: l.length === null || r.length === null ? null : l.length + r.length };
    return { type, nullable, evaluate: strict2(left.evaluate, right.evaluate, (a, b) => (a as string) + (b as string)) };
  }
  if (isBinary(l) && isBinary(r)) {
    const type: SqlType = { kind: 'varbinary', length: l.length === null || r.length === null ? null : l.length + r.length };
    return { type, nullable, evaluate: strict2(left.evaluate, right.evaluate, concatenateBytes) };
  }
  const type = l.kind === 'array' && r.kind === 'array' ? commonType(l, r) : undefined;
  if (type === undefined || isNullType(type)) return ctx.invalid(at, `cannot apply || to ${describeType(left.type)} and ${describeType(right.type)}`);
  const evaluate = strict2(ctx.coerce(left, type, at).evaluate, ctx.coerce(right, type, at).evaluate, (a, b) => [
    ...(a as readonly Value[]),
    ...(b as readonly Value[]),
  ]);
  return { type, nullable, evaluate };
}

function concatenateBytes(a: Value, b: Value): Value {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  const result = new Uint8Array(x.length + y.length);
  result.set(x);
  result.set(y, x.length);
  return result;
}
