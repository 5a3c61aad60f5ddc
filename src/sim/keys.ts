/**
 * Item keys: the key attributes a table's schema requires, checked as DynamoDB checks them
 * (present, of the declared type, not empty, at most 2048 bytes for a partition key and 1024 for
 * a sort key), and turned into one string per item for the table's Map.
 */
import { ApiError, validationError, type WireItem, type WireValue } from './protocol.js';
import { base64Length } from './validate.js';

export type KeyType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}

export interface KeySchema {
  hash: KeyAttribute;
  range?: KeyAttribute;
}

/**
 * A key value of the wrong type or too long. Inside a transaction DynamoDB Local reports these as
 * a ValidationError cancellation reason, while a missing or empty key fails the whole request.
 */
export class KeyValueError extends ApiError {
  constructor(message: string) {
    super('ValidationException', message);
  }
}

const MAX_HASH_KEY_BYTES = 2048;
const MAX_RANGE_KEY_BYTES = 1024;

/**
 * The item's key string. With `exact`, `attributes` is a Key map and must hold the key attributes
 * and nothing else; otherwise it is an item and may hold more. Values must be validated already
 * (numbers normalized), so that `1.5` and `1.50` give the same key.
 */
export function itemKey(schema: KeySchema, attributes: WireItem, exact: boolean): string {
  const hash = keyValue(schema.hash, attributes[schema.hash.name], MAX_HASH_KEY_BYTES);
  if (exact) {
    if (Object.keys(attributes).length !== (schema.range ? 2 : 1)) throw validationError('The number of conditions on the keys is invalid');
  }
  if (!schema.range) return hash;
  const range = keyValue(schema.range, attributes[schema.range.name], MAX_RANGE_KEY_BYTES);
  // The length prefix keeps ("a\0", "b") and ("a", "\0b") apart.
  return `${hash.length}:${hash}${range}`;
}

/** The partition key's text, which decides the item's partition for capacity. */
export function partitionKeyOf(schema: KeySchema, item: WireItem): string {
  const value = item[schema.hash.name] as WireValue;
  return value.S ?? value.N ?? value.B ?? '';
}

/** The key attributes of a stored item, as LastEvaluatedKey carries them. */
export function keyAttributesOf(schema: KeySchema, item: WireItem): WireItem {
  const key: WireItem = { [schema.hash.name]: item[schema.hash.name] as WireValue };
  if (schema.range) key[schema.range.name] = item[schema.range.name] as WireValue;
  return key;
}

function keyValue(attribute: KeyAttribute, value: WireValue | undefined, maxBytes: number): string {
  if (value === undefined) throw validationError('One of the required keys was not given a value');
  const text = value[attribute.type];
  if (typeof text !== 'string') {
    const actual = Object.keys(value)[0] ?? 'none';
    throw new KeyValueError(`One or more parameter values were invalid: Type mismatch for key ${attribute.name} expected: ${attribute.type} actual: ${actual}`);
  }
  if (text.length === 0) {
    throw validationError(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${attribute.type === 'B' ? 'binary' : 'string'} value. Key: ${attribute.name}`);
  }
  const bytes = attribute.type === 'B' ? base64Length(text) : attribute.type === 'S' ? Buffer.byteLength(text, 'utf8') : 0;
  if (bytes > maxBytes) {
    throw new KeyValueError('One or more parameter values were invalid: Hash primary key values must be under 2048 bytes, and range primary key values must be under 1024 bytes');
  }
  return text;
}
