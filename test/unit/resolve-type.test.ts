import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqlTypeError } from '../../src/errors.js';
import { parseSqlType } from '../../src/sql/parse-type.js';
import { NO_USER_TYPES, parseTypeCatalog, resolveType, type UserTypes } from '../../src/sql/resolve-type.js';
import type { SqlField } from '../../src/sql/sql-type.js';

const INT = parseSqlType('INT');

function fields(list: readonly [name: string, type: string, nullable?: boolean][]): SqlField[] {
  return list.map(([name, type, nullable = true]) => ({ name, type: parseSqlType(type), nullable }));
}

test('resolveType replaces user type names by their ROW definition', () => {
  const types: UserTypes = new Map([['pt', fields([['x', 'INT', false], ['y', 'INT']])]]);
  assert.deepEqual(resolveType(parseSqlType('PT ARRAY'), types), {
    kind: 'array',
    element: { kind: 'row', fields: [{ name: 'x', type: INT, nullable: false }, { name: 'y', type: INT, nullable: true }] },
    elementNullable: true,
  });
  assert.deepEqual(resolveType(parseSqlType('MAP<VARCHAR, ROW(p pt)>'), types), parseSqlType('MAP<VARCHAR, ROW(p ROW(x INT, y INT NULL))>'));
  assert.deepEqual(resolveType(parseSqlType('DOUBLE'), NO_USER_TYPES), { kind: 'double' });
  assert.throws(() => resolveType(parseSqlType('"Pt"'), types), { message: 'unknown SQL type "Pt": did you mean pt?' });
});

test('a type that names no user type is returned as it is', () => {
  const type = parseSqlType('MAP<VARCHAR, ROW(a INT ARRAY, b DATE)>');
  assert.equal(resolveType(type, NO_USER_TYPES), type);
});

test('user types nested in user types are resolved, and a type that contains itself is rejected', () => {
  const types: UserTypes = new Map([
    ['address', fields([['street', 'VARCHAR']])],
    ['person', fields([['home', 'address'], ['others', 'address ARRAY']])],
  ]);
  assert.deepEqual(resolveType(parseSqlType('person'), types), parseSqlType('ROW(home ROW(street VARCHAR NULL) NULL, others ROW(street VARCHAR NULL) ARRAY NULL)'));
  const cyclic: UserTypes = new Map([['a', fields([['next', 'b']])], ['b', fields([['back', 'A ARRAY']])]]);
  assert.throws(() => resolveType(parseSqlType('a'), cyclic), (error: unknown) => {
    assert.ok(error instanceof SqlTypeError);
    assert.equal(error.message, 'user type a contains itself (a -> b -> a); recursive types are not supported');
    return true;
  });
});

test('parseTypeCatalog parses the field types of a text catalog without looking names up', () => {
  const types = parseTypeCatalog({ pt: [{ name: 'x', type: 'INT', nullable: false }, { name: 'q', type: 'other', nullable: true }] });
  assert.deepEqual([...types], [['pt', [{ name: 'x', type: INT, nullable: false }, { name: 'q', type: { kind: 'user', name: 'other' }, nullable: true }]]]);
  assert.equal(parseTypeCatalog({}).get('constructor'), undefined);
  assert.throws(() => parseTypeCatalog({ Pt: [{ name: 'x', type: 'DECIMAL(', nullable: true }] }), {
    message: 'user type "Pt", field "x": invalid SQL type "DECIMAL(": expected a precision between 1 and 38 at character 9',
  });
});
