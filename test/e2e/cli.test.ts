import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createTable, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { sortedRows } from '../support/items.js';
import { runCli, startCli, writeFiles } from '../support/cli.js';

const ddb = useDynamoDB();

/** The connector config fields that point a program at the test suite's DynamoDB Local. */
function connection(): string {
  return Object.entries(localConnection(ddb.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
}

test('the seed example runs unchanged with --local and leaves its 5 rows in feldera_out', async () => {
  const { code, stdout, stderr } = await runCli(['run', 'examples/seed.sql', '--local']);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /done in .*: \d+ steps?; input: t0\.unnamed-0 5 rows/);
  assert.match(stdout, /v1\.unnamed-0 -> DynamoDB table feldera_out: 5 written \(5 puts, 0 deletes\), 0 retries, 0 skipped, 0 failed/);
  assert.match(stdout, /DynamoDB table feldera_out \(5 items\):/);
  const table = stdout.slice(stdout.indexOf('DynamoDB table feldera_out'));
  const rows = table.split('\n').filter((l) => /^\| \d/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  assert.deepEqual(rows, [['0', '0', '0'], ['1', '1', '1'], ['2', '2', '2'], ['3', '3', '3'], ['4', '4', '4']]);
});

test('the tour\'s examples/people.sql runs as the README says: views over views, upserts, a delete and a partial update', async () => {
  const { code, stdout, stderr } = await runCli(['run', 'examples/people.sql', '--local']);
  assert.equal(code, 0, stderr);
  const table = stdout.slice(stdout.indexOf('DynamoDB table shouted'));
  const rows = table.split('\n').filter((l) => /^\| \d/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  assert.deepEqual(rows, [['2', '4', 'BOB!'], ['3', '10', 'CY!']]);
});

test('a file_input program with inserts, updates and deletes, and a view over a view with WHERE and computed columns', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const dir = writeFiles({
    'changes.json': [
      '{"insert": {"id": 1, "name": "ann", "score": 1.5}}',
      '{"insert": {"id": 2, "name": "bob", "score": 2}}',
      '{"insert": {"id": 3, "name": "cy", "score": -1}}',
      '{"insert": {"id": 4, "name": "dee", "score": 4}}',
      '{"insert": {"id": 1, "name": "ann", "score": 10}}',
      '{"delete": {"id": 2}}',
      '{"insert": {"id": 200, "name": "big", "score": 1}}',
    ].join('\n'),
    'prog.sql': `
      CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR, score DOUBLE) WITH ('connectors' = '[{
        "transport": {"name": "file_input", "config": {"path": "changes.json"}},
        "format": {"name": "json", "config": {"update_format": "insert_delete"}}
      }]');
      CREATE VIEW positive AS SELECT id, UPPER(name) AS name_upper, score * 2 AS doubled FROM people WHERE score > 0;
      CREATE VIEW shouted WITH ('connectors' = '[{
        "index": "shouted_idx",
        "transport": {"name": "dynamodb_output", "config": {"table": "${table}", ${connection()}}}
      }]') AS SELECT id, name_upper || '!' AS shout, doubled FROM positive WHERE id < 100;
      CREATE INDEX shouted_idx ON shouted(id);
    `,
  });
  const { code, stderr } = await runCli(['run', join(dir, 'prog.sql')]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [
    { id: 1, shout: 'ANN!', doubled: 20 },
    { id: 4, shout: 'DEE!', doubled: 8 },
  ]);
});

test('check reports every problem of a program with its file, line and column, and exits 2', async () => {
  const dir = writeFiles({
    'bad.sql': [
      'CREATE TABLE t (id INT NOT NULL, s VARCHAR);',
      'CREATE VIEW v WITH (\'connectors\' = \'[{"index": "v_idx", "transport": {"name": "dynamodb_output",',
      '  "config": {"table": "x", "region": "us-east-1", "batch_size": 30}}}]\') AS SELECT id, nope FROM t;',
      'CREATE VIEW w WITH (\'connectors\' = \'[{"index": "w_idx", "transport": {"name": "dynamodb_output",',
      '  "config": {"table": "x", "region": "us-east-1", "batch_size": 30}}}]\') AS SELECT id, s FROM t;',
      'CREATE INDEX w_idx ON w(id);',
    ].join('\n'),
  });
  const file = join(dir, 'bad.sql');
  const { code, stderr } = await runCli(['check', file]);
  assert.equal(code, 2);
  assert.match(stderr, new RegExp(`${file}:3:\\d+: .*nope`));
  assert.match(stderr, new RegExp(`${file}:5:\\d+: connector w.unnamed-0: batch_size: must be an integer from 1 to 25 in batch mode \\(got 30\\)`));
  assert.doesNotMatch(stderr, /at .*\.js:\d+/, 'no stack trace');
});

test('a syntax error and an unsupported construct are reported at their position', async () => {
  const dir = writeFiles({
    'syntax.sql': 'CREATE TABLE t (id INT NOT NULL);\nCREATE VIEW v AS SELEC id FROM t;\n',
    'group.sql': 'CREATE TABLE t (id INT NOT NULL, v INT);\nCREATE VIEW v AS SELECT id, v FROM t\n  GROUP BY id;\n',
  });
  const syntax = await runCli(['check', join(dir, 'syntax.sql')]);
  assert.equal(syntax.code, 2);
  assert.match(syntax.stderr, /syntax\.sql:2:18: /);
  const group = await runCli(['run', join(dir, 'group.sql')]);
  assert.equal(group.code, 2);
  assert.match(group.stderr, /group\.sql:2:29: column v must appear in GROUP BY or be used in an aggregate function/);
});

test('a valid program checks ok, and --describe compares the key schema of each target table', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'], range: ['sort', 'S'] });
  const program = (tableName: string): string => `
    CREATE TABLE t0 (id INT NOT NULL, sort VARCHAR NOT NULL, s VARCHAR);
    CREATE VIEW v1 WITH ('connectors' = '[{"index": "v1_idx", "transport": {"name": "dynamodb_output",
      "config": {"table": "${tableName}", ${connection()}}}}]') AS SELECT * FROM t0;
    CREATE INDEX v1_idx ON v1(id, sort);`;
  const dir = writeFiles({ 'good.sql': program(table), 'missing.sql': program('no_such_table') });
  const ok = await runCli(['check', join(dir, 'good.sql'), '--describe']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /good\.sql: ok \(1 table, 1 view, 0 input and 1 output connector; every target table matches its index\)/);
  const missing = await runCli(['check', join(dir, 'missing.sql'), '--describe']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /table no_such_table does not exist/);
});

test('SIGINT stops an unbounded input, finishes the current step, writes everything and exits 0', { timeout: 120_000 }, async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const dir = writeFiles({
    'forever.sql': `
      CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR) WITH ('connectors' = '[{
        "transport": {"name": "datagen", "config": {"plan": [{"rate": 500}]}}}]');
      CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
        "config": {"table": "${table}", ${connection()}}}}]') AS SELECT * FROM t;
      CREATE INDEX v_idx ON v(id);`,
  });
  const port = await freePort();
  const cli = startCli(['run', join(dir, 'forever.sql'), '--metrics-port', String(port)]);
  try {
    await cli.waitFor(/HTTP API at http/);
    // Runs until some hundred rows have been written, however long that takes on a loaded machine.
    const written = /^dynamodb_output_records_written_total\{endpoint="v\.unnamed-0"\} (\d+)$/m;
    for (;;) {
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      if (Number(written.exec(metrics)?.[1] ?? 0) >= 100) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const status = await (await fetch(`http://127.0.0.1:${port}/status`)).json() as {
      steps: number; outputs: Record<string, { settings: Record<string, unknown> }>;
    };
    assert.ok(status.steps > 0);
    assert.equal(status.outputs['v.unnamed-0']?.settings['aws_secret_access_key'], '***');
    cli.child.kill('SIGINT');
    const { code, stdout, stderr } = await cli.result;
    assert.equal(code, 0, stderr);
    const input = Number(/t\.unnamed-0 (\d+) rows/.exec(stdout)?.[1]);
    assert.ok(input >= 100, stdout);
    assert.match(stdout, new RegExp(`v\\.unnamed-0 -> DynamoDB table ${table}: ${input} written`));
    assert.equal((await scanAll(ddb.client, table)).length, input);
  } finally {
    // Never leave the run behind when an assertion fails: it would keep the test process alive.
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

test('a row the view cannot evaluate stops the run with exit 1 and names the view', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const dir = writeFiles({
    'rows.json': '{"id": 1, "d": 2}\n{"id": 2, "d": 0}\n',
    'div.sql': `
      CREATE TABLE t (id INT NOT NULL, d INT NOT NULL) WITH ('connectors' = '[{
        "transport": {"name": "file_input", "config": {"path": "rows.json"}},
        "format": {"name": "json", "config": {"update_format": "raw"}}}]');
      CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
        "config": {"table": "${table}", ${connection()}}}}]') AS SELECT id, 10 / d AS q FROM t;
      CREATE INDEX v_idx ON v(id);`,
  });
  const { code, stderr } = await runCli(['run', join(dir, 'div.sql')]);
  assert.equal(code, 1);
  assert.match(stderr, /error: \S*div\.sql:6:\d+: view v, column q: division by zero: 10 \/ 0 \(row: \{id: 2, d: 0\}\)/);
  assert.doesNotMatch(stderr, /at .*\.js:\d+/, 'no stack trace');
});

test('an input file that cannot be read is a runtime failure that names the file', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const dir = writeFiles({
    'nofile.sql': `
      CREATE TABLE t (id INT NOT NULL) WITH ('connectors' = '[{
        "transport": {"name": "file_input", "config": {"path": "missing.json"}},
        "format": {"name": "json", "config": {"update_format": "raw"}}}]');
      CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
        "config": {"table": "${table}", ${connection()}}}}]') AS SELECT * FROM t;
      CREATE INDEX v_idx ON v(id);`,
  });
  const { code, stderr } = await runCli(['run', join(dir, 'nofile.sql')]);
  assert.equal(code, 1);
  assert.match(stderr, /missing\.json/);
});
