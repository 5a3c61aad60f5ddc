// Runtime settings of the simulator: faults and capacity that start and stop while it runs, through
// Simulator.configure and POST /sim/config, checked by the same rules as the start-up options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriteItemCommand, ListTablesCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../../src/errors.js';
import { createIdTable, singleAttemptClient, withSimulator } from './sim-support.js';

const put = (id: number) => ({ PutRequest: { Item: { id: { N: String(id) } } } });

test('configure starts and stops faults between requests and returns every runtime setting', () =>
  withSimulator({}, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      await client.send(new ListTablesCommand({}));
      assert.deepEqual(sim.configure({ errorRate: 1 }), { errorRate: 1, resetRate: 0, faultAfterApplyShare: 0, slowRate: 0, slowMs: 2000 });
      await assert.rejects(client.send(new ListTablesCommand({})), (error: Error) => /InternalServerError|ServiceUnavailable/.test(error.name));
      sim.configure({ errorRate: 0 });
      await client.send(new ListTablesCommand({}));
      assert.equal(sim.stats().total.faults, 1);
    } finally {
      client.destroy();
    }
  }));

test('a throttling storm: capacity dropped to a few WCU throttles at once, and restoring it ends the storm', () =>
  withSimulator({}, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      await createIdTable(client, 'storm');
      const batch = (from: number) => client.send(new BatchWriteItemCommand({
        RequestItems: { storm: Array.from({ length: 10 }, (_, i) => put(from + i)) },
      }));
      assert.equal((await batch(0)).UnprocessedItems?.['storm'], undefined, 'an on-demand table is unlimited');
      sim.configure({ writeCapacityUnits: 4 });
      assert.equal((await batch(10)).UnprocessedItems?.['storm']?.length, 6);
      sim.configure({ writeCapacityUnits: null });
      assert.equal((await batch(20)).UnprocessedItems?.['storm'], undefined, 'unset again: the table\'s own capacity');
      assert.equal(sim.configure({}).writeCapacityUnits, undefined);
    } finally {
      client.destroy();
    }
  }));

test('invalid settings are all reported at once, and none of them is applied', () =>
  withSimulator({ resetRate: 0.5 }, async (sim) => {
    const update = { errorRate: 0.6, slowMs: -1, writeCapacityUnits: 'lots', port: 1234 } as unknown as Parameters<typeof sim.configure>[0];
    assert.throws(() => sim.configure(update), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map((p) => p.field).sort(), ['port', 'resetRate', 'slowMs', 'writeCapacityUnits']);
      assert.match(error.message, /resetRate: errorRate \+ resetRate must not exceed 1 \(got 1\.1\)/);
      assert.match(error.message, /port: cannot be changed while the simulator runs/);
      assert.match(error.message, /writeCapacityUnits: must be a number, or null to unset it \(got "lots"\)/);
      return true;
    });
    assert.deepEqual(sim.configure({}), { errorRate: 0, resetRate: 0.5, faultAfterApplyShare: 0, slowRate: 0, slowMs: 2000 });
  }));

test('POST /sim/config changes the settings over HTTP, GET /sim/config shows them, and a bad body is a 400 naming each problem', () =>
  withSimulator({}, async (sim) => {
    const post = (body: string) => fetch(`${sim.endpoint}/sim/config`, { method: 'POST', body });
    const changed = await post(JSON.stringify({ writeCapacityUnits: 5, slowRate: 0.25, slowMs: 300 }));
    assert.equal(changed.status, 200);
    assert.deepEqual(await changed.json(), { writeCapacityUnits: 5, errorRate: 0, resetRate: 0, faultAfterApplyShare: 0, slowRate: 0.25, slowMs: 300 });
    assert.deepEqual(await (await fetch(`${sim.endpoint}/sim/config`)).json(), sim.configure({}));

    const invalid = await post(JSON.stringify({ errorRate: '0.5', faultAfterApplyShare: 2 }));
    assert.equal(invalid.status, 400);
    const { problems } = await invalid.json() as { problems: Array<{ field: string; message: string }> };
    assert.deepEqual(problems, [
      { field: 'errorRate', message: 'must be a number (got "0.5")' },
      { field: 'faultAfterApplyShare', message: 'must be a rate between 0 and 1 (got 2)' },
    ]);
    const notJson = await post('errorRate=1');
    assert.equal(notJson.status, 400);
    assert.match((await notJson.json() as { message: string }).message, /must be a JSON object/);
    assert.equal(sim.configure({}).errorRate, 0);
    assert.equal((await fetch(`${sim.endpoint}/sim/nothing`)).status, 404);
  }));

test('a transaction retried with its ClientRequestToken after an ambiguous failure is applied once and counted as a replay', () =>
  withSimulator({}, async (sim) => {
    const client = singleAttemptClient(sim.endpoint);
    try {
      await createIdTable(client, 'tokens');
      const transaction = new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: 'tokens', Item: { id: { N: '1' } } } }, { Delete: { TableName: 'tokens', Key: { id: { N: '2' } } } }],
        ClientRequestToken: 'token-1',
      });
      sim.configure({ errorRate: 1, faultAfterApplyShare: 1 });
      await assert.rejects(client.send(transaction));
      sim.configure({ errorRate: 0 });
      await client.send(transaction);
      const stats = sim.stats().tables['tokens'];
      assert.deepEqual([stats?.written_items, stats?.idempotent_replays], [2, 1]);
    } finally {
      client.destroy();
    }
  }));
