/**
 * Proves `itemSize` exact against DynamoDB Local: for each item shape, an item that `itemSize`
 * puts at exactly 400 KB is accepted and the same item one byte larger is rejected. An error of a
 * single byte anywhere in the rules for that shape would flip one of the two outcomes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { itemSize, MAX_ITEM_SIZE_BYTES } from '../../src/connectors/dynamodb/item-size.js';
import { createTable, useDynamoDB, type Item } from '../support/dynamodb.js';

const ddb = useDynamoDB();
let table: Promise<string> | undefined;
// Created on first use: Node 20 runs top-level `before` hooks concurrently, so a hook of this file
// could run before useDynamoDB's hook has a client.
function testTable(): Promise<string> {
  table ??= createTable(ddb.client, { hash: ['id', 'S'] });
  return table;
}

/** The shape under test plus an ASCII `pad` attribute that brings the item to exactly `size` bytes. */
function itemOfSize(id: string, shape: Item, size: number): Item {
  const item: Item = { id: { S: id }, ...shape, pad: { S: '' } };
  const padding = size - itemSize(item);
  assert.ok(padding >= 0, `shape ${id} alone is ${-padding} bytes over ${size}`);
  item['pad'] = { S: 'p'.repeat(padding) };
  return item;
}

function repeat<T>(count: number, make: (index: number) => T): T[] {
  return Array.from({ length: count }, (_, index) => make(index));
}

function nestedMap(depth: number): AttributeValue {
  if (depth === 0) return { M: {} };
  return { M: { [`level${depth}`]: { S: 'm'.repeat(5_000) }, 'clé': { N: '-0.5' }, next: nestedMap(depth - 1) } };
}

function nestedList(depth: number): AttributeValue {
  if (depth === 0) return { L: [] };
  return { L: [{ S: 'l'.repeat(5_000) }, { BOOL: false }, { NULL: true }, nestedList(depth - 1)] };
}

const DIGITS_38 = '12345678901234567890123456789012345678';
const MISALIGNED_38 = `${DIGITS_38.slice(0, 37)}.${DIGITS_38.slice(37)}`;

const shapes: Array<[string, Item]> = [
  ['an ASCII string', {}],
  ['a string of 2-byte UTF-8 characters', { s: { S: 'é'.repeat(200_000) } }],
  ['a string of 3-byte UTF-8 characters', { s: { S: '€'.repeat(130_000) } }],
  ['a string of 4-byte UTF-8 characters (emoji)', { s: { S: '😀'.repeat(100_000) } }],
  ['a binary value, counted in raw bytes', { b: { B: new Uint8Array(400_000).fill(0xa5) } }],
  ['a 40,000-byte attribute name', { ['n'.repeat(40_000)]: { S: 'v' } }],
  ['an attribute name of 2-byte UTF-8 characters', { ['ü'.repeat(20_000)]: { N: '1.5' } }],
  ['maps nested 20 deep, with key names at every level', { doc: nestedMap(20) }],
  ['lists nested 20 deep', { list: nestedList(20) }],
  ['empty lists and maps', Object.fromEntries(repeat(10_000, (i) => [`e${i}`, i % 2 ? { L: [] } : { M: {} }]))],
  ['a list of 50,000 BOOL', { flags: { L: repeat(50_000, (i) => ({ BOOL: i % 2 === 0 })) } }],
  ['a map of 50,000 NULL', { nulls: { M: Object.fromEntries(repeat(50_000, (i) => [`k${i}`, { NULL: true }])) } }],
  ['10,000 BOOL attributes', Object.fromEntries(repeat(10_000, (i) => [`b${i}`, { BOOL: true }]))],
  ['a string set, including the empty string', { ss: { SS: ['', ...repeat(1_000, (i) => `${i}`.padEnd(i % 300, 'x'))] } }],
  ['a number set of numbers of many forms', {
    ns: { NS: repeat(1_000, (i) => [`${i}.5`, `-${i}`, `${i}E+${i % 100}`, `0.00${i}`][i % 4] as string) },
  }],
  ['a binary set, including an empty binary', {
    bs: { BS: [new Uint8Array(0), ...repeat(1_000, (i) => Buffer.concat([Buffer.from(`${i}`), Buffer.alloc(i % 400, 0xff)]))] },
  }],
];

const numberForms: Array<[string, string]> = [
  ['38 digits aligned on the decimal point', DIGITS_38],
  ['38 digits misaligned on the decimal point', MISALIGNED_38],
  ['38-digit negative', `-${DIGITS_38}`],
  ['38-digit negative misaligned, capped at 21 bytes', `-${MISALIGNED_38}`],
  ['38 digits after leading fraction zeros', '0.00012345678901234567890123456789012345678'],
  ['the largest magnitude', '-9.9999999999999999999999999999999999999E+125'],
  ['a small fraction', '0.001'],
  ['a misaligned fraction', '0.123'],
  ['a negative fraction', '-0.1'],
  ['a decimal', '1.5'],
  ['a decimal with a trailing zero', '1.50'],
  ['a single digit', '7'],
  ['an integer with trailing zeros', '1000000'],
  ['an integer with an inner zero', '101'],
  ['an integer with leading zeros', '00012'],
  ['zero', '0'],
  ['negative zero', '-0'],
  ['an exponent form', '1E+125'],
  ['a negative exponent form', '-1E-130'],
  ['a fractional exponent form', '0.1E-129'],
  ['a lower-case exponent', '1e2'],
  ['a bare decimal point', '.5'],
  ['a plus sign', '+1'],
];
for (const [form, text] of numberForms) {
  shapes.push([`1,000 numbers: ${form} ("${text}")`, { numbers: { L: repeat(1_000, () => ({ N: text })) } }]);
}

shapes.forEach(([shape, content], index) => {
  test(`DynamoDB accepts an item of exactly 400 KB by itemSize and rejects one byte more: ${shape}`, async () => {
    const TableName = await testTable();
    const id = `shape-${index}`;
    const largest = itemOfSize(id, content, MAX_ITEM_SIZE_BYTES);
    await ddb.client.send(new PutItemCommand({ TableName, Item: largest }));

    const oneByteOver = itemOfSize(id, content, MAX_ITEM_SIZE_BYTES + 1);
    await assert.rejects(
      ddb.client.send(new PutItemCommand({ TableName, Item: oneByteOver })),
      (error: unknown) => error instanceof Error && error.name === 'ValidationException',
    );
  });
});
