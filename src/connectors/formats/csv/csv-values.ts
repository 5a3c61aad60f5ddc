/**
 * A CSV field's text -> the value of its column, as Feldera reads CSV (`docs/formats/csv.md`, and
 * the `csv` crate's serde deserializer it copies in `crates/adapters/src/format/csv/deserializer.rs`):
 *
 * - NULL: in a nullable column, `NULL` or `null`; an empty field too, except in a string column,
 *   where it is the empty string.
 * - BOOLEAN: `true` or `false`. Integers: decimal, or hexadecimal after `0x`. REAL, DOUBLE,
 *   DECIMAL: decimal or scientific notation; floats also `NaN`, `inf`, `infinity` with a sign.
 * - Strings, TIME, DATE, TIMESTAMP, UUID: the text, with the rules of the JSON format.
 * - ARRAY, MAP, ROW, VARIANT, BINARY and VARBINARY: JSON text (`[1,2,3]`), read as the JSON
 *   format reads the value.
 */
import { coerceValue, DEFAULT_VALUE_ENCODING, type ValueEncoding } from '../../../engine/coerce.js';
import type { Value } from '../../../engine/value.js';
import type { SqlField, SqlType } from '../../../sql/sql-type.js';
import { JsonSyntaxError, parseJsonLossless } from '../../../util/lossless-json.js';

const HEX_INTEGER = /^0x[0-9a-fA-F]+$/;
/** A VARIANT field is JSON text; Feldera reads CSV with its default serde config, whose VARIANT is a JSON string. */
const VARIANT_FIELD: ValueEncoding = { ...DEFAULT_VALUE_ENCODING, variant: 'json-text' };

/** Throws a DynaviewError (INPUT_INVALID_VALUE) naming the column, as `coerceValue` does. */
export function csvFieldValue(column: SqlField, text: string): Value {
  if (column.nullable && isNull(column.type, text)) return null;
  if (column.type.kind === 'variant') return coerceValue(column.type, text, column.name, VARIANT_FIELD);
  return coerceValue(column.type, jsonLike(column.type, text), column.name);
}

function isNull(type: SqlType, text: string): boolean {
  if (text === 'NULL' || text === 'null') return true;
  return text === '' && type.kind !== 'varchar' && type.kind !== 'char';
}

/** The field as the JSON value `coerceValue` reads for the type; text it cannot read stays text, for the message. */
function jsonLike(type: SqlType, text: string): unknown {
  switch (type.kind) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'integer':
      return HEX_INTEGER.test(text) ? BigInt(text) : text;
    case 'array':
    case 'map':
    case 'row':
    case 'binary':
    case 'varbinary':
      return jsonValue(text);
    default:
      return text;
  }
}

function jsonValue(text: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return text;
    throw error;
  }
}
