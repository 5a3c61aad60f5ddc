// Throttling as DynamoDB answers it: UnprocessedItems when part of a batch fits, an exception when
// none does, and cancelled transactions with ThrottlingError reasons that write nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, PutItemCommand, ScanCommand, TransactWriteItemsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { singleAttemptClient } from './sim-support.js';

let sim: Simulator;
let client: DynamoDBClient;
let tableCounter = 0;
before(async () => {
  sim = await startSimulator({ writeCapacityUnits: 10 });
  client = singleAttemptClient(sim.endpoint);
});
after(async () => {
  client.destroy();
  await sim.stop();
});

async function newTable(): Promise<string> {
  tableCounter += 1;
  const name = `throttle_${tableCounter}`;
  await client.send(new CreateTableCommand({
    TableName: name, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  return name;
}

const put = (id: number, bytes = 0) => ({ PutRequest: { Item: { id: { N: String(id) }, ...(bytes ? { p: { S: 'x'.repeat(bytes) } } : {}) } } });

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number; reasons?: string[] }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number }; CancellationReasons?: Array<{ Code?: string }> };
    return { name: e.name, status: e.$metadata?.httpStatusCode, ...(e.CancellationReasons ? { reasons: e.CancellationReasons.map((r) => r.Code ?? '') } : {}) };
  }
  assert.fail('expected an error');
}

test('items beyond the capacity come back in UnprocessedItems, in the shape they were sent', async () => {
  const table = await newTable();
  const requests = Array.from({ length: 15 }, (_, i) => put(i));
  const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
  assert.deepEqual(result.UnprocessedItems, { [table]: requests.slice(10) });
  const stats = sim.stats().tables[table]!;
  assert.deepEqual([stats.written_items, stats.throttled_items, stats.throttled_requests, stats.consumed_wcu], [10, 5, 1, 10]);
});

test('a batch of which nothing fits fails with ProvisionedThroughputExceededException', async () => {
  const table = await newTable();
  await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: Array.from({ length: 10 }, (_, i) => put(i)) } }));
  assert.deepEqual(await errorOf(client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [put(20)] } }))),
    { name: 'ProvisionedThroughputExceededException', status: 400 });
});

test('an item costs one WCU per started KB: a 3 KB item does not fit where two 1 KB items do', async () => {
  const table = await newTable();
  const result = await client.send(new BatchWriteItemCommand({
    RequestItems: { [table]: [put(1, 4000), put(2, 4000), put(3, 4000), put(4), put(5)] },
  }));
  // 4 + 4 = 8 WCU, the third 4-WCU item does not fit, the two 1-WCU items do.
  assert.deepEqual(result.UnprocessedItems?.[table]?.map((r) => r.PutRequest?.Item?.['id']?.N), ['3']);
  assert.equal(sim.stats().tables[table]?.consumed_wcu, 10);
});

test('a throttled transaction is cancelled with ThrottlingError reasons for the items that did not fit, and writes nothing', async () => {
  const table = await newTable();
  const items = [1, 2, 3, 4, 5, 6].map((id) => ({ Put: { TableName: table, Item: { id: { N: String(id) } } } }));
  // Each costs 2 WCU in a transaction: the first five fit in 10 WCU, the sixth does not.
  assert.deepEqual(await errorOf(client.send(new TransactWriteItemsCommand({ TransactItems: items }))), {
    name: 'TransactionCanceledException', status: 400, reasons: ['None', 'None', 'None', 'None', 'None', 'ThrottlingError'],
  });
  assert.equal((await client.send(new ScanCommand({ TableName: table }))).Count, 0);
  const stats = sim.stats().tables[table]!;
  assert.deepEqual([stats.written_items, stats.throttled_items, stats.consumed_wcu], [0, 6, 0]);
  // Nothing was spent: five 2-WCU items fit now.
  await client.send(new TransactWriteItemsCommand({ TransactItems: items.slice(0, 5) }));
  assert.equal((await client.send(new ScanCommand({ TableName: table }))).Count, 5);
});

test('a throttled PutItem or DeleteItem fails with ProvisionedThroughputExceededException', async () => {
  const table = await newTable();
  await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: Array.from({ length: 10 }, (_, i) => put(i)) } }));
  assert.equal((await errorOf(client.send(new PutItemCommand({ TableName: table, Item: { id: { N: '1' } } })))).name,
    'ProvisionedThroughputExceededException');
  assert.equal((await errorOf(client.send(new DeleteItemCommand({ TableName: table, Key: { id: { N: '1' } } })))).name,
    'ProvisionedThroughputExceededException');
});

test('a PutItem is charged on the larger of the old and the new item', async () => {
  const table = await newTable();
  await client.send(new PutItemCommand({ TableName: table, Item: { id: { N: '1' }, p: { S: 'x'.repeat(3000) } } }));
  await client.send(new PutItemCommand({ TableName: table, Item: { id: { N: '1' } } }));
  assert.equal(sim.stats().tables[table]?.consumed_wcu, 6);
});

test('transaction conditions cancel with ConditionalCheckFailed in their own positions, None elsewhere', async () => {
  const free = await startSimulator();
  const unlimited = singleAttemptClient(free.endpoint);
  try {
    await unlimited.send(new CreateTableCommand({
      TableName: 'cond', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }));
    await unlimited.send(new PutItemCommand({ TableName: 'cond', Item: { id: { N: '2' } } }));
    const outcome = await errorOf(unlimited.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: 'cond', Item: { id: { N: '1' } }, ConditionExpression: 'attribute_not_exists(id)' } },
        { Put: { TableName: 'cond', Item: { id: { N: '2' } }, ConditionExpression: 'attribute_not_exists(id)' } },
        { Delete: { TableName: 'cond', Key: { id: { N: '3' } }, ConditionExpression: 'attribute_exists(id)' } },
        { ConditionCheck: { TableName: 'cond', Key: { id: { N: '2' } }, ConditionExpression: 'attribute_exists(id)' } },
      ],
    })));
    assert.equal(outcome.name, 'ValidationException', 'two actions on item 2');
    const cancelled = await errorOf(unlimited.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: 'cond', Item: { id: { N: '1' } }, ConditionExpression: 'attribute_not_exists(id)' } },
        { Put: { TableName: 'cond', Item: { id: { N: '2' } }, ConditionExpression: 'attribute_not_exists(id)' } },
        { Delete: { TableName: 'cond', Key: { id: { N: '3' } }, ConditionExpression: 'attribute_exists(id)' } },
      ],
    })));
    assert.deepEqual(cancelled.reasons, ['None', 'ConditionalCheckFailed', 'ConditionalCheckFailed']);
    assert.equal((await unlimited.send(new ScanCommand({ TableName: 'cond' }))).Count, 1, 'nothing written');
    const unsupported = await errorOf(unlimited.send(new PutItemCommand({
      TableName: 'cond', Item: { id: { N: '5' } }, ConditionExpression: 'id = :one', ExpressionAttributeValues: { ':one': { N: '1' } },
    })));
    assert.equal(unsupported.name, 'ValidationException');
  } finally {
    unlimited.destroy();
    await free.stop();
  }
});

test('after POST /sim/reset the table has no burst left, so the next write is throttled', async () => {
  const table = await newTable();
  assert.equal((await fetch(`${sim.endpoint}/sim/reset`, { method: 'POST' })).status, 200);
  assert.deepEqual(await errorOf(client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [put(1)] } }))),
    { name: 'ProvisionedThroughputExceededException', status: 400 });
});
