import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCodePoints, compareValues } from '../../src/engine/compare.js';
import { divideDecimals, formatScaled, multiplyDecimals, roundScaled } from '../../src/engine/decimal.js';
import type { Value } from '../../src/engine/value.js';
import { parseSqlType } from '../../src/sql/parse-type.js';

/** Asserts `values` are in strictly increasing order of `typeText`, and each equals itself. */
function assertIncreasing(typeText: string, values: readonly Value[]): void {
  const type = parseSqlType(typeText);
  for (let i = 0; i < values.length; i++) {
    const a = values[i] as Value;
    assert.equal(compareValues(type, a, a), 0, `${typeText}: ${String(a)} = itself`);
    for (let j = i + 1; j < values.length; j++) {
      const b = values[j] as Value;
      assert.ok(compareValues(type, a, b) < 0, `${typeText}: ${String(a)} < ${String(b)}`);
      assert.ok(compareValues(type, b, a) > 0, `${typeText}: ${String(b)} > ${String(a)}`);
    }
  }
}

test('NULL comes first in every type', () => {
  assertIncreasing('INT', [null, -5, 0, 3]);
  assertIncreasing('VARCHAR', [null, '', 'a']);
});

test('numbers are ordered by value; NaN is above every other float and equal to itself; -0 equals 0', () => {
  assertIncreasing('BIGINT', [-(2n ** 63n), -1n, 0n, 9007199254740993n]);
  assertIncreasing('DECIMAL(10, 3)', ['-1.5', '-1.25', '0', '0.001', '0.01', '10', '100.5']);
  assertIncreasing('DOUBLE', [-Infinity, -1e300, -0.5, 0, 1e-300, 2.5, Infinity, Number.NaN]);
  assert.equal(compareValues(parseSqlType('DOUBLE'), -0, 0), 0);
});

test('strings are ordered by code point, as Rust orders UTF-8, not by UTF-16 unit', () => {
  assertIncreasing('VARCHAR', ['', 'A', 'B', 'a', 'ab', 'b', 'é', '\uFFFF', '😀']);
  // JS's `<` puts the surrogate pair of 😀 (U+1F600) below U+FFFF.
  assert.ok('😀' < '\uFFFF');
  assert.ok(compareCodePoints('😀', '\uFFFF') > 0);
});

test('booleans, dates, times, timestamps, UUIDs and binary strings', () => {
  assertIncreasing('BOOLEAN', [false, true]);
  assertIncreasing('DATE', ['0001-01-01', '2024-01-31', '2024-02-01', '9999-12-31']);
  assertIncreasing('TIME', ['00:00:00', '00:00:00.000001', '00:00:00.001', '00:00:00.500', '00:00:01', '23:59:59.999999999']);
  assertIncreasing('TIMESTAMP', ['2024-05-25 01:02:03', '2024-05-25 01:02:03.000456', '2024-05-25 01:02:03.120', '2024-05-26 00:00:00']);
  assertIncreasing('UUID', ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-00000000000a', 'f0000000-0000-0000-0000-000000000000']);
  assertIncreasing('VARBINARY', [new Uint8Array([]), new Uint8Array([0]), new Uint8Array([0, 255]), new Uint8Array([1])]);
});

test('arrays and rows compare lexicographically, NULL elements first; maps by their entries in key order', () => {
  assertIncreasing('INT ARRAY', [[], [null], [null, 5], [1], [1, 2], [1, 3], [2]]);
  assertIncreasing('ROW(a INT, b VARCHAR NULL)', [{ a: 1, b: null }, { a: 1, b: 'x' }, { a: 2, b: null }]);
  // Integer keys are ordered as numbers: {2: .., 10: ..} starts with key 2.
  assertIncreasing('MAP<INT, VARCHAR>', [{}, { '2': 'a' }, { '2': 'a', '10': 'z' }, { '2': 'b' }, { '10': 'a' }]);
  assert.equal(compareValues(parseSqlType('MAP<VARCHAR, INT>'), { a: 1, b: 2 }, { b: 2, a: 1 }), 0, 'entry order does not matter');
});

test('VARIANT values are ordered by kind, then by value', () => {
  assertIncreasing('VARIANT', [null, false, true, -1, 2n ** 60n, 'a', new Uint8Array([1]), [1], [1, 'a'], { a: 1 }, { b: 0 }]);
  assert.equal(compareValues(parseSqlType('VARIANT'), 5, 5n), 0);
});

test('decimal helpers: exact products and quotients rounded half away from zero, canonical text', () => {
  assert.equal(formatScaled(-50n, 2), '-0.5');
  assert.equal(formatScaled(0n, 5), '0');
  assert.equal(formatScaled(12n, -2), '1200');
  assert.equal(multiplyDecimals('0.125', '0.1', 3), '0.013');
  assert.equal(multiplyDecimals('-0.125', '0.1', 3), '-0.013');
  assert.equal(divideDecimals('-2', '3', 2), '-0.67');
  assert.equal(divideDecimals('1', '8', 2), '0.13');
  assert.equal(divideDecimals('123.45', '0.01', 0), '12345');
  assert.equal(roundScaled('-2.5', 0, 'floor'), '-3');
  assert.equal(roundScaled('-2.5', 0, 'ceil'), '-2');
  assert.equal(roundScaled('-2.5', 0, 'truncate'), '-2');
  assert.equal(roundScaled('1250', -2, 'half-away'), '1300');
  assert.equal(roundScaled('0.0049', 2, 'half-away'), '0');
});
