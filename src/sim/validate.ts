/**
 * DynamoDB's rules for the attribute values a writer sends, checked in the same walk that
 * measures the item: one attribute type per value, valid and in-range numbers (normalized in
 * place), NULL only as true, non-empty duplicate-free sets, at most 32 levels of nesting, and the
 * 400 KB item limit. Sizes follow src/connectors/dynamodb/item-size.ts, except that binary values
 * are measured from their base64 wire text without decoding them.
 */
import { MAX_ITEM_SIZE_BYTES, numberSize } from '../connectors/dynamodb/item-size.js';
import { isPlainObject } from '../util/config-problems.js';
import { canonicalNumber } from './numbers.js';
import { validationError, type WireValue } from './protocol.js';

const DOCUMENT_OVERHEAD_BYTES = 3;
const DOCUMENT_ELEMENT_OVERHEAD_BYTES = 1;
/** DynamoDB Local accepts 31 Maps or Lists around a scalar and rejects 32. */
const MAX_NESTED_DOCUMENTS = 31;

/** Validates an item (normalizing its numbers) and returns its DynamoDB size in bytes. */
export function measureItem(item: unknown): number {
  if (!isPlainObject(item)) throw validationError('One or more parameter values were invalid: Item must be a map of attribute values');
  const size = measureAttributes(item, 0, 0);
  if (size > MAX_ITEM_SIZE_BYTES) throw validationError('Item size has exceeded the maximum allowed size');
  return size;
}

/**
 * Validates a Key map's values (not which attributes it has: that is the key schema's job) and
 * returns their size, which counts towards a transaction's 4 MB.
 */
export function measureKey(key: unknown): number {
  if (!isPlainObject(key)) throw validationError('One of the required keys was not given a value');
  return measureAttributes(key, 0, 0);
}

function measureAttributes(attributes: Record<string, unknown>, depth: number, elementOverhead: number): number {
  let size = 0;
  for (const name in attributes) {
    if (name.length === 0) throw validationError('One or more parameter values were invalid: Empty attribute name');
    size += Buffer.byteLength(name, 'utf8') + measureValue(attributes[name], depth) + elementOverhead;
  }
  return size;
}

function measureValue(value: unknown, depth: number): number {
  if (!isPlainObject(value)) throw validationError('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  let type: string | undefined;
  for (const key in value) {
    if (type !== undefined) {
      throw validationError('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
    }
    type = key;
  }
  const wire = value as WireValue;
  switch (type) {
    case 'S':
      if (typeof wire.S !== 'string') throw malformed('S');
      return Buffer.byteLength(wire.S, 'utf8');
    case 'N':
      if (typeof wire.N !== 'string') throw malformed('N');
      wire.N = canonicalNumber(wire.N);
      return numberSize(wire.N);
    case 'B':
      if (typeof wire.B !== 'string') throw malformed('B');
      return base64Length(wire.B);
    case 'BOOL':
      if (typeof wire.BOOL !== 'boolean') throw malformed('BOOL');
      return 1;
    case 'NULL':
      if (wire.NULL !== true) throw validationError('One or more parameter values were invalid: Null attribute value types must have the value of true');
      return 1;
    case 'SS': return measureSet(wire.SS, 'string', (s) => Buffer.byteLength(s, 'utf8'));
    case 'NS': {
      const numbers = wire.NS;
      if (Array.isArray(numbers)) {
        for (let i = 0; i < numbers.length; i += 1) {
          if (typeof numbers[i] === 'string') numbers[i] = canonicalNumber(numbers[i] as string);
        }
      }
      // Normalized first, so that 1 and 1.0 count as duplicates, as in DynamoDB.
      return measureSet(numbers, 'number', numberSize);
    }
    case 'BS': return measureSet(wire.BS, 'binary', base64Length);
    case 'M': {
      if (!isPlainObject(wire.M)) throw malformed('M');
      if (depth >= MAX_NESTED_DOCUMENTS) throw validationError('Nesting Levels have exceeded supported limits');
      return DOCUMENT_OVERHEAD_BYTES + measureAttributes(wire.M, depth + 1, DOCUMENT_ELEMENT_OVERHEAD_BYTES);
    }
    case 'L': {
      if (!Array.isArray(wire.L)) throw malformed('L');
      if (depth >= MAX_NESTED_DOCUMENTS) throw validationError('Nesting Levels have exceeded supported limits');
      let size = DOCUMENT_OVERHEAD_BYTES;
      for (const element of wire.L) size += measureValue(element, depth + 1) + DOCUMENT_ELEMENT_OVERHEAD_BYTES;
      return size;
    }
    case undefined:
      throw validationError('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
    default:
      throw validationError(`Supplied AttributeValue has an unknown datatype: ${type}`);
  }
}

function measureSet(
  elements: unknown,
  kind: 'string' | 'number' | 'binary',
  sizeOf: (element: string) => number,
): number {
  if (!Array.isArray(elements) || elements.some((e) => typeof e !== 'string')) throw malformed(`${kind} set`);
  if (elements.length === 0) throw validationError(`One or more parameter values were invalid: An ${kind} set  may not be empty`);
  const seen = new Set<string>();
  let size = 0;
  for (const element of elements as string[]) {
    if (seen.has(element)) throw validationError(`One or more parameter values were invalid: Input collection [${elements.join(', ')}] contains duplicates.`);
    seen.add(element);
    size += sizeOf(element);
  }
  return size;
}

/** Decoded length of base64 text, without decoding it. */
export function base64Length(text: string): number {
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  return Math.floor((text.length * 3) / 4) - padding;
}

function malformed(type: string): Error {
  return validationError(`Supplied AttributeValue of type ${type} is malformed`);
}
