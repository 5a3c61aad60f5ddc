// Numbers are normalized as DynamoDB Local reads them back, and rejected where it rejects them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalNumber } from '../../src/sim/numbers.js';

test('numbers are normalized as DynamoDB Local returns them', () => {
  const cases: Array<[string, string]> = [
    ['+1', '1'], ['.5', '0.5'], ['5.', '5'], ['-0', '0'], ['00012', '12'], ['1.50', '1.5'], ['1e2', '100'], ['0.0', '0'],
    ['15E-1', '1.5'], ['-12345.678', '-12345.678'], ['0.001', '0.001'], ['1E-130', `0.${'0'.repeat(129)}1`],
    ['1E+125', `1${'0'.repeat(125)}`], ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['0.12345678901234567890123456789012345678', '0.12345678901234567890123456789012345678'],
  ];
  for (const [text, expected] of cases) assert.equal(canonicalNumber(text), expected, text);
});

test('invalid, too precise and out-of-range numbers are ValidationExceptions with Local\'s messages', () => {
  const cases: Array<[string, RegExp]> = [
    ['NaN', /cannot be converted/], ['', /cannot be converted/], [' 1', /cannot be converted/], ['1e', /cannot be converted/],
    ['1,5', /cannot be converted/], ['123456789012345678901234567890123456789', /precision up to 38/],
    ['1.23456789012345678901234567890123456789', /precision up to 38/],
    ['1E+126', /overflow/], ['-10E+125', /overflow/], ['1E-131', /underflow/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => canonicalNumber(text), (error: Error) => error.name === 'ValidationException' && message.test(error.message), text);
  }
});
