import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import {
  compileRowEncoder,
  keyAttributeType,
  parseEncoderTypes,
  type RowEncoder,
  type RowEncoderOptions,
} from '../../src/connectors/dynamodb/encode.js';
import { DynaviewError, InvalidValueError, SqlTypeError } from '../../src/errors.js';
import type { ColumnSpec, IndexSpec, Row, TypeCatalog, ViewSpec } from '../../src/schema.js';
import { parseSqlType } from '../../src/sql/parse-type.js';

const CONNECTOR = 'v1.unnamed-0';

type ColumnShorthand = [name: string, type: string, nullable?: boolean];

function columns(list: readonly ColumnShorthand[]): ColumnSpec[] {
  return list.map(([name, type, nullable = true]) => ({ name, type, nullable }));
}

/** An encoder for a view given as `openDynamoDBOutput` takes it: types as SQL text, parsed at that edge. */
function compileFromText(options: { view: ViewSpec; index: IndexSpec; types: TypeCatalog; keyRoles?: RowEncoderOptions['keyRoles'] }): RowEncoder {
  const parsed = parseEncoderTypes({ connector: CONNECTOR, ...options });
  return compileRowEncoder({ connector: CONNECTOR, ...options, ...parsed });
}

function encoderFor(
  list: readonly ColumnShorthand[],
  options: { index?: string[]; types?: TypeCatalog; keyRoles?: RowEncoderOptions['keyRoles'] } = {},
): RowEncoder {
  return compileFromText({
    view: { name: 'v1', columns: columns([['id', 'INT', false], ...list]) },
    index: { name: 'v1_idx', columns: options.index ?? ['id'] },
    types: options.types ?? {},
    ...(options.keyRoles === undefined ? {} : { keyRoles: options.keyRoles }),
  });
}

/** The attribute one column of type `type` gets for `value` (row key id = 7). */
function encodeOne(type: string, value: unknown, types: TypeCatalog = {}): unknown {
  return encoderFor([['c', type]], { types }).encodeItem({ id: 7, c: value })['c'];
}

/** The InvalidValueError message encoding `value` into a column of type `type` throws. */
function problemOf(type: string, value: unknown, types: TypeCatalog = {}): string {
  try {
    encodeOne(type, value, types);
  } catch (error) {
    assert.ok(error instanceof InvalidValueError, `expected InvalidValueError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`${type} accepted ${String(value)}`);
}

function invalid(column: string, type: string, reason: string): string {
  return `view v1, column "${column}" (${type}): ${reason}; record key {"id":7}`;
}

test("encodes the sample program's row and delete key exactly as Feldera does", () => {
  const encoder = compileFromText({
    view: { name: 'v1', columns: columns([['id', 'INT', false], ['sort', 'VARCHAR', false], ['s', 'VARCHAR']]) },
    index: { name: 'v1_idx', columns: ['id', 'sort'] },
    types: {},
  });
  const row = { id: 0, sort: '0', s: '0' };
  assert.deepEqual(encoder.encodeItem(row), { id: { N: '0' }, sort: { S: '0' }, s: { S: '0' } });
  assert.deepEqual(encoder.encodeKey(row), { id: { N: '0' }, sort: { S: '0' } });
  assert.deepEqual(encoder.keyColumns, [
    { name: 'id', type: { kind: 'integer', name: 'INT', unsigned: false }, attributeType: 'N' },
    { name: 'sort', type: { kind: 'varchar', length: null }, attributeType: 'S' },
  ]);
});

test('SQL NULL is written as {NULL: true}, and every column is present', () => {
  const encoder = encoderFor([['a', 'VARCHAR'], ['b', 'INT ARRAY']]);
  assert.deepEqual(encoder.encodeItem({ id: 1, a: null }), { id: { N: '1' }, a: { NULL: true }, b: { NULL: true } });
});

test('row properties that are not view columns are ignored', () => {
  assert.deepEqual(encoderFor([]).encodeItem({ id: 1, extra: 'x', other: [1] }), { id: { N: '1' } });
});

test('NULL in a NOT NULL column is invalid', () => {
  assert.throws(() => encoderFor([['c', 'VARCHAR', false]]).encodeItem({ id: 7 }), {
    name: 'InvalidValueError',
    message: invalid('c', 'VARCHAR', 'NULL in a NOT NULL column'),
  });
});

test('BOOLEAN is written as BOOL', () => {
  assert.deepEqual(encodeOne('BOOLEAN', true), { BOOL: true });
  assert.deepEqual(encodeOne('BOOL', false), { BOOL: false });
  assert.equal(problemOf('BOOLEAN', 'true'), invalid('c', 'BOOLEAN', 'expected a boolean, got string "true"'));
});

test('integers are written as base-10 N text from numbers, bigints and integer strings', () => {
  assert.deepEqual(encodeOne('TINYINT', -8), { N: '-8' });
  assert.deepEqual(encodeOne('SMALLINT', 32767), { N: '32767' });
  assert.deepEqual(encodeOne('INT', -0), { N: '0' });
  assert.deepEqual(encodeOne('INT', ' 0042 '), { N: '42' });
  assert.deepEqual(encodeOne('INT', '-2147483648'), { N: '-2147483648' });
  assert.deepEqual(encodeOne('BIGINT', 9223372036854775807n), { N: '9223372036854775807' });
  assert.deepEqual(encodeOne('BIGINT', '-9223372036854775808'), { N: '-9223372036854775808' });
  assert.deepEqual(encodeOne('BIGINT', 1e18), { N: '1000000000000000000' });
  assert.deepEqual(encodeOne('TINYINT UNSIGNED', 255), { N: '255' });
  assert.deepEqual(encodeOne('BIGINT UNSIGNED', 18446744073709551615n), { N: '18446744073709551615' });
});

test('integers outside their type range, fractions and non-integers are invalid', () => {
  assert.equal(problemOf('TINYINT', 128), invalid('c', 'TINYINT', '128 is out of range for TINYINT (-128..127)'));
  assert.equal(problemOf('SMALLINT', -32769n), invalid('c', 'SMALLINT', '-32769 is out of range for SMALLINT (-32768..32767)'));
  assert.equal(problemOf('INT UNSIGNED', -1), invalid('c', 'INT UNSIGNED', '-1 is out of range for INT UNSIGNED (0..4294967295)'));
  assert.equal(
    problemOf('BIGINT', 2 ** 63),
    invalid('c', 'BIGINT', '9223372036854775808 is out of range for BIGINT (-9223372036854775808..9223372036854775807)'),
  );
  assert.equal(
    problemOf('BIGINT UNSIGNED', '18446744073709551616'),
    invalid('c', 'BIGINT UNSIGNED', '18446744073709551616 is out of range for BIGINT UNSIGNED (0..18446744073709551615)'),
  );
  assert.equal(problemOf('INT', 1.5), invalid('c', 'INT', 'expected an integer, got number 1.5'));
  assert.equal(problemOf('INT', '1.5'), invalid('c', 'INT', '"1.5" is not an integer'));
  assert.equal(problemOf('INT', true), invalid('c', 'INT', 'expected an integer, got boolean true'));
});

test('DECIMAL is written with trailing fractional zeros stripped and no exponent', () => {
  const cases: [unknown, string][] = [
    ['12.3450', '12.345'],
    ['100.00', '100'],
    [0, '0'],
    ['-0.50', '-0.5'],
    [0.1, '0.1'],
    [12.345, '12.345'],
    ['1e3', '1000'],
    [123n, '123'],
  ];
  for (const [value, expected] of cases) assert.deepEqual(encodeOne('DECIMAL(10, 4)', value), { N: expected }, String(value));
});

test('DECIMAL rounds extra fractional digits half away from zero to its scale', () => {
  assert.deepEqual(encodeOne('DECIMAL(6, 2)', '1234.125'), { N: '1234.13' });
  assert.deepEqual(encodeOne('DECIMAL(6, 2)', '-1234.125'), { N: '-1234.13' });
  assert.deepEqual(encodeOne('DECIMAL(6, 2)', '1234.1234'), { N: '1234.12' });
  assert.deepEqual(encodeOne('DECIMAL', '0.5'), { N: '1' });
});

test('DECIMAL values with more than precision - scale integer digits are invalid', () => {
  assert.equal(
    problemOf('DECIMAL(6, 3)', '1234.1234'),
    invalid('c', 'DECIMAL(6, 3)', '1234.1234 has 4 integer digits, but DECIMAL(6, 3) allows at most 3'),
  );
  assert.equal(problemOf('DECIMAL(3, 2)', '9.995'), invalid('c', 'DECIMAL(3, 2)', '9.995 has 2 integer digits, but DECIMAL(3, 2) allows at most 1'));
  assert.equal(problemOf('DECIMAL(5, 2)', 'abc'), invalid('c', 'DECIMAL(5, 2)', '"abc" is not a valid decimal: not a decimal number'));
  assert.equal(problemOf('DECIMAL(5, 2)', Number.NaN), invalid('c', 'DECIMAL(5, 2)', 'NaN cannot be stored in DynamoDB'));
});

test('REAL is written with the shortest digits of the f32 value', () => {
  assert.deepEqual(encodeOne('REAL', 1.5), { N: '1.5' });
  assert.deepEqual(encodeOne('REAL', 1.0), { N: '1' });
  assert.deepEqual(encodeOne('REAL', 0.1), { N: '0.1' });
  assert.deepEqual(encodeOne('REAL', 1e20), { N: '100000000000000000000' });
  assert.deepEqual(encodeOne('REAL', '2.5'), { N: '2.5' });
  assert.equal(problemOf('REAL', 1e39), invalid('c', 'REAL', '1e+39 is outside the range of REAL'));
});

test('DOUBLE is written with the shortest round-trip digits and never an exponent', () => {
  assert.deepEqual(encodeOne('DOUBLE', 2.25), { N: '2.25' });
  assert.deepEqual(encodeOne('DOUBLE', 1e-7), { N: '0.0000001' });
  assert.deepEqual(encodeOne('DOUBLE', 1e20), { N: '100000000000000000000' });
  assert.deepEqual(encodeOne('DOUBLE', -0), { N: '0' });
  assert.deepEqual(encodeOne('DOUBLE', ' -1.5e3 '), { N: '-1500' });
});

test('NaN and infinities are invalid because DynamoDB cannot store them', () => {
  assert.equal(problemOf('DOUBLE', Number.NaN), invalid('c', 'DOUBLE', 'NaN cannot be stored in DynamoDB'));
  assert.equal(problemOf('DOUBLE', Infinity), invalid('c', 'DOUBLE', 'Infinity cannot be stored in DynamoDB'));
  assert.equal(problemOf('REAL', -Infinity), invalid('c', 'REAL', '-Infinity cannot be stored in DynamoDB'));
  const nonFinite: [text: string, shown: string][] = [['NaN', 'NaN'], ['inf', 'Infinity'], ['Infinity', 'Infinity'], ['-inf', '-Infinity'], ['-Infinity', '-Infinity']];
  for (const [text, shown] of nonFinite) {
    assert.equal(problemOf('DOUBLE', text), invalid('c', 'DOUBLE', `${shown} cannot be stored in DynamoDB`), text);
  }
  assert.equal(problemOf('DOUBLE', '1,5'), invalid('c', 'DOUBLE', '"1,5" is not a number'));
  assert.equal(problemOf('DOUBLE', 1n), invalid('c', 'DOUBLE', 'expected a number or numeric string, got bigint 1'));
});

test('numbers outside the DynamoDB range or precision are invalid, naming the rule', () => {
  assert.equal(problemOf('DOUBLE', 1e126), invalid('c', 'DOUBLE', '1e+126 is too large for DynamoDB (numbers must be below 1E+126 in magnitude)'));
  assert.equal(
    problemOf('DOUBLE', -1e-131),
    invalid('c', 'DOUBLE', '-1e-131 is too small for DynamoDB (non-zero numbers must be at least 1E-130 in magnitude)'),
  );
  assert.deepEqual(encodeOne('DOUBLE', 1e125), { N: `1${'0'.repeat(125)}` });
  assert.deepEqual(encodeOne('DOUBLE', 1e-130), { N: `0.${'0'.repeat(129)}1` });
  const digits39 = 123456789012345678901234567890123456789n;
  assert.equal(
    problemOf('VARIANT', digits39),
    invalid('c', 'VARIANT', '123456789012345678901234567890123456789 has 39 significant digits, but DynamoDB stores at most 38'),
  );
  assert.deepEqual(encodeOne('VARIANT', 12345678901234567890123456789012345678n * 10n ** 80n), {
    N: `12345678901234567890123456789012345678${'0'.repeat(80)}`,
  });
  assert.match(problemOf('VARIANT', 10n ** 126n), /1000+\.\.\. is too large for DynamoDB/);
});

test('VARCHAR and CHAR are written as S as given, empty strings included', () => {
  assert.deepEqual(encodeOne('VARCHAR', 'héllo'), { S: 'héllo' });
  assert.deepEqual(encodeOne('VARCHAR', ''), { S: '' });
  assert.deepEqual(encodeOne('CHAR(4)', 'ab  '), { S: 'ab  ' });
  assert.equal(problemOf('VARCHAR', 5), invalid('c', 'VARCHAR', 'expected a string, got number 5'));
});

test('TIME, DATE and TIMESTAMP are written as S in Feldera text form', () => {
  assert.deepEqual(encodeOne('TIME', '1:2:3.120'), { S: '01:02:03.120' });
  assert.deepEqual(encodeOne('TIME', '00:00:00.001'), { S: '00:00:00.001' });
  assert.deepEqual(encodeOne('DATE', '2024-5-25'), { S: '2024-05-25' });
  assert.deepEqual(encodeOne('DATE', new Date(Date.UTC(2024, 4, 25))), { S: '2024-05-25' });
  assert.deepEqual(encodeOne('TIMESTAMP', '2024-05-25 01:02:03'), { S: '2024-05-25 01:02:03' });
  assert.deepEqual(encodeOne('TIMESTAMP', '2024-05-25 01:02:03.12'), { S: '2024-05-25 01:02:03.120' });
  assert.deepEqual(encodeOne('TIMESTAMP', '2024-05-25 01:02:03.000456'), { S: '2024-05-25 01:02:03.000456' });
  assert.deepEqual(encodeOne('TIMESTAMP', '2024-01-01T00:00:00Z'), { S: '2024-01-01 00:00:00' });
  assert.deepEqual(encodeOne('TIMESTAMP', new Date(Date.UTC(1970, 0, 1, 0, 0, 0, 2))), { S: '1970-01-01 00:00:00.002' });
});

test('invalid TIME, DATE and TIMESTAMP values are invalid with the reason', () => {
  assert.equal(problemOf('DATE', '2024-13-01'), invalid('c', 'DATE', '"2024-13-01" is not a valid DATE: month 13 is out of range (1..12)'));
  assert.equal(problemOf('TIME', '25:00:00'), invalid('c', 'TIME', '"25:00:00" is not a valid TIME: hour 25 is out of range (0..23)'));
  assert.equal(
    problemOf('TIMESTAMP', '2024-01-01'),
    invalid('c', 'TIMESTAMP', '"2024-01-01" is not a valid TIMESTAMP: expected YYYY-MM-DD HH:MM:SS[.fraction] or RFC 3339'),
  );
  assert.equal(problemOf('TIMESTAMP', new Date(Number.NaN)), invalid('c', 'TIMESTAMP', 'the Date is not a valid TIMESTAMP: the Date is invalid'));
  assert.equal(problemOf('TIME', new Date(0)), invalid('c', 'TIME', 'expected a TIME string, got a Date'));
  assert.equal(problemOf('DATE', 20240101), invalid('c', 'DATE', 'expected a DATE string or a Date, got number 20240101'));
});

test('UUID is written as lowercase hyphenated S', () => {
  assert.deepEqual(encodeOne('UUID', '550E8400-E29B-41D4-A716-446655440000'), { S: '550e8400-e29b-41d4-a716-446655440000' });
  assert.equal(problemOf('UUID', '550e8400'), invalid('c', 'UUID', '"550e8400" is not a UUID (expected 8-4-4-4-12 hex digits)'));
});

test('messages show at most about 80 characters of a value', () => {
  const long = 'x'.repeat(500);
  assert.equal(problemOf('UUID', long), invalid('c', 'UUID', `"${'x'.repeat(77)}..." is not a UUID (expected 8-4-4-4-12 hex digits)`));
  assert.equal(problemOf('INT', long), invalid('c', 'INT', `"${'x'.repeat(77)}..." is not an integer`));
});

test('VARBINARY and BINARY are written as B bytes from byte arrays, Uint8Array or Buffer', () => {
  assert.deepEqual(encodeOne('VARBINARY', [1, 2, 255]), { B: new Uint8Array([1, 2, 255]) });
  assert.deepEqual(encodeOne('BINARY(2)', new Uint8Array([9, 8])), { B: new Uint8Array([9, 8]) });
  assert.deepEqual(encodeOne('BYTEA', Buffer.from('hi')), { B: new Uint8Array([104, 105]) });
  assert.deepEqual(encodeOne('VARBINARY', []), { B: new Uint8Array([]) });
  assert.equal(problemOf('VARBINARY', [1, 256]), invalid('c', 'VARBINARY', 'element 1 is not a byte (an integer 0..255): number 256'));
  assert.equal(problemOf('VARBINARY', 'AQI='), invalid('c', 'VARBINARY', 'expected an array of bytes or a Uint8Array, got string "AQI="'));
});

test('ARRAY is written as L, element by element, with NULL elements as NULL', () => {
  assert.deepEqual(encodeOne('INT ARRAY', [1, null, 3]), { L: [{ N: '1' }, { NULL: true }, { N: '3' }] });
  assert.deepEqual(encodeOne('VARCHAR ARRAY ARRAY', [['a'], []]), { L: [{ L: [{ S: 'a' }] }, { L: [] }] });
  assert.deepEqual(encodeOne('DECIMAL(5, 2) ARRAY', ['1.50']), { L: [{ N: '1.5' }] });
});

test('problems inside an ARRAY name the element path', () => {
  assert.equal(problemOf('INT NOT NULL ARRAY', [1, 2, 3, null]), invalid('c[3]', 'INT', 'NULL in a NOT NULL array element'));
  assert.equal(problemOf('DOUBLE ARRAY ARRAY', [[1], [2, Number.NaN]]), invalid('c[1][1]', 'DOUBLE', 'NaN cannot be stored in DynamoDB'));
  assert.equal(problemOf('INT ARRAY', 'not a list'), invalid('c', 'INT ARRAY', 'expected an array, got string "not a list"'));
});

test('MAP is written as M from a plain object (keys verbatim) or a JS Map (keys as Feldera writes them)', () => {
  assert.deepEqual(encodeOne('MAP<VARCHAR, INT>', { a: 1, b: null }), { M: { a: { N: '1' }, b: { NULL: true } } });
  assert.deepEqual(encodeOne('MAP<VARCHAR, INT>', new Map([['x', 2]])), { M: { x: { N: '2' } } });
  assert.deepEqual(encodeOne('MAP<BIGINT, VARCHAR>', new Map<unknown, string>([[1, 'a'], [2n, 'b'], ['03', 'c']])), {
    M: { '1': { S: 'a' }, '2': { S: 'b' }, '3': { S: 'c' } },
  });
  assert.deepEqual(encodeOne('MAP<BOOLEAN, INT>', new Map([[true, 1], [false, 0]])), { M: { true: { N: '1' }, false: { N: '0' } } });
  assert.deepEqual(encodeOne('MAP<DATE, INT>', new Map([['2024-1-2', 1]])), { M: { '2024-01-02': { N: '1' } } });
  assert.deepEqual(encodeOne('MAP<UUID, INT>', new Map([['550E8400-E29B-41D4-A716-446655440000', 1]])), {
    M: { '550e8400-e29b-41d4-a716-446655440000': { N: '1' } },
  });
  assert.deepEqual(encodeOne('MAP<VARCHAR, INT>', {}), { M: {} });
  assert.deepEqual(encodeOne('MAP<DOUBLE, INT>', new Map()), { M: {} });
});

test('a MAP key named __proto__ is kept as an ordinary entry', () => {
  const value = JSON.parse('{"__proto__": 1}') as unknown;
  const encoded = encodeOne('MAP<VARCHAR, INT>', value) as { M: Record<string, unknown> };
  assert.deepEqual(Object.keys(encoded.M), ['__proto__']);
  assert.equal(Object.getPrototypeOf(encoded.M), Object.prototype);
});

test('invalid MAP keys and values are reported with their path', () => {
  assert.equal(problemOf('MAP<VARCHAR, INT>', new Map([[null, 1]])), invalid('c', 'MAP<VARCHAR, INT>', 'a MAP key is NULL'));
  assert.equal(
    problemOf('MAP<TINYINT, INT>', new Map([[300, 1]])),
    invalid('c', 'MAP<TINYINT, INT>', 'invalid MAP key: 300 is out of range for TINYINT (-128..127)'),
  );
  assert.equal(
    problemOf('MAP<DOUBLE, INT>', new Map([[1.5, 1]])),
    invalid('c', 'MAP<DOUBLE, INT>', 'keys of type DOUBLE cannot be DynamoDB map keys (Feldera writes only string, integer, boolean, date, time and UUID keys)'),
  );
  assert.equal(problemOf('MAP<VARCHAR, INT NOT NULL>', { k: null }), invalid("c['k']", 'INT', 'NULL in a NOT NULL map value'));
  assert.equal(problemOf('MAP<VARCHAR, INT>', [1]), invalid('c', 'MAP<VARCHAR, INT>', 'expected an object or a Map, got an array of 1 elements'));
});

test('ROW is written as M with its field names; missing nullable fields are NULL', () => {
  assert.deepEqual(encodeOne('ROW(a INT, b VARCHAR NULL)', { a: 1 }), { M: { a: { N: '1' }, b: { NULL: true } } });
  assert.deepEqual(encodeOne('ROW("Street" VARCHAR, n INT ARRAY)', { Street: 'Main', n: [1], ignored: true }), {
    M: { Street: { S: 'Main' }, n: { L: [{ N: '1' }] } },
  });
  assert.equal(problemOf('ROW(a INT, b VARCHAR)', { a: 1 }), invalid('c.b', 'VARCHAR', 'NULL in a NOT NULL field'));
  assert.equal(problemOf('ROW(a INT)', new Map([['a', 1]])), invalid('c', 'ROW(a INT)', 'expected an object, got a Map'));
});

test('user-defined struct types are written as M, resolved from the type catalog', () => {
  const types: TypeCatalog = {
    address_typ: columns([['street', 'VARCHAR', false], ['zip', 'VARCHAR']]),
    Person: columns([['name', 'VARCHAR'], ['addr', 'address_typ'], ['tags', 'VARCHAR ARRAY']]),
  };
  assert.deepEqual(encodeOne('"Person"', { name: 'Ann', addr: { street: 'Main' } }, types), {
    M: { name: { S: 'Ann' }, addr: { M: { street: { S: 'Main' }, zip: { NULL: true } } }, tags: { NULL: true } },
  });
  assert.equal(problemOf('Address_Typ', { zip: '1' }, types), invalid('c.street', 'VARCHAR', 'NULL in a NOT NULL field'));
  assert.equal(problemOf('"Person"', { addr: 5 }, types), invalid('c.addr', 'address_typ', 'expected an object, got number 5'));
});

test('VARIANT is written after the JS value it holds', () => {
  assert.deepEqual(encodeOne('VARIANT', null), { NULL: true });
  assert.deepEqual(encodeOne('VARIANT', true), { BOOL: true });
  assert.deepEqual(encodeOne('VARIANT', 1.5), { N: '1.5' });
  assert.deepEqual(encodeOne('VARIANT', 1000), { N: '1000' });
  assert.deepEqual(encodeOne('VARIANT', 12345678901234567890n), { N: '12345678901234567890' });
  assert.deepEqual(encodeOne('VARIANT', 'x'), { S: 'x' });
  assert.deepEqual(encodeOne('VARIANT', new Uint8Array([1])), { B: new Uint8Array([1]) });
  assert.deepEqual(encodeOne('VARIANT', [1, 'a', null, { k: [false] }]), {
    L: [{ N: '1' }, { S: 'a' }, { NULL: true }, { M: { k: { L: [{ BOOL: false }] } } }],
  });
  assert.equal(problemOf('VARIANT', { a: [0, Infinity] }), invalid("c['a'][1]", 'VARIANT', 'Infinity cannot be stored in DynamoDB'));
  assert.equal(problemOf('VARIANT', new Date(0)), invalid('c', 'VARIANT', 'a VARIANT cannot hold a Date'));
});

test('values nested deeper than the 32 levels DynamoDB allows are invalid', () => {
  const nest = (depth: number): unknown => (depth === 0 ? 1 : [nest(depth - 1)]);
  const type = (depth: number): string => `INT${' ARRAY'.repeat(depth)}`;
  assert.doesNotThrow(() => encodeOne(type(31), nest(31)));
  assert.equal(
    problemOf(type(32), nest(32)),
    invalid(`c${'[0]'.repeat(31)}`, type(1), 'the value is nested deeper than the 32 levels DynamoDB allows'),
  );
  assert.deepEqual(encodeOne(type(32), [[null]]), { L: [{ L: [{ NULL: true }] }] });
  assert.doesNotThrow(() => encodeOne('VARIANT', nest(31)));
  assert.equal(problemOf('VARIANT', nest(32)), invalid(`c${'[0]'.repeat(31)}`, 'VARIANT', 'the value is nested deeper than the 32 levels DynamoDB allows'));
});

test('key columns reject NULL, empty strings and empty binary', () => {
  const encoder = encoderFor([['s', 'VARCHAR', true], ['b', 'VARBINARY', true]], { index: ['s', 'b'] });
  const message = (row: Row): string => {
    try {
      encoder.encodeKey(row);
    } catch (error) {
      assert.ok(error instanceof InvalidValueError);
      return error.message;
    }
    assert.fail('the key was accepted');
  };
  assert.equal(message({ s: null, b: [1] }), 'view v1, column "s" (VARCHAR): NULL cannot be a DynamoDB key value; record key {"s":null,"b":[1]}');
  assert.equal(message({ s: '', b: [1] }), 'view v1, column "s" (VARCHAR): an empty string cannot be a DynamoDB key value; record key {"s":"","b":[1]}');
  assert.equal(
    message({ s: 'a', b: new Uint8Array() }),
    'view v1, column "b" (VARBINARY): an empty binary value cannot be a DynamoDB key value; record key {"s":"a","b":[]}',
  );
  assert.throws(() => encoder.encodeItem({ id: 1, s: '', b: [1] }), /an empty string cannot be a DynamoDB key value/);
});

test('key values longer than 2048 bytes (partition key) or 1024 bytes (sort key) are invalid', () => {
  const roles = { keyRoles: { h: 'HASH', r: 'RANGE' } as const, index: ['h', 'r'] };
  const encoder = encoderFor([['h', 'VARCHAR', false], ['r', 'VARCHAR', false]], roles);
  assert.doesNotThrow(() => encoder.encodeKey({ h: 'é'.repeat(1024), r: 'x'.repeat(1024) }));
  assert.throws(() => encoder.encodeKey({ h: `${'é'.repeat(1024)}x`, r: 'x' }), {
    message: /^view v1, column "h" \(VARCHAR\): the key value is 2049 bytes, but DynamoDB allows at most 2048 bytes for a partition key; record key \{"h":"éé/,
  });
  assert.throws(() => encoder.encodeKey({ h: 'x', r: 'é'.repeat(513) }), {
    message: /the key value is 1026 bytes, but DynamoDB allows at most 1024 bytes for a sort key/,
  });
  const unknownRoles = encoderFor([['b', 'VARBINARY', false]], { index: ['b'] });
  assert.doesNotThrow(() => unknownRoles.encodeKey({ b: new Uint8Array(2048) }));
  assert.throws(() => unknownRoles.encodeKey({ b: new Uint8Array(2049) }), /the key value is 2049 bytes, but DynamoDB allows at most 2048 bytes for a partition key/);
});

test('InvalidValueError carries connector, view, index, column, nested field and key as context', () => {
  try {
    encoderFor([['tags', 'INT NOT NULL ARRAY']]).encodeItem({ id: 7, tags: [1, 2, 3, null] });
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof InvalidValueError);
    assert.equal(error.code, 'DYNAMODB_INVALID_VALUE');
    assert.equal(error.message, 'view v1, column "tags[3]" (INT): NULL in a NOT NULL array element; record key {"id":7}');
    assert.deepEqual(error.context, { connector: CONNECTOR, view: 'v1', index: 'v1_idx', column: 'tags', field: 'tags[3]', key: '{"id":7}' });
  }
  try {
    encoderFor([['score', 'DOUBLE']]).encodeItem({ id: 7, score: Number.NaN });
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof InvalidValueError);
    assert.equal(error.message, 'view v1, column "score" (DOUBLE): NaN cannot be stored in DynamoDB; record key {"id":7}');
    assert.deepEqual(error.context, { connector: CONNECTOR, view: 'v1', index: 'v1_idx', column: 'score', key: '{"id":7}' });
  }
});

test('keyIdentity is equal exactly when DynamoDB sees the same item', () => {
  const decimal = encoderFor([['d', 'DECIMAL(5, 2)', false]], { index: ['d'] });
  const a = decimal.keyIdentity(decimal.encodeKey({ d: '1.50' }));
  assert.equal(a, decimal.keyIdentity(decimal.encodeKey({ d: 1.5 })));
  assert.equal(a, decimal.keyIdentity({ d: { N: '15E-1' } }));
  assert.notEqual(a, decimal.keyIdentity(decimal.encodeKey({ d: 1.51 })));

  const composite = encoderFor([['s', 'VARCHAR', false]], { index: ['id', 's'] });
  const id = (row: Row): string => composite.keyIdentity(composite.encodeKey(row));
  assert.equal(id({ id: 1, s: 'a' }), composite.keyIdentity(composite.encodeItem({ id: 1, s: 'a' })));
  assert.notEqual(id({ id: 1, s: '1a' }), id({ id: 11, s: 'a' }));
  assert.notEqual(id({ id: 1, s: 'a' }), id({ id: 1, s: 'A' }));

  const strings = encoderFor([['a', 'VARCHAR', false], ['b', 'VARCHAR', false]], { index: ['a', 'b'] });
  const sid = (row: Row): string => strings.keyIdentity(strings.encodeKey(row));
  assert.notEqual(sid({ a: 'a', b: 'bc' }), sid({ a: 'ab', b: 'c' }));
  assert.notEqual(sid({ a: 'S1:x', b: 'y' }), sid({ a: 'S1', b: ':xy' }));

  const binary = encoderFor([['b', 'VARBINARY', false]], { index: ['b'] });
  assert.equal(binary.keyIdentity(binary.encodeKey({ b: [1, 2] })), binary.keyIdentity(binary.encodeKey({ b: Buffer.from([1, 2]) })));
  assert.notEqual(binary.keyIdentity(binary.encodeKey({ b: [1, 2] })), binary.keyIdentity(binary.encodeKey({ b: [1, 3] })));
});

test('keyIdOf gives keyIdentity(encodeKey(row)) from the row, and rejects the keys encodeKey rejects', () => {
  const cases: Array<{ columns: Parameters<typeof encoderFor>[0]; index: string[]; rows: Row[]; invalid: Row[] }> = [
    { columns: [], index: ['id'], rows: [{ id: 0 }, { id: -5 }, { id: 2147483647 }, { id: 12n }, { id: '  42 ' }], invalid: [{ id: null }, { id: 1.5 }, {}] },
    { columns: [['d', 'DECIMAL(5, 2)', false]], index: ['d'], rows: [{ d: '1.50' }, { d: 1.5 }, { d: -0 }, { d: '100' }], invalid: [{ d: 'x' }] },
    { columns: [['f', 'DOUBLE', false]], index: ['f'], rows: [{ f: 1e21 }, { f: 0.1 }, { f: -2 }], invalid: [{ f: Number.NaN }] },
    { columns: [['s', 'VARCHAR', false]], index: ['id', 's'], rows: [{ id: 1, s: 'a' }, { id: 11, s: '1:a' }], invalid: [{ id: 1, s: '' }, { id: 1, s: 'é'.repeat(1100) }] },
    { columns: [['b', 'VARBINARY', false], ['t', 'DATE', false]], index: ['b', 't'], rows: [{ b: [1, 2], t: '2024-01-02' }, { b: Buffer.from([255]), t: '2024-1-2' }], invalid: [{ b: [], t: '2024-01-02' }] },
  ];
  for (const { columns, index, rows, invalid } of cases) {
    const encoder = encoderFor(columns, { index });
    for (const row of rows) assert.equal(encoder.keyIdOf(row), encoder.keyIdentity(encoder.encodeKey(row)), JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    for (const row of invalid) {
      const expected = (() => {
        try {
          encoder.encodeKey(row);
        } catch (error) {
          return error;
        }
        return assert.fail(`encodeKey accepted ${JSON.stringify(row)}`);
      })();
      assert.throws(() => encoder.keyIdOf(row), (error: unknown) => {
        assert.ok(error instanceof InvalidValueError);
        assert.deepEqual({ message: error.message, context: error.context }, { message: (expected as InvalidValueError).message, context: (expected as InvalidValueError).context });
        return true;
      });
    }
  }
});

test('describeKey prints the raw index values as JSON, with bigint and bytes made printable', () => {
  const encoder = encoderFor([['n', 'BIGINT', false], ['b', 'VARBINARY', false]], { index: ['n', 'b'] });
  assert.equal(encoder.describeKey({ n: 12345678901234567890n, b: Buffer.from([1, 2, 3]) }), '{"n":12345678901234567890,"b":[1,2,3]}');
  assert.equal(encoder.describeKey({ n: 1, b: [4] }), '{"n":1,"b":[4]}');
  assert.equal(encoder.describeKey({}), '{"n":null,"b":null}');
  const sorted = encoderFor([['sort', 'VARCHAR', false]], { index: ['id', 'sort'] });
  assert.equal(sorted.describeKey({ id: 1, sort: 'a', other: 2 }), '{"id":1,"sort":"a"}');
  assert.equal(sorted.describeKey({ id: 1, sort: 'y'.repeat(200) }), `{"id":1,"sort":"${'y'.repeat(77)}..."}`);
});

function indexError(list: readonly ColumnShorthand[], index: string[]): DynaviewError {
  try {
    encoderFor(list, { index });
  } catch (error) {
    assert.ok(error instanceof DynaviewError);
    return error;
  }
  assert.fail('the index was accepted');
}

test('an index that cannot be a DynamoDB key is rejected with DYNAMODB_INDEX_INVALID', () => {
  const empty = indexError([], []);
  assert.equal(empty.code, 'DYNAMODB_INDEX_INVALID');
  assert.equal(empty.message, 'index v1_idx of view v1: the index has no columns; it must name the DynamoDB key columns');
  assert.deepEqual(empty.context, { connector: CONNECTOR, view: 'v1', index: 'v1_idx' });

  const missing = indexError([], ['id', 'nope']);
  assert.equal(missing.message, 'index v1_idx of view v1: column nope is not a column of the view');
  assert.deepEqual(missing.context, { connector: CONNECTOR, view: 'v1', index: 'v1_idx', column: 'nope' });

  const repeated = indexError([], ['id', 'id']);
  assert.equal(repeated.message, 'index v1_idx of view v1: column id is listed twice');

  const notKeys: [type: string, shown: string][] = [
    ['BOOLEAN', 'BOOLEAN'],
    ['int array', 'INT ARRAY'],
    ['MAP<VARCHAR, INT>', 'MAP<VARCHAR, INT>'],
    ['ROW(a INT)', 'ROW(a INT)'],
    ['VARIANT', 'VARIANT'],
    ['addr', 'addr'],
  ];
  for (const [type, shown] of notKeys) {
    const error = indexError([['k', type, false]], ['k']);
    assert.equal(error.code, 'DYNAMODB_INDEX_INVALID');
    assert.equal(
      error.message,
      `index v1_idx of view v1: column k has type ${shown}, which cannot be a DynamoDB key attribute (keys must be strings, numbers or binary)`,
    );
    assert.deepEqual(error.context, { connector: CONNECTOR, view: 'v1', index: 'v1_idx', column: 'k' });
  }
});

test('unparseable or unknown column types are rejected with SqlTypeError naming view and column', () => {
  const check = (type: string, types: TypeCatalog, message: string): void => {
    assert.throws(() => encoderFor([['c', type]], { types }), (error: unknown) => {
      assert.ok(error instanceof SqlTypeError);
      assert.equal(error.message, message);
      assert.deepEqual(error.context, { connector: CONNECTOR, view: 'v1', index: 'v1_idx', column: 'c' });
      return true;
    });
  };
  check('MAP<INT', {}, 'view v1, column "c": invalid SQL type "MAP<INT": expected "," at character 8');
  check('money', {}, 'view v1, column "c": unknown SQL type money: no built-in or user-defined type has this name');
  check('"Money"', { money: [] }, 'view v1, column "c": unknown SQL type "Money": did you mean money?');
  check('a', { a: columns([['next', 'b']]), b: columns([['back', 'A ARRAY']]) }, 'view v1, column "c": user type a contains itself (a -> b -> a); recursive types are not supported');
  check('toString', {}, 'view v1, column "c": unknown SQL type tostring: did you mean STRING?');
});

test('a user type whose field type does not parse is rejected with SqlTypeError naming the type and field', () => {
  assert.throws(() => encoderFor([['c', 'pt']], { types: { pt: columns([['x', 'MAP<INT']]) } }), (error: unknown) => {
    assert.ok(error instanceof SqlTypeError);
    assert.equal(error.message, 'view v1: user type pt, field "x": invalid SQL type "MAP<INT": expected "," at character 8');
    assert.deepEqual(error.context, { connector: CONNECTOR, view: 'v1', index: 'v1_idx' });
    return true;
  });
});

test('keyAttributeType maps numeric types to N, text-like types to S and binary to B', () => {
  const cases: [string, string | undefined][] = [
    ['TINYINT', 'N'], ['BIGINT UNSIGNED', 'N'], ['DECIMAL(5, 2)', 'N'], ['REAL', 'N'], ['DOUBLE', 'N'],
    ['VARCHAR', 'S'], ['CHAR(2)', 'S'], ['TIME', 'S'], ['DATE', 'S'], ['TIMESTAMP', 'S'], ['UUID', 'S'],
    ['VARBINARY', 'B'], ['BINARY(16)', 'B'],
    ['BOOLEAN', undefined], ['INT ARRAY', undefined], ['MAP<INT, INT>', undefined], ['ROW(a INT)', undefined], ['VARIANT', undefined], ['addr', undefined],
  ];
  for (const [type, expected] of cases) assert.equal(keyAttributeType(parseSqlType(type)), expected, type);
});

test('a column named like an Object.prototype member reads only the row itself', () => {
  const encoder = encoderFor([['constructor', 'VARCHAR']]);
  assert.deepEqual(encoder.encodeItem({ id: 1 }), { id: { N: '1' }, constructor: { NULL: true } });
});

test('keyHashOf is equal for rows whose keys have the same identity, and checks the key like keyIdOf', () => {
  const composite = encoderFor([['s', 'VARCHAR', false], ['d', 'DECIMAL(5, 2)', false]], { index: ['id', 's', 'd'] });
  const same: Row[] = [{ id: 1, s: 'a', d: '1.5' }, { id: 1n, s: 'a', d: 1.5 }, { id: '1', s: 'a', d: '01.50' }];
  for (const row of same) assert.equal(composite.keyHashOf(row), composite.keyHashOf(same[0]!), JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  // Parts are hashed apart: moving text from one part to the next changes the hash.
  const split = encoderFor([['a', 'VARCHAR', false], ['b', 'VARCHAR', false]], { index: ['a', 'b'] });
  assert.notEqual(split.keyHashOf({ a: 'ab', b: 'c' }), split.keyHashOf({ a: 'a', b: 'bc' }));
  assert.throws(() => composite.keyHashOf({ id: null, s: 'a', d: 1 }), /NULL cannot be a DynamoDB key value/);
});
