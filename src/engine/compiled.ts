/**
 * The pieces the expression compiler and its helper modules (operators, functions, casts) share:
 * a compiled subexpression is its type, its nullability and one evaluation closure.
 */
import type { Span } from '../sql/ast.js';
import type { SqlType } from '../sql/sql-type.js';
import type { Fields, Value } from './value.js';

/**
 * The type of a bare NULL literal. It adopts the type its context gives it (`NULL + 1` is an INT),
 * and is an error where no context gives one (`SELECT NULL`), as in Calcite.
 */
export interface NullType {
  readonly kind: 'null';
}

export const NULL_TYPE: NullType = { kind: 'null' };

export type ExprType = SqlType | NullType;

export type Evaluate = (row: Fields) => Value;

export interface Compiled {
  readonly type: ExprType;
  readonly nullable: boolean;
  readonly evaluate: Evaluate;
}

/** What helper modules need from the compiler: errors at a position, user types, implicit casts. */
export interface CompileContext {
  /** Throws a SqlError SQL_INVALID at `at`. */
  invalid(at: Span, message: string): never;
  /** Throws a SqlError SQL_NOT_SUPPORTED at `at`. */
  unsupported(at: Span, message: string): never;
  /** The type with user type names replaced by their ROW types, recursively. */
  resolve(type: SqlType, at: Span): SqlType;
  /** `value` converted to `to` with an implicit cast; SQL_INVALID at `at` when there is none. */
  coerce(value: Compiled, to: SqlType, at: Span): Compiled;
}

export function isNullType(type: ExprType): type is NullType {
  return type.kind === 'null';
}

/** `f(a)`, or NULL when `a` is NULL. */
export function strict1(a: Evaluate, f: (a: Value) => Value): Evaluate {
  return (row) => {
    const x = a(row);
    return x === null ? null : f(x);
  };
}

/** `f(a, b)`, or NULL when either is NULL (`b` is not evaluated when `a` is NULL). */
export function strict2(a: Evaluate, b: Evaluate, f: (a: Value, b: Value) => Value): Evaluate {
  return (row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    return y === null ? null : f(x, y);
  };
}

/** `f(a, b, c)`, or NULL when any is NULL. */
export function strict3(a: Evaluate, b: Evaluate, c: Evaluate, f: (a: Value, b: Value, c: Value) => Value): Evaluate {
  return (row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    if (y === null) return null;
    const z = c(row);
    return z === null ? null : f(x, y, z);
  };
}

/** NULL for every row: the value of an expression of type NULL. */
export const alwaysNull: Evaluate = () => null;
