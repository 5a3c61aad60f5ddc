import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { attributeValueSize, itemSize, numberSize } from '../../src/connectors/dynamodb/item-size.js';
import { InvalidValueError } from '../../src/errors.js';

const DIGITS_38 = '12345678901234567890123456789012345678';

describe('Number size: one byte per base-100 digit aligned on the decimal point, plus one', () => {
  const cases: Array<[string, number]> = [
    ['7', 2],
    ['10', 2],
    ['100', 2],
    ['101', 3],
    ['0.123', 3],
    [DIGITS_38, 20],
    ['9.9999999999999999999999999999999999999E+125', 20],
    [`${DIGITS_38.slice(0, 37)}.${DIGITS_38.slice(37)}`, 21],
    ['0.00012345678901234567890123456789012345678', 21],
  ];
  for (const [text, size] of cases) {
    test(`"${text}" is ${size} bytes`, () => assert.equal(numberSize(text), size));
  }

  test('"1.5" is 3 bytes, one more than the documented approximation, because 1 and 5 fall in different pairs', () => {
    assert.equal(numberSize('1.5'), 3);
  });

  test('a negative number takes one more byte: a 38-digit negative number is 21 bytes', () => {
    assert.equal(numberSize(`-${DIGITS_38}`), 21);
    assert.equal(numberSize('-0.1'), 3);
    assert.equal(numberSize('-1E-130'), 3);
  });

  test('no number is larger than 21 bytes, even a negative one spanning 20 base-100 digits', () => {
    assert.equal(numberSize(`-${DIGITS_38.slice(0, 37)}.${DIGITS_38.slice(37)}`), 21);
  });

  test('zero is 1 byte however it is written', () => {
    for (const zero of ['0', '-0', '0.0', '000', '0E+10', '.0']) assert.equal(numberSize(zero), 1, zero);
  });

  test('leading and trailing zeros are not counted', () => {
    assert.equal(numberSize('1000000'), 2);
    assert.equal(numberSize('00012'), numberSize('12'));
    assert.equal(numberSize('1.50'), numberSize('1.5'));
    assert.equal(numberSize('0.001'), 2);
  });

  test('exponent forms are sized by the value they denote', () => {
    assert.equal(numberSize('1E+125'), 2);
    assert.equal(numberSize('1e2'), numberSize('100'));
    assert.equal(numberSize('15E-1'), numberSize('1.5'));
    assert.equal(numberSize('0.1E-129'), numberSize('1E-130'));
    assert.equal(numberSize('1.5e+1'), numberSize('15'));
  });

  test('an explicit plus sign and a bare decimal point are accepted', () => {
    assert.equal(numberSize('+1'), 2);
    assert.equal(numberSize('.5'), 2);
    assert.equal(numberSize('5.'), 2);
  });

  test('text that is not a number is an InvalidValueError naming the text', () => {
    for (const text of ['', '-', '.', 'abc', 'NaN', 'Infinity', '1e', '1e+', '1,5', '0x10', ' 1', '1.2.3', '1e2.5']) {
      assert.throws(() => numberSize(text), (error: unknown) =>
        error instanceof InvalidValueError && error.message.includes(JSON.stringify(text)), text);
    }
  });
});

describe('attribute value sizes', () => {
  test('a string is its UTF-8 byte length: 2 bytes for "é", 3 for "€", 4 for an emoji', () => {
    assert.equal(attributeValueSize({ S: 'abc' }), 3);
    assert.equal(attributeValueSize({ S: 'é' }), 2);
    assert.equal(attributeValueSize({ S: '€' }), 3);
    assert.equal(attributeValueSize({ S: '😀' }), 4);
    assert.equal(attributeValueSize({ S: 'a😀é' }), 7);
    assert.equal(attributeValueSize({ S: '' }), 0);
  });

  test('a binary is its raw byte length, not its base64 length', () => {
    assert.equal(attributeValueSize({ B: new Uint8Array(10) }), 10);
    assert.equal(attributeValueSize({ B: new Uint8Array(0) }), 0);
  });

  test('a boolean or a null is 1 byte', () => {
    assert.equal(attributeValueSize({ BOOL: true }), 1);
    assert.equal(attributeValueSize({ BOOL: false }), 1);
    assert.equal(attributeValueSize({ NULL: true }), 1);
  });

  test('an empty list or map is 3 bytes', () => {
    assert.equal(attributeValueSize({ L: [] }), 3);
    assert.equal(attributeValueSize({ M: {} }), 3);
  });

  test('a list is 3 bytes plus each element and 1 byte per element', () => {
    assert.equal(attributeValueSize({ L: [{ S: 'ab' }, { N: '1' }, { BOOL: true }] }), 3 + 3 + 3 + 2);
  });

  test('a map is 3 bytes plus each key name, each value and 1 byte per element', () => {
    assert.equal(attributeValueSize({ M: { a: { S: 'xy' }, 'é': { NULL: true } } }), 3 + (1 + 2 + 1) + (2 + 1 + 1));
  });

  test('nested maps and lists count their overhead at every level', () => {
    const inner: AttributeValue = { M: { inner: { S: 'v' } } };
    assert.equal(attributeValueSize(inner), 3 + 5 + 1 + 1);
    assert.equal(attributeValueSize({ M: { outer: inner } }), 3 + 5 + 10 + 1);
    assert.equal(attributeValueSize({ L: [{ L: [inner] }] }), 3 + (3 + 10 + 1) + 1);
  });

  test('a set is the plain sum of its elements', () => {
    assert.equal(attributeValueSize({ SS: ['a', 'é', ''] }), 3);
    assert.equal(attributeValueSize({ NS: ['1.5', '7'] }), 5);
    assert.equal(attributeValueSize({ BS: [new Uint8Array(4), new Uint8Array(6)] }), 10);
  });

  test('an attribute value of an unknown type is an InvalidValueError', () => {
    const unknown = { $unknown: ['X', 1] } as AttributeValue;
    assert.throws(() => attributeValueSize(unknown), InvalidValueError);
  });
});

describe('item size', () => {
  test('shirt-color="R" plus shirt-size="M" is 23 bytes, as on the DynamoDB Constraints page', () => {
    assert.equal(itemSize({ 'shirt-color': { S: 'R' }, 'shirt-size': { S: 'M' } }), 23);
  });

  test('attribute names count in UTF-8 bytes', () => {
    assert.equal(itemSize({ 'é😀': { BOOL: true } }), 2 + 4 + 1);
  });

  test('an item is the sum of its attribute names and values', () => {
    const item = {
      id: { N: '1.5' },
      tags: { SS: ['x', 'yz'] },
      doc: { M: { k: { L: [] } } },
      data: { B: new Uint8Array(5) },
    };
    assert.equal(itemSize(item), (2 + 3) + (4 + 3) + (3 + 3 + 1 + 3 + 1) + (4 + 5));
    assert.equal(itemSize({}), 0);
  });
});
