/**
 * Aggregate calls checked and typed as Feldera types them (feldera-sql-facts §2): COUNT is BIGINT;
 * SUM keeps its argument's type (DECIMAL(p, s) becomes DECIMAL(38, s)); AVG and the variances keep
 * the argument's type; MIN/MAX/ARG_* take any type; BOOL_* need BOOLEAN; ARRAY_AGG makes an array.
 */
import { SqlError } from '../errors.js';
import type { Expression } from '../sql/ast.js';
import type { SqlType } from '../sql/sql-type.js';
import { describeType, isNumeric } from '../engine/type-rules.js';
import type { AggregateFunction, AggregateSpec, PlanColumn } from './plan.js';
import { bind, type BindContext } from './scope.js';

type AggregateCall = Extract<Expression, { kind: 'AggregateCall' }>;

const BIGINT: SqlType = { kind: 'integer', name: 'BIGINT', unsigned: false };

/** Names of the same function, and COUNTIF, which is COUNT(*) FILTER (WHERE ...). */
const SYNONYMS: Readonly<Record<string, AggregateFunction>> = {
  COUNT: 'COUNT', COUNTIF: 'COUNT', SUM: 'SUM', AVG: 'AVG', MIN: 'MIN', MAX: 'MAX', ARG_MIN: 'ARG_MIN', ARG_MAX: 'ARG_MAX',
  BOOL_AND: 'BOOL_AND', EVERY: 'BOOL_AND', LOGICAL_AND: 'BOOL_AND', BOOL_OR: 'BOOL_OR', SOME: 'BOOL_OR', LOGICAL_OR: 'BOOL_OR',
  STDDEV: 'STDDEV_SAMP', STDDEV_SAMP: 'STDDEV_SAMP', STDDEV_POP: 'STDDEV_POP', VARIANCE: 'VAR_SAMP', VAR_SAMP: 'VAR_SAMP',
  VAR_POP: 'VAR_POP', ARRAY_AGG: 'ARRAY_AGG',
};

const ARITY: Readonly<Partial<Record<AggregateFunction, number>>> = { ARG_MIN: 2, ARG_MAX: 2 };

export function aggregateSpec(call: AggregateCall, scope: readonly PlanColumn[], context: BindContext, global: boolean): AggregateSpec {
  const name = call.name.name.toUpperCase();
  const fail = (message: string, code: 'SQL_INVALID' | 'SQL_NOT_SUPPORTED' = 'SQL_INVALID'): never => {
    throw new SqlError(code, message, { line: call.span.start.line, col: call.span.start.col, ...(context.file === undefined ? {} : { file: context.file }) });
  };
  const fn = SYNONYMS[name];
  if (fn === undefined) return fail(`aggregate function ${name} is not supported yet`, 'SQL_NOT_SUPPORTED');
  const countIf = name === 'COUNTIF';
  const args = call.args.map((e) => bind(e, scope, context));
  const filter = call.filter === null ? null : bind(call.filter, scope, context, true).expression;
  if (call.star) {
    if (fn !== 'COUNT' || countIf) return fail(`${name}(*) is not valid; only COUNT(*) is`);
    return { function: 'COUNT', args: [], distinct: false, filter, argumentType: null, resultType: BIGINT, resultNullable: false };
  }
  if (countIf) {
    if (args.length !== 1 || args[0]!.compiled.type.kind !== 'boolean') return fail('COUNTIF takes one BOOLEAN argument');
    const condition = args[0]!.expression;
    const combined = filter === null ? condition : { kind: 'Binary' as const, operator: 'AND' as const, left: filter, right: condition, span: call.span };
    return { function: 'COUNT', args: [], distinct: false, filter: combined, argumentType: null, resultType: BIGINT, resultNullable: false };
  }
  const arity = fn === 'COUNT' ? args.length : ARITY[fn] ?? 1;
  if (args.length !== arity || args.length === 0) return fail(`${name} takes ${arity === 1 ? 'one argument' : `${arity} arguments`}`);
  const type = args[0]!.compiled.type as SqlType;
  // A group has rows, so only NULL arguments, a FILTER or a sample of one value make the result NULL; a global aggregate may have none.
  const nullable = fn === 'COUNT' || fn === 'ARRAY_AGG' ? false
    : global || filter !== null || args[0]!.compiled.nullable || fn === 'STDDEV_SAMP' || fn === 'VAR_SAMP';
  const spec = (resultType: SqlType): AggregateSpec => ({
    function: fn, args: args.map((a) => a.expression), distinct: call.distinct, filter, argumentType: type, resultType, resultNullable: nullable,
    ...(arity === 2 ? { orderType: args[1]!.compiled.type as SqlType } : {}),
  });
  switch (fn) {
    case 'COUNT':
      return spec(BIGINT);
    case 'SUM':
    case 'AVG':
    case 'STDDEV_POP':
    case 'STDDEV_SAMP':
    case 'VAR_POP':
    case 'VAR_SAMP':
      if (!isNumeric(type)) return fail(`cannot apply ${name} to ${describeType(type)}`);
      if (fn === 'SUM' && type.kind === 'decimal') return spec({ kind: 'decimal', precision: 38, scale: type.scale });
      return spec(type);
    case 'MIN':
    case 'MAX':
    case 'ARG_MIN':
    case 'ARG_MAX':
      return spec(type);
    case 'BOOL_AND':
    case 'BOOL_OR':
      if (type.kind !== 'boolean') return fail(`cannot apply ${name} to ${describeType(type)}`);
      return spec(type);
    case 'ARRAY_AGG':
      return spec({ kind: 'array', element: type, elementNullable: args[0]!.compiled.nullable });
  }
}
