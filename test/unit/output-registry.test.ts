// Output connectors come from a registry by Feldera's transport name; each one's configuration
// problems are reported at their place in the program, with the connector and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTPUT_TRANSPORT_NAMES, outputTransport } from '../../src/connectors/outputs/registry.js';
import { compileSource } from '../../src/pipeline/program.js';
import { positionOf } from '../support/programs.js';

const TABLE = 'CREATE TABLE t (id INT NOT NULL, s VARCHAR);';

/** Table t and view v with one connector, `connector` being its JSON. */
function program(connector: string, index = ''): string {
  return `${TABLE}\nCREATE VIEW v WITH ('connectors' = '[${connector}]') AS SELECT * FROM t;\n${index}`;
}

/** Every problem of the program, each as `line:col: message`. */
function problems(sql: string): string[] {
  return compileSource(sql, '/programs/p.sql').problems.map((p) => p.message.replace('/programs/p.sql:', ''));
}

/** Expects exactly one problem: `message` at where `at` starts in the program. */
function assertProblem(sql: string, at: string, message: string): void {
  assert.deepEqual(problems(sql), [`${positionOf(sql, at)}: connector v.unnamed-0: ${message}`]);
}

const FILE = '"transport": {"name": "file_output", "config": {"path": "out.json"}}';

test('the registry knows the DynamoDB and the file output, by Feldera\'s transport names', () => {
  assert.deepEqual(OUTPUT_TRANSPORT_NAMES, ['dynamodb_output', 'file_output']);
  assert.equal(outputTransport('dynamodb_output')?.requiresIndex, true);
  assert.equal(outputTransport('file_output')?.requiresIndex, false);
  assert.equal(outputTransport('toString'), undefined, 'no inherited names');
});

test('an unknown output transport lists the registered ones, or suggests the one it is close to', () => {
  assertProblem(program('{"transport": {"name": "kafka_output"}}'), '"name": "kafka_output"',
    'unknown output transport "kafka_output"; the supported output transports are "dynamodb_output", "file_output"');
  assertProblem(program('{"transport": {"name": "file_outptu", "config": {"path": "x"}}}'), '"name": "file_outptu"',
    'unknown output transport "file_outptu"; did you mean "file_output"?');
});

test('a file_output with json insert_delete, or with no format at all, is a valid connector writing next to the program', () => {
  for (const format of ['', ', "format": {"name": "json", "config": {"update_format": "insert_delete", "array": false, "json_flavor": "default"}}']) {
    const compiled = compileSource(program(`{${FILE}${format}}`), '/programs/p.sql');
    assert.deepEqual(compiled.problems, []);
    const [output] = compiled.endpoints.outputs;
    assert.equal(output?.connector.target, 'file /programs/out.json');
    assert.deepEqual(output?.connector.settings, { path: '/programs/out.json', format: 'json', update_format: 'insert_delete' });
    assert.equal(output?.index, undefined);
  }
});

test('file_output needs a path, and takes no other transport option', () => {
  assertProblem(program('{"transport": {"name": "file_output"}}'), '"transport"',
    'path: is required: the path of the file to write (relative paths start at the program\'s directory)');
  assertProblem(program('{"transport": {"name": "file_output", "config": {"path": "o.json", "pth": 1}}}'), '"pth"',
    'pth: is not a file_output option; did you mean path?');
  assertProblem(program('{"transport": {"name": "file_output", "config": {"path": ""}}}'), '"path"', 'path: must not be empty (got "")');
});

test('file_output writes json with update_format insert_delete only; anything else names the field, with a suggestion when one is close', () => {
  const cases: Array<[format: string, at: string, message: string]> = [
    ['{"name": "csv"}', '"name": "csv"', 'format.name: "csv" is not a format file_output writes (valid: json)'],
    ['{"name": "jsn"}', '"name": "jsn"', 'format.name: "jsn" is not a format file_output writes; did you mean json?'],
    ['{"name": "json", "config": {"update_format": "raw"}}', '"update_format"',
      'format.config.update_format: "raw" is not an update format file_output writes (valid: insert_delete)'],
    ['{"name": "json", "config": {"update_format": "insert_delet"}}', '"update_format"',
      'format.config.update_format: "insert_delet" is not an update format file_output writes; did you mean insert_delete?'],
    ['{"name": "json", "config": {"update_fromat": "insert_delete"}}', '"update_fromat"',
      'format.config.update_fromat: is not a JSON output format option; did you mean update_format?'],
    ['{"name": "json", "config": {"array": true}}', '"array"', 'format.config.array: must be false: every event is written on a line of its own (got true)'],
    ['{"name": "json", "config": {"json_flavor": "debezium_mysql"}}', '"json_flavor"',
      'format.config.json_flavor: "debezium_mysql" is not a JSON flavor file_output writes (valid: default)'],
  ];
  for (const [format, at, message] of cases) {
    const sql = program(`{${FILE}, "format": ${format}}`);
    assertProblem(sql, at, message);
  }
});

test('every problem of a file_output is reported at once', () => {
  const sql = program('{"transport": {"name": "file_output", "config": {"pth": "o"}}, "format": {"name": "json", "config": {"update_format": "raw"}}}');
  assert.deepEqual(problems(sql), [
    `${positionOf(sql, '"config"')}: connector v.unnamed-0: path: is required: the path of the file to write (relative paths start at the program's directory)`,
    `${positionOf(sql, '"pth"')}: connector v.unnamed-0: pth: is not a file_output option; did you mean path?`,
    `${positionOf(sql, '"update_format"')}: connector v.unnamed-0: format.config.update_format: "raw" is not an update format file_output writes (valid: insert_delete)`,
  ]);
});

test('file_output takes no index, as Feldera\'s JSON encoder takes none; dynamodb_output requires one and takes no format', () => {
  assertProblem(program(`{"index": "v_idx", ${FILE}}`, 'CREATE INDEX v_idx ON v(id);'), '"index"',
    'index: is not allowed: file_output writes every change of the view as it comes, not updates by key');
  const dynamodb = '"transport": {"name": "dynamodb_output", "config": {"table": "things", "region": "us-east-1"}}';
  assertProblem(program(`{${dynamodb}}`), '{"transport"', 'the DynamoDB output connector requires the view to have a unique key: '
    + 'declare one with CREATE INDEX <name> ON v(<key columns>) and name it in the connector\'s "index" property');
  assertProblem(program(`{"index": "v_idx", ${dynamodb}, "format": {"name": "json"}}`, 'CREATE INDEX v_idx ON v(id);'), '"format"',
    'format: is not allowed: the dynamodb_output transport writes DynamoDB items and takes no format');
});

test('the output connector options (buffer, queue) apply to file_output as to dynamodb_output', () => {
  const compiled = compileSource(program(`{${FILE}, "enable_output_buffer": true, "max_output_buffer_time_millis": 500, "max_queued_records": 10}`), 'p.sql');
  assert.deepEqual(compiled.problems, []);
  const [output] = compiled.endpoints.outputs;
  assert.deepEqual(output?.buffer, { enabled: true, maxTimeMillis: 500, maxRecords: 10_000_000 });
  assert.equal(output?.maxQueuedRecords, 10);
});
