// postgres_input against a real PostgreSQL: one query, its rows pushed a cursor batch at a time,
// PostgreSQL types read as Feldera's JSON rules read them, and every configuration or server
// problem one clear error that never shows the password.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InputConnector, InputTable } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import { coerceRow } from '../../src/engine/coerce.js';
import { ConfigError, DynaviewError } from '../../src/errors.js';
import { inputTable, RecordingSink } from '../support/inputs.js';
import { SUPERUSER_PASSWORD, tableRows, usePostgres } from '../support/postgres.js';

const postgres = usePostgres();

function queryInput(config: Record<string, unknown>, sqlTable: InputTable): InputConnector {
  return createInputConnector({ name: 'postgres_input', config: { uri: postgres.uri(), ...config } }, { connector: 't.pg', table: sqlTable, baseDir: '.' });
}

async function rejection(promise: Promise<unknown>): Promise<DynaviewError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DynaviewError, String(error));
    return error;
  }
  assert.fail('expected the run to fail');
}

function assertNoPassword(text: string): void {
  assert.ok(!text.includes(SUPERUSER_PASSWORD) && !text.includes(encodeURIComponent(SUPERUSER_PASSWORD)), `the password shows in: ${text}`);
}

const NUMBERS = inputTable('t', [['id', 'BIGINT', false], ['name', 'VARCHAR']]);

describe('postgres_input', { timeout: 60_000 }, () => {
  test('pushes every row of its query, a cursor batch at a time, and ends with a position that says it is done', async () => {
    await postgres.query('CREATE TABLE numbers AS SELECT n AS id, \'n\' || n AS name FROM generate_series(1, 25000) AS n');
    const sink = new RecordingSink();
    await queryInput({ query: 'SELECT id, name, 42 AS extra FROM numbers ORDER BY id;' }, NUMBERS).run(sink);
    assert.deepEqual(sink.pushes.map((pushed) => pushed.position), [
      { rows: 10000, done: false }, { rows: 20000, done: false }, { rows: 25000, done: true },
    ]);
    assert.equal(sink.updates.length, 25000);
    assert.deepEqual(sink.updates[24999], { row: { id: 25000n, name: 'n25000' }, weight: 1 });
    assert.deepEqual(sink.errors, []);
  });

  test('reads PostgreSQL types as Feldera passes them through its JSON parser', async () => {
    await postgres.query(`CREATE TABLE every_type (
      b BOOL, i2 INT2, i4 INT4, i8 INT8, f4 FLOAT4, f8 FLOAT8, d NUMERIC(28, 2), big NUMERIC(38, 10), t TEXT, v VARCHAR(10), c CHAR(3),
      day DATE, clock TIME, ts TIMESTAMP, tstz TIMESTAMPTZ, u UUID, j JSON, jb JSONB, bytes BYTEA,
      ints INT4[], texts TEXT[], decimals NUMERIC(10, 2)[], grid INT4[][], special FLOAT8)`);
    await postgres.query(`INSERT INTO every_type VALUES (
      true, 12, 1234, 1234567890123456789, 3.14, 2.718281828459045, 12345.67, 1234567890123456789012345678.0123456789, 'some text', 'Hello', 'A',
      '2025-01-31', '12:34:56.789', '2025-01-31 12:34:56.123456', '2025-01-31 12:34:56+02', '123e4567-e89b-12d3-a456-426614174000',
      '{"key": "value", "n": [1, 2.5]}', '{"b": true}', '\\xDEADBEEF',
      '{1,NULL,3}', '{"a b","c\\"d",NULL}', '{1.5,2.25}', '{{1,2},{3,4}}', 'NaN')`);
    const sqlTable = inputTable('t', [
      ['b', 'BOOLEAN'], ['i2', 'SMALLINT'], ['i4', 'INT'], ['i8', 'BIGINT'], ['f4', 'REAL'], ['f8', 'DOUBLE'], ['d', 'DECIMAL(28, 2)'],
      ['big', 'DECIMAL(38, 10)'], ['t', 'VARCHAR'], ['v', 'VARCHAR(10)'], ['c', 'CHAR(3)'], ['day', 'DATE'], ['clock', 'TIME'], ['ts', 'TIMESTAMP'],
      ['tstz', 'TIMESTAMP'], ['u', 'UUID'], ['j', 'VARIANT'], ['jb', 'VARIANT'], ['bytes', 'VARBINARY'], ['ints', 'INT ARRAY'],
      ['texts', 'VARCHAR ARRAY'], ['decimals', 'DECIMAL(10, 2) ARRAY'], ['grid', 'INT ARRAY ARRAY'], ['special', 'DOUBLE'],
    ]);
    const sink = new RecordingSink();
    await queryInput({ query: 'SELECT * FROM every_type' }, sqlTable).run(sink);
    assert.deepEqual(sink.errors, []);
    // The JSON a Feldera user would send for the same row.
    const asJson = coerceRow(sqlTable.columns, {
      b: true, i2: 12, i4: 1234, i8: 1234567890123456789n, f4: 3.14, f8: 2.718281828459045, d: '12345.67', big: '1234567890123456789012345678.0123456789',
      t: 'some text', v: 'Hello', c: 'A', day: '2025-01-31', clock: '12:34:56.789', ts: '2025-01-31 12:34:56.123456', tstz: '2025-01-31T10:34:56Z',
      u: '123e4567-e89b-12d3-a456-426614174000', j: { key: 'value', n: [1, 2.5] }, jb: { b: true }, bytes: [0xde, 0xad, 0xbe, 0xef],
      ints: [1, null, 3], texts: ['a b', 'c"d', null], decimals: ['1.5', '2.25'], grid: [[1, 2], [3, 4]], special: 'NaN',
    });
    assert.deepEqual(sink.updates, [{ row: asJson, weight: 1 }]);
  });

  test('reports a row whose value does not fit its column and still pushes the others', async () => {
    const sink = new RecordingSink();
    await queryInput({ query: 'SELECT 1 AS id, \'x\' AS name UNION ALL SELECT 2, \'y\' UNION ALL SELECT NULL, \'z\'' }, NUMBERS).run(sink);
    assert.equal(sink.updates.length, 2);
    assert.equal(sink.errors.length, 1);
    assert.match(sink.errors[0]!.message, /^connector t\.pg: row 3 of the query: column "id" \(BIGINT\): .*NULL.* \(record skipped\)$/);
  });

  test('after a restart, reads nothing more once every row was pushed; in the middle, reads again with a primary key and refuses without one', async () => {
    const done = new RecordingSink();
    await queryInput({ query: 'SELECT id, name FROM numbers WHERE id <= 3' }, NUMBERS).run(done, { rows: 3, done: true });
    assert.deepEqual(done.pushes, []);

    const keyed = new RecordingSink();
    await queryInput({ query: 'SELECT id, name FROM numbers WHERE id <= 3' }, inputTable('t', [['id', 'BIGINT'], ['name', 'VARCHAR']], ['id'])).run(keyed, { rows: 2, done: false });
    assert.equal(keyed.updates.length, 3);

    const error = await rejection(queryInput({ query: 'SELECT id, name FROM numbers' }, NUMBERS).run(new RecordingSink(), { rows: 2, done: false }));
    assert.equal(error.code, 'POSTGRES_READ_INTERRUPTED');
    assert.match(error.message, /^connector t\.pg: query: the query's result was cut short .* table t has no primary key/);
  });

  test('says which configuration options are wrong, without showing the URI', () => {
    const sqlTable = NUMBERS;
    const create = (config: unknown, format?: unknown): unknown => createInputConnector(
      { name: 'postgres_input', config, ...(format === undefined ? {} : { format: format as { name: string } }) },
      { connector: 't.pg', table: sqlTable, baseDir: '.' },
    );
    assert.throws(() => create({ uri: 'mysql://root:hunter2@db/x', query: ' ; ', ssl_client_pem: '-----BEGIN CERTIFICATE-----', verify_hostnme: true }, { name: 'json' }), (error) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map((p) => p.field).sort(), ['format', 'query', 'ssl_client_pem', 'uri', 'verify_hostnme']);
      assert.match(error.message, /verify_hostnme: is not a postgres_input option; did you mean verify_hostname\?/);
      assert.match(error.message, /ssl_client_pem: needs ssl_ca_pem or ssl_ca_location/);
      assert.ok(!error.message.includes('hunter2'), error.message);
      return true;
    });
    assert.throws(() => create({ uri: 'not a url :hunter2@', query: 'SELECT 1' }), (error) => {
      assert.ok(error instanceof ConfigError && !error.message.includes('hunter2'), String(error));
      return true;
    });
  });

  test('a wrong password, a query PostgreSQL refuses and a missing NOT NULL column are one clear error each, without the password', async () => {
    const login = await rejection(queryInput({ uri: postgres.uri({ password: 'not-the-password' }), query: 'SELECT 1' }, NUMBERS).run(new RecordingSink()));
    assert.equal(login.code, 'POSTGRES_LOGIN_FAILED');
    assert.match(login.message, /^connector t\.pg: uri: PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres refused the login \(password authentication failed for user "postgres"\)/);
    assertNoPassword(login.message);

    const syntax = await rejection(queryInput({ query: 'SELECT id FORM numbers' }, NUMBERS).run(new RecordingSink()));
    assert.equal(syntax.code, 'POSTGRES_QUERY_FAILED');
    assert.equal(syntax.message, 'connector t.pg: query: PostgreSQL cannot run the query: syntax error at or near "numbers" (at character 16 of the query)');

    const smuggled = await rejection(queryInput({ query: 'SELECT id, name FROM numbers; DROP TABLE numbers' }, NUMBERS).run(new RecordingSink()));
    assert.equal(smuggled.code, 'POSTGRES_QUERY_FAILED');
    assert.match(smuggled.message, /cannot insert multiple commands into a prepared statement/);
    assert.equal((await postgres.query('SELECT count(*)::int AS n FROM numbers'))[0]!['n'], 25000);

    const missing = await rejection(queryInput({ query: 'SELECT name FROM numbers' }, NUMBERS).run(new RecordingSink()));
    assert.equal(missing.code, 'POSTGRES_COLUMNS_MISSING');
    assert.match(missing.message, /^connector t\.pg: query: returns no column for id, NOT NULL in table t/);
    assert.deepEqual(missing.context, { connector: 't.pg', field: 'query' });
  });

  test('rows of an interrupted run are not lost: the table with a primary key ends as the query says', async () => {
    const sqlTable = inputTable('t', [['id', 'BIGINT'], ['name', 'VARCHAR']], ['id']);
    const first = new RecordingSink();
    const connector = queryInput({ query: 'SELECT id, name FROM numbers ORDER BY id' }, sqlTable);
    first.onPush = () => connector.stop();
    await connector.run(first);
    assert.deepEqual(first.pushes.map((p) => p.position), [{ rows: 10000, done: false }]);
    const second = new RecordingSink();
    await queryInput({ query: 'SELECT id, name FROM numbers ORDER BY id' }, sqlTable).run(second, first.lastPosition);
    assert.equal(tableRows([...first.updates, ...second.updates], ['id']).length, 25000);
  });
});
