import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDynamoDBOutput, startSimulator, type DynamoDBWriteApi, type Update } from '../../src/index.js';
import { createTable, localClient, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { sortedRows } from '../support/items.js';

const ddb = useDynamoDB();

const view = { name: 'v', columns: [{ name: 'id', type: 'INT', nullable: false }, { name: 'n', type: 'INT', nullable: false }] };
const index = { name: 'v_idx', columns: ['id'] };

/** Delays every call by a random time, so later calls often finish before earlier ones. */
function jitter(maxMs: number, calls: { count: number }): (api: DynamoDBWriteApi) => DynamoDBWriteApi {
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
  return (api) => ({
    batchWrite: async (input) => { calls.count += 1; await pause(); const out = await api.batchWrite(input); await pause(); return out; },
    transactWrite: async (input) => { calls.count += 1; await pause(); const out = await api.transactWrite(input); await pause(); return out; },
  });
}

/** Steps that update few keys many times: step s sets key k to s for some keys, deletes or re-inserts others. */
function hotKeySteps(steps: number, keys: number): { changes: Update[][]; final: Map<number, number> } {
  const current = new Map<number, number>();
  const changes: Update[][] = [];
  for (let s = 0; s < steps; s += 1) {
    const step: Update[] = [];
    for (let id = 0; id < keys; id += 1) {
      if ((s + id) % 3 === 0) continue;
      const old = current.get(id);
      if (old !== undefined) step.push({ row: { id, n: old }, weight: -1 });
      if ((s * 7 + id) % 11 === 0) {
        current.delete(id);
      } else {
        step.push({ row: { id, n: s }, weight: 1 });
        current.set(id, s);
      }
    }
    changes.push(step);
  }
  return { changes, final: current };
}

for (const write_mode of ['batch', 'transactional'] as const) {
  test(`${write_mode} mode, pipelined_steps: writes of a key never overtake earlier ones, and steps complete in order`, async () => {
    const table = await createTable(ddb.client, { hash: ['id', 'N'] });
    const calls = { count: 0 };
    const out = await openDynamoDBOutput({
      name: 'pipe', view, index, interceptWrites: jitter(15, calls),
      config: { table, ...localConnection(ddb.endpoint), write_mode, pipelined_steps: true, batch_size: 5 },
    });
    const { changes, final } = hotKeySteps(60, 12);
    const completed: number[] = [];
    try {
      await Promise.all(changes.map((step) => out.writeStep(step).then((result) => { completed.push(result.step); })));
    } finally {
      await out.close();
    }
    assert.deepEqual(completed, changes.map((_, i) => i + 1));
    assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [...final].sort((a, b) => a[0] - b[0]).map(([id, n]) => ({ id, n })));
    const metrics = out.metrics();
    assert.ok(metrics.coalesced_writes > 0, 'waiting writes of a key were replaced by newer ones');
    assert.ok(calls.count > 0);
  });
}

test('pipelined_steps with threads 3 ends with the last value of every key', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const out = await openDynamoDBOutput({
    name: 'pipe3', view, index,
    config: { table, ...localConnection(ddb.endpoint), pipelined_steps: true, threads: 3, batch_size: 3 },
  });
  const { changes, final } = hotKeySteps(40, 30);
  try {
    await Promise.all(changes.map((step) => out.writeStep(step)));
  } finally {
    await out.close();
  }
  assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [...final].sort((a, b) => a[0] - b[0]).map(([id, n]) => ({ id, n })));
});

test('without pipelined_steps a step starts only when the previous one has completed', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  let inFlight = 0;
  let overlapped = false;
  const out = await openDynamoDBOutput({
    name: 'barrier', view, index,
    config: { table, ...localConnection(ddb.endpoint), batch_size: 1 },
    interceptWrites: (api) => ({
      ...api,
      batchWrite: async (input) => {
        inFlight += 1;
        if (inFlight > 1) overlapped = true;
        await new Promise((resolve) => setTimeout(resolve, 5));
        try { return await api.batchWrite(input); } finally { inFlight -= 1; }
      },
    }),
  });
  try {
    // Step s writes only key s; any overlap between steps would show as two calls in flight.
    await Promise.all(Array.from({ length: 20 }, (_, s) => out.writeStep([{ row: { id: s, n: s }, weight: 1 }])));
  } finally {
    await out.close();
  }
  assert.equal(overlapped, false);
  assert.equal((await scanAll(ddb.client, table)).length, 20);
});

test('pipelined_steps against the simulator\'s latency jitter and throttling ends with the last value of every key', async () => {
  const sim = await startSimulator({ latencyMedianMs: 3, latencyP99Ms: 20, writeCapacityUnits: 3000 });
  const client = localClient(sim.endpoint);
  try {
    const table = await createTable(client, { hash: ['id', 'N'] });
    const out = await openDynamoDBOutput({
      name: 'pipe_sim', view, index,
      config: { table, ...localConnection(sim.endpoint), pipelined_steps: true, batch_size: 4, max_retries: null },
    });
    const { changes, final } = hotKeySteps(80, 16);
    const completed: number[] = [];
    try {
      await Promise.all(changes.map((step) => out.writeStep(step).then((r) => { completed.push(r.step); })));
    } finally {
      await out.close();
    }
    assert.deepEqual(completed, changes.map((_, i) => i + 1));
    assert.deepEqual(sortedRows(await scanAll(client, table), 'id'), [...final].sort((a, b) => a[0] - b[0]).map(([id, n]) => ({ id, n })));
  } finally {
    client.destroy();
    await sim.stop();
  }
});
