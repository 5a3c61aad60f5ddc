/**
 * Datagen for BOOLEAN, integers (and the bytes of binary values), REAL, DOUBLE and DECIMAL, with
 * Feldera's formulas: `increment` is `idx * scale` wrapped at the type's maximum or into the range,
 * `uniform` draws from the range (or the type) and multiplies by the scale, `zipf` draws ranks.
 */
import type { Value } from '../../engine/value.js';
import { integerLimits } from '../../sql/integer-limits.js';
import { normalizeDecimal, roundDecimal } from '../../sql/numbers.js';
import { formatSqlType } from '../../sql/parse-type.js';
import type { SqlType } from '../../sql/sql-type.js';
import { showValue } from '../../util/config-problems.js';
import { checkNonEmpty, configProblem, generatedValueError, INVALID, type FieldContext, type ValueGenerator, unreachable } from './datagen-field.js';
import { Zipf } from './random.js';

export type NumericStrategy = 'increment' | 'uniform' | 'zipf';

export interface IntegerDomain {
  readonly min: bigint;
  readonly max: bigint;
  /** Where `increment` wraps and the exclusive end of `uniform` and `zipf` without a range. */
  readonly wrap: bigint;
  readonly asBigInt: boolean;
}

const I64_MAX = integerLimits({ name: 'BIGINT', unsigned: false }).max;
const F32_MAX = 3.4028234663852886e38;

export function integerDomain(type: Extract<SqlType, { kind: 'integer' }>): IntegerDomain {
  const { min, max, isBigint } = integerLimits(type);
  // Feldera computes in i64, so BIGINT UNSIGNED wraps at i64::MAX.
  return { min, max, wrap: max > I64_MAX ? I64_MAX : max, asBigInt: isBigint };
}

export function integerGenerator(context: FieldContext, strategy: NumericStrategy, domain: IntegerDomain): ValueGenerator {
  const { settings } = context;
  const range = integerRange(context, domain);
  if (range === null) return INVALID;
  const scale = BigInt(settings.scale);
  const fit = (value: bigint): Value => {
    if (value < domain.min || value > domain.max) throw generatedValueError(context, value, `is out of range (${domain.min} to ${domain.max})`);
    return domain.asBigInt ? value : Number(value);
  };
  switch (strategy) {
    case 'increment': {
      if (range !== undefined) {
        const [min, max] = range;
        return (index) => fit(min + ((BigInt(index) * scale) % (max - min)));
      }
      // The default strategy: stay in plain numbers while the product is exact.
      const wrap = Number(domain.wrap);
      return (index) => {
        const product = index * settings.scale;
        return Number.isSafeInteger(product) ? fit(BigInt(product % wrap)) : fit((BigInt(index) * scale) % domain.wrap);
      };
    }
    case 'uniform': {
      const [min, max] = range ?? [domain.min, domain.wrap];
      return (_index, random) => fit(random.bigBetween(min, max) * scale);
    }
    case 'zipf': {
      const [min, max] = range ?? [0n, domain.wrap];
      const zipf = new Zipf(Number(max - min), settings.e);
      return (_index, random) => fit(min + BigInt(zipf.sample(random) - 1));
    }
    default:
      return unreachable(strategy);
  }
}

/** The range as bigints; undefined without one, null after reporting a problem. */
function integerRange(context: FieldContext, domain: IntegerDomain): readonly [bigint, bigint] | undefined | null {
  const range = context.settings.range;
  if (range === undefined) return undefined;
  const [min, max] = range.map(toBigInt);
  if (min === undefined || max === undefined) {
    configProblem(context, 'range', `must be two integers [min, max) (got ${showValue(range)})`);
    return null;
  }
  if (!checkNonEmpty(context, min, max)) return null;
  if (min < domain.min || max > domain.max + 1n) {
    configProblem(context, 'range', `must lie within ${formatSqlType(context.type)}: ${domain.min} to ${domain.max} (got [${min}, ${max}])`);
    return null;
  }
  return [min, max];
}

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : undefined;
}

export function floatGenerator(context: FieldContext, strategy: NumericStrategy, single: boolean): ValueGenerator {
  const { settings } = context;
  const range = floatRange(context);
  if (range === null) return INVALID;
  const round = single ? Math.fround : (x: number): number => x;
  const scale = settings.scale;
  switch (strategy) {
    case 'increment': {
      if (range === undefined) return (index) => round(index * scale);
      const [min, max] = range;
      return (index) => round(min + ((index * scale) % (max - min)));
    }
    case 'uniform': {
      // Feldera's uniform over the whole f64 range overflows; this draws from (-MAX, MAX) instead.
      const [min, max] = range ?? [-(single ? F32_MAX : Number.MAX_VALUE), single ? F32_MAX : Number.MAX_VALUE];
      // Halved so that max - min cannot overflow.
      return (_index, random) => round((min / 2 + random.float() * (max / 2 - min / 2)) * 2 * scale);
    }
    case 'zipf': {
      const [min, max] = range ?? [0, Number.MAX_SAFE_INTEGER];
      const zipf = rankDistribution(context, Math.floor(max - min));
      if (zipf === undefined) return INVALID;
      return (_index, random) => round(min + zipf.sample(random) - 1);
    }
    default:
      return unreachable(strategy);
  }
}

function floatRange(context: FieldContext): readonly [number, number] | undefined | null {
  const range = context.settings.range;
  if (range === undefined) return undefined;
  const [min, max] = range.map((value) => (typeof value === 'bigint' ? Number(value) : value));
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max)) {
    configProblem(context, 'range', `must be two numbers [min, max) (got ${showValue(range)})`);
    return null;
  }
  return checkNonEmpty(context, min, max) ? [min, max] : null;
}

/**
 * DECIMAL(p, s) in units of 10^-s, so every digit is exact: `increment` wraps at the largest value
 * the type holds, (10^p - 1) / 10^s (Feldera's rule).
 */
export function decimalGenerator(context: FieldContext, strategy: NumericStrategy, precision: number, decimalScale: number): ValueGenerator {
  const { settings } = context;
  const unit = 10n ** BigInt(decimalScale);
  const largest = 10n ** BigInt(precision) - 1n;
  const range = decimalRange(context, decimalScale, largest);
  if (range === null) return INVALID;
  const scale = BigInt(settings.scale);
  const fit = (units: bigint): string => {
    if (units > largest || units < -largest) throw generatedValueError(context, unitsText(units, decimalScale), `does not fit ${formatSqlType(context.type)}`);
    return unitsText(units, decimalScale);
  };
  switch (strategy) {
    case 'increment': {
      const [min, width] = range === undefined ? [0n, largest] : [range[0], range[1] - range[0]];
      return (index) => fit(min + ((BigInt(index) * scale * unit) % width));
    }
    case 'uniform': {
      const [min, max] = range ?? [-largest, largest + 1n];
      return (_index, random) => fit(random.bigBetween(min, max) * scale);
    }
    case 'zipf': {
      // Like Feldera's, ranks are whole numbers counted from the start of the range.
      const [min, max] = range ?? [0n, largest];
      const zipf = rankDistribution(context, Number((max - min) / unit));
      if (zipf === undefined) return INVALID;
      return (_index, random) => fit(min + BigInt(zipf.sample(random) - 1) * unit);
    }
    default:
      return unreachable(strategy);
  }
}

function decimalRange(context: FieldContext, decimalScale: number, largest: bigint): readonly [bigint, bigint] | undefined | null {
  const range = context.settings.range;
  if (range === undefined) return undefined;
  const [min, max] = range.map((value) => toUnits(value, decimalScale));
  if (min === undefined || max === undefined) {
    configProblem(context, 'range', `must be two numbers [min, max) (got ${showValue(range)})`);
    return null;
  }
  if (!checkNonEmpty(context, min, max)) return null;
  if (min < -largest || max > largest + 1n) {
    configProblem(context, 'range', `must lie within ${formatSqlType(context.type)} (got ${showValue(range)})`);
    return null;
  }
  return [min, max];
}

function toUnits(value: unknown, decimalScale: number): bigint | undefined {
  if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'string') return undefined;
  let canonical: string;
  try {
    canonical = roundDecimal(normalizeDecimal(value), decimalScale);
  } catch {
    return undefined;
  }
  const [integer = '0', fraction = ''] = canonical.split('.');
  return BigInt(integer.replace('-', '') + fraction.padEnd(decimalScale, '0')) * (canonical.startsWith('-') ? -1n : 1n);
}

function unitsText(units: bigint, decimalScale: number): string {
  return normalizeDecimal(`${units}e-${decimalScale}`);
}

export function booleanGenerator(context: FieldContext, strategy: NumericStrategy): ValueGenerator {
  switch (strategy) {
    case 'increment':
      return (index) => index % 2 === 1;
    case 'uniform':
      return (_index, random) => random.below(2) === 1;
    case 'zipf': {
      const zipf = new Zipf(2, context.settings.e);
      return (_index, random) => zipf.sample(random) === 1;
    }
    default:
      return unreachable(strategy);
  }
}

/** A Zipf distribution over 1..=n, or undefined after reporting that n is too small. */
export function rankDistribution(context: FieldContext, n: number): Zipf | undefined {
  if (n >= 1) return new Zipf(n, context.settings.e);
  configProblem(context, 'range', 'is too narrow for zipf: it must span at least 1');
  return undefined;
}
