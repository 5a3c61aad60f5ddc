/**
 * Scalar functions by name. Each entry checks its arguments' types once, at compile time, and
 * returns the compiled call. Semantics follow Feldera's documentation (string positions in
 * characters, NULL in gives NULL out unless said otherwise).
 */
import type { Expression, Span } from '../sql/ast.js';
import type { SqlType } from '../sql/sql-type.js';
import { compileCast, type Convert } from './casts.js';
import { compileComparator } from './compare.js';
import { codePointLength, codePointPosition, codePointSlice } from './code-points.js';
import {
  alwaysNull,
  type CompileContext,
  type Compiled,
  type Evaluate,
  isNullType,
  strict1,
  strict2,
  strict3,
} from './compiled.js';
import { fitDecimal, roundScaled, type Rounding } from './decimal.js';
import { comparisonPlan, compileArithmetic, prepared, rejectRowEquality } from './scalar-operators.js';
import { sqlRuntimeError } from './runtime-error.js';
import { compileExtract, type DateTimeField, dateTimeField, fieldApplies } from './temporal-fields.js';
import {
  BIGINT,
  commonTypeOf,
  describeType,
  DOUBLE,
  INT,
  integerLimits,
  isNumeric,
  isString,
  isTemporal,
  type NumericType,
  unreachable,
  VARCHAR,
} from './type-rules.js';
import type { Value } from './value.js';
import { AGGREGATE_FUNCTIONS, WINDOW_FUNCTIONS } from '../sql/parser.js';
import { SQL_FUNCTION_NAMES } from '../sql/sql-functions.js';
import { closestName } from '../util/closest-name.js';

type FunctionCallNode = Extract<Expression, { kind: 'FunctionCall' }>;

/** One call being compiled: its node, its compiled arguments, and the compiler. */
export interface Call {
  /** The function name in upper case. */
  readonly name: string;
  readonly node: FunctionCallNode;
  readonly args: readonly Compiled[];
  readonly ctx: CompileContext;
}

type FunctionCompiler = (call: Call) => Compiled;

const AGGREGATES = new Set([
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'EVERY', 'SOME', 'ANY_VALUE', 'ARRAY_AGG', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'BOOL_AND',
  'BOOL_OR', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'VARIANCE', 'ARG_MAX', 'ARG_MIN', 'COUNTIF', 'MODE',
  'LISTAGG', 'STRING_AGG',
]);

/** Compiles a call; the function is looked up before its arguments are compiled. */
export function compileFunctionCall(node: FunctionCallNode, ctx: CompileContext, compileArgument: (e: Expression) => Compiled): Compiled {
  const name = node.name.name.toUpperCase();
  if (AGGREGATE_FUNCTIONS.has(name)) return ctx.invalid(node.span, `${name} is an aggregate function: write its name unquoted`);
  if (AGGREGATES.has(name)) return ctx.unsupported(node.span, `aggregate function ${name} is not supported yet`);
  const compile = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (compile === undefined) {
    if (SQL_FUNCTION_NAMES.has(name) || WINDOW_FUNCTIONS.has(name)) return ctx.unsupported(node.span, `function ${name} is not supported yet`);
    const suggestion = closestName(name, [...Object.keys(FUNCTIONS), ...AGGREGATE_FUNCTIONS]);
    return ctx.invalid(node.name.span, `unknown function ${name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`);
  }
  return compile({ name, node, args: node.args.map(compileArgument), ctx });
}

// ---------------------------------------------------------------------------------------------
// Argument checks

function arity(call: Call, min: number, max: number = min): void {
  const count = call.args.length;
  if (count >= min && count <= max) return;
  const expected = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
  call.ctx.invalid(call.node.span, `wrong number of arguments to ${call.name}: expected ${expected}, got ${count}`);
}

function argument(call: Call, index: number): Compiled {
  const arg = call.args[index];
  if (arg === undefined) throw new Error(`internal error: ${call.name} has no argument ${index}`);
  return arg;
}

function argumentSpan(call: Call, index: number): Span {
  return call.node.args[index]?.span ?? call.node.span;
}

function wrongTypes(call: Call, index: number): never {
  const types = call.args.map((a) => describeType(a.type)).join(', ');
  return call.ctx.invalid(argumentSpan(call, index), `cannot apply ${call.name} to ${types}`);
}

/** A string argument; a bare NULL counts as VARCHAR. */
function stringArgument(call: Call, index: number): Compiled & { type: SqlType } {
  const arg = argument(call, index);
  if (isNullType(arg.type)) return { ...arg, type: VARCHAR };
  if (!isString(arg.type)) return wrongTypes(call, index);
  return { ...arg, type: arg.type };
}

/** An integer argument, evaluated as a JS number (every count and position fits one). */
function integerArgument(call: Call, index: number): Evaluate {
  const arg = argument(call, index);
  if (isNullType(arg.type)) return alwaysNull;
  if (arg.type.kind !== 'integer') return wrongTypes(call, index);
  return integerLimits(arg.type).isBigint ? strict1(arg.evaluate, Number) : arg.evaluate;
}

function numericArgument(call: Call, index: number): Compiled & { type: NumericType } {
  const arg = argument(call, index);
  if (isNullType(arg.type)) return { ...arg, type: INT };
  if (!isNumeric(arg.type)) return wrongTypes(call, index);
  return { ...arg, type: arg.type };
}

/** A numeric argument as a DOUBLE, for the floating point functions. */
function doubleArgument(call: Call, index: number): Evaluate {
  const arg = numericArgument(call, index);
  return call.ctx.coerce(arg, DOUBLE, argumentSpan(call, index)).evaluate;
}

function anyNullable(args: readonly Compiled[]): boolean {
  return args.some((a) => a.nullable);
}

// ---------------------------------------------------------------------------------------------
// Strings

function caseMapping(map: (text: string) => string): FunctionCompiler {
  return (call) => {
    arity(call, 1);
    const text = stringArgument(call, 0);
    return { type: text.type, nullable: text.nullable, evaluate: strict1(text.evaluate, (v) => map(v as string)) };
  };
}

/** `text` without the code points of `remove` at its start and/or end. */
function trimCodePoints(text: string, remove: ReadonlySet<number>, leading: boolean, trailing: boolean): string {
  let start = 0;
  let end = text.length;
  if (leading) {
    while (start < end) {
      const point = text.codePointAt(start) as number;
      if (!remove.has(point)) break;
      start += point > 0xffff ? 2 : 1;
    }
  }
  if (trailing) {
    while (end > start) {
      let point = text.charCodeAt(end - 1);
      let width = 1;
      if (point >= 0xdc00 && point <= 0xdfff && end - 2 >= start) {
        const high = text.charCodeAt(end - 2);
        if (high >= 0xd800 && high <= 0xdbff) {
          point = (high - 0xd800) * 0x400 + (point - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      if (!remove.has(point)) break;
      end -= width;
    }
  }
  return text.slice(start, end);
}

const SPACE: ReadonlySet<number> = new Set([0x20]);

function codePointSet(text: string): ReadonlySet<number> {
  return new Set(Array.from(text, (c) => c.codePointAt(0) as number));
}

/** TRIM([BOTH | LEADING | TRAILING] [characters FROM] s): removes any of the characters (default a space). */
const trim: FunctionCompiler = (call) => {
  arity(call, 1, 2);
  const text = stringArgument(call, 0);
  const mode = call.node.mode ?? 'BOTH';
  const leading = mode !== 'TRAILING';
  const trailing = mode !== 'LEADING';
  const type: SqlType = VARCHAR;
  if (call.args.length === 1) {
    return { type, nullable: text.nullable, evaluate: strict1(text.evaluate, (v) => trimCodePoints(v as string, SPACE, leading, trailing)) };
  }
  const characters = stringArgument(call, 1);
  // The characters are usually a literal: keep the set of the last ones seen.
  let lastCharacters = ' ';
  let lastSet: ReadonlySet<number> = SPACE;
  const evaluate = strict2(text.evaluate, characters.evaluate, (v, c) => {
    if (c !== lastCharacters) {
      lastCharacters = c as string;
      lastSet = codePointSet(lastCharacters);
    }
    return trimCodePoints(v as string, lastSet, leading, trailing);
  });
  return { type, nullable: text.nullable || characters.nullable, evaluate };
};

function spaceTrim(leading: boolean, trailing: boolean): FunctionCompiler {
  return (call) => {
    arity(call, 1);
    const text = stringArgument(call, 0);
    return { type: VARCHAR, nullable: text.nullable, evaluate: strict1(text.evaluate, (v) => trimCodePoints(v as string, SPACE, leading, trailing)) };
  };
}

/**
 * SUBSTRING(s, start [, count]): characters from position `start` (1-based) on, at most `count`
 * of them; positions before 1 count towards `count` (SUBSTRING('abc', 0, 2) = 'a'); a negative
 * count gives ''.
 */
const substring: FunctionCompiler = (call) => {
  arity(call, 2, 3);
  const text = stringArgument(call, 0);
  const start = integerArgument(call, 1);
  if (call.args.length === 2) {
    const evaluate = strict2(text.evaluate, start, (s, from) => codePointSlice(s as string, Math.max(from as number, 1) - 1));
    return { type: VARCHAR, nullable: anyNullable(call.args), evaluate };
  }
  const count = integerArgument(call, 2);
  const evaluate = strict3(text.evaluate, start, count, (s, from, n) => {
    if ((n as number) < 0) return '';
    return codePointSlice(s as string, Math.max(from as number, 1) - 1, (from as number) + (n as number) - 1);
  });
  return { type: VARCHAR, nullable: anyNullable(call.args), evaluate };
};

const characterLength: FunctionCompiler = (call) => {
  arity(call, 1);
  const text = stringArgument(call, 0);
  return { type: INT, nullable: text.nullable, evaluate: strict1(text.evaluate, (v) => codePointLength(v as string)) };
};

/** POSITION(needle IN haystack): 1-based character position, 0 when absent. */
const position: FunctionCompiler = (call) => {
  arity(call, 2);
  const needle = stringArgument(call, 0);
  const haystack = stringArgument(call, 1);
  const evaluate = strict2(needle.evaluate, haystack.evaluate, (n, h) => codePointPosition(n as string, h as string));
  return { type: INT, nullable: needle.nullable || haystack.nullable, evaluate };
};

const replace: FunctionCompiler = (call) => {
  arity(call, 3);
  const text = stringArgument(call, 0);
  const search = stringArgument(call, 1);
  const replacement = stringArgument(call, 2);
  // A function replacement, so that `$&` and friends in it stay literal.
  const evaluate = strict3(text.evaluate, search.evaluate, replacement.evaluate, (s, from, to) =>
    (s as string).replaceAll(from as string, () => to as string),
  );
  return { type: VARCHAR, nullable: anyNullable(call.args), evaluate };
};

/** CONCAT(a, b, ...): like `||`, with non-string arguments cast to VARCHAR (CONCAT('a', 1) = 'a1'); NULL if any is NULL. */
const concat: FunctionCompiler = (call) => {
  arity(call, 1, Number.POSITIVE_INFINITY);
  const parts: Evaluate[] = call.args.map((arg, index) => {
    if (isNullType(arg.type)) return alwaysNull;
    if (isString(arg.type)) return arg.evaluate;
    const cast = compileCast(call.ctx.resolve(arg.type, argumentSpan(call, index)), VARCHAR);
    return cast === undefined ? wrongTypes(call, index) : strict1(arg.evaluate, cast.convert);
  });
  const evaluate: Evaluate = (row) => {
    let result = '';
    for (const part of parts) {
      const value = part(row);
      if (value === null) return null;
      result += value as string;
    }
    return result;
  };
  return { type: VARCHAR, nullable: anyNullable(call.args), evaluate };
};

function leftOrRight(fromEnd: boolean): FunctionCompiler {
  return (call) => {
    arity(call, 2);
    const text = stringArgument(call, 0);
    const count = integerArgument(call, 1);
    const evaluate = strict2(text.evaluate, count, (s, n) => {
      const length = n as number;
      if (length <= 0) return '';
      if (!fromEnd) return codePointSlice(s as string, 0, length);
      return codePointSlice(s as string, Math.max(0, codePointLength(s as string) - length));
    });
    return { type: VARCHAR, nullable: anyNullable(call.args), evaluate };
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers

const abs: FunctionCompiler = (call) => {
  arity(call, 1);
  const x = numericArgument(call, 0);
  return { type: x.type, nullable: x.nullable, evaluate: strict1(x.evaluate, absolute(x.type)) };
};

function absolute(type: NumericType): Convert {
  switch (type.kind) {
    case 'integer': {
      const { max, maxNumber, isBigint } = integerLimits(type);
      const fail = (v: Value): Error => sqlRuntimeError(`integer overflow: ABS(${String(v)}) does not fit in ${describeType(type)}`);
      if (isBigint) {
        return (v) => {
          const n = (v as bigint) < 0n ? -(v as bigint) : (v as bigint);
          if (n > max) throw fail(v);
          return n;
        };
      }
      return (v) => {
        const n = Math.abs(v as number);
        if (n > maxNumber) throw fail(v);
        return n;
      };
    }
    case 'decimal':
      return (v) => ((v as string).startsWith('-') ? (v as string).slice(1) : v);
    case 'real':
    case 'double':
      return (v) => Math.abs(v as number);
    default:
      return unreachable(type);
  }
}

/** ROUND(x [, digits]): half away from zero; digits may be negative (ROUND(1250, -2) = 1300). The result has x's type. */
const round: FunctionCompiler = (call) => {
  arity(call, 1, 2);
  const x = numericArgument(call, 0);
  const digits: Evaluate = call.args.length === 2 ? integerArgument(call, 1) : () => 0;
  const evaluate = strict2(x.evaluate, digits, rounder(x.type));
  return { type: x.type, nullable: anyNullable(call.args), evaluate };
};

function rounder(type: NumericType): (x: Value, digits: Value) => Value {
  switch (type.kind) {
    case 'integer': {
      const limits = integerLimits(type);
      return (x, digits) => {
        if ((digits as number) >= 0) return x;
        const rounded = BigInt(roundScaled(String(x), digits as number, 'half-away'));
        if (rounded < limits.min || rounded > limits.max) throw sqlRuntimeError(`integer overflow: ROUND(${String(x)}, ${String(digits)}) does not fit in ${describeType(type)}`);
        return limits.isBigint ? rounded : Number(rounded);
      };
    }
    case 'decimal':
      return (x, digits) => fitDecimal(roundScaled(x as string, digits as number, 'half-away'), type, `ROUND(${String(x)}, ${String(digits)})`);
    case 'real':
    case 'double': {
      const finish = type.kind === 'real' ? Math.fround : (n: number): number => n;
      return (x, digits) => {
        // As Feldera: scale, round half away from zero, scale back; no negative zero.
        const scale = 10 ** (digits as number);
        const scaled = (x as number) * scale;
        const rounded = (Math.sign(scaled) * Math.round(Math.abs(scaled))) / scale;
        return finish(rounded) + 0;
      };
    }
    default:
      return unreachable(type);
  }
}

/** FLOOR and CEIL: integers unchanged, DECIMAL(p, s) to DECIMAL(p, 0), floats stay floats. */
function floorOrCeiling(rounding: Extract<Rounding, 'floor' | 'ceil'>): FunctionCompiler {
  return (call) => {
    arity(call, 1);
    const x = numericArgument(call, 0);
    switch (x.type.kind) {
      case 'integer':
        return x;
      case 'decimal':
        return {
          type: { kind: 'decimal', precision: x.type.precision, scale: 0 },
          nullable: x.nullable,
          evaluate: strict1(x.evaluate, (v) => roundScaled(v as string, 0, rounding)),
        };
      case 'real':
      case 'double': {
        const f = rounding === 'floor' ? Math.floor : Math.ceil;
        return { type: x.type, nullable: x.nullable, evaluate: strict1(x.evaluate, (v) => f(v as number)) };
      }
      default:
        return unreachable(x.type);
    }
  };
}

const mod: FunctionCompiler = (call) => {
  arity(call, 2);
  return compileArithmetic('%', argument(call, 0), argument(call, 1), call.node.span, call.ctx);
};

function doubleFunction(f: (x: number) => number): FunctionCompiler {
  return (call) => {
    arity(call, 1);
    const x = doubleArgument(call, 0);
    return { type: DOUBLE, nullable: argument(call, 0).nullable, evaluate: strict1(x, (v) => f(v as number)) };
  };
}

/** LN and LOG10: -inf at 0, a runtime error below (Feldera). */
function logarithm(name: string, f: (x: number) => number): (x: number) => number {
  return (x) => {
    if (x < 0) throw sqlRuntimeError(`${name} of a negative number: ${x}`);
    return f(x);
  };
}

const power: FunctionCompiler = (call) => {
  arity(call, 2);
  const evaluate = strict2(doubleArgument(call, 0), doubleArgument(call, 1), (x, y) => (x as number) ** (y as number));
  return { type: DOUBLE, nullable: anyNullable(call.args), evaluate };
};

const sign: FunctionCompiler = (call) => {
  arity(call, 1);
  const x = numericArgument(call, 0);
  return { type: x.type, nullable: x.nullable, evaluate: strict1(x.evaluate, signOf(x.type)) };
};

function signOf(type: NumericType): Convert {
  switch (type.kind) {
    case 'integer':
      if (integerLimits(type).isBigint) return (v) => ((v as bigint) < 0n ? -1n : (v as bigint) > 0n ? 1n : 0n);
      return (v) => Math.sign(v as number) + 0;
    case 'decimal':
      return (v) => (v === '0' ? '0' : (v as string).startsWith('-') ? '-1' : '1');
    case 'real':
    case 'double':
      return (v) => Math.sign(v as number) + 0;
    default:
      return unreachable(type);
  }
}

// ---------------------------------------------------------------------------------------------
// Conditionals

/** COALESCE(a, b, ...): the first non-NULL argument; NULL only when all can be. */
const coalesce: FunctionCompiler = (call) => {
  arity(call, 1, Number.POSITIVE_INFINITY);
  const type = commonArgumentType(call);
  const parts = call.args.map((arg, index) => call.ctx.coerce(arg, type, argumentSpan(call, index)).evaluate);
  const evaluate: Evaluate = (row) => {
    for (const part of parts) {
      const value = part(row);
      if (value !== null) return value;
    }
    return null;
  };
  return { type, nullable: call.args.every((a) => a.nullable), evaluate };
};

function commonArgumentType(call: Call): SqlType {
  const type = commonTypeOf(call.args.map((a) => a.type));
  if (type === undefined) return wrongTypes(call, 0);
  if (isNullType(type)) return call.ctx.invalid(call.node.span, `illegal use of NULL: ${call.name} needs an argument with a type (CAST(NULL AS type))`);
  return type;
}

/** NULLIF(a, b): NULL when a = b, else a. */
const nullIf: FunctionCompiler = (call) => {
  arity(call, 2);
  const a = argument(call, 0);
  const b = argument(call, 1);
  const plan = comparisonPlan([a, b], call.node.span, call.ctx, () => `cannot apply NULLIF to ${describeType(a.type)}, ${describeType(b.type)}`);
  if (isNullType(plan.type)) return { type: a.type, nullable: true, evaluate: alwaysNull };
  rejectRowEquality(plan.type, 'NULLIF', call.node.span, call.ctx);
  const convertA = plan.convert(a);
  const right = prepared(plan, b);
  const left = a.evaluate;
  const compare = plan.compare;
  const evaluate: Evaluate = (row) => {
    const x = left(row);
    if (x === null) return null;
    const y = right(row);
    return y !== null && compare(convertA(x), y) === 0 ? null : x;
  };
  return { type: isNullType(a.type) ? plan.type : a.type, nullable: true, evaluate };
};

/** GREATEST / LEAST: NULL if any argument is NULL (Feldera). */
function extreme(greatest: boolean): FunctionCompiler {
  return (call) => {
    arity(call, 1, Number.POSITIVE_INFINITY);
    const type = commonArgumentType(call);
    const parts = call.args.map((arg, index) => call.ctx.coerce(arg, type, argumentSpan(call, index)).evaluate);
    const compare = compileComparator(call.ctx.resolve(type, call.node.span));
    const evaluate: Evaluate = (row) => {
      let best: Value = null;
      for (let i = 0; i < parts.length; i++) {
        const value = (parts[i] as Evaluate)(row);
        if (value === null) return null;
        if (i === 0 || (greatest ? compare(value, best) > 0 : compare(value, best) < 0)) best = value;
      }
      return best;
    };
    return { type, nullable: anyNullable(call.args), evaluate };
  };
}

// ---------------------------------------------------------------------------------------------
// Dates and times

/** EXTRACT(field FROM x), or a shorthand such as YEAR(x) for one field. Always a BIGINT. */
function extract(fixedField?: DateTimeField): FunctionCompiler {
  return (call) => {
    arity(call, 1);
    const fieldName = fixedField ?? call.node.field;
    const field = fieldName === undefined ? undefined : dateTimeField(fieldName);
    if (field === undefined) return call.ctx.invalid(call.node.span, `unknown EXTRACT field ${fieldName ?? '(none)'}`);
    const x = argument(call, 0);
    if (isNullType(x.type)) return { type: BIGINT, nullable: true, evaluate: alwaysNull };
    if (!isTemporal(x.type)) return wrongTypes(call, 0);
    if (!fieldApplies(field, x.type.kind)) {
      return call.ctx.invalid(argumentSpan(call, 0), `cannot extract ${field} from ${describeType(x.type)}`);
    }
    const read = compileExtract(field, x.type.kind);
    return { type: BIGINT, nullable: x.nullable, evaluate: strict1(x.evaluate, (v) => read(v as string)) };
  };
}

// ---------------------------------------------------------------------------------------------
// Collections

/** CARDINALITY(array or map): the number of elements or entries. */
const cardinality: FunctionCompiler = (call) => {
  arity(call, 1);
  const x = argument(call, 0);
  if (isNullType(x.type)) return { type: INT, nullable: true, evaluate: alwaysNull };
  if (x.type.kind === 'array') return { type: INT, nullable: x.nullable, evaluate: strict1(x.evaluate, (v) => (v as readonly Value[]).length) };
  if (x.type.kind === 'map') return { type: INT, nullable: x.nullable, evaluate: strict1(x.evaluate, (v) => Object.keys(v as object).length) };
  return wrongTypes(call, 0);
};

const FUNCTIONS: Readonly<Record<string, FunctionCompiler>> = {
  UPPER: caseMapping((s) => s.toUpperCase()),
  LOWER: caseMapping((s) => s.toLowerCase()),
  TRIM: trim,
  LTRIM: spaceTrim(true, false),
  RTRIM: spaceTrim(false, true),
  SUBSTRING: substring,
  CHAR_LENGTH: characterLength,
  CHARACTER_LENGTH: characterLength,
  LENGTH: characterLength,
  POSITION: position,
  REPLACE: replace,
  CONCAT: concat,
  LEFT: leftOrRight(false),
  RIGHT: leftOrRight(true),
  ABS: abs,
  ROUND: round,
  FLOOR: floorOrCeiling('floor'),
  CEIL: floorOrCeiling('ceil'),
  CEILING: floorOrCeiling('ceil'),
  MOD: mod,
  POWER: power,
  SQRT: doubleFunction(Math.sqrt),
  EXP: doubleFunction(Math.exp),
  LN: doubleFunction(logarithm('LN', Math.log)),
  LOG10: doubleFunction(logarithm('LOG10', Math.log10)),
  SIGN: sign,
  COALESCE: coalesce,
  NULLIF: nullIf,
  GREATEST: extreme(true),
  LEAST: extreme(false),
  EXTRACT: extract(),
  YEAR: extract('YEAR'),
  QUARTER: extract('QUARTER'),
  MONTH: extract('MONTH'),
  WEEK: extract('WEEK'),
  DAYOFMONTH: extract('DAY'),
  DAYOFWEEK: extract('DOW'),
  DAYOFYEAR: extract('DOY'),
  HOUR: extract('HOUR'),
  MINUTE: extract('MINUTE'),
  SECOND: extract('SECOND'),
  CARDINALITY: cardinality,
  ARRAY_LENGTH: cardinality,
  ARRAY_SIZE: cardinality,
};
