import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSource } from '../../src/pipeline/program.js';

const table = "CREATE TABLE t (id INT NOT NULL, s VARCHAR, b BOOLEAN);";

function problems(sql: string): string[] {
  return compileSource(sql, 'p.sql').problems.map((p) => p.message);
}

function view(connectors: string, extra = 'CREATE INDEX v_idx ON v(id);'): string {
  return `${table}\nCREATE VIEW v WITH ('connectors' = '${connectors}') AS SELECT * FROM t;\n${extra}`;
}

test('the seed example compiles to one datagen input and one DynamoDB output with Feldera\'s endpoint names', () => {
  const program = compileSource(`CREATE TABLE t0 (id INT NOT NULL, sort VARCHAR NOT NULL, s VARCHAR) WITH (
'connectors' = '[{"transport": {"name": "datagen", "config": {"plan": [{ "rate": 1, "limit": 5 }]}}}]');
CREATE MATERIALIZED VIEW v1 WITH ('connectors' = '[{"index": "v1_idx", "transport": {"name": "dynamodb_output",
"config": {"table": "feldera_out", "region": "us-east-1"}}}]') AS SELECT * FROM t0;
CREATE INDEX v1_idx ON v1(id, sort);`, 'seed.sql');
  assert.deepEqual(program.problems, []);
  assert.deepEqual(program.endpoints.inputs.map((i) => i.name), ['t0.unnamed-0']);
  const [output] = program.endpoints.outputs;
  assert.equal(output?.name, 'v1.unnamed-0');
  assert.deepEqual(output?.index?.columns, ['id', 'sort']);
  assert.equal(output?.connector.target, 'DynamoDB table feldera_out');
  assert.equal(output?.connector.settings['batch_size'], 25);
  assert.deepEqual(output?.buffer, { enabled: false, maxTimeMillis: null, maxRecords: 10_000_000 });
  assert.equal(output?.maxQueuedRecords, 1_000_000);
});

test('JSON that does not parse is reported at its line and column in the program', () => {
  const sql = view('[{"index": "v_idx",\n  "transport": {"name": "dynamodb_output" "config": {}}}]');
  assert.deepEqual(problems(sql), ["p.sql:3:43: property 'connectors' is not valid JSON: comma expected"]);
});

test('an escaped quote inside the property string keeps positions exact', () => {
  const sql = view(`[{"index": "v_idx", "name": "it''s", "transport": {"name": "dynamodb_output",\n "config": {"table": "xyz", "region": "r", "bogus": 1}}}]`);
  assert.deepEqual(problems(sql), [
    'p.sql:3:44: connector v.it\'s: bogus: is not a DynamoDB output option (the options are table, region, endpoint_url, aws_access_key_id, aws_secret_access_key, write_mode, batch_size, max_buffer_size_bytes, max_concurrent_requests, threads, max_retries, request_timeout_millis, pipelined_steps, put_condition_expression, delete_condition_expression, dead_letter_path, price_per_million_write_units, price_per_wcu_hour)',
  ]);
});

test('a DynamoDB output without an index gets Feldera\'s advice', () => {
  const [message] = problems(view('[{"transport": {"name": "dynamodb_output", "config": {"table": "xyz", "region": "r"}}}]', ''));
  assert.match(message ?? '', /^p\.sql:2:38: connector v\.unnamed-0: the DynamoDB output connector requires the view to have a unique key: declare one with CREATE INDEX <name> ON v\(<key columns>\)/);
});

test('the connector index must be an index of the view, with key-able columns', () => {
  const other = `${table}\nCREATE VIEW w AS SELECT * FROM t;\nCREATE INDEX w_idx ON w(id);\n`
    + `CREATE VIEW v WITH ('connectors' = '[{"index": "w_idx", "transport": {"name": "dynamodb_output", "config": {"table": "xyz", "region": "r"}}}]') AS SELECT * FROM t;`;
  assert.match(problems(other)[0] ?? '', /p\.sql:4:\d+: connector v\.unnamed-0: index w_idx is an index of view w, not of v/);
  const boolKey = view('[{"index": "v_idx", "transport": {"name": "dynamodb_output", "config": {"table": "xyz", "region": "r"}}}]', 'CREATE INDEX v_idx ON v(b);');
  assert.match(problems(boolKey)[0] ?? '', /column b has type BOOLEAN, which cannot be a DynamoDB key attribute/);
});

test('unknown transports and connector properties are named, with a suggestion', () => {
  assert.match(problems(view('[{"index": "v_idx", "transport": {"name": "kafka_output"}}]'))[0] ?? '',
    /unknown output transport "kafka_output"; the supported output transports are "dynamodb_output", "file_output"$/);
  assert.match(problems(view('[{"indx": "v_idx", "transport": {"name": "dynamodb_output"}}]'))[0] ?? '', /unknown connector property "indx"/);
  const input = `CREATE TABLE t (id INT) WITH ('connectors' = '[{"transport": {"name": "datagenn"}}]');`;
  assert.match(problems(input)[0] ?? '', /p\.sql:1:\d+: .*did you mean datagen\?/);
});

test('all problems of a program are reported at once, in source order', () => {
  const sql = `${table}
CREATE VIEW a AS SELECT nope FROM t;
CREATE VIEW b AS SELECT id FROM missing;
CREATE INDEX i ON a(id);`;
  const found = problems(sql);
  // The index on view a, which failed, is no second problem.
  assert.deepEqual(found.map((p) => p.replace(/: .*/, '')), ['p.sql:2:25', 'p.sql:3:33']);
  assert.match(found[1]!, /^p\.sql:3:33: unknown table or view missing$/);
});

test('view columns get their types from the query, for the connector and for --local tables', () => {
  const program = compileSource(`${table}
CREATE VIEW v AS SELECT id * 2 AS twice, UPPER(s) AS up, CAST(id AS DECIMAL(10, 2)) AS d, b IS NULL AS missing FROM t WHERE id > 0;`, 'p.sql');
  assert.deepEqual(program.problems, []);
  const v = program.catalog.relations.get('v');
  assert.deepEqual(v?.columns.map((c) => [c.name, c.type.kind, c.nullable]), [
    ['twice', 'integer', false], ['up', 'varchar', true], ['d', 'decimal', false], ['missing', 'boolean', false],
  ]);
});

test('a bad price option of a DynamoDB output is reported at its place in the program, with its rule', () => {
  const sql = view('[{"index": "v_idx", "transport": {"name": "dynamodb_output",\n "config": {"table": "xyz", "region": "r", "price_per_wcu_hour": -1}}}]');
  assert.deepEqual(problems(sql), [
    'p.sql:3:44: connector v.unnamed-0: price_per_wcu_hour: must be a number of at least 0 (got -1)',
  ]);
});
