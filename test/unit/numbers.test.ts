import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDouble,
  formatReal,
  integerDigitCount,
  leadingDigitExponent,
  normalizeDecimal,
  roundDecimal,
  significantDigitCount,
} from '../../src/sql/numbers.js';

test('DOUBLE is written with the shortest round-trip digits and never an exponent', () => {
  const cases: [number, string][] = [
    [2.25, '2.25'],
    [1, '1'],
    [-8, '-8'],
    [0.1, '0.1'],
    [1e-7, '0.0000001'],
    [1.5e-7, '0.00000015'],
    [1e20, '100000000000000000000'],
    [1e21, '1000000000000000000000'],
    [1.2345e22, '12345000000000000000000'],
    [123456789.125, '123456789.125'],
    [-0, '0'],
    [0, '0'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [5e-324, `0.${'0'.repeat(323)}5`],
  ];
  for (const [x, expected] of cases) assert.equal(formatDouble(x), expected, String(x));
});

test('DOUBLE formatting refuses NaN and infinities', () => {
  assert.throws(() => formatDouble(Number.NaN), RangeError);
  assert.throws(() => formatDouble(Infinity), RangeError);
});

test('REAL is written with the shortest digits that read back as the same f32', () => {
  const cases: [number, string][] = [
    [0.1, '0.1'],
    [1.5, '1.5'],
    [1, '1'],
    [1e20, '100000000000000000000'],
    [Math.fround(0.1), '0.1'],
    [16777217, '16777216'],
    [3.4e38, '340000000000000000000000000000000000000'],
    [1 / 3, '0.33333334'],
    [-0, '0'],
    [1e-45, '0.000000000000000000000000000000000000000000001'],
  ];
  for (const [x, expected] of cases) assert.equal(formatReal(x), expected, String(x));
});

test('decimal text is normalized: no exponent, no leading or trailing zeros, no negative zero', () => {
  const cases: [number | bigint | string, string][] = [
    ['12.3450', '12.345'],
    ['100.00', '100'],
    ['0.50', '0.5'],
    ['-0.50', '-0.5'],
    ['1e3', '1000'],
    ['1E+3', '1000'],
    ['15E-1', '1.5'],
    ['-0.0', '0'],
    ['-0', '0'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['+7', '7'],
    ['00012', '12'],
    ['  3.25  ', '3.25'],
    ['0e999999999', '0'],
    ['1.23e-5', '0.0000123'],
    [0.5, '0.5'],
    [1e-7, '0.0000001'],
    [123456789012345678901234567890n, '123456789012345678901234567890'],
    [-5n, '-5'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeDecimal(input), expected, String(input));
});

test('decimal normalization rejects text that is not a number', () => {
  for (const text of ['', ' ', '.', 'abc', '1,5', '0x10', '1e', 'NaN', 'Infinity', '--1', '1.2.3']) {
    assert.throws(() => normalizeDecimal(text), { message: 'not a decimal number' }, text);
  }
  assert.throws(() => normalizeDecimal('1e100000'), { message: 'exponent is out of range' });
});

test('decimals round half away from zero to a scale', () => {
  assert.equal(roundDecimal('1234.1250', 2), '1234.13');
  assert.equal(roundDecimal('-1234.125', 2), '-1234.13');
  assert.equal(roundDecimal('1234.1264', 2), '1234.13');
  assert.equal(roundDecimal('1234.1234', 2), '1234.12');
  assert.equal(roundDecimal('-1234.1234', 2), '-1234.12');
  assert.equal(roundDecimal('9.995', 2), '10');
  assert.equal(roundDecimal('0.5', 0), '1');
  assert.equal(roundDecimal('-0.5', 0), '-1');
  assert.equal(roundDecimal('0.4', 0), '0');
  assert.equal(roundDecimal('-0.004', 2), '0');
  assert.equal(roundDecimal('1.25', 5), '1.25');
  assert.equal(roundDecimal('17', 0), '17');
});

test('counts integer digits, significant digits and the leading digit exponent', () => {
  assert.equal(integerDigitCount('123.4'), 3);
  assert.equal(integerDigitCount('-123'), 3);
  assert.equal(integerDigitCount('0.5'), 0);
  assert.equal(integerDigitCount('0'), 0);
  assert.equal(significantDigitCount('1200'), 2);
  assert.equal(significantDigitCount('-0.0012'), 2);
  assert.equal(significantDigitCount('10.01'), 4);
  assert.equal(significantDigitCount('0'), 0);
  assert.equal(leadingDigitExponent('123.4'), 2);
  assert.equal(leadingDigitExponent('-7'), 0);
  assert.equal(leadingDigitExponent('0.05'), -2);
  assert.equal(leadingDigitExponent('0'), undefined);
});
