/**
 * Rows as Feldera's JSON format writes them (flavor `default`): an object with every column in
 * declaration order, NULL as `null`; integers (BIGINT included, every digit) and DECIMAL as bare
 * JSON numbers (DECIMAL without trailing fractional zeros); REAL and DOUBLE as Rust's `ryu` prints
 * them (`2.0`, `0.1`, `1e16`), NaN and infinities as `null`; text, DATE, TIME, TIMESTAMP and UUID
 * as strings; BINARY and VARBINARY as arrays of byte values; ARRAY as arrays, MAP and ROW as
 * objects, VARIANT as its JSON value.
 *
 * The engine's values are canonical already (`engine/value.ts`): decimals, dates and times hold
 * the text Feldera writes, so only numbers and bytes need converting. One function per column and
 * nested type is built once, so writing a row never looks at type names.
 */
import { doubleText, realText } from '../../engine/float-text.js';
import type { Row } from '../../schema.js';
import type { SqlField, SqlType } from '../../sql/sql-type.js';

type Encode = (value: unknown) => string;

/** `row` as one line of JSON text (without a newline). */
export type JsonRowEncoder = (row: Row) => string;

export function compileJsonRowEncoder(columns: readonly SqlField[]): JsonRowEncoder {
  const object = compileObject(columns);
  return (row) => object(row);
}

function compileObject(fields: readonly SqlField[]): Encode {
  const parts = fields.map((field) => ({ name: field.name, prefix: `${JSON.stringify(field.name)}:`, encode: nullable(compile(field.type)) }));
  return (value) => {
    const source = value as Readonly<Record<string, unknown>>;
    let text = '{';
    for (const [i, part] of parts.entries()) {
      // A field named like an Object.prototype member ("constructor") must not read the prototype's.
      text += `${i === 0 ? '' : ','}${part.prefix}${part.encode(Object.hasOwn(source, part.name) ? source[part.name] : null)}`;
    }
    return `${text}}`;
  };
}

function nullable(encode: Encode): Encode {
  return (value) => (value === null || value === undefined ? 'null' : encode(value));
}

function compile(type: SqlType): Encode {
  switch (type.kind) {
    case 'boolean':
    case 'integer':
    case 'decimal':
      // true/false, a number or bigint, or canonical decimal text: each prints as its JSON number.
      return (value) => String(value);
    case 'real':
      return (value) => finiteOrNull(value as number, realText);
    case 'double':
      return (value) => finiteOrNull(value as number, doubleText);
    case 'varchar':
    case 'char':
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid':
      return (value) => JSON.stringify(value);
    case 'varbinary':
    case 'binary':
      return (value) => `[${(value as Uint8Array).join(',')}]`;
    case 'variant':
      return variantText;
    case 'array': {
      const element = nullable(compile(type.element));
      return (value) => arrayText(value as readonly unknown[], element);
    }
    case 'map': {
      const entry = nullable(compile(type.value));
      return (value) => entriesText(value as Readonly<Record<string, unknown>>, entry);
    }
    case 'row':
      return compileObject(type.fields);
    case 'user':
      throw new Error(`internal error: unresolved user type ${type.name} in a view column`);
  }
}

function finiteOrNull(x: number, format: (x: number) => string): string {
  return Number.isFinite(x) ? format(x) : 'null';
}

/** A VARIANT's JSON value; the engine keeps integers beyond 2^53 as bigint and binary as bytes. */
function variantText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (value instanceof Uint8Array) return `[${value.join(',')}]`;
  if (Array.isArray(value)) return arrayText(value, variantText);
  if (typeof value === 'object') return entriesText(value as Readonly<Record<string, unknown>>, variantText);
  return JSON.stringify(value);
}

function arrayText(values: readonly unknown[], encode: Encode): string {
  return `[${values.map((value) => encode(value)).join(',')}]`;
}

/** A MAP (keys are text in the engine) or a VARIANT object. */
function entriesText(source: Readonly<Record<string, unknown>>, encode: Encode): string {
  return `{${Object.keys(source).map((key) => `${JSON.stringify(key)}:${encode(source[key])}`).join(',')}}`;
}
