/**
 * Canonical decimal text for numbers: the form Feldera writes into DynamoDB `N` attributes. Plain
 * digits, never an exponent, no leading zeros, no trailing fractional zeros, `0` before a leading
 * point, and no negative zero: `-12.5`, `0.001`, `100000000000000000000`.
 *
 * Decimals are handled as digit strings only: a binary float cannot hold `0.1` or 38 digits.
 */

// Canonical decimal text, as produced by this module.
const CANONICAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
const NUMERIC_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

// Expanding `1e1000000000` would build a gigabyte of zeros. No real input comes near this bound,
// and DynamoDB itself stops at 1E+126 / 1E-130.
const MAX_DECIMAL_EXPONENT = 10_000;

/** DOUBLE as Rust's f64 Display prints it: shortest round-trip digits, never an exponent, `1` not `1.0`. */
export function formatDouble(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`${x} has no decimal form`);
  // String() of an integer below 1e21 is already plain digits ("0" for -0).
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
  return normalizeDecimal(String(x));
}

/** REAL as Rust's f32 Display prints it: the shortest digits that read back as the same f32. */
export function formatReal(x: number): string {
  const single = Math.fround(x);
  if (!Number.isFinite(single)) throw new RangeError(`${x} has no REAL decimal form`);
  for (let digits = 1; digits < 9; digits++) {
    const text = single.toPrecision(digits);
    if (Math.fround(Number(text)) === single) return normalizeDecimal(text);
  }
  // Nine significant digits always identify an f32.
  return normalizeDecimal(single.toPrecision(9));
}

/**
 * Canonical text of a number, bigint or numeric text (optional sign, fraction and exponent, with
 * surrounding whitespace): `0.50` -> `0.5`, `1e3` -> `1000`, `-0.0` -> `0`, `.5` -> `0.5`.
 * Throws an Error with a short reason for anything else (including NaN and infinities).
 */
export function normalizeDecimal(value: number | bigint | string): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return formatDouble(value);
  if (CANONICAL.test(value) && value !== '-0') return value;
  const match = NUMERIC_TEXT.exec(value.trim());
  const [, sign = '', integer = '', fraction = '', exponent = '0'] = match ?? [];
  if (match === null || integer.length + fraction.length === 0) throw new Error('not a decimal number');
  return composeDecimal(sign === '-', integer + fraction, Number(exponent) - fraction.length);
}

/** Rounds canonical decimal text to `scale` fractional digits, half away from zero (Feldera's DECIMAL casts). */
export function roundDecimal(canonical: string, scale: number): string {
  const point = canonical.indexOf('.');
  if (point < 0 || canonical.length - point - 1 <= scale) return canonical;
  const negative = canonical.startsWith('-');
  const integer = canonical.slice(negative ? 1 : 0, point);
  const fraction = canonical.slice(point + 1);
  const kept = integer + fraction.slice(0, scale);
  const roundsUp = fraction.charCodeAt(scale) >= 53; // '5'
  return composeDecimal(negative, roundsUp ? incrementDigits(kept) : kept, -scale);
}

/** Digits before the point of canonical text, not counting a lone `0`: `123.4` -> 3, `0.5` -> 0. */
export function integerDigitCount(canonical: string): number {
  const start = canonical.startsWith('-') ? 1 : 0;
  const point = canonical.indexOf('.');
  const end = point < 0 ? canonical.length : point;
  return end - start === 1 && canonical[start] === '0' ? 0 : end - start;
}

/** Significant digits of canonical text (leading and trailing zeros excluded): `1200` -> 2, `0.0012` -> 2, `0` -> 0. */
export function significantDigitCount(canonical: string): number {
  const digits = canonical.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/** Power of ten of the leading digit: `123.4` -> 2, `0.05` -> -2; undefined for zero. */
export function leadingDigitExponent(canonical: string): number | undefined {
  if (canonical === '0') return undefined;
  const integerDigits = integerDigitCount(canonical);
  if (integerDigits > 0) return integerDigits - 1;
  const fraction = canonical.slice(canonical.indexOf('.') + 1);
  return -(fraction.search(/[1-9]/) + 1);
}

/** Canonical text of (-1)^negative × digits × 10^exponent, for any digit string. */
function composeDecimal(negative: boolean, rawDigits: string, rawExponent: number): string {
  let digits = rawDigits.replace(/^0+/, '');
  if (digits.length === 0) return '0';
  const trimmed = digits.replace(/0+$/, '');
  const exponent = rawExponent + (digits.length - trimmed.length);
  digits = trimmed;
  const leading = exponent + digits.length - 1;
  if (!Number.isFinite(leading) || Math.abs(leading) > MAX_DECIMAL_EXPONENT) throw new Error('exponent is out of range');
  const sign = negative ? '-' : '';
  if (exponent >= 0) return sign + digits + '0'.repeat(exponent);
  const integerDigits = digits.length + exponent;
  if (integerDigits > 0) return `${sign}${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  return `${sign}0.${'0'.repeat(-integerDigits)}${digits}`;
}

function incrementDigits(digits: string): string {
  let end = digits.length;
  while (end > 0 && digits[end - 1] === '9') end--;
  const carried = '0'.repeat(digits.length - end);
  if (end === 0) return `1${carried}`;
  return digits.slice(0, end - 1) + String(Number(digits[end - 1]) + 1) + carried;
}
