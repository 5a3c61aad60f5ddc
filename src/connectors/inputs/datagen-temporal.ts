/**
 * Datagen for TIMESTAMP (milliseconds since the epoch, default range 1970-01-01 to 2100-01-01),
 * DATE (days since the epoch, same default range) and TIME (milliseconds since midnight). Ranges
 * are numbers in those units or text in the type's own form.
 */
import { normalizeDate, normalizeTime, normalizeTimestamp } from '../../sql/temporal.js';
import { showValue } from '../../util/config-problems.js';
import type { NumericStrategy } from './datagen-numbers.js';
import { rankDistribution } from './datagen-numbers.js';
import { checkNonEmpty, configProblem, generatedValueError, incrementWithin, INVALID, type FieldContext, type ValueGenerator, unreachable } from './datagen-field.js';

const MS_PER_DAY = 86_400_000;
const DEFAULT_TIMESTAMP_RANGE: readonly [number, number] = [0, 4_102_444_800_000];
const DEFAULT_DATE_RANGE: readonly [number, number] = [0, 54_787];
const DEFAULT_TIME_RANGE: readonly [number, number] = [0, MS_PER_DAY];

export function timestampGenerator(context: FieldContext, strategy: NumericStrategy): ValueGenerator {
  const range = temporalRange(context, DEFAULT_TIMESTAMP_RANGE, timestampMilliseconds, 'milliseconds since 1970-01-01 or timestamps such as "2024-01-01T00:00:00Z"');
  if (range === undefined) return INVALID;
  const [min, max] = range;
  const scale = context.settings.scale;
  const format = (milliseconds: number): string => {
    try {
      return normalizeTimestamp(new Date(milliseconds));
    } catch {
      throw generatedValueError(context, milliseconds, 'milliseconds since 1970-01-01 is not a timestamp between the years 0 and 9999');
    }
  };
  switch (strategy) {
    case 'increment':
      return (index) => format(incrementWithin(index, scale, min, max));
    case 'uniform':
      return (_index, random) => format((min + random.below(max - min)) * scale);
    case 'zipf': {
      const zipf = rankDistribution(context, max - min);
      return zipf === undefined ? INVALID : (_index, random) => format(min + zipf.sample(random) - 1);
    }
    default:
      return unreachable(strategy);
  }
}

export function dateGenerator(context: FieldContext, strategy: NumericStrategy): ValueGenerator {
  const range = temporalRange(context, DEFAULT_DATE_RANGE, dateDays, 'days since 1970-01-01 or dates such as "2024-01-31"');
  if (range === undefined) return INVALID;
  const [min, max] = range;
  const scale = context.settings.scale;
  const format = (days: number): string => {
    try {
      return normalizeDate(new Date(days * MS_PER_DAY));
    } catch {
      throw generatedValueError(context, days, 'days since 1970-01-01 is not a date between the years 0 and 9999');
    }
  };
  switch (strategy) {
    case 'increment':
      return (index) => format(incrementWithin(index, scale, min, max));
    case 'uniform':
      return (_index, random) => format((min + random.below(max - min)) * Math.abs(scale));
    case 'zipf': {
      const zipf = rankDistribution(context, max - min);
      return zipf === undefined ? INVALID : (_index, random) => format(Math.min(max, min + zipf.sample(random) - 1));
    }
    default:
      return unreachable(strategy);
  }
}

/** TIME wraps around midnight, as chrono's NaiveTime arithmetic does. */
export function timeGenerator(context: FieldContext, strategy: NumericStrategy): ValueGenerator {
  const range = temporalRange(context, DEFAULT_TIME_RANGE, timeMilliseconds, 'milliseconds since midnight or times such as "08:30:00"');
  if (range === undefined) return INVALID;
  const [min, max] = range;
  if (min < 0) {
    configProblem(context, 'range', `must not be negative (got ${showValue(context.settings.range)})`);
    return INVALID;
  }
  // Feldera uses a negative scale for TIME as 1.
  const scale = context.settings.scale < 0 ? 1 : context.settings.scale;
  switch (strategy) {
    case 'increment':
      return (index) => formatTime(incrementWithin(index, scale, min, max));
    case 'uniform':
      return (_index, random) => formatTime((min + random.below(max - min)) * scale);
    case 'zipf': {
      const zipf = rankDistribution(context, max - min);
      return zipf === undefined ? INVALID : (_index, random) => formatTime(min + zipf.sample(random) - 1);
    }
    default:
      return unreachable(strategy);
  }
}

function formatTime(milliseconds: number): string {
  const inDay = ((milliseconds % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const pad = (value: number): string => String(value).padStart(2, '0');
  const clock = `${pad(Math.floor(inDay / 3_600_000))}:${pad(Math.floor(inDay / 60_000) % 60)}:${pad(Math.floor(inDay / 1000) % 60)}`;
  const fraction = inDay % 1000;
  return fraction === 0 ? clock : `${clock}.${String(fraction).padStart(3, '0')}`;
}

/**
 * `[min, max)` in the type's unit: the default, or the configured pair of safe integers or of
 * texts (converted by `fromText`); undefined after reporting a problem.
 */
function temporalRange(
  context: FieldContext,
  fallback: readonly [number, number],
  fromText: (text: string) => number,
  describe: string,
): readonly [number, number] | undefined {
  const range = context.settings.range;
  if (range === undefined) return fallback;
  let pair: number[];
  try {
    pair = range.map((bound) => {
      if (Number.isSafeInteger(bound)) return bound as number;
      if (typeof bound === 'string') return fromText(bound);
      throw new Error('neither an integer nor a text');
    });
  } catch {
    configProblem(context, 'range', `must be two ${describe} (got ${showValue(range)})`);
    return undefined;
  }
  const [min = 0, max = 0] = pair;
  return checkNonEmpty(context, min, max) ? [min, max] : undefined;
}

function timestampMilliseconds(text: string): number {
  const canonical = normalizeTimestamp(text);
  return Date.parse(`${canonical.replace(' ', 'T')}Z`);
}

function dateDays(text: string): number {
  return Date.parse(`${normalizeDate(text)}T00:00:00Z`) / MS_PER_DAY;
}

function timeMilliseconds(text: string): number {
  const [clock = '', fraction = ''] = normalizeTime(text).split('.');
  const [hours = 0, minutes = 0, seconds = 0] = clock.split(':').map(Number);
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
}
