import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSqlType, parseSqlType } from '../../src/sql/parse-type.js';
import { SqlTypeError } from '../../src/errors.js';
import type { SqlType } from '../../src/sql/sql-type.js';

const INT: SqlType = { kind: 'integer', name: 'INT', unsigned: false };
const VARCHAR: SqlType = { kind: 'varchar', length: null };

test('parses every built-in type name and alias, in any case', () => {
  const cases: [string, SqlType][] = [
    ['BOOLEAN', { kind: 'boolean' }],
    ['bool', { kind: 'boolean' }],
    ['TINYINT', { kind: 'integer', name: 'TINYINT', unsigned: false }],
    ['smallint', { kind: 'integer', name: 'SMALLINT', unsigned: false }],
    ['INT', INT],
    ['Integer', INT],
    ['BIGINT', { kind: 'integer', name: 'BIGINT', unsigned: false }],
    ['INT8', { kind: 'integer', name: 'BIGINT', unsigned: false }],
    ['TINYINT UNSIGNED', { kind: 'integer', name: 'TINYINT', unsigned: true }],
    ['bigint unsigned', { kind: 'integer', name: 'BIGINT', unsigned: true }],
    ['UNSIGNED', { kind: 'integer', name: 'INT', unsigned: true }],
    ['DECIMAL(10, 2)', { kind: 'decimal', precision: 10, scale: 2 }],
    ['dec(5)', { kind: 'decimal', precision: 5, scale: 0 }],
    ['NUMERIC(38,38)', { kind: 'decimal', precision: 38, scale: 38 }],
    ['REAL', { kind: 'real' }],
    ['DOUBLE', { kind: 'double' }],
    ['DOUBLE PRECISION', { kind: 'double' }],
    ['FLOAT', { kind: 'double' }],
    ['VARCHAR', VARCHAR],
    ['VARCHAR(20)', { kind: 'varchar', length: 20 }],
    ['CHARACTER VARYING(7)', { kind: 'varchar', length: 7 }],
    ['STRING', VARCHAR],
    ['text', VARCHAR],
    ['CHAR', { kind: 'char', length: 1 }],
    ['CHARACTER(3)', { kind: 'char', length: 3 }],
    ['TIME', { kind: 'time' }],
    ['TIME(3)', { kind: 'time' }],
    ['DATE', { kind: 'date' }],
    ['TIMESTAMP', { kind: 'timestamp' }],
    ['TIMESTAMP(6) WITHOUT TIME ZONE', { kind: 'timestamp' }],
    ['UUID', { kind: 'uuid' }],
    ['VARBINARY', { kind: 'varbinary', length: null }],
    ['VARBINARY(16)', { kind: 'varbinary', length: 16 }],
    ['BYTEA', { kind: 'varbinary', length: null }],
    ['BINARY', { kind: 'binary', length: 1 }],
    ['BINARY(4)', { kind: 'binary', length: 4 }],
    ['VARIANT', { kind: 'variant' }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseSqlType(text), expected, text);
});

test('DECIMAL without precision is DECIMAL(38, 0), as in Feldera', () => {
  assert.deepEqual(parseSqlType('DECIMAL'), { kind: 'decimal', precision: 38, scale: 0 });
  assert.deepEqual(parseSqlType('numeric'), { kind: 'decimal', precision: 38, scale: 0 });
});

test('postfix ARRAY repeats, and elements are nullable unless declared NOT NULL', () => {
  assert.deepEqual(parseSqlType('INT ARRAY'), { kind: 'array', element: INT, elementNullable: true });
  assert.deepEqual(parseSqlType('int array array'), {
    kind: 'array',
    element: { kind: 'array', element: INT, elementNullable: true },
    elementNullable: true,
  });
  assert.deepEqual(parseSqlType('INT NOT NULL ARRAY'), { kind: 'array', element: INT, elementNullable: false });
  assert.deepEqual(parseSqlType('INT NULL ARRAY'), { kind: 'array', element: INT, elementNullable: true });
  assert.deepEqual(parseSqlType('INT ARRAY NOT NULL ARRAY'), {
    kind: 'array',
    element: { kind: 'array', element: INT, elementNullable: true },
    elementNullable: false,
  });
});

test('ARRAY<T> is the same as T ARRAY', () => {
  assert.deepEqual(parseSqlType('ARRAY<INT>'), parseSqlType('INT ARRAY'));
  assert.deepEqual(parseSqlType('ARRAY<VARCHAR NOT NULL>'), { kind: 'array', element: VARCHAR, elementNullable: false });
  assert.deepEqual(parseSqlType('ARRAY<ARRAY<INT>>'), parseSqlType('INT ARRAY ARRAY'));
});

test('MAP<K, V> has nullable values unless declared NOT NULL', () => {
  assert.deepEqual(parseSqlType('MAP<VARCHAR, INT>'), { kind: 'map', key: VARCHAR, value: INT, valueNullable: true });
  assert.deepEqual(parseSqlType('map<varchar,int not null>'), { kind: 'map', key: VARCHAR, value: INT, valueNullable: false });
  assert.deepEqual(parseSqlType('MAP<VARCHAR, INT ARRAY>'), {
    kind: 'map',
    key: VARCHAR,
    value: { kind: 'array', element: INT, elementNullable: true },
    valueNullable: true,
  });
});

test('ROW fields are NOT NULL unless declared NULL, and their names follow identifier case rules', () => {
  assert.deepEqual(parseSqlType('ROW(a INT, B VARCHAR NOT NULL, "Cc" DATE NULL)'), {
    kind: 'row',
    fields: [
      { name: 'a', type: INT, nullable: false },
      { name: 'b', type: VARCHAR, nullable: false },
      { name: 'Cc', type: { kind: 'date' }, nullable: true },
    ],
  });
  assert.deepEqual(parseSqlType('ROW(tags VARCHAR ARRAY NULL)'), {
    kind: 'row',
    fields: [{ name: 'tags', type: { kind: 'array', element: VARCHAR, elementNullable: true }, nullable: true }],
  });
});

test('other names are user type references: unquoted ones fold to lower case, quoted ones keep theirs', () => {
  assert.deepEqual(parseSqlType('Address_Typ'), { kind: 'user', name: 'address_typ' });
  assert.deepEqual(parseSqlType('"Addr"'), { kind: 'user', name: 'Addr' });
  assert.deepEqual(parseSqlType('"INT"'), { kind: 'user', name: 'INT' });
  assert.deepEqual(parseSqlType('"a""b"'), { kind: 'user', name: 'a"b' });
  assert.deepEqual(parseSqlType('addr ARRAY'), { kind: 'array', element: { kind: 'user', name: 'addr' }, elementNullable: true });
});

test('formats types canonically for messages', () => {
  const cases: [string, string][] = [
    ['int', 'INT'],
    ['bigint unsigned', 'BIGINT UNSIGNED'],
    ['numeric(38,10)', 'DECIMAL(38, 10)'],
    ['decimal', 'DECIMAL(38, 0)'],
    ['string', 'VARCHAR'],
    ['varchar(5)', 'VARCHAR(5)'],
    ['char', 'CHAR(1)'],
    ['bool', 'BOOLEAN'],
    ['float', 'DOUBLE'],
    ['timestamp(3)', 'TIMESTAMP'],
    ['bytea', 'VARBINARY'],
    ['binary(2)', 'BINARY(2)'],
    ['varchar array', 'VARCHAR ARRAY'],
    ['ARRAY<INT NOT NULL>', 'INT NOT NULL ARRAY'],
    ['map<varchar,int>', 'MAP<VARCHAR, INT>'],
    ['map<varchar,int not null>', 'MAP<VARCHAR, INT NOT NULL>'],
    ['row(a int, b varchar null)', 'ROW(a INT, b VARCHAR NULL)'],
    ['row("A b" int, "date" date)', 'ROW("A b" INT, "date" DATE)'],
    ['Addr', 'addr'],
    ['"Addr"', '"Addr"'],
    ['"int"', '"int"'],
  ];
  for (const [text, expected] of cases) assert.equal(formatSqlType(parseSqlType(text)), expected, text);
});

test('canonical text parses back to the same type', () => {
  for (const text of ['INT NOT NULL ARRAY ARRAY', 'MAP<"K", ROW(x INT NULL, "Y" VARCHAR(3) ARRAY)>', 'DECIMAL(7, 3)', 'TINYINT UNSIGNED ARRAY']) {
    const type = parseSqlType(text);
    assert.deepEqual(parseSqlType(formatSqlType(type)), type, text);
  }
});

test('bad type text throws SqlTypeError saying what was expected at which character', () => {
  const cases: [string, string][] = [
    ['MAP<INT', 'invalid SQL type "MAP<INT": expected "," at character 8'],
    ['MAP<INT, INT', 'invalid SQL type "MAP<INT, INT": expected ">" at character 13'],
    ['', 'invalid SQL type "": expected a type name at character 1'],
    ['INT foo', 'invalid SQL type "INT foo": expected end of type at character 5'],
    ['INT NOT NULL', 'invalid SQL type "INT NOT NULL": expected "ARRAY" at character 13'],
    ['INT NOT ARRAY', 'invalid SQL type "INT NOT ARRAY": expected "NULL" at character 9'],
    ['DECIMAL(40)', 'invalid SQL type "DECIMAL(40)": expected a precision between 1 and 38 at character 9'],
    ['DECIMAL(5, 6)', 'invalid SQL type "DECIMAL(5, 6)": expected a scale between 0 and 5 at character 12'],
    ['DECIMAL(5', 'invalid SQL type "DECIMAL(5": expected ")" at character 10'],
    ['VARCHAR(0)', 'invalid SQL type "VARCHAR(0)": expected a length of at least 1 at character 9'],
    ['VARCHAR(x)', 'invalid SQL type "VARCHAR(x)": expected a length of at least 1 at character 9'],
    ['ROW()', 'invalid SQL type "ROW()": expected a field name at character 5'],
    ['ROW(a)', 'invalid SQL type "ROW(a)": expected a type name at character 6'],
    ['ROW(a INT, a INT)', 'invalid SQL type "ROW(a INT, a INT)": expected a field name not used before in this ROW at character 12'],
    ['ARRAY', 'invalid SQL type "ARRAY": expected "<" at character 6'],
    ['NULL', 'invalid SQL type "NULL": expected a type name at character 1'],
    ['"Addr', 'invalid SQL type "\\"Addr": expected a closing \'"\' at character 6'],
    ['MAP<INT NULL, INT>', 'invalid SQL type "MAP<INT NULL, INT>": expected "NOT NULL" or "," (MAP keys cannot be NULL) at character 9'],
    ['TIMESTAMP WITH TIME ZONE', 'invalid SQL type "TIMESTAMP WITH TIME ZONE": expected end of type at character 11'],
    ['INT $', 'invalid SQL type "INT $": expected end of type at character 5'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseSqlType(text), (error: unknown) => {
      assert.ok(error instanceof SqlTypeError, text);
      assert.equal(error.message, message);
      assert.equal(error.code, 'SQL_TYPE_INVALID');
      return true;
    });
  }
});
