/**
 * TIME, DATE and TIMESTAMP values: read in the forms Feldera's JSON parser accepts, written in the
 * text Feldera stores in DynamoDB `S` attributes (`HH:MM:SS[.f]`, `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM:SS[.f]`). Invalid input throws an Error whose message is a short reason.
 */

const TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;
const DATE = /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/;
// Feldera reads `YYYY-MM-DD HH:MM:SS[.f]` (no zone) or RFC 3339, whose separator may also be `T`
// but whose zone is then required.
const TIMESTAMP = /^(\d{1,4})-(\d{1,2})-(\d{1,2})([ Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?$/;

const MAX_YEAR = 9999;

/** `H:M:S[.f]` (up to 9 fraction digits) -> `HH:MM:SS` plus the fraction at ms, µs or ns precision. */
export function normalizeTime(text: string): string {
  const match = TIME.exec(text.trim());
  if (match === null) throw new Error('expected H:M:S with an optional fraction of up to 9 digits');
  const [, hour = '', minute = '', second = '', fraction = ''] = match;
  return formatClock(checkClock(hour, minute, second)) + fractionText(fraction, 9);
}

/** `Y-M-D` (leading zeros optional) or a JS Date (its UTC day) -> `YYYY-MM-DD`. */
export function normalizeDate(value: string | Date): string {
  if (value instanceof Date) return formatDay(dayOfDate(value));
  const match = DATE.exec(value.trim());
  if (match === null) throw new Error('expected YYYY-MM-DD');
  const [, year = '', month = '', day = ''] = match;
  return formatDay(checkDay(year, month, day));
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f]`, RFC 3339 (offsets converted to UTC) or a JS Date ->
 * `YYYY-MM-DD HH:MM:SS[.fff|.ffffff]`. TIMESTAMP has microsecond precision: further digits are
 * truncated.
 */
export function normalizeTimestamp(value: string | Date): string {
  if (value instanceof Date) {
    const milliseconds = value.getUTCMilliseconds();
    const clock = { hour: value.getUTCHours(), minute: value.getUTCMinutes(), second: value.getUTCSeconds() };
    return `${formatDay(dayOfDate(value))} ${formatClock(clock)}${fractionText(pad(milliseconds, 3), 6)}`;
  }
  const match = TIMESTAMP.exec(value.trim());
  if (match === null) throw new Error('expected YYYY-MM-DD HH:MM:SS[.fraction] or RFC 3339');
  const [, year = '', month = '', dayText = '', separator = '', hour = '', minute = '', second = '', fraction = '', zone] = match;
  if (separator !== ' ' && zone === undefined) throw new Error('an RFC 3339 timestamp needs a time zone (Z or ±hh:mm)');
  let day = checkDay(year, month, dayText);
  let clock = checkClock(hour, minute, second);
  const offsetMinutes = zone === undefined ? 0 : zoneOffsetMinutes(zone);
  if (offsetMinutes !== 0) ({ day, clock } = shiftToUtc(day, clock, offsetMinutes));
  return `${formatDay(day)} ${formatClock(clock)}${fractionText(fraction, 6)}`;
}

interface Day {
  year: number;
  month: number;
  day: number;
}

interface Clock {
  hour: number;
  minute: number;
  second: number;
}

function checkDay(yearText: string, monthText: string, dayText: string): Day {
  const year = Number(yearText);
  const month = checkRange('month', monthText, 1, 12);
  const day = checkRange('day', dayText, 1, daysInMonth(year, month));
  return { year, month, day };
}

function checkClock(hourText: string, minuteText: string, secondText: string): Clock {
  return {
    hour: checkRange('hour', hourText, 0, 23),
    minute: checkRange('minute', minuteText, 0, 59),
    second: checkRange('second', secondText, 0, 59),
  };
}

function checkRange(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (value < min || value > max) throw new Error(`${name} ${value} is out of range (${min}..${max})`);
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function dayOfDate(date: Date): Day {
  if (Number.isNaN(date.getTime())) throw new Error('the Date is invalid');
  const year = date.getUTCFullYear();
  if (year < 0 || year > MAX_YEAR) throw new Error(`year ${year} is out of range (0..${MAX_YEAR})`);
  return { year, month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const hours = checkRange('offset hour', zone.slice(1, 3), 0, 23);
  const minutes = checkRange('offset minute', zone.slice(4, 6), 0, 59);
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function shiftToUtc(day: Day, clock: Clock, offsetMinutes: number): { day: Day; clock: Clock } {
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(day.year, day.month - 1, day.day);
  date.setUTCHours(clock.hour, clock.minute - offsetMinutes, clock.second, 0);
  return {
    day: dayOfDate(date),
    clock: { hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds() },
  };
}

/**
 * chrono's `%.f`, which Feldera uses: nothing for a whole second, else 3 digits for whole
 * milliseconds, 6 for whole microseconds, 9 otherwise (up to `precision` digits).
 */
function fractionText(digits: string, precision: 6 | 9): string {
  const fraction = digits.slice(0, precision).padEnd(9, '0');
  if (/^0+$/.test(fraction)) return '';
  if (fraction.endsWith('000000')) return `.${fraction.slice(0, 3)}`;
  if (fraction.endsWith('000')) return `.${fraction.slice(0, 6)}`;
  return `.${fraction}`;
}

function formatDay({ year, month, day }: Day): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function formatClock({ hour, minute, second }: Clock): string {
  return `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
