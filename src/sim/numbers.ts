/**
 * DynamoDB's Number type: up to 38 significant digits, magnitudes from 1E-130 to below 1E+126,
 * stored normalized (DynamoDB Local reads `1.50` back as `1.5`, `1E+2` as `100`), so that `1.5`
 * and `1.50` are the same key. Messages are DynamoDB Local's.
 */
import { validationError, type ApiError } from './protocol.js';

const MAX_PRECISION = 38;
/** Decimal exponent of the most significant digit: 9.99…E+125 is the largest, 1E-130 the smallest. */
const MAX_EXPONENT = 125;
const MIN_EXPONENT = -130;

const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const MINUS = 0x2d;
const DOT = 0x2e;

/** The normalized text of a number (the same string when it already is), or a ValidationException. */
export function canonicalNumber(text: string): string {
  if (isCanonicalDecimal(text)) return text;
  return normalize(text);
}

/**
 * `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?` with at most 38 digits and not `-0`: the text a careful writer
 * sends, which needs no rewriting. Checked in one pass because it is on every number's path.
 */
function isCanonicalDecimal(text: string): boolean {
  const start = text.charCodeAt(0) === MINUS ? 1 : 0;
  const end = text.length;
  if (end === start || end - start > MAX_PRECISION + 2) return false;
  const first = text.charCodeAt(start);
  let i = start + 1;
  if (first === DIGIT_0) {
    if (end === i) return start === 0;
    if (text.charCodeAt(i) !== DOT) return false;
  } else if (first < DIGIT_1 || first > DIGIT_9) {
    return false;
  }
  for (; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c === DOT) break;
    if (c < DIGIT_0 || c > DIGIT_9) return false;
  }
  if (i === end) return end - start <= MAX_PRECISION;
  // A fraction: digits only, the last one not zero, and (without leading zeros) at most 38 digits in all.
  const dot = i;
  for (i += 1; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return false;
  }
  if (dot === end - 1 || text.charCodeAt(end - 1) === DIGIT_0) return false;
  // "0.000123" has 3 significant digits; the regular path counts them exactly, so defer long ones to it.
  return end - start - 1 <= MAX_PRECISION && first !== DIGIT_0;
}

function normalize(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  const integerPart = match?.[2] ?? '';
  const fractionPart = match?.[3] ?? '';
  if (!match || integerPart.length + fractionPart.length === 0) throw notANumber();
  const digits = integerPart + fractionPart;
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === DIGIT_0) first += 1;
  if (first === digits.length) return '0';
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === DIGIT_0) end -= 1;
  const significant = digits.slice(first, end);
  if (significant.length > MAX_PRECISION) throw validationError('DynamoDB only supports precision up to 38 digits');
  const exponent = integerPart.length - first - 1 + Number(match[4] ?? '0');
  if (exponent > MAX_EXPONENT) {
    throw validationError('Number overflow. Attempting to store a number with magnitude larger than supported range');
  }
  if (exponent < MIN_EXPONENT) {
    throw validationError('Number underflow. Attempting to store a number with magnitude smaller than supported range');
  }
  const sign = match[1] === '-' ? '-' : '';
  const integerDigits = exponent + 1;
  if (integerDigits <= 0) return `${sign}0.${'0'.repeat(-integerDigits)}${significant}`;
  if (integerDigits >= significant.length) return `${sign}${significant}${'0'.repeat(integerDigits - significant.length)}`;
  return `${sign}${significant.slice(0, integerDigits)}.${significant.slice(integerDigits)}`;
}

function notANumber(): ApiError {
  return validationError('A value provided cannot be converted into a number');
}
