// Injected faults: HTTP 500 and 503 answers, connection resets and slow requests, all counted;
// by default none of them applies the write, and a chosen share of them strikes after applying it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, ListTablesCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { drawFault } from '../../src/sim/faults.js';
import { seededRandom } from '../support/random.js';
import { createIdTable, singleAttemptClient, withSimulator } from './sim-support.js';

test('fault rates split as configured: errors half 500 and half 503, then resets', () => {
  const random = seededRandom(3);
  const counts = { none: 0, 'internal-error': 0, unavailable: 0, 'connection-reset': 0 };
  for (let i = 0; i < 100_000; i += 1) counts[drawFault({ errorRate: 0.2, resetRate: 0.1, slowRate: 0 }, random)] += 1;
  assert.ok(Math.abs(counts['internal-error'] - 10_000) < 600, JSON.stringify(counts));
  assert.ok(Math.abs(counts.unavailable - 10_000) < 600, JSON.stringify(counts));
  assert.ok(Math.abs(counts['connection-reset'] - 10_000) < 600, JSON.stringify(counts));
});

test('an error rate of 1 answers 500 InternalServerError or 503 ServiceUnavailable and writes nothing', () =>
  withSimulator({}, async (setup) => {
    const client = singleAttemptClient(setup.endpoint);
    await createIdTable(client, 'faulty');
    client.destroy();
  }).then(() => withSimulator({ errorRate: 1, random: seededRandom(1) }, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      const seen = new Set<string>();
      for (let i = 0; i < 20; i += 1) {
        try {
          await client.send(new ListTablesCommand({}));
          assert.fail('expected a fault');
        } catch (error) {
          const e = error as { name: string; $metadata: { httpStatusCode: number } };
          seen.add(`${e.$metadata.httpStatusCode} ${e.name}`);
        }
      }
      assert.deepEqual([...seen].sort(), ['500 InternalServerError', '503 ServiceUnavailable']);
      assert.equal(sim.stats().total.faults, 20);
    } finally {
      client.destroy();
    }
  })));

test('a faulted write is not applied, and the SDK retries it through to success', () =>
  withSimulator({ errorRate: 0.5, random: seededRandom(11) }, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    const retrying = new DynamoDBClient({
      endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 20,
    });
    try {
      await createIdTable(retrying, 'retried');
      for (let id = 0; id < 10; id += 1) await retrying.send(new PutItemCommand({ TableName: 'retried', Item: { id: { N: String(id) } } }));
      const stats = sim.stats();
      assert.ok(stats.total.faults > 0, 'some requests faulted');
      assert.equal(stats.tables['retried']?.written_items, 10, 'each put applied once');
      const scanned = await retrying.send(new ScanCommand({ TableName: 'retried' }));
      assert.equal(scanned.Count, 10);
    } finally {
      client.destroy();
      retrying.destroy();
    }
  }));

test('a reset rate of 1 destroys the connection before any answer', () =>
  withSimulator({ resetRate: 1 }, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      await assert.rejects(client.send(new ListTablesCommand({})), (error: Error & { code?: string }) => {
        assert.match(`${error.code ?? ''} ${error.name} ${error.message}`, /ECONNRESET|socket hang up/i);
        return true;
      });
      assert.equal(sim.stats().total.faults, 1);
    } finally {
      client.destroy();
    }
  }));

test('a slow request takes the extra delay; latency is added to every request', () =>
  withSimulator({ slowRate: 1, slowMs: 150, latencyMedianMs: 20, latencyP99Ms: 20 }, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      const started = performance.now();
      await client.send(new ListTablesCommand({}));
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 165 && elapsed < 1000, `took ${elapsed} ms`);
    } finally {
      client.destroy();
    }
  }));

test('/sim/stats reports the counters and /sim/reset zeroes them and empties the capacity buckets', () =>
  withSimulator({}, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      await client.send(new ListTablesCommand({}));
      const stats = await (await fetch(`${sim.endpoint}/sim/stats`)).json() as { total: { requests: number } };
      assert.equal(stats.total.requests, 1);
      assert.equal((await fetch(`${sim.endpoint}/sim/reset`, { method: 'POST' })).status, 200);
      assert.deepEqual(sim.stats().total, { consumed_wcu: 0, throttled_requests: 0, throttled_items: 0, written_items: 0, requests: 0, faults: 0, idempotent_replays: 0 });
    } finally {
      client.destroy();
    }
  }));

test('with faultAfterApplyShare 1, a 500 or a reset strikes after the write was applied', () =>
  withSimulator({}, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      await createIdTable(client, 'ambiguous');
      sim.configure({ errorRate: 1, faultAfterApplyShare: 1 });
      await assert.rejects(client.send(new PutItemCommand({ TableName: 'ambiguous', Item: { id: { N: '1' } } })),
        (error: Error & { $metadata?: { httpStatusCode?: number } }) => [500, 503].includes(error.$metadata?.httpStatusCode ?? 0));
      sim.configure({ errorRate: 0, resetRate: 1 });
      await assert.rejects(client.send(new PutItemCommand({ TableName: 'ambiguous', Item: { id: { N: '2' } } })),
        (error: Error & { code?: string }) => /ECONNRESET|socket hang up/i.test(`${error.code ?? ''} ${error.message}`));
      sim.configure({ resetRate: 0 });
      const scanned = await client.send(new ScanCommand({ TableName: 'ambiguous' }));
      assert.deepEqual(scanned.Items?.map((item) => item['id']?.N).sort(), ['1', '2']);
      assert.deepEqual([sim.stats().tables['ambiguous']?.written_items, sim.stats().tables['ambiguous']?.faults], [2, 2]);
    } finally {
      client.destroy();
    }
  }));

test('a slow answer comes after the write was applied: a client that times out first finds it written', () =>
  withSimulator({ slowMs: 1_000 }, async (sim) => {
    const impatient = new DynamoDBClient({
      endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 1,
      requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true },
    });
    const client = singleAttemptClient(sim.endpoint);
    try {
      await createIdTable(client, 'slow');
      sim.configure({ slowRate: 1 });
      await assert.rejects(impatient.send(new PutItemCommand({ TableName: 'slow', Item: { id: { N: '1' } } })), { name: 'TimeoutError' });
      sim.configure({ slowRate: 0 });
      assert.equal((await client.send(new ScanCommand({ TableName: 'slow' }))).Count, 1);
    } finally {
      impatient.destroy();
      client.destroy();
    }
  }));
