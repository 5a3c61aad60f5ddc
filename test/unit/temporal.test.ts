import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeDate, normalizeTime, normalizeTimestamp } from '../../src/sql/temporal.js';

test('TIME is written HH:MM:SS with a fraction at millisecond, microsecond or nanosecond precision', () => {
  const cases: [string, string][] = [
    ['1:2:3', '01:02:03'],
    ['00:00:00', '00:00:00'],
    ['00:00:00.001', '00:00:00.001'],
    ['12:30:45.0', '12:30:45'],
    ['12:30:45.12', '12:30:45.120'],
    ['12:30:45.000456', '12:30:45.000456'],
    ['12:30:45.1234', '12:30:45.123400'],
    ['12:30:45.000000007', '12:30:45.000000007'],
    ['23:59:59.999999999', '23:59:59.999999999'],
    [' 8:05:09 ', '08:05:09'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeTime(input), expected, input);
});

test('invalid TIME values are rejected with a short reason', () => {
  assert.throws(() => normalizeTime('25:00:00'), { message: 'hour 25 is out of range (0..23)' });
  assert.throws(() => normalizeTime('10:60:00'), { message: 'minute 60 is out of range (0..59)' });
  assert.throws(() => normalizeTime('10:00:61'), { message: 'second 61 is out of range (0..59)' });
  for (const bad of ['10:00', 'noon', '10:00:00.1234567891', '10:00:00Z', '']) {
    assert.throws(() => normalizeTime(bad), { message: 'expected H:M:S with an optional fraction of up to 9 digits' }, bad);
  }
});

test('DATE is written YYYY-MM-DD from Y-M-D text or a JS Date (its UTC day)', () => {
  assert.equal(normalizeDate('2024-05-25'), '2024-05-25');
  assert.equal(normalizeDate('2024-1-5'), '2024-01-05');
  assert.equal(normalizeDate('33-12-31'), '0033-12-31');
  assert.equal(normalizeDate('2024-02-29'), '2024-02-29');
  assert.equal(normalizeDate(new Date(Date.UTC(2024, 4, 25, 23, 59))), '2024-05-25');
});

test('invalid DATE values are rejected with a short reason', () => {
  assert.throws(() => normalizeDate('2024-13-01'), { message: 'month 13 is out of range (1..12)' });
  assert.throws(() => normalizeDate('2023-02-29'), { message: 'day 29 is out of range (1..28)' });
  assert.throws(() => normalizeDate('1900-02-29'), { message: 'day 29 is out of range (1..28)' });
  assert.throws(() => normalizeDate('2024-04-31'), { message: 'day 31 is out of range (1..30)' });
  assert.throws(() => normalizeDate('2024/01/01'), { message: 'expected YYYY-MM-DD' });
  assert.throws(() => normalizeDate('12024-01-01'), { message: 'expected YYYY-MM-DD' });
  assert.throws(() => normalizeDate(new Date(Number.NaN)), { message: 'the Date is invalid' });
  assert.throws(() => normalizeDate(new Date(Date.UTC(10000, 0, 1))), { message: 'year 10000 is out of range (0..9999)' });
});

test('TIMESTAMP is written YYYY-MM-DD HH:MM:SS with microsecond precision', () => {
  const cases: [string, string][] = [
    ['2024-05-25 01:02:03', '2024-05-25 01:02:03'],
    ['2024-05-25 01:02:03.12', '2024-05-25 01:02:03.120'],
    ['2024-05-25 01:02:03.000456', '2024-05-25 01:02:03.000456'],
    ['2024-05-25 01:02:03.0004569', '2024-05-25 01:02:03.000456'],
    ['2024-05-25 01:02:03.000000', '2024-05-25 01:02:03'],
    ['2024-5-2 1:2:3', '2024-05-02 01:02:03'],
    ['1970-01-01 00:00:00.001', '1970-01-01 00:00:00.001'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeTimestamp(input), expected, input);
});

test('RFC 3339 timestamps are converted to UTC', () => {
  assert.equal(normalizeTimestamp('2024-01-01T00:00:00Z'), '2024-01-01 00:00:00');
  assert.equal(normalizeTimestamp('2024-01-01t10:00:00.5z'), '2024-01-01 10:00:00.500');
  assert.equal(normalizeTimestamp('2024-01-01T00:30:00+01:00'), '2023-12-31 23:30:00');
  assert.equal(normalizeTimestamp('2023-02-28T22:15:00.000123-05:30'), '2023-03-01 03:45:00.000123');
  assert.equal(normalizeTimestamp('2024-02-28T22:15:00-05:30'), '2024-02-29 03:45:00');
  assert.equal(normalizeTimestamp('2024-01-01 12:00:00+00:00'), '2024-01-01 12:00:00');
  assert.equal(normalizeTimestamp('0001-01-01T00:30:00+01:00'), '0000-12-31 23:30:00');
});

test('a JS Date is a TIMESTAMP at its UTC time, with milliseconds', () => {
  assert.equal(normalizeTimestamp(new Date(Date.UTC(2024, 0, 1, 1, 2, 3, 4))), '2024-01-01 01:02:03.004');
  assert.equal(normalizeTimestamp(new Date(Date.UTC(2024, 0, 1, 1, 2, 3, 120))), '2024-01-01 01:02:03.120');
  assert.equal(normalizeTimestamp(new Date(Date.UTC(2024, 0, 1))), '2024-01-01 00:00:00');
});

test('invalid TIMESTAMP values are rejected with a short reason', () => {
  const shape = 'expected YYYY-MM-DD HH:MM:SS[.fraction] or RFC 3339';
  assert.throws(() => normalizeTimestamp('2024-01-01T00:00:00'), { message: 'an RFC 3339 timestamp needs a time zone (Z or ±hh:mm)' });
  assert.throws(() => normalizeTimestamp('2024-01-01 25:00:00'), { message: 'hour 25 is out of range (0..23)' });
  assert.throws(() => normalizeTimestamp('2024-13-01 00:00:00'), { message: 'month 13 is out of range (1..12)' });
  assert.throws(() => normalizeTimestamp('2024-01-01T00:00:00+24:00'), { message: 'offset hour 24 is out of range (0..23)' });
  assert.throws(() => normalizeTimestamp('9999-12-31T23:00:00-02:00'), { message: 'year 10000 is out of range (0..9999)' });
  assert.throws(() => normalizeTimestamp(new Date(Number.NaN)), { message: 'the Date is invalid' });
  for (const bad of ['2024-01-01', '2024-01-01 00:00', 'yesterday', '2024-01-01 00:00:00 UTC', '2024-01-01T00:00:00+0100']) {
    assert.throws(() => normalizeTimestamp(bad), { message: shape }, bad);
  }
});
