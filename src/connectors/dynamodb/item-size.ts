/**
 * DynamoDB's own item-size accounting, byte for byte, so the connector can drop an item that
 * DynamoDB would reject (400 KB limit) before it fails the whole batch or transaction it shares.
 *
 * Rules: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 * The documented Number rule is only approximate; `numberSize` implements the exact one, which
 * test/integration/item-size-boundary.test.ts checks against DynamoDB Local.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidValueError } from '../../errors.js';

/** 400 KB in DynamoDB's binary units. */
export const MAX_ITEM_SIZE_BYTES = 409_600;
/** Request-size limit of one BatchWriteItem call. */
export const MAX_BATCH_WRITE_BYTES = 16 * 1024 * 1024;
/** Aggregate item-size limit of one TransactWriteItems call. */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/** Every List or Map costs this much even when empty. */
const DOCUMENT_OVERHEAD_BYTES = 3;
/** Each List or Map element costs this much on top of its own size. */
const DOCUMENT_ELEMENT_OVERHEAD_BYTES = 1;
/** 1 exponent byte plus at most 20 base-100 digits (38 decimal digits, possibly misaligned). */
const MAX_NUMBER_BYTES = 21;

/** The size DynamoDB counts against the item-size limit: attribute names in UTF-8 plus value sizes. */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const name in item) {
    size += Buffer.byteLength(name, 'utf8') + attributeValueSize(item[name] as AttributeValue);
  }
  return size;
}

export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) {
    let size = DOCUMENT_OVERHEAD_BYTES;
    for (const name in value.M) {
      size += Buffer.byteLength(name, 'utf8') + attributeValueSize(value.M[name] as AttributeValue)
        + DOCUMENT_ELEMENT_OVERHEAD_BYTES;
    }
    return size;
  }
  if (value.L !== undefined) {
    let size = DOCUMENT_OVERHEAD_BYTES;
    for (const element of value.L) size += attributeValueSize(element) + DOCUMENT_ELEMENT_OVERHEAD_BYTES;
    return size;
  }
  // Sets have no overhead of their own: measured against DynamoDB Local, they cost the sum of their elements.
  if (value.SS !== undefined) {
    let size = 0;
    for (const element of value.SS) size += Buffer.byteLength(element, 'utf8');
    return size;
  }
  if (value.NS !== undefined) {
    let size = 0;
    for (const element of value.NS) size += numberSize(element);
    return size;
  }
  if (value.BS !== undefined) {
    let size = 0;
    for (const element of value.BS) size += element.length;
    return size;
  }
  throw new InvalidValueError(`cannot size an attribute value of unknown type: ${Object.keys(value).join(', ')}`);
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/**
 * DynamoDB stores a number as one exponent byte followed by base-100 digits, where the base-100
 * digits are the decimal digits paired up around the decimal point ("12345.6" is 01|23|45.60).
 * Leading and trailing zero pairs are not stored, a negative number takes one more byte (a
 * terminator, omitted when the 20-digit mantissa is full, hence the 21-byte cap), and zero is 1 byte.
 * "1.5" is therefore 3 bytes (01.50), where the documented "1 byte per two digits + 1" says 2.
 */
export function numberSize(text: string): number {
  const end = text.length;
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === MINUS || first === PLUS) {
    negative = first === MINUS;
    i = 1;
  }

  // Positions among the significand's digits, with the decimal point after `integerDigits` of them.
  let digits = 0;
  let integerDigits = -1;
  let firstNonZero = -1;
  let lastNonZero = -1;
  for (; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      if (c !== DIGIT_0) {
        if (firstNonZero < 0) firstNonZero = digits;
        lastNonZero = digits;
      }
      digits += 1;
    } else if (c === DOT && integerDigits < 0) {
      integerDigits = digits;
    } else {
      break;
    }
  }
  if (digits === 0) throw notANumber(text);
  if (integerDigits < 0) integerDigits = digits;

  let exponent = 0;
  if (i < end) {
    const c = text.charCodeAt(i);
    if (c !== LOWER_E && c !== UPPER_E) throw notANumber(text);
    i += 1;
    const sign = text.charCodeAt(i);
    const negativeExponent = sign === MINUS;
    if (sign === MINUS || sign === PLUS) i += 1;
    if (i === end) throw notANumber(text);
    for (; i < end; i += 1) {
      const d = text.charCodeAt(i);
      if (d < DIGIT_0 || d > DIGIT_9) throw notANumber(text);
      exponent = exponent * 10 + (d - DIGIT_0);
    }
    if (negativeExponent) exponent = -exponent;
  }

  if (firstNonZero < 0) return 1;
  // Power of ten of the most and least significant non-zero digits; each pair is a power of 100.
  const highestPower = integerDigits - 1 - firstNonZero + exponent;
  const lowestPower = integerDigits - 1 - lastNonZero + exponent;
  const base100Digits = Math.floor(highestPower / 2) - Math.floor(lowestPower / 2) + 1;
  return Math.min(base100Digits + 1 + (negative ? 1 : 0), MAX_NUMBER_BYTES);
}

function notANumber(text: string): InvalidValueError {
  return new InvalidValueError(`N value ${JSON.stringify(text)} is not a number`);
}
