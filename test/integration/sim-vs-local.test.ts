// The simulator answers like DynamoDB Local: the same request sequences leave the same table and
// fail with the same error names, status codes and cancellation reasons. And dynaview's connector
// completes a table against a simulator that throttles and adds latency.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand, DeleteItemCommand, PutItemCommand, TransactWriteItemsCommand,
  type DynamoDBClient, type TransactWriteItem, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { itemSize } from '../../src/connectors/dynamodb/item-size.js';
import { openDynamoDBOutput, type Update } from '../../src/index.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { createTable, localClient, localConnection, scanAll, useDynamoDB, type Item } from '../support/dynamodb.js';

const ddb = useDynamoDB();
let sim: Simulator;
let simClient: DynamoDBClient;
before(async () => {
  sim = await startSimulator();
  simClient = localClient(sim.endpoint);
});
after(async () => {
  simClient.destroy();
  await sim.stop();
});

/** What one call did, in the terms both backends must agree on. */
type Outcome = string;

type Step = (client: DynamoDBClient, table: string) => Promise<unknown>;

async function outcomeOf(step: Step, client: DynamoDBClient, table: string): Promise<Outcome> {
  try {
    const result = await step(client, table) as { UnprocessedItems?: Record<string, unknown[]> };
    const unprocessed = Object.values(result.UnprocessedItems ?? {}).flat().length;
    return unprocessed > 0 ? `ok, ${unprocessed} unprocessed` : 'ok';
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number }; CancellationReasons?: Array<{ Code?: string }> };
    const reasons = e.CancellationReasons ? ` [${e.CancellationReasons.map((r) => r.Code).join(', ')}]` : '';
    return `${e.name} ${e.$metadata?.httpStatusCode ?? '?'}${reasons}`;
  }
}

function sortedItems(items: Item[]): string[] {
  return items.map((item) => JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
    , (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value))).sort();
}

/** Runs the steps on a fresh table in each backend; both must give the same outcomes and the same items. */
async function sameOnBoth(steps: Step[], expectedOutcomes?: Outcome[]): Promise<void> {
  const run = async (client: DynamoDBClient): Promise<{ outcomes: Outcome[]; items: string[] }> => {
    const table = await createTable(client, { hash: ['id', 'N'], range: ['sort', 'S'] });
    const outcomes: Outcome[] = [];
    for (const step of steps) outcomes.push(await outcomeOf(step, client, table));
    return { outcomes, items: sortedItems(await scanAll(client, table)) };
  };
  const local = await run(ddb.client);
  const simulated = await run(simClient);
  assert.deepEqual(simulated.outcomes, local.outcomes, 'outcomes (simulator vs DynamoDB Local)');
  assert.deepEqual(simulated.items, local.items, 'final table (simulator vs DynamoDB Local)');
  if (expectedOutcomes) assert.deepEqual(local.outcomes, expectedOutcomes, 'DynamoDB Local outcomes');
}

const key = (id: string | number, sort = 'a'): Item => ({ id: { N: String(id) }, sort: { S: sort } });
const item = (id: string | number, extra: Item = {}, sort = 'a'): Item => ({ ...key(id, sort), ...extra });
const put = (i: Item): WriteRequest => ({ PutRequest: { Item: i } });
const del = (k: Item): WriteRequest => ({ DeleteRequest: { Key: k } });
const batch = (requests: WriteRequest[]): Step => (c, t) => c.send(new BatchWriteItemCommand({ RequestItems: { [t]: requests } }));
const transact = (actions: (t: string) => TransactWriteItem[], token?: string): Step =>
  (c, t) => c.send(new TransactWriteItemsCommand({ TransactItems: actions(t), ...(token ? { ClientRequestToken: token } : {}) }));
const putItem = (i: Item, condition?: string, names?: Record<string, string>): Step => (c, t) => c.send(new PutItemCommand({
  TableName: t, Item: i, ...(condition ? { ConditionExpression: condition } : {}), ...(names ? { ExpressionAttributeNames: names } : {}),
}));
const deleteItem = (k: Item, condition?: string): Step =>
  (c, t) => c.send(new DeleteItemCommand({ TableName: t, Key: k, ...(condition ? { ConditionExpression: condition } : {}) }));
/** An item of exactly `size` bytes: the key, and the attribute p padded to make up the rest. */
const sized = (id: number, size: number): Item => item(id, { p: { S: 'x'.repeat(size - itemSize(item(id, { p: { S: '' } }))) } });

describe('same results as DynamoDB Local', () => {
  test('puts, overwrites and deletes, with every attribute type and number normalization', () => sameOnBoth([
    putItem(item(1, { s: { S: 'x' }, n: { N: '1.50' }, b: { B: new Uint8Array([1, 2]) }, ok: { BOOL: true }, nil: { NULL: true } })),
    putItem(item(2, { l: { L: [{ S: '' }, { N: '00012' }] }, m: { M: { k: { SS: ['a', 'b'] }, z: { NS: ['1e2', '-0.5'] } } } })),
    putItem(item('1.0', { s: { S: 'overwritten' } })),
    putItem(item(3, { big: { N: '9.9999999999999999999999999999999999999E+125' }, small: { N: '1E-130' } })),
    deleteItem(key(2)),
    deleteItem(key(99)),
  ], ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']));

  test('batch puts, deletes and overwrites', () => sameOnBoth([
    batch(Array.from({ length: 25 }, (_, i) => put(item(i, { v: { N: String(i * 2) } })))),
    batch([del(key(3)), put(item(4, { v: { S: 'new' } })), del(key(100)), put(item(30))]),
  ], ['ok', 'ok']));

  test('transactions apply all or nothing, with conditions and cancellation reasons in request order', () => sameOnBoth([
    transact((t) => [{ Put: { TableName: t, Item: item(1) } }, { Put: { TableName: t, Item: item(2) } }]),
    transact((t) => [
      { Put: { TableName: t, Item: item(3), ConditionExpression: 'attribute_not_exists(id)' } },
      { Put: { TableName: t, Item: item(1, { v: { S: 'x' } }), ConditionExpression: 'attribute_not_exists(#i)', ExpressionAttributeNames: { '#i': 'id' } } },
      { Delete: { TableName: t, Key: key(2) } },
    ]),
    transact((t) => [
      { Delete: { TableName: t, Key: key(2), ConditionExpression: 'attribute_exists(id)' } },
      { ConditionCheck: { TableName: t, Key: key(5), ConditionExpression: 'attribute_exists(sort)' } },
    ]),
    transact((t) => [
      { Put: { TableName: t, Item: item(1, { v: { S: 'y' } }), ConditionExpression: 'attribute_exists(id)' } },
      { Delete: { TableName: t, Key: key(2), ConditionExpression: 'attribute_exists(id)' } },
      { ConditionCheck: { TableName: t, Key: key(9), ConditionExpression: 'attribute_not_exists(id)' } },
    ]),
    putItem(item(1), 'attribute_not_exists(id)'),
    putItem(item(7), 'attribute_exists(#s)', { '#s': 'sort' }),
    deleteItem(key(1), 'attribute_exists(id)'),
    deleteItem(key(1), 'attribute_exists(id)'),
  ], [
    'ok',
    'TransactionCanceledException 400 [None, ConditionalCheckFailed, None]',
    'TransactionCanceledException 400 [None, ConditionalCheckFailed]',
    'ok',
    'ConditionalCheckFailedException 400',
    'ConditionalCheckFailedException 400',
    'ok',
    'ConditionalCheckFailedException 400',
  ]));

  test('a ClientRequestToken makes a replay a no-op and a different payload a mismatch', () => sameOnBoth([
    transact((t) => [{ Put: { TableName: t, Item: item(1, { v: { N: '1' } }) } }], 'token-one'),
    deleteItem(key(1)),
    transact((t) => [{ Put: { TableName: t, Item: item(1, { v: { N: '1' } }) } }], 'token-one'),
    transact((t) => [{ Put: { TableName: t, Item: item(1, { v: { N: '2' } }) } }], 'token-one'),
    transact((t) => [{ Put: { TableName: t, Item: item(2) } }], 'x'.repeat(37)),
  ], ['ok', 'ok', 'ok', 'IdempotentParameterMismatchException 400', 'ValidationException 400']));

  test('batch limits: 25 requests at most, at least 1, no duplicate keys (1.5 and 1.50 are one key)', () => sameOnBoth([
    batch(Array.from({ length: 26 }, (_, i) => put(item(i)))),
    batch([]),
    batch([put(item(1)), put(item(1, { v: { S: 'again' } }))]),
    batch([put(item(1)), del(key(1))]),
    batch([del(key('1.5')), del(key('1.50'))]),
    batch([put(item(5)), put(item(6))]),
  ], [
    'ValidationException 400', 'ValidationException 400', 'ValidationException 400', 'ValidationException 400',
    'ValidationException 400', 'ok',
  ]));

  test('transaction limits: 100 actions at most, at least 1, one action per item, 4 MB of items', () => sameOnBoth([
    transact((t) => Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: t, Item: item(i) } }))),
    transact(() => []),
    transact((t) => [{ Put: { TableName: t, Item: item(1) } }, { Delete: { TableName: t, Key: key(1) } }]),
    transact((t) => [{ Put: { TableName: t, Item: item(1) } }, { Put: { TableName: t, Item: item('1.00') } }]),
    // 10 × 409,600 + 98,304 bytes is exactly 4 MB; one byte more is over.
    transact((t) => [...Array.from({ length: 10 }, (_, i) => ({ Put: { TableName: t, Item: sized(i + 10, 409_600) } })),
      { Put: { TableName: t, Item: sized(50, 98_305) } }]),
    transact((t) => [...Array.from({ length: 10 }, (_, i) => ({ Put: { TableName: t, Item: sized(i + 10, 409_600) } })),
      { Put: { TableName: t, Item: sized(50, 98_304) } }]),
    transact((t) => Array.from({ length: 100 }, (_, i) => ({ Put: { TableName: t, Item: item(i + 100) } }))),
  ], [
    'ValidationException 400', 'ValidationException 400', 'ValidationException 400', 'ValidationException 400',
    'ValidationException 400', 'ok', 'ok',
  ]));

  test('item size: 409,600 bytes is accepted and 409,601 rejected in puts, batches and transactions', () => sameOnBoth([
    putItem(sized(1, 409_600)),
    putItem(sized(2, 409_601)),
    batch([put(item(3)), put(sized(4, 409_601))]),
    transact((t) => [{ Put: { TableName: t, Item: sized(5, 409_601) } }]),
  ], ['ok', 'ValidationException 400', 'ValidationException 400', 'ValidationException 400']));

  const invalidItems: Array<[string, Item]> = [
    ['a missing sort key', { id: { N: '1' } }],
    ['a key of the wrong type', { id: { S: '1' }, sort: { S: 'a' } }],
    ['an empty string sort key', { id: { N: '1' }, sort: { S: '' } }],
    ['a sort key over 1024 bytes', item(1, {}, 'é'.repeat(513))],
    ['a number that is not a number', item(1, { v: { N: 'NaN' } })],
    ['a number with 39 digits', item(1, { v: { N: '123456789012345678901234567890123456789' } })],
    ['a number too large', item(1, { v: { N: '1E+126' } })],
    ['a number too small', item(1, { v: { N: '1E-131' } })],
    ['an empty set', item(1, { v: { SS: [] } })],
  ];
  for (const [what, invalid] of invalidItems) {
    test(`${what} is rejected the same way by PutItem, BatchWriteItem and TransactWriteItems, and the batch is not written`, () => sameOnBoth([
      putItem(invalid),
      batch([put(item(7)), put(invalid)]),
      transact((t) => [{ Put: { TableName: t, Item: item(8) } }, { Put: { TableName: t, Item: invalid } }]),
      batch([del(key(9)), del(invalid)]),
    ]));
  }

  test('a partition key over 2048 bytes is rejected', async () => {
    const table = await createTable(simClient, { hash: ['pk', 'S'] });
    const localTable = await createTable(ddb.client, { hash: ['pk', 'S'] });
    for (const pk of ['a'.repeat(2048), 'a'.repeat(2049), '']) {
      const step: Step = (c, t) => c.send(new PutItemCommand({ TableName: t, Item: { pk: { S: pk } } }));
      assert.equal(await outcomeOf(step, simClient, table), await outcomeOf(step, ddb.client, localTable), `pk of ${pk.length} bytes`);
    }
  });

  test('an unknown table is ResourceNotFoundException for every write', async () => {
    const steps: Step[] = [
      (c) => c.send(new PutItemCommand({ TableName: 'no_such_table', Item: item(1) })),
      (c) => c.send(new BatchWriteItemCommand({ RequestItems: { no_such_table: [put(item(1))] } })),
      (c) => c.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'no_such_table', Item: item(1) } }] })),
    ];
    for (const step of steps) {
      const local = await outcomeOf(step, ddb.client, '');
      assert.equal(local, 'ResourceNotFoundException 400');
      assert.equal(await outcomeOf(step, simClient, ''), local);
    }
  });

  test('ConsumedCapacity comes back when asked for, per table, in 1 KB units, twice in a transaction, on the larger of old and new item', async () => {
    type Call = (client: DynamoDBClient, table: string) => Promise<{ ConsumedCapacity?: Array<{ TableName?: string; CapacityUnits?: number }> }>;
    const calls: Call[] = [
      (c, t) => c.send(new BatchWriteItemCommand({ ReturnConsumedCapacity: 'TOTAL', RequestItems: { [t]: [put(sized(1, 1024)), put(sized(2, 1025)), put(sized(3, 3000))] } })),
      (c, t) => c.send(new BatchWriteItemCommand({ RequestItems: { [t]: [put(sized(4, 10))] } })),
      // Overwriting a 3000-byte item with a small one costs the larger; deleting costs the deleted item.
      (c, t) => c.send(new BatchWriteItemCommand({ ReturnConsumedCapacity: 'TOTAL', RequestItems: { [t]: [put(sized(3, 10)), del(key(2))] } })),
      (c, t) => c.send(new TransactWriteItemsCommand({ ReturnConsumedCapacity: 'TOTAL', TransactItems: [
        { Put: { TableName: t, Item: sized(5, 2049) } }, { Delete: { TableName: t, Key: key(1) } },
      ] })),
      (c, t) => c.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: t, Item: sized(6, 10) } }] })),
    ];
    const run = async (client: DynamoDBClient): Promise<unknown[]> => {
      const table = await createTable(client, { hash: ['id', 'N'], range: ['sort', 'S'] });
      const answers: unknown[] = [];
      for (const call of calls) {
        const consumed = (await call(client, table)).ConsumedCapacity;
        answers.push(consumed?.map((c) => ({ ...c, TableName: c.TableName === table ? 'the table' : c.TableName })));
      }
      return answers;
    };
    const local = await run(ddb.client);
    assert.deepEqual(local, [
      [{ TableName: 'the table', CapacityUnits: 1 + 2 + 3 }],
      undefined,
      [{ TableName: 'the table', CapacityUnits: 3 + 2 }],
      [{ TableName: 'the table', CapacityUnits: 2 * (3 + 1) }],
      undefined,
    ], 'DynamoDB Local');
    assert.deepEqual(await run(simClient), local, 'the simulator as DynamoDB Local');
  });
});

test("dynaview's connector completes a table through a throttling, slow simulator", async () => {
  const throttled = await startSimulator({ writeCapacityUnits: 1000, latencyMedianMs: 2, latencyP99Ms: 8 });
  const client = localClient(throttled.endpoint);
  try {
    const table = await createTable(client, { hash: ['id', 'N'] });
    const out = await openDynamoDBOutput({
      name: 'sim_ddb',
      config: { table, ...localConnection(throttled.endpoint), max_retries: null },
      view: { name: 'v', columns: [{ name: 'id', type: 'INT', nullable: false }, { name: 's', type: 'VARCHAR', nullable: true }] },
      index: { name: 'v_idx', columns: ['id'] },
    });
    const rows = 3000;
    try {
      const changes: Update[] = Array.from({ length: rows }, (_, id) => ({ row: { id, s: `row ${id}` }, weight: 1 }));
      const result = await out.writeStep(changes);
      assert.equal(result.puts, rows);
      assert.ok(out.metrics().concurrency_limit < 64, `the connector lowered its in-flight limit (${out.metrics().concurrency_limit})`);
    } finally {
      await out.close();
    }
    const items = await scanAll(client, table);
    assert.equal(items.length, rows);
    assert.deepEqual(items.map((i) => Number(i['id']?.N)).sort((a, b) => a - b), Array.from({ length: rows }, (_, i) => i));
    const stats = throttled.stats();
    assert.ok(stats.total.throttled_items > 0, `throttled_items rose (${stats.total.throttled_items})`);
    assert.equal(stats.tables[table]?.written_items, rows);
  } finally {
    client.destroy();
    await throttled.stop();
  }
});
