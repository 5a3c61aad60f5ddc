/**
 * Exact DECIMAL arithmetic on the engine's canonical decimal text (`normalizeDecimal`: `-12.5`,
 * `0.001`), through BigInt digits and a scale. No binary float ever touches a DECIMAL value.
 */
import { integerDigitCount } from '../sql/numbers.js';
import type { DecimalType } from './type-rules.js';
import { sqlRuntimeError } from './runtime-error.js';

/** `digits × 10^-scale`. */
interface Scaled {
  readonly digits: bigint;
  readonly scale: number;
}

export type Rounding = 'half-away' | 'truncate' | 'floor' | 'ceil';

const powers: bigint[] = [1n];

function pow10(exponent: number): bigint {
  for (let i = powers.length; i <= exponent; i++) powers.push((powers[i - 1] as bigint) * 10n);
  return powers[exponent] as bigint;
}

function parse(canonical: string): Scaled {
  const point = canonical.indexOf('.');
  if (point < 0) return { digits: BigInt(canonical), scale: 0 };
  return { digits: BigInt(canonical.slice(0, point) + canonical.slice(point + 1)), scale: canonical.length - point - 1 };
}

/** Canonical text of `digits × 10^-scale`: trailing fractional zeros dropped, no `-0`. */
export function formatScaled(digits: bigint, scale: number): string {
  if (scale <= 0) return (digits * pow10(-scale)).toString();
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  const integer = text.slice(0, text.length - scale);
  let end = text.length;
  while (end > integer.length && text.charCodeAt(end - 1) === 48) end--;
  if (end === integer.length) return integer === '0' ? '0' : (negative ? '-' : '') + integer;
  return `${negative ? '-' : ''}${integer}.${text.slice(integer.length, end)}`;
}

function aligned(a: Scaled, b: Scaled): { x: bigint; y: bigint; scale: number } {
  if (a.scale === b.scale) return { x: a.digits, y: b.digits, scale: a.scale };
  if (a.scale > b.scale) return { x: a.digits, y: b.digits * pow10(a.scale - b.scale), scale: a.scale };
  return { x: a.digits * pow10(b.scale - a.scale), y: b.digits, scale: b.scale };
}

/** `numerator / denominator` rounded to an integer; the denominator is not zero. */
function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const negative = numerator < 0n !== denominator < 0n;
  switch (rounding) {
    case 'truncate':
      return quotient;
    case 'floor':
      return negative ? quotient - 1n : quotient;
    case 'ceil':
      return negative ? quotient : quotient + 1n;
    case 'half-away': {
      const twice = 2n * (remainder < 0n ? -remainder : remainder);
      const magnitude = denominator < 0n ? -denominator : denominator;
      if (twice < magnitude) return quotient;
      return negative ? quotient - 1n : quotient + 1n;
    }
  }
}

/** The value rounded to `places` fractional digits (negative: to tens, hundreds, ...). */
export function roundScaled(canonical: string, places: number, rounding: Rounding): string {
  const { digits, scale } = parse(canonical);
  if (scale <= places) return canonical;
  const unit = pow10(scale - places);
  return formatScaled(divideRounded(digits, unit, rounding), places);
}

export function compareDecimals(a: string, b: string): number {
  if (a === b) return 0;
  const { x, y } = aligned(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addDecimals(a: string, b: string): string {
  const { x, y, scale } = aligned(parse(a), parse(b));
  return formatScaled(x + y, scale);
}

export function subtractDecimals(a: string, b: string): string {
  const { x, y, scale } = aligned(parse(a), parse(b));
  return formatScaled(x - y, scale);
}

/** The exact product, rounded half away from zero to `scale` digits when it has more. */
export function multiplyDecimals(a: string, b: string, scale: number): string {
  const x = parse(a);
  const y = parse(b);
  const product = formatScaled(x.digits * y.digits, x.scale + y.scale);
  return roundScaled(product, scale, 'half-away');
}

/** The quotient rounded half away from zero to `scale` digits. Throws on division by zero. */
export function divideDecimals(a: string, b: string, scale: number): string {
  const x = parse(a);
  const y = parse(b);
  if (y.digits === 0n) throw sqlRuntimeError(`division by zero: ${a} / ${b}`);
  // a / b = (x.digits / y.digits) × 10^(y.scale - x.scale); scaled up by 10^scale.
  const shift = scale + y.scale - x.scale;
  const numerator = shift >= 0 ? x.digits * pow10(shift) : x.digits;
  const denominator = shift >= 0 ? y.digits : y.digits * pow10(-shift);
  return formatScaled(divideRounded(numerator, denominator, 'half-away'), scale);
}

/** Remainder with the sign of the dividend, like integer `%`. Throws on division by zero. */
export function remainderDecimals(a: string, b: string): string {
  const { x, y, scale } = aligned(parse(a), parse(b));
  if (y === 0n) throw sqlRuntimeError(`division by zero: ${a} % ${b}`);
  return formatScaled(x % y, scale);
}

export function negateDecimal(a: string): string {
  if (a === '0') return a;
  return a.startsWith('-') ? a.slice(1) : `-${a}`;
}

/** The integer part, toward zero. */
export function truncateToBigInt(canonical: string): bigint {
  const point = canonical.indexOf('.');
  const integer = point < 0 ? canonical : canonical.slice(0, point);
  return integer === '-0' ? 0n : BigInt(integer);
}

/**
 * `canonical` as a value of `type`: rounded half away from zero to its scale, then checked to
 * have at most precision - scale integer digits. `source` names the value in the error.
 */
export function fitDecimal(canonical: string, type: DecimalType, source: string): string {
  const rounded = roundScaled(canonical, type.scale, 'half-away');
  if (integerDigitCount(rounded) > type.precision - type.scale) {
    throw sqlRuntimeError(`${source} does not fit in DECIMAL(${type.precision}, ${type.scale})`);
  }
  return rounded;
}
