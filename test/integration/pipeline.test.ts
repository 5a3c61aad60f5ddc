import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import type { DynamoDBWriteApi } from '../../src/index.js';
import { DynamoDBConnector, type DynamoDBOutputDefinition } from '../../src/connectors/dynamodb/connector.js';
import { openTypedDynamoDBOutput } from '../../src/connectors/dynamodb/output.js';
import { NO_USER_TYPES } from '../../src/sql/resolve-type.js';
import { Circuit } from '../../src/engine/circuit.js';
import { Pipeline } from '../../src/pipeline/controller.js';
import { OutputRunner } from '../../src/pipeline/output-runner.js';
import { compileSource } from '../../src/pipeline/program.js';
import { sampleTable } from '../../src/connectors/dynamodb/local-tables.js';
import { createTable, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { sortedRows } from '../support/items.js';

const ddb = useDynamoDB();
const silent = pino({ level: 'silent' });

function connection(): string {
  return Object.entries(localConnection(ddb.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
}

/** Counts the items of every DynamoDB write call and optionally slows each call down. */
function writeCounter(delayMs = 0): { wrap: (api: DynamoDBWriteApi) => DynamoDBWriteApi; items: () => number } {
  let items = 0;
  return {
    items: () => items,
    wrap: (api) => ({
      ...api,
      batchWrite: async (input) => {
        items += Object.values(input.RequestItems ?? {}).reduce((n, list) => n + list.length, 0);
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        return api.batchWrite(input);
      },
    }),
  };
}

async function setUp(sql: string, delayMs = 0) {
  const program = compileSource(sql, 'test.sql');
  assert.deepEqual(program.problems.map((p) => p.message), []);
  const counter = writeCounter(delayMs);
  const runners = await Promise.all(program.endpoints.outputs.map(async (endpoint) => {
    const { config, view, index } = endpoint.connector as DynamoDBOutputDefinition;
    const output = await openTypedDynamoDBOutput({
      name: endpoint.name, config, view, index, types: NO_USER_TYPES, logger: silent, interceptWrites: counter.wrap,
    });
    return new OutputRunner(endpoint, new DynamoDBConnector(output, config.pipelined_steps), silent);
  }));
  return { program, runners, counter };
}

test('a table with a primary key fed over several steps ends with inserts, updates and deletes applied in order', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const { program, runners } = await setUp(`
    CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR);
    CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
      "config": {"table": "${table}", ${connection()}}}}]') AS SELECT id, v, CHAR_LENGTH(v) AS len FROM t;
    CREATE INDEX v_idx ON v(id);`);
  const circuit = new Circuit(program.catalog);
  const [runner] = runners;
  const steps = [
    [{ row: { id: 1, v: 'a' }, weight: 1 }, { row: { id: 2, v: 'bb' }, weight: 1 }, { row: { id: 3, v: 'ccc' }, weight: 1 }],
    [{ row: { id: 1, v: 'aaaa' }, weight: 1 }, { row: { id: 2, v: null }, weight: -1 }],
    [{ row: { id: 3, v: 'x' }, weight: 1 }, { row: { id: 3, v: 'x' }, weight: -1 }, { row: { id: 4, v: 'dd' }, weight: 1 }],
  ];
  for (const [i, changes] of steps.entries()) {
    const delta = circuit.step(new Map([['t', changes]])).get('v');
    if (delta) runner!.enqueue(delta, i + 1);
  }
  await runner!.finish();
  await runner!.output.close();
  assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [
    { id: 1, v: 'aaaa', len: 4 },
    { id: 4, v: 'dd', len: 2 },
  ]);
});

test('the output buffer consolidates updates of the same key across steps and writes each key once', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const { program, runners, counter } = await setUp(`
    CREATE TABLE t (id INT NOT NULL PRIMARY KEY, n INT);
    CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "enable_output_buffer": true,
      "max_output_buffer_size_records": 1000000, "transport": {"name": "dynamodb_output",
      "config": {"table": "${table}", ${connection()}}}}]') AS SELECT * FROM t;
    CREATE INDEX v_idx ON v(id);`);
  const circuit = new Circuit(program.catalog);
  const [runner] = runners;
  // 50 steps, each updating the same 10 keys; one key inserted and deleted again.
  for (let step = 0; step < 50; step += 1) {
    const changes = Array.from({ length: 10 }, (_, id) => ({ row: { id, n: step }, weight: 1 }));
    if (step === 10) changes.push({ row: { id: 99, n: 0 }, weight: 1 });
    if (step === 20) changes.push({ row: { id: 99, n: 0 }, weight: -1 });
    runner!.enqueue(circuit.step(new Map([['t', changes]])).get('v')!, step + 1);
  }
  await runner!.finish();
  await runner!.output.close();
  assert.equal(counter.items(), 10, 'each key written once');
  assert.equal(runner!.output.status().metrics['steps'], 1);
  const rows = sortedRows(await scanAll(ddb.client, table), 'id');
  assert.deepEqual(rows, Array.from({ length: 10 }, (_, id) => ({ id, n: 49 })));
});

test('the output buffer is flushed when max_output_buffer_time_millis passes, without further steps', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const { program, runners } = await setUp(`
    CREATE TABLE t (id INT NOT NULL PRIMARY KEY, n INT);
    CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "enable_output_buffer": true,
      "max_output_buffer_time_millis": 300, "transport": {"name": "dynamodb_output",
      "config": {"table": "${table}", ${connection()}}}}]') AS SELECT * FROM t;
    CREATE INDEX v_idx ON v(id);`);
  const circuit = new Circuit(program.catalog);
  const [runner] = runners;
  runner!.enqueue(circuit.step(new Map([['t', [{ row: { id: 1, n: 1 }, weight: 1 }]]])).get('v')!, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await scanAll(ddb.client, table)).length, 0, 'still buffered');
  await new Promise((resolve) => setTimeout(resolve, 900));
  assert.equal((await scanAll(ddb.client, table)).length, 1, 'flushed by time');
  await runner!.finish();
  await runner!.output.close();
});

test('max_queued_records stops the pipeline from stepping until the connector catches up, and nothing is lost', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const { program, runners } = await setUp(`
    CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR) WITH ('connectors' = '[{
      "transport": {"name": "datagen", "config": {"plan": [{"limit": 6000, "worker_chunk_size": 200}]}}}]');
    CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "max_queued_records": 500,
      "transport": {"name": "dynamodb_output", "config": {"table": "${table}", "max_concurrent_requests": 2, ${connection()}}}}]')
      AS SELECT * FROM t;
    CREATE INDEX v_idx ON v(id);`, 5);
  const [runner] = runners;
  let maxQueued = 0;
  const sampler = setInterval(() => { maxQueued = Math.max(maxQueued, runner!.queuedRecords); }, 1);
  const pipeline = new Pipeline(program.catalog, program.endpoints, runners, silent);
  await pipeline.run();
  clearInterval(sampler);
  await runner!.output.close();
  assert.ok(pipeline.stats.stalledMs > 0, 'the pipeline stalled');
  // A step is only started while the queue is below the limit, so it exceeds it by at most one step.
  const largestStep = 6000;
  assert.ok(maxQueued < 500 + largestStep, `queued ${maxQueued}`);
  assert.equal((await scanAll(ddb.client, table)).length, 6000);
});

test('a large table is shown by its first items and its item count', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  for (let batch = 0; batch < 6; batch += 1) {
    await ddb.client.send(new BatchWriteItemCommand({
      RequestItems: { [table]: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { id: { N: String(batch * 25 + i) } } } })) },
    }));
  }
  const sample = await sampleTable(ddb.client, table, 100);
  assert.equal(sample.items.length, 100);
  assert.equal(sample.total, 150);
  const small = await sampleTable(ddb.client, table, 1000);
  assert.deepEqual([small.items.length, small.total], [150, 150]);
});
