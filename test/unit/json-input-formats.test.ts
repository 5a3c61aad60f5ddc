// Feldera's JSON update formats and flavors, as the input decoder reads them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInputDecoder } from '../../src/connectors/formats/decoder.js';
import type { InputRecordError } from '../../src/connectors/formats/record-error.js';
import { parseInputFormat } from '../../src/connectors/formats/registry.js';
import type { InputTable } from '../../src/connectors/inputs/input.js';
import type { Update } from '../../src/schema.js';
import { ConfigProblems } from '../../src/util/config-problems.js';
import { formatProblems, inputTable } from '../support/inputs.js';

const TABLE = inputTable('t', [['id', 'BIGINT', false], ['name', 'VARCHAR']]);

const TYPES = inputTable('types', [
  ['id', 'INT'], ['t', 'TIME'], ['d', 'DATE'], ['ts', 'TIMESTAMP'], ['amount', 'DECIMAL(10, 2)'], ['v', 'VARIANT'],
  ['b', 'VARBINARY'], ['u', 'UUID'], ['times', 'TIME ARRAY'],
]);

/** The changes and error reasons of `lines` read with the JSON format `config`. */
function decode(config: Record<string, unknown>, lines: string[], table: InputTable = TABLE): { changes: Update[]; errors: string[] } {
  const problems = new ConfigProblems();
  const format = parseInputFormat({ name: 'json', config }, problems);
  problems.throwIfAny('test format');
  const errors: InputRecordError[] = [];
  const decoder = createInputDecoder(format, table, { source: 'in', onError: (error) => errors.push(error) });
  const changes = [...decoder.write(Buffer.from(lines.join('\n'))).changes, ...decoder.end().changes];
  return { changes, errors: errors.map((e) => `${e.context.line}: ${e.reason}`) };
}

const problemsOf = (config: unknown): string[] => formatProblems('json', config);

describe('weighted', () => {
  test('{"weight": n, "data": row} is the row with weight n, negative weights included; 0 changes nothing', () => {
    const { changes, errors } = decode({ update_format: 'weighted' }, [
      '{"weight": 3, "data": {"id": 1, "name": "a"}}',
      '{"data": {"id": 1}, "weight": -2, "table": "t"}',
      '{"weight": 0, "data": {"id": 9}}',
    ]);
    assert.deepEqual(errors, []);
    assert.deepEqual(changes, [{ row: { id: 1n, name: 'a' }, weight: 3 }, { row: { id: 1n, name: null }, weight: -2 }]);
  });

  test('a weight that is not an integer, or a missing weight or data, is a bad record', () => {
    const { changes, errors } = decode({ update_format: 'weighted' }, [
      '{"weight": 1.5, "data": {"id": 1}}',
      '{"weight": "2", "data": {"id": 1}}',
      '{"weight": 99999999999999999999, "data": {"id": 1}}',
      '{"data": {"id": 1}}',
      '{"weight": 1}',
      '{"weight": 1, "data": {"id": "x"}}',
      '[{"weight": 1, "data": {"id": 1}}]',
    ]);
    assert.deepEqual(changes, []);
    assert.deepEqual(errors, [
      '1: "weight" must be an integer between -9007199254740991 and 9007199254740991, got 1.5',
      '2: "weight" must be an integer between -9007199254740991 and 9007199254740991, got "2"',
      '3: "weight" must be an integer between -9007199254740991 and 9007199254740991, got 99999999999999999999',
      '4: "weight" is missing: expected {"weight": n, "data": {...}}',
      '5: "data" is missing: expected {"weight": n, "data": {...}}',
      '6: "data": column "id" (BIGINT): expected an integer, got "x"',
      '7: expected an object such as {"weight": 1, "data": {...}}, got an array',
    ]);
  });
});

describe('debezium', () => {
  test('only the payload is read: before is deleted, after is inserted, in that order', () => {
    const { changes, errors } = decode({ update_format: 'debezium', json_flavor: 'debezium_postgres' }, [
      '{"schema": {"type": "struct"}, "payload": {"before": null, "after": {"id": 1, "name": "a"}, "op": "c", "source": {"table": "x"}, "ts_ms": 5}}',
      '{"payload": {"before": {"id": 1, "name": "a"}, "after": {"id": 1, "name": "b"}, "op": "u"}}',
      '{"payload": {"before": {"id": 1, "name": "b"}, "op": "d"}}',
      '{"payload": {"after": {"id": 2}, "op": "r"}}',
    ]);
    assert.deepEqual(errors, []);
    assert.deepEqual(changes, [
      { row: { id: 1n, name: 'a' }, weight: 1 },
      { row: { id: 1n, name: 'a' }, weight: -1 },
      { row: { id: 1n, name: 'b' }, weight: 1 },
      { row: { id: 1n, name: 'b' }, weight: -1 },
      { row: { id: 2n, name: null }, weight: 1 },
    ]);
  });

  test('op is checked, and the payload wrapper is required', () => {
    const { changes, errors } = decode({ update_format: 'debezium' }, [
      '{"payload": {"after": {"id": 1}, "op": "x"}}',
      '{"payload": {"after": {"id": 1}}}',
      '{"after": {"id": 1}, "op": "c"}',
      '{"payload": null}',
      '{"payload": {"after": {"id": "one"}, "op": "c"}}',
    ]);
    assert.deepEqual(changes, []);
    assert.deepEqual(errors, [
      '1: "payload": "op" must be one of "c", "u", "d", "r", got "x"',
      '2: "payload": "op" must be one of "c", "u", "d", "r", got nothing',
      '3: "payload" is missing (Debezium\'s JSON converter needs schemas.enable=true)',
      '4: "payload": expected a Debezium payload {"op": ..., "before": ..., "after": ...}, got null',
      '5: "payload.after": column "id" (BIGINT): expected an integer, got "one"',
    ]);
  });

  test('debezium_postgres: TIME in microseconds, DATE in days, TIMESTAMP in milliseconds, DECIMAL as a string, VARIANT as JSON text', () => {
    const { changes, errors } = decode({ update_format: 'debezium', json_flavor: 'debezium_postgres' }, [JSON.stringify({
      payload: {
        op: 'c',
        after: {
          id: 1, t: 10_800_000_123, d: 16_816, ts: 1_529_501_823_456, amount: '12.50', v: '{"a": [1, 2.5], "b": null}', b: [1, 2, 255],
          u: '550E8400-E29B-41D4-A716-446655440000', times: [0, 86_399_999_999],
        },
      },
    })], TYPES);
    assert.deepEqual(errors, []);
    assert.deepEqual(changes[0]?.row, {
      id: 1, t: '03:00:00.000123', d: '2016-01-16', ts: '2018-06-20 13:37:03.456', amount: '12.5', v: { a: [1, 2.5], b: null },
      b: new Uint8Array([1, 2, 255]), u: '550e8400-e29b-41d4-a716-446655440000', times: ['00:00:00', '23:59:59.999999'],
    });
  });

  test('debezium_mysql: TIMESTAMP as YYYY-MM-DDTHH:MM:SS whose fraction and zone chrono\'s %Z skips; the rest as debezium_postgres', () => {
    const rows = ['2018-06-20T13:37:03Z', '2018-06-20T13:37:03.123456Z', '2018-06-20T13:37:03+02:00']
      .map((ts) => JSON.stringify({ payload: { op: 'c', after: { id: 1, ts, d: -1, t: 0 } } }));
    const { changes, errors } = decode({ update_format: 'debezium', json_flavor: 'debezium_mysql' }, rows, TYPES);
    assert.deepEqual(errors, []);
    assert.deepEqual(changes.map((c) => [c.row['ts'], c.row['d'], c.row['t']]), [
      ['2018-06-20 13:37:03', '1969-12-31', '00:00:00'],
      ['2018-06-20 13:37:03', '1969-12-31', '00:00:00'],
      ['2018-06-20 13:37:03', '1969-12-31', '00:00:00'],
    ]);
  });

  test('the debezium flavors refuse the text forms of the default flavor, naming the form they want', () => {
    const { errors } = decode({ json_flavor: 'debezium_postgres', update_format: 'raw' }, [
      '{"t": "03:00:00"}', '{"d": "2016-01-16"}', '{"ts": "2018-06-20 13:37:03"}', '{"v": {"a": 1}}', '{"v": "{oops"}', '{"t": 86400000000}',
    ], TYPES);
    assert.deepEqual(errors, [
      '1: column "t" (TIME): expected an integer count of microseconds since midnight, got "03:00:00"',
      '2: column "d" (DATE): expected an integer count of days since 1970-01-01, got "2016-01-16"',
      '3: column "ts" (TIMESTAMP): expected an integer count of milliseconds since 1970-01-01, got "2018-06-20 13:37:03"',
      '4: column "v" (VARIANT): expected a string, got {"a":1}',
      '5: column "v" (VARIANT): "{oops" is not JSON text: expected a property name in double quotes at character 2',
      '6: column "t" (TIME): 86400000000 microseconds is not a time of day (0 to 86399999999)',
    ]);
  });
});

describe('insert_delete and raw', () => {
  test('unknown keys of a row are ignored, as Feldera\'s generated deserializers do; unknown keys of an event are not', () => {
    const { changes, errors } = decode({}, ['{"insert": {"id": 1, "colour": "red"}}', '{"insert": {"id": 2}, "upsert": {"id": 3}}']);
    assert.deepEqual(changes, [{ row: { id: 1n, name: null }, weight: 1 }]);
    assert.deepEqual(errors, ['2: "upsert" is not an event key (insert, delete, update); did you mean insert?']);
  });

  test('a null action counts as absent, as Feldera\'s Option fields do', () => {
    const { changes, errors } = decode({}, ['{"insert": {"id": 1}, "delete": null}', '{"insert": null}']);
    assert.deepEqual(changes, [{ row: { id: 1n, name: null }, weight: 1 }]);
    assert.deepEqual(errors, ['2: the event has none of "insert", "delete" and "update"']);
  });

  test('integer columns also take decimal text, exactly', () => {
    const { changes, errors } = decode({ update_format: 'raw' }, ['{"id": "-9223372036854775808"}', '{"id": "1e3"}']);
    assert.deepEqual(changes, [{ row: { id: -9223372036854775808n, name: null }, weight: 1 }]);
    assert.deepEqual(errors, ['2: column "id" (BIGINT): expected an integer, got "1e3"']);
  });
});

describe('configuration', () => {
  test('every update format and the supported flavors are accepted', () => {
    for (const update_format of ['insert_delete', 'raw', 'weighted', 'debezium']) {
      for (const json_flavor of ['default', 'datagen', 'debezium_postgres', 'debezium_mysql']) {
        assert.deepEqual(problemsOf({ update_format, json_flavor, array: true, lines: 'single' }), []);
      }
    }
  });

  test('unsupported values name the field and say what is supported', () => {
    assert.deepEqual(problemsOf({ update_format: 'redis', json_flavor: 'pandas' }), [
      'format.config.json_flavor: "pandas" is not supported by dynaview (supported: default, datagen, debezium_postgres, debezium_mysql)',
      'format.config.update_format: "redis" is an output format; Feldera rejects it for input too (use one of "insert_delete", "raw", "weighted", "debezium")',
    ]);
    assert.deepEqual(problemsOf({ update_format: 'debezum', json_flavor: 'debezium_pg' }), [
      'format.config.json_flavor: "debezium_pg" is not a JSON flavor (valid: default, datagen, debezium_postgres, debezium_mysql)',
      'format.config.update_format: "debezum" is not an update format; did you mean debezium?',
    ]);
  });
});
