/**
 * Calendar arithmetic on the canonical DATE, TIME and TIMESTAMP text (`temporal.ts`): EXTRACT's
 * fields, and timestamps as milliseconds since the Unix epoch (Feldera's TIMESTAMP <-> BIGINT
 * casts). Proleptic Gregorian calendar, no time zones, years 0..9999.
 */
import { sqlRuntimeError } from './runtime-error.js';

const MS_PER_DAY = 86_400_000;
const MAX_YEAR = 9999;

export type TemporalKind = 'date' | 'time' | 'timestamp';

/** Fields EXTRACT (and YEAR(), HOUR(), ...) reads; every result is a BIGINT. */
export type DateTimeField =
  | 'MILLENNIUM' | 'CENTURY' | 'DECADE' | 'YEAR' | 'ISOYEAR' | 'QUARTER' | 'MONTH' | 'WEEK' | 'DAY' | 'DOW' | 'ISODOW' | 'DOY'
  | 'HOUR' | 'MINUTE' | 'SECOND' | 'MILLISECOND' | 'MICROSECOND' | 'NANOSECOND' | 'EPOCH';

const FIELD_ALIASES: Readonly<Record<string, DateTimeField>> = {
  SQL_TSI_YEAR: 'YEAR',
  SQL_TSI_QUARTER: 'QUARTER',
  SQL_TSI_MONTH: 'MONTH',
  SQL_TSI_WEEK: 'WEEK',
  SQL_TSI_DAY: 'DAY',
  DAYOFMONTH: 'DAY',
  DAYOFWEEK: 'DOW',
  DAYOFYEAR: 'DOY',
  SQL_TSI_HOUR: 'HOUR',
  SQL_TSI_MINUTE: 'MINUTE',
  SQL_TSI_SECOND: 'SECOND',
};

const DATE_FIELDS: readonly DateTimeField[] = [
  'MILLENNIUM', 'CENTURY', 'DECADE', 'YEAR', 'ISOYEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DOW', 'ISODOW', 'DOY', 'EPOCH',
];
const TIME_FIELDS: readonly DateTimeField[] = ['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'];

/** The canonical field for a name as written (`year`, `DAYOFWEEK`, `SQL_TSI_DAY`), or undefined. */
export function dateTimeField(name: string): DateTimeField | undefined {
  const upper = name.toUpperCase();
  const alias = FIELD_ALIASES[upper];
  if (alias !== undefined) return alias;
  return (DATE_FIELDS as readonly string[]).includes(upper) || (TIME_FIELDS as readonly string[]).includes(upper)
    ? (upper as DateTimeField)
    : undefined;
}

/**
 * Whether `field` can be extracted from a value of `kind`. Feldera gives 0 for the clock fields
 * of a DATE (HOUR(date) = 0) but has no date fields in a TIME.
 */
export function fieldApplies(field: DateTimeField, kind: TemporalKind): boolean {
  return kind !== 'time' || TIME_FIELDS.includes(field);
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}

/** A function from the canonical text of a `kind` value to the field, as a bigint. */
export function compileExtract(field: DateTimeField, kind: TemporalKind): (text: string) => bigint {
  const parse = kind === 'date' ? parseDate : kind === 'time' ? parseTime : parseTimestamp;
  const read = fieldReader(field);
  return (text) => BigInt(read(parse(text)));
}

function fieldReader(field: DateTimeField): (p: Parts) => number {
  switch (field) {
    case 'MILLENNIUM':
      return (p) => Math.floor((p.year + 999) / 1000);
    case 'CENTURY':
      return (p) => Math.floor((p.year + 99) / 100);
    case 'DECADE':
      return (p) => Math.floor(p.year / 10);
    case 'YEAR':
      return (p) => p.year;
    case 'ISOYEAR':
      return (p) => isoWeek(p).year;
    case 'QUARTER':
      return (p) => Math.floor((p.month - 1) / 3) + 1;
    case 'MONTH':
      return (p) => p.month;
    case 'WEEK':
      return (p) => isoWeek(p).week;
    case 'DAY':
      return (p) => p.day;
    case 'DOW':
      // Sunday = 1 ... Saturday = 7.
      return (p) => weekdayFromSunday(daysFromCivil(p.year, p.month, p.day)) + 1;
    case 'ISODOW':
      // Monday = 1 ... Sunday = 7.
      return (p) => weekdayFromSunday(daysFromCivil(p.year, p.month, p.day)) || 7;
    case 'DOY':
      return (p) => daysFromCivil(p.year, p.month, p.day) - daysFromCivil(p.year, 1, 1) + 1;
    case 'HOUR':
      return (p) => p.hour;
    case 'MINUTE':
      return (p) => p.minute;
    case 'SECOND':
      return (p) => p.second;
    // Feldera: these count within the minute, seconds included.
    case 'MILLISECOND':
      return (p) => p.second * 1000 + Math.floor(p.nanosecond / 1_000_000);
    case 'MICROSECOND':
      return (p) => p.second * 1_000_000 + Math.floor(p.nanosecond / 1000);
    case 'NANOSECOND':
      return (p) => p.second * 1_000_000_000 + p.nanosecond;
    case 'EPOCH':
      return (p) => Math.trunc(epochMilliseconds(p) / 1000);
  }
}

function parseDate(text: string): Parts {
  return { year: Number(text.slice(0, 4)), month: Number(text.slice(5, 7)), day: Number(text.slice(8, 10)), hour: 0, minute: 0, second: 0, nanosecond: 0 };
}

function parseTime(text: string): Parts {
  return {
    year: 1970,
    month: 1,
    day: 1,
    hour: Number(text.slice(0, 2)),
    minute: Number(text.slice(3, 5)),
    second: Number(text.slice(6, 8)),
    nanosecond: fractionNanoseconds(text, 8),
  };
}

function parseTimestamp(text: string): Parts {
  const parts = parseDate(text);
  parts.hour = Number(text.slice(11, 13));
  parts.minute = Number(text.slice(14, 16));
  parts.second = Number(text.slice(17, 19));
  parts.nanosecond = fractionNanoseconds(text, 19);
  return parts;
}

/** The `.fff` at `at` (if any) as nanoseconds. */
function fractionNanoseconds(text: string, at: number): number {
  return text.length > at ? Number(text.slice(at + 1).padEnd(9, '0')) : 0;
}

function epochMilliseconds(p: Parts): number {
  return daysFromCivil(p.year, p.month, p.day) * MS_PER_DAY + ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + Math.floor(p.nanosecond / 1_000_000);
}

/** Milliseconds since 1970-01-01 00:00:00 of a canonical TIMESTAMP (sub-milliseconds dropped). */
export function timestampToMilliseconds(text: string): number {
  return epochMilliseconds(parseTimestamp(text));
}

/** The canonical TIMESTAMP `milliseconds` after the epoch; throws outside years 0..9999. */
export function millisecondsToTimestamp(milliseconds: number): string {
  const days = Math.floor(milliseconds / MS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  if (year < 0 || year > MAX_YEAR) throw sqlRuntimeError(`${milliseconds} milliseconds since the epoch is outside the TIMESTAMP range (years 0..9999)`);
  let rest = milliseconds - days * MS_PER_DAY;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  const fraction = ms === 0 ? '' : `.${pad(ms, 3)}`;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** 0 = Sunday ... 6 = Saturday; 1970-01-01 was a Thursday. */
function weekdayFromSunday(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** ISO 8601 week (1..53) and the year it belongs to. */
function isoWeek(p: Parts): { year: number; week: number } {
  const days = daysFromCivil(p.year, p.month, p.day);
  const isoWeekday = weekdayFromSunday(days) || 7;
  const dayOfYear = days - daysFromCivil(p.year, 1, 1) + 1;
  const week = Math.floor((dayOfYear - isoWeekday + 10) / 7);
  if (week < 1) return { year: p.year - 1, week: isoWeeksInYear(p.year - 1) };
  if (week > isoWeeksInYear(p.year)) return { year: p.year + 1, week: 1 };
  return { year: p.year, week };
}

function isoWeeksInYear(year: number): number {
  const weekdayOfLastDay = (y: number): number => (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) % 7;
  return weekdayOfLastDay(year) === 4 || weekdayOfLastDay(year - 1) === 3 ? 53 : 52;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
