import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { InputConnector, InputTable, InputTransport } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import { buildCatalog } from '../../src/engine/catalog.js';
import { Circuit } from '../../src/engine/circuit.js';
import { parseProgram } from '../../src/sql/parser.js';
import { InputRecordError } from '../../src/connectors/formats/record-error.js';
import { ConfigError, DynaviewError, type ConfigProblem } from '../../src/errors.js';
import { inputTable, RecordingSink } from '../support/inputs.js';
import { useTempFiles } from '../support/temp-files.js';

const CONNECTOR = 't.file-0';

const TABLE = inputTable('t', [['id', 'BIGINT', false], ['name', 'VARCHAR'], ['amount', 'DECIMAL(38, 2)']]);

const temp = useTempFiles('dynaview-file-input-');
const file = (content: string) => temp.file(content);

function connector(path: string, formatConfig: unknown = {}, transport: Partial<InputTransport> = {}): InputConnector {
  return createInputConnector(
    { name: 'file_input', config: { path }, format: { name: 'json', config: formatConfig }, ...transport },
    { connector: CONNECTOR, table: TABLE, baseDir: temp.dir },
  );
}

async function read(content: string, formatConfig: unknown = {}): Promise<RecordingSink> {
  const sink = new RecordingSink();
  await connector(await file(content), formatConfig).run(sink);
  return sink;
}

function problemsOf(transport: InputTransport): ConfigProblem[] {
  try {
    createInputConnector(transport, { connector: CONNECTOR, table: TABLE, baseDir: temp.dir });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return [...error.problems];
  }
  assert.fail('configuration was accepted');
}

const row = (id: bigint, name: string | null = null, amount: string | null = null): Record<string, unknown> => ({ id, name, amount });

describe('update formats', () => {
  test('insert_delete (the default): insert is +1, delete is -1, both in one event is delete then insert', async () => {
    const sink = await read([
      '{"insert": {"id": 1, "name": "a"}}',
      '{"delete": {"id": 1, "name": "a"}}',
      '{"insert": {"id": 2, "name": "new"}, "delete": {"id": 2, "name": "old"}, "table": "t"}',
    ].join('\n'));
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(sink.updates, [
      { row: row(1n, 'a'), weight: 1 },
      { row: row(1n, 'a'), weight: -1 },
      { row: row(2n, 'old'), weight: -1 },
      { row: row(2n, 'new'), weight: 1 },
    ]);
  });

  test('raw: every record is a bare row to insert', async () => {
    const sink = await read('{"id": 1, "name": "a"}\n{"id": 2}\n', { update_format: 'raw' });
    assert.deepEqual(sink.updates, [{ row: row(1n, 'a'), weight: 1 }, { row: row(2n), weight: 1 }]);
  });

  test('keys match columns case-insensitively, unknown keys are ignored, missing columns are NULL', async () => {
    const sink = await read('{"ID": 7, "Name": "x", "extra": [1, 2]}', { update_format: 'raw' });
    assert.deepEqual(sink.updates, [{ row: row(7n, 'x'), weight: 1 }]);
  });

  test('an "update" event on a table without a primary key is reported and skipped', async () => {
    const sink = await read('{"update": {"id": 1}}\n{"insert": {"id": 2}}');
    assert.deepEqual(sink.updates, [{ row: row(2n), weight: 1 }]);
    assert.equal(sink.errors.length, 1);
    assert.match(sink.errors[0]?.message ?? '', /:1:1: record 1: "update" \(a partial update by primary key\) needs a table with a primary key, and t has none/);
  });
});

describe('partial updates, end to end', () => {
  test('"update" events of a file on a table with a primary key change only the columns they give, in the views too', async () => {
    const sql = 'CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR, amount DECIMAL(38, 2));\n'
      + 'CREATE VIEW v AS SELECT id, name, amount FROM items;';
    const { catalog, problems } = buildCatalog(parseProgram(sql, 'p.sql'), 'p.sql');
    assert.deepEqual(problems, []);
    const items = catalog.relations.get('items');
    assert.ok(items?.kind === 'table');
    const name = await file([
      '{"insert": {"id": 1, "name": "a", "amount": 5}}',
      '{"update": {"id": 1, "amount": 7}}',
      '{"update": {"id": 2, "amount": 1}}',
      '{"update": {"id": 1, "name": null}, "delete": {"id": 1}, "insert": {"id": 1, "name": "b", "amount": 9}}',
    ].join('\n'));
    const sink = new RecordingSink();
    const table: InputTable = { name: 'items', primaryKey: items.primaryKey, columns: items.columns };
    await createInputConnector({ name: 'file_input', config: { path: name }, format: { name: 'json' } }, { connector: 'items.f', table, baseDir: temp.dir }).run(sink);
    assert.deepEqual(sink.errors, []);
    const delta = new Circuit(catalog).step(new Map([['items', sink.updates]])).get('v');
    // Delete, insert, then update, within the last event: the update sets NULL in the row just inserted.
    assert.deepEqual(delta, [{ row: { id: 1n, name: null, amount: '9' }, weight: 1 }]);
  });
});

describe('array', () => {
  test('array: true reads one JSON array of events spread over many lines', async () => {
    const sink = await read('[\n  {"insert": {"id": 1}},\n  {"insert": {"id": 2}}\n]\n', { array: true });
    assert.deepEqual(sink.updates.map((u) => u.row['id']), [1n, 2n]);
  });

  test('array: true reads one array per line', async () => {
    const sink = await read('[{"id": 1}, {"id": 2}]\n[{"id": 3}]\n', { array: true, update_format: 'raw' });
    assert.deepEqual(sink.updates.map((u) => u.row['id']), [1n, 2n, 3n]);
  });

  test('array: true reports a message that is not an array, and bad events by their index', async () => {
    const sink = await read('{"id": 1}\n[{"id": 2}, {"id": "x"}, {"id": 4}]\n', { array: true, update_format: 'raw' });
    assert.deepEqual(sink.updates.map((u) => u.row['id']), [2n, 4n]);
    const messages = sink.errors.map((e) => e.message);
    assert.match(messages[0] ?? '', /input-\d+\.json:1:1: record 1: expected a JSON array of events/);
    assert.match(messages[1] ?? '', /input-\d+\.json:2:1: record 2, event 1 of the array: column "id" \(BIGINT\): expected an integer, got "x" \(event skipped\)$/);
  });

  test('array: false takes an array on a line as one (invalid) event', async () => {
    const sink = await read('[{"insert": {"id": 1}}]\n{"insert": {"id": 2}}');
    assert.deepEqual(sink.updates.map((u) => u.row['id']), [2n]);
    assert.match(sink.errors[0]?.message ?? '', /:1:1: record 1: expected an object such as \{"insert": \{\.\.\.\}\}/);
  });
});

describe('bad records', () => {
  test('bad records are reported with file:line and skipped; the good ones are ingested', async () => {
    const name = await file([
      '{"insert": {"id": 1}}',
      'not json',
      '{"insert": {"id": "two"}}',
      '',
      '{"insert": {"name": "no id"}}',
      '{"insret": {"id": 5}}',
      '{"insert": {"id": 6, "amount": "12.345"}}',
      '{"insert": {"id": 7,}}',
    ].join('\n'));
    const sink = new RecordingSink();
    await connector(name).run(sink);
    assert.deepEqual(sink.updates, [{ row: row(1n), weight: 1 }, { row: row(6n, null, '12.35'), weight: 1 }]);
    const messages = sink.errors.map((error) => error.message);
    assert.deepEqual(messages, [
      `${name}:2:1: record 2: not valid JSON: unexpected character "n" (record skipped)`,
      `${name}:3:1: record 3: "insert": column "id" (BIGINT): expected an integer, got "two" (record skipped)`,
      `${name}:5:1: record 4: "insert": column "id" (BIGINT): is missing and NOT NULL (record skipped)`,
      `${name}:6:1: record 5: "insret" is not an event key (insert, delete, update); did you mean insert? (record skipped)`,
      `${name}:8:21: record 7: not valid JSON: expected a property name in double quotes (record skipped)`,
    ]);
    const second = sink.errors[1];
    assert.ok(second instanceof InputRecordError);
    assert.equal(second.code, 'INPUT_INVALID_VALUE');
    assert.deepEqual(second.context, { column: 'id', connector: CONNECTOR, table: 't', file: name, line: 3, col: 1 });
    assert.deepEqual([second.source, second.record, second.reason], [name, 3, '"insert": column "id" (BIGINT): expected an integer, got "two"']);
    assert.equal(sink.errors[0]?.code, 'INPUT_INVALID_JSON');
    assert.equal(sink.errors[3]?.code, 'INPUT_INVALID_RECORD');
  });

  test('big integers and long decimals are kept exact', async () => {
    const sink = await read([
      '{"id": 9223372036854775807, "amount": 123456789012345678901234567890.12}',
      '{"id": -9223372036854775808, "amount": "0.10"}',
    ].join('\n'), { update_format: 'raw' });
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(sink.updates.map((u) => u.row), [
      row(9223372036854775807n, null, '123456789012345678901234567890.12'),
      row(-9223372036854775808n, null, '0.1'),
    ]);
  });

  test('Windows line ends and a byte order mark are read as plain lines', async () => {
    const sink = await read('\uFEFF{"id": 1}\r\n{"id": 2}\r\n', { update_format: 'raw' });
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(sink.updates.map((u) => u.row['id']), [1n, 2n]);
  });
});

describe('reading', () => {
  test('changes are pushed in chunks of 10 000', async () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => `{"insert": {"id": ${i}}}`).join('\n');
    const sink = await read(lines);
    assert.deepEqual(sink.pushes.map((push) => push.changes.length), [10_000, 10_000, 5_000]);
    assert.equal(sink.updates[24_999]?.row['id'], 24_999n);
  });

  test('relative paths start at the base directory; absolute paths are used as they are', async () => {
    const name = await file('{"insert": {"id": 1}}');
    const sink = new RecordingSink();
    await connector(join(temp.dir, name)).run(sink);
    assert.equal(sink.updates.length, 1);
  });

  test('a file that cannot be opened fails the connector', async () => {
    await assert.rejects(connector('missing.json').run(new RecordingSink()), (error: unknown) => {
      assert.ok(error instanceof DynaviewError);
      assert.equal(error.code, 'INPUT_FILE_UNREADABLE');
      assert.match(error.message, /cannot read missing\.json: ENOENT/);
      return true;
    });
    await assert.rejects(connector('missing.json', { array: true }).run(new RecordingSink()), /INPUT_FILE_UNREADABLE|cannot read missing\.json/);
  });

  test('stop() ends reading early', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"insert": {"id": ${i}}}`).join('\n');
    const input = connector(await file(lines));
    const sink = new RecordingSink(() => input.stop());
    await input.run(sink);
    assert.equal(sink.pushes.length, 1);
    assert.equal(sink.updates.length, 10_000);
  });
});

describe('configuration', () => {
  test('path is required and unknown options are rejected with a suggestion', () => {
    const problems = problemsOf({ name: 'file_input', config: { pth: 'x.json' }, format: { name: 'json' } });
    assert.deepEqual(new Set(problems.map((p) => `${p.field}: ${p.message}`)), new Set([
      'pth: is not a file_input option; did you mean path?',
      'path: is required: the path of the file to read (relative paths start at the program\'s directory)',
    ]));
    assert.deepEqual(problemsOf({ name: 'file_input', config: { path: 'x', follow: 'yes' }, format: { name: 'json' } }), [
      { field: 'follow', message: 'must be true or false (got "yes")' },
    ]);
  });

  test('a format is required and its options are checked', () => {
    assert.match(problemsOf({ name: 'file_input', config: { path: 'x' } })[0]?.message ?? '', /^is required: add "format"/);
    assert.deepEqual(problemsOf({ name: 'file_input', config: { path: 'x' }, format: { name: 'xml' } }), [
      { field: 'format.name', message: '"xml" is not an input format (valid: json, csv)' },
    ]);
    const problems = problemsOf({ name: 'file_input', config: { path: 'x' }, format: { name: 'json', config: { arrray: true, update_format: 'snowflake' } } });
    assert.equal(problems.find((p) => p.field === 'format.config.arrray')?.message, 'is not a JSON format option; did you mean array?');
    assert.equal(problems.find((p) => p.field === 'format.config.update_format')?.message,
      '"snowflake" is an output format; Feldera rejects it for input too (use one of "insert_delete", "raw", "weighted", "debezium")');
    assert.match(problemsOf({ name: 'file_input', config: { path: 'x' }, format: { name: 'json', config: { update_format: 'insert_delet' } } })[0]?.message ?? '',
      /did you mean insert_delete\?/);
  });
});
