/**
 * A total order on the values of one SQL type, as Feldera orders them: NULL first (also inside
 * arrays, maps and rows), numbers by value with NaN above every other float, strings by code
 * point (Rust's UTF-8 byte order), temporal values and UUIDs by their canonical text, binary
 * byte by byte, arrays and rows lexicographically, maps by their entries in key order.
 *
 * Comparisons (`=`, `<`, IN, BETWEEN, GREATEST, ...) and anything that sorts or groups rows use it.
 */
import type { SqlType } from '../sql/sql-type.js';
import { compareDecimals } from './decimal.js';
import { unreachable } from './type-rules.js';
import type { Value } from './value.js';

/** Negative when a < b, zero when equal, positive when a > b. */
export type Comparator = (a: Value, b: Value) => number;

const cache = new WeakMap<SqlType, Comparator>();

/**
 * Compares two values of `type` (NULL allowed). User struct types must be resolved to ROW types
 * first (see `resolveType`); an unresolved one is ordered like a VARIANT object.
 */
export function compareValues(type: SqlType, a: Value, b: Value): number {
  let comparator = cache.get(type);
  if (comparator === undefined) {
    comparator = compileComparator(type);
    cache.set(type, comparator);
  }
  return comparator(a, b);
}

/** The comparator of `type`, built once; NULL is below every other value. */
export function compileComparator(type: SqlType): Comparator {
  return nullsFirst(compileNonNull(type));
}

function nullsFirst(compare: Comparator): Comparator {
  return (a, b) => (a === null ? (b === null ? 0 : -1) : b === null ? 1 : compare(a, b));
}

function compileNonNull(type: SqlType): Comparator {
  switch (type.kind) {
    case 'boolean':
      return (a, b) => (a === b ? 0 : a === false ? -1 : 1);
    case 'integer':
      // number for narrow integers, bigint for BIGINT: `<` compares both.
      return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
    case 'decimal':
      return (a, b) => compareDecimals(a as string, b as string);
    case 'real':
    case 'double':
      return (a, b) => compareFloats(a as number, b as number);
    case 'varchar':
    case 'char':
      return (a, b) => compareCodePoints(a as string, b as string);
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid':
      // Canonical ASCII text, fixed-width fields: text order is time order.
      return (a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0);
    case 'varbinary':
    case 'binary':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case 'array': {
      const element = compileComparator(type.element);
      return (a, b) => compareSequences(a as readonly Value[], b as readonly Value[], element);
    }
    case 'map':
      return compileMapComparator(type.key, compileComparator(type.value));
    case 'row': {
      const fields = type.fields.map((f) => ({ name: f.name, compare: compileComparator(f.type) }));
      return (a, b) => {
        const x = a as Readonly<Record<string, Value>>;
        const y = b as Readonly<Record<string, Value>>;
        for (const field of fields) {
          const c = field.compare(x[field.name] ?? null, y[field.name] ?? null);
          if (c !== 0) return c;
        }
        return 0;
      };
    }
    case 'variant':
    case 'user':
      return compareJson;
    default:
      return unreachable(type);
  }
}

/** Code point order, which is Rust's (UTF-8 byte) string order; plain `<` is UTF-16 order. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Only a surrogate against U+E000..U+FFFF orders differently: lift surrogates above them.
      if (x >= 0xd800 && y >= 0xd800) return liftSurrogate(x) - liftSurrogate(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

function liftSurrogate(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

function compareFloats(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  // At least one NaN: NaN equals NaN and is above everything else.
  return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function compareSequences(a: readonly Value[], b: readonly Value[], element: Comparator): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = element(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Maps hold their keys as text; keys are ordered by the key type's order, then compared entry by entry. */
function compileMapComparator(keyType: SqlType, compareValue: Comparator): Comparator {
  const compareKeys = mapKeyComparator(keyType);
  return (a, b) => {
    const x = a as Readonly<Record<string, Value>>;
    const y = b as Readonly<Record<string, Value>>;
    const xKeys = Object.keys(x).sort(compareKeys);
    const yKeys = Object.keys(y).sort(compareKeys);
    const n = Math.min(xKeys.length, yKeys.length);
    for (let i = 0; i < n; i++) {
      const xKey = xKeys[i] as string;
      const yKey = yKeys[i] as string;
      const c = compareKeys(xKey, yKey) || compareValue(x[xKey] ?? null, y[yKey] ?? null);
      if (c !== 0) return c;
    }
    return xKeys.length - yKeys.length;
  };
}

function mapKeyComparator(keyType: SqlType): (a: string, b: string) => number {
  switch (keyType.kind) {
    case 'integer':
      return (a, b) => {
        const x = BigInt(a);
        const y = BigInt(b);
        return x < y ? -1 : x > y ? 1 : 0;
      };
    case 'decimal':
      return compareDecimals;
    case 'real':
    case 'double':
      return (a, b) => compareFloats(Number(a), Number(b));
    default:
      return compareCodePoints;
  }
}

const JSON_RANK = { null: 0, boolean: 1, number: 2, string: 3, binary: 4, array: 5, object: 6 } as const;

function jsonRank(value: Value): number {
  if (value === null) return JSON_RANK.null;
  switch (typeof value) {
    case 'boolean':
      return JSON_RANK.boolean;
    case 'number':
    case 'bigint':
      return JSON_RANK.number;
    case 'string':
      return JSON_RANK.string;
    default:
      if (value instanceof Uint8Array) return JSON_RANK.binary;
      return Array.isArray(value) ? JSON_RANK.array : JSON_RANK.object;
  }
}

/**
 * The order of VARIANT values, which the engine holds as JSON values: by kind (null, boolean,
 * number, string, binary, array, object), then by value; objects by their entries in key order.
 */
function compareJson(a: Value, b: Value): number {
  const rank = jsonRank(a);
  const difference = rank - jsonRank(b);
  if (difference !== 0) return difference;
  switch (rank) {
    case JSON_RANK.null:
      return 0;
    case JSON_RANK.boolean:
      return a === b ? 0 : a === false ? -1 : 1;
    case JSON_RANK.number:
      if (typeof a === 'number' && typeof b === 'number') return compareFloats(a, b);
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case JSON_RANK.string:
      return compareCodePoints(a as string, b as string);
    case JSON_RANK.binary:
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case JSON_RANK.array:
      return compareSequences(a as readonly Value[], b as readonly Value[], compareJson);
    default:
      return compareJsonObjects(a, b);
  }
}

const compareJsonObjects: Comparator = compileMapComparator({ kind: 'varchar', length: null }, compareJson);
