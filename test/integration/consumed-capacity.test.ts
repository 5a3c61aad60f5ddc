// Consumed capacity and billing mode against DynamoDB Local: every write call asks for
// ReturnConsumedCapacity TOTAL, the connector counts what DynamoDB reports, and the estimated cost
// follows the table's billing mode from DescribeTable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { openDynamoDBOutput, type DynamoDBWriteApi, type Update } from '../../src/index.js';
import { createTable, localConnection, uniqueTableName, useDynamoDB } from '../support/dynamodb.js';

const ddb = useDynamoDB();

const view = {
  name: 'v_cap',
  columns: [
    { name: 'id', type: 'INT', nullable: false },
    { name: 'p', type: 'VARCHAR', nullable: false },
  ],
};
const index = { name: 'v_cap_idx', columns: ['id'] };

// DynamoDB item size: "id" (2) + a one-digit number (2) + "p" (1) + the payload's bytes.
const row = (id: number, payloadBytes: number) => ({ id, p: 'x'.repeat(payloadBytes - 5) });
const ins = (id: number, bytes: number): Update => ({ row: row(id, bytes), weight: 1 });
const del = (id: number, bytes: number): Update => ({ row: row(id, bytes), weight: -1 });

// 1 KB units, each item rounded up on its own: 1000 B -> 1, 1025 B -> 2, 3000 B -> 3.
const FIRST_STEP = [ins(1, 1000), ins(2, 1025), ins(3, 3000)];
const FIRST_STEP_WCU = 1 + 2 + 3;
// A delete costs the size of the item it deletes.
const SECOND_STEP = [del(3, 3000)];
const SECOND_STEP_WCU = 3;

function open(table: string, config: Record<string, unknown>, interceptWrites?: (api: DynamoDBWriteApi) => DynamoDBWriteApi) {
  return openDynamoDBOutput({
    name: 'cap_out', config: { table, ...localConnection(ddb.endpoint), ...config }, view, index,
    ...(interceptWrites ? { interceptWrites } : {}),
  });
}

const cases = [
  { write_mode: 'batch', threads: 1, factor: 1 },
  { write_mode: 'batch', threads: 2, factor: 1 },
  { write_mode: 'transactional', threads: 1, factor: 2 },
  { write_mode: 'transactional', threads: 2, factor: 2 },
] as const;

for (const { write_mode, threads, factor } of cases) {
  test(`${write_mode} mode, ${threads} thread(s): the consumed write units are the ones of the items' sizes${factor === 2 ? ', twice for transactions' : ''}`, async () => {
    const table = await createTable(ddb.client, { hash: ['id', 'N'] });
    const out = await open(table, { write_mode, threads });
    try {
      await out.writeStep(FIRST_STEP);
      await out.writeStep(SECOND_STEP);
    } finally {
      await out.close();
    }
    const expected = factor * (FIRST_STEP_WCU + SECOND_STEP_WCU);
    assert.equal(out.metrics().consumed_wcu, expected);
    assert.match(await out.metricsText(), new RegExp(`^dynamodb_output_consumed_wcu_total\\{endpoint="cap_out"\\} ${expected}$`, 'm'));
    const capacity = out.capacity();
    assert.deepEqual({ ...capacity, estimated_cost_usd: 0 }, {
      billing_mode: 'PAY_PER_REQUEST', consumed_wcu_total: expected, provisioned_wcu: null, estimated_cost_usd: 0,
      price_basis: `on-demand: ${expected} write request units x $0.625 per million`,
    });
    assert.ok(Math.abs(capacity.estimated_cost_usd - expected * 0.625e-6) < 1e-15, String(capacity.estimated_cost_usd));
  });
}

test('every write call asks for ReturnConsumedCapacity TOTAL', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  for (const write_mode of ['batch', 'transactional'] as const) {
    const asked: unknown[] = [];
    const out = await open(table, { write_mode, batch_size: 2 }, (api) => ({
      batchWrite: (input) => { asked.push(input.ReturnConsumedCapacity); return api.batchWrite(input); },
      transactWrite: (input) => { asked.push(input.ReturnConsumedCapacity); return api.transactWrite(input); },
    }));
    try {
      await out.writeStep([ins(1, 10), ins(2, 10), ins(3, 10)]);
    } finally {
      await out.close();
    }
    assert.deepEqual(asked, ['TOTAL', 'TOTAL'], write_mode);
  }
});

test('a provisioned table: billing mode and WCU from DescribeTable, cost by the WCU-hour at the price set', async () => {
  const table = uniqueTableName();
  await ddb.client.send(new CreateTableCommand({
    TableName: table, ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 7 },
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  const started = performance.now();
  const out = await open(table, { price_per_wcu_hour: 3600 });
  try {
    await out.writeStep(FIRST_STEP);
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await out.close();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const capacity = out.capacity();
  assert.equal(capacity.billing_mode, 'PROVISIONED');
  assert.equal(capacity.provisioned_wcu, 7);
  assert.equal(capacity.consumed_wcu_total, FIRST_STEP_WCU);
  assert.equal(out.metrics().provisioned_wcu, 7);
  // $3600 per WCU-hour is $1 per WCU-second: 7 WCU over the connector's lifetime.
  assert.ok(capacity.estimated_cost_usd >= 7 * 0.05 && capacity.estimated_cost_usd <= 7 * elapsedSeconds, String(capacity.estimated_cost_usd));
  assert.match(capacity.price_basis, /^provisioned: 7 WCU x [0-9.]+ h x \$3600 per WCU-hour$/);
  // The clock stopped when the connector closed.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(out.capacity().estimated_cost_usd, capacity.estimated_cost_usd);
});
