// What an operator watches during `dynaview run --http-port`: the pipeline's Prometheus series
// move with the run and agree with /status, /status describes the program's graph and each
// input's figures, position and errors, and an output that cannot write shows its failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator } from '../../src/sim/server.js';
import { startCli, writeFiles } from '../support/cli.js';
import { createTable, localClient, localConnection, useDynamoDB } from '../support/dynamodb.js';

const ddb = useDynamoDB();

function program(table: string, inputFile: string): string {
  const inputs = [
    { name: 'gen', transport: { name: 'datagen', config: { plan: [{ rate: 100 }] } } },
    { name: 'file', transport: { name: 'file_input', config: { path: inputFile, follow: true } }, format: { name: 'json', config: { update_format: 'raw' } } },
  ];
  const output = [{ name: 'out', index: 'v_idx', transport: { name: 'dynamodb_output', config: { table, ...localConnection(ddb.endpoint) } } }];
  return `
    CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR) WITH ('connectors' = '${JSON.stringify(inputs)}');
    CREATE VIEW v WITH ('connectors' = '${JSON.stringify(output)}') AS SELECT * FROM t;
    CREATE INDEX v_idx ON v(id);
    CREATE VIEW counts AS SELECT COUNT(*) AS n FROM v;`;
}

/** `name{labels} value` lines of a Prometheus scrape, by series. */
async function scrape(url: string): Promise<Map<string, number>> {
  const series = new Map<string, number>();
  for (const line of (await (await fetch(`${url}/metrics`)).text()).split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match) series.set(match[1]!, Number(match[2]));
  }
  return series;
}

interface Status {
  steps: number;
  step_ms: { last: number; total: number };
  memory: { rss_bytes: number };
  inputs: Record<string, { table: string; transport: string; rows: number; bytes: number; errors: number; position: string | null; last_errors: Array<{ code: string; message: string }> }>;
  graph: { nodes: Array<{ id: string; total: number }>; edges: string[][] };
  outputs: Record<string, {
    written: number; queued_records: number; buffered_records: number; buffer_limit: number | null; failed_items: number; fatal: string | null;
    last_errors: Array<{ time: string; code: string; message: string; key: string | null }>;
  }>;
}

async function status(url: string): Promise<Status> {
  return await (await fetch(`${url}/status`)).json() as Status;
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

test('the pipeline series move as rows flow and agree with /status; /status shows the graph, and each input\'s bytes, position and errors', { timeout: 120_000 }, async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const dir = writeFiles({ 'in.json': '' });
  const inputFile = join(dir, 'in.json');
  writeFileSync(join(dir, 'watched.sql'), program(table, inputFile));
  const cli = startCli(['run', join(dir, 'watched.sql'), '--http-port', '0']);
  try {
    const url = (await cli.waitFor(/HTTP API at (http:\/\/[^\s/]+)\//))[1]!;
    const first = await until('steps', () => scrape(url), (m) => (m.get('pipeline_steps_total') ?? 0) > 0);

    appendFileSync(inputFile, '{"id": 1000001, "s": "a"}\n{"id": 1000002, "s": "b"}\nnot json\n{"id": 1000003, "s": "c"}\n');
    const read = await until('the appended rows', () => status(url), (s) => s.inputs['t.file']!.rows === 3);
    const file = read.inputs['t.file']!;
    assert.equal(file.bytes, statSync(inputFile).size);
    assert.equal(file.errors, 1);
    assert.equal(file.position, `byte ${statSync(inputFile).size} (line 5)`);
    assert.deepEqual(file.last_errors.map((e) => e.code), ['INPUT_INVALID_JSON']);
    assert.match(read.inputs['t.gen']!.position!, /^plan 1 of 1: \d+ rows generated$/);
    assert.deepEqual(read.inputs['t.api-ingress'], { table: 't', transport: 'HTTP ingress', rows: 0, bytes: 0, errors: 0, position: null, last_errors: [] });

    await sleep(1_500);
    const before = await scrape(url);
    const during = await status(url);
    const after = await scrape(url);
    for (const [series, figure] of [
      ['pipeline_steps_total', during.steps],
      ['pipeline_step_duration_seconds_count', during.steps],
      ['pipeline_input_rows_total{endpoint="t.gen"}', during.inputs['t.gen']!.rows],
    ] as const) {
      assert.ok(before.get(series)! <= figure && figure <= after.get(series)!, `${series}: ${before.get(series)} <= ${figure} <= ${after.get(series)}`);
    }
    assert.ok(after.get('pipeline_steps_total')! > first.get('pipeline_steps_total')!, 'steps go on');
    assert.ok(after.get('pipeline_input_rows_total{endpoint="t.gen"}')! > first.get('pipeline_input_rows_total{endpoint="t.gen"}')!);
    assert.equal(after.get('pipeline_input_rows_total{endpoint="t.file"}'), 3);
    assert.equal(after.get('pipeline_input_bytes_total{endpoint="t.file"}'), statSync(inputFile).size);
    assert.equal(after.get('pipeline_input_bytes_total{endpoint="t.gen"}'), 0, 'a generator reads no bytes');
    assert.equal(after.get('pipeline_input_errors_total{endpoint="t.file"}'), 1);
    assert.ok(after.has('pipeline_output_queued_records{endpoint="v.out"}'));
    assert.equal(after.get('pipeline_output_buffered_records{endpoint="v.out"}'), 0);
    assert.ok(after.has('pipeline_stalled_seconds_total'));
    assert.ok(during.step_ms.total > 0 && after.get('pipeline_step_duration_seconds_sum')! > 0);
    assert.ok(after.get('process_resident_memory_bytes')! > 0);
    assert.ok(during.memory.rss_bytes > 0);

    assert.deepEqual(during.graph.edges, [
      ['input:t.gen', 'table:t'], ['input:t.file', 'table:t'], ['input:t.api-ingress', 'table:t'],
      ['table:t', 'view:v'], ['view:v', 'view:counts'], ['view:v', 'output:v.out'],
    ]);
    const total = (id: string): number => during.graph.nodes.find((node) => node.id === id)!.total;
    assert.equal(total('input:t.file'), 3);
    assert.equal(total('table:t'), during.inputs['t.gen']!.rows + 3);
    assert.ok(total('view:v') >= total('output:v.out') && total('output:v.out') === during.outputs['v.out']!.written);
    assert.ok(total('view:counts') > 0, 'a view without an output still counts its changes');
    assert.deepEqual(during.outputs['v.out']!.last_errors, []);

    // The last minutes, one sample a second, keep what rates and banners need and nothing else.
    type History = { pipeline: string; samples: Array<Record<string, unknown> & Status & { time: string }> };
    // Samples are taken once a second; a loaded machine may be behind the wall clock.
    const history = await until('3 samples', async () => await (await fetch(`${url}/status/history`)).json() as History, (h) => h.samples.length >= 3);
    assert.equal(history.pipeline, 'watched');
    const samples = history.samples;
    assert.ok(samples.length >= 3, `${samples.length} samples`);
    for (const [i, sample] of samples.entries()) {
      assert.deepEqual(Object.keys(sample).sort(), ['graph', 'inputs', 'outputs', 'step_ms', 'steps', 'time']);
      // A DynamoDB output also reports the capacity it consumed, for the console's WCU chart.
      assert.deepEqual(Object.keys(sample.outputs['v.out']!).sort(), ['capacity', 'failed_items', 'written']);
      assert.equal(typeof (sample.outputs['v.out'] as { capacity?: { consumed_wcu_total?: unknown } }).capacity?.consumed_wcu_total, 'number');
      if (i > 0) {
        const apart = Date.parse(sample.time) - Date.parse(samples[i - 1]!.time);
        assert.ok(apart >= 900 && apart <= 5_000, `samples ${apart} ms apart`);
        assert.ok(sample.steps >= samples[i - 1]!.steps && sample.inputs['t.gen']!.rows >= samples[i - 1]!.inputs['t.gen']!.rows);
      }
    }
    assert.ok(samples.at(-1)!.steps <= (await status(url)).steps);
    assert.equal(during.outputs['v.out']!.buffer_limit, null);

    cli.child.kill('SIGINT');
    const result = await cli.result;
    assert.equal(result.code, 0, result.stderr);
  } finally {
    cli.child.kill('SIGKILL');
  }
});

test('an output whose writes fail shows them in /status: failed records and its last errors with their time, code and message', { timeout: 120_000 }, async () => {
  const simulator = await startSimulator();
  const client = localClient(simulator.endpoint);
  const table = await createTable(client, { hash: ['id', 'N'] });
  client.destroy();
  const output = [{
    name: 'out', index: 'v_idx',
    transport: { name: 'dynamodb_output', config: { table, ...localConnection(simulator.endpoint), max_retries: 0 } },
  }];
  const dir = writeFiles({
    'failing.sql': `
      CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR) WITH ('connectors' = '[{"name": "gen", "transport": {"name": "datagen", "config": {"plan": [{"rate": 100}]}}}]');
      CREATE VIEW v WITH ('connectors' = '${JSON.stringify(output)}') AS SELECT * FROM t;
      CREATE INDEX v_idx ON v(id);`,
  });
  const cli = startCli(['run', join(dir, 'failing.sql'), '--http-port', '0', '--allow-write-failures']);
  try {
    const url = (await cli.waitFor(/HTTP API at (http:\/\/[^\s/]+)\//))[1]!;
    const healthy = await until('writes', () => status(url), (s) => (s.outputs?.['v.out']?.written ?? 0) > 0);
    assert.deepEqual(healthy.outputs['v.out']!.last_errors, []);
    const since = Date.now();
    simulator.configure({ errorRate: 1 });
    const failing = (await until('failures', () => status(url), (s) => s.outputs['v.out']!.failed_items > 0)).outputs['v.out']!;
    assert.equal(failing.fatal, null, 'failed writes do not stop the connector');
    const [latest] = failing.last_errors.slice(-1);
    assert.equal(latest?.code, 'DYNAMODB_WRITE_FAILED');
    assert.match(latest!.message, /^connector v\.out: \d+ item\(s\) of step \d+ were not written to table t_\w+:$/);
    assert.ok(Date.parse(latest!.time) >= since - 1_000 && Date.parse(latest!.time) <= Date.now(), latest!.time);
    assert.ok(failing.last_errors.length <= 5);

    cli.child.kill('SIGINT');
    assert.equal((await cli.result).code, 0);
  } finally {
    cli.child.kill('SIGKILL');
    await simulator.stop();
  }
});

test('a record the output skips shows among its last errors with its key; the batch is not failed', { timeout: 120_000 }, async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const dir = writeFiles({ 'in.json': '' });
  const inputFile = join(dir, 'in.json');
  writeFileSync(join(dir, 'skipping.sql'), program(table, inputFile));
  const cli = startCli(['run', join(dir, 'skipping.sql'), '--http-port', '0']);
  try {
    const url = (await cli.waitFor(/HTTP API at (http:\/\/[^\s/]+)\//))[1]!;
    await until('writes', () => status(url), (s) => (s.outputs?.['v.out']?.written ?? 0) > 0);
    // Over DynamoDB's 400 KB item limit: skipped and reported, the rest written.
    appendFileSync(inputFile, `{"id": 2000001, "s": "${'x'.repeat(500_000)}"}\n{"id": 2000002, "s": "fits"}\n`);
    const skipped = (await until('the skipped record', () => status(url), (s) => s.outputs['v.out']!.last_errors.length > 0)).outputs['v.out']!;
    const [problem] = skipped.last_errors;
    assert.equal(problem?.code, 'DYNAMODB_ITEM_TOO_LARGE');
    assert.match(problem!.key ?? '', /2000001/);
    assert.equal(skipped.failed_items, 0, 'a skipped record does not fail its batch');
    cli.child.kill('SIGINT');
    assert.equal((await cli.result).code, 0);
  } finally {
    cli.child.kill('SIGKILL');
  }
});
