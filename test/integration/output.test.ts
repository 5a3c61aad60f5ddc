import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchWriteItemCommandInput, WriteRequest as DynamoWriteRequest } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import { openDynamoDBOutput, StepWriteError, type DynamoDBOutputOptions, type DynamoDBWriteApi, type Update } from '../../src/index.js';
import { createTable, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { sortedRows } from '../support/items.js';

const ddb = useDynamoDB();

const view = {
  name: 'v1',
  columns: [
    { name: 'id', type: 'INT', nullable: false },
    { name: 'sort', type: 'VARCHAR', nullable: false },
    { name: 's', type: 'VARCHAR', nullable: true },
  ],
};
const index = { name: 'v1_idx', columns: ['id', 'sort'] };

async function compositeTable(): Promise<string> {
  return createTable(ddb.client, { hash: ['id', 'N'], range: ['sort', 'S'] });
}

function open(table: string, config: Record<string, unknown> = {}, extra: Partial<DynamoDBOutputOptions> = {}) {
  return openDynamoDBOutput({ name: 'v1_ddb', config: { table, ...localConnection(ddb.endpoint), ...config }, view, index, ...extra });
}

const ins = (id: number, sort: string, s: string | null): Update => ({ row: { id, sort, s }, weight: 1 });
const del = (id: number, sort: string, s: string | null): Update => ({ row: { id, sort, s }, weight: -1 });

for (const write_mode of ['batch', 'transactional'] as const) {
  test(`${write_mode} mode: inserts, upserts and deletes over several steps leave the table equal to the view`, async () => {
    const table = await compositeTable();
    const out = await open(table, { write_mode });
    try {
      const first = await out.writeStep([ins(1, 'a', 'x'), ins(2, 'b', null), ins(3, 'c', 'z')]);
      assert.equal(first.puts, 3);
      assert.equal(first.step, 1);
      // Update 1 (delete old + insert new), delete 2, insert 4.
      const second = await out.writeStep([del(1, 'a', 'x'), ins(1, 'a', 'x2'), del(2, 'b', null), ins(4, 'd', 'w')]);
      assert.deepEqual([second.puts, second.deletes, second.step], [2, 1, 2]);
      // Changes that cancel do nothing.
      const third = await out.writeStep([ins(5, 'e', 'q'), del(5, 'e', 'q')]);
      assert.deepEqual([third.puts, third.deletes], [0, 0]);
      assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [
        { id: 1, sort: 'a', s: 'x2' },
        { id: 3, sort: 'c', s: 'z' },
        { id: 4, sort: 'd', s: 'w' },
      ]);
      const metrics = out.metrics();
      assert.equal(metrics.records_written, 6);
      assert.equal(metrics.deletes_written, 1);
      assert.equal(metrics.steps, 3);
    } finally {
      await out.close();
    }
  });
}

test('a table with only a partition key takes a single-column index', async () => {
  const table = await createTable(ddb.client, { hash: ['pk', 'S'] });
  const out = await openDynamoDBOutput({
    name: 'users_ddb',
    config: { table, ...localConnection(ddb.endpoint) },
    view: { name: 'users', columns: [{ name: 'pk', type: 'VARCHAR', nullable: false }, { name: 'n', type: 'BIGINT', nullable: true }] },
    index: { name: 'users_idx', columns: ['pk'] },
  });
  try {
    await out.writeStep([{ row: { pk: 'a', n: 1 }, weight: 1 }, { row: { pk: 'b', n: 2 }, weight: 1 }]);
    await out.writeStep([{ row: { pk: 'a', n: 1 }, weight: -1 }]);
    assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'pk'), [{ pk: 'b', n: 2 }]);
  } finally {
    await out.close();
  }
});

test('a uniqueness violation skips that key, is counted, names view, index and key, and the rest is written', async () => {
  const table = await compositeTable();
  const out = await open(table);
  try {
    const result = await out.writeStep([ins(1, 'a', 'x'), ins(1, 'a', 'y'), ins(2, 'b', 'z')]);
    assert.equal(result.puts, 1);
    assert.equal(result.skipped.uniqueness_violation, 1);
    const [error] = result.errors;
    assert.equal(error?.code, 'DYNAMODB_UNIQUENESS_VIOLATION');
    assert.equal(error?.context.view, 'v1');
    assert.equal(error?.context.index, 'v1_idx');
    assert.equal(error?.context.key, '{"id":1,"sort":"a"}');
    assert.match(error?.message ?? '', /index v1_idx of view v1 is not unique for key \{"id":1,"sort":"a"\}/);
    assert.match(error?.message ?? '', /\{"id":1,"sort":"a","s":"y"\}: \+1/);
    assert.equal(out.metrics().duplicate_keys_skipped, 1);
    assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [{ id: 2, sort: 'b', s: 'z' }]);
  } finally {
    await out.close();
  }
});

test('a record with a value DynamoDB cannot store is dropped alone, with an error naming column and key', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const out = await openDynamoDBOutput({
    name: 'm_ddb',
    config: { table, ...localConnection(ddb.endpoint) },
    view: { name: 'm', columns: [{ name: 'id', type: 'INT', nullable: false }, { name: 'x', type: 'DOUBLE', nullable: true }] },
    index: { name: 'm_idx', columns: ['id'] },
  });
  try {
    const result = await out.writeStep([
      { row: { id: 1, x: 1.5 }, weight: 1 },
      { row: { id: 2, x: Number.NaN }, weight: 1 },
      { row: { id: 3, x: 1e200 }, weight: 1 },
      { row: { id: null, x: 1 }, weight: 1 },
    ]);
    assert.equal(result.puts, 1);
    assert.equal(result.skipped.invalid_value, 3);
    assert.equal(out.metrics().invalid_items_dropped, 3);
    const messages = result.errors.map((e) => e.message).join('\n');
    assert.match(messages, /"x"/);
    assert.match(messages, /\{"id":2\}/);
    assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [{ id: 1, x: 1.5 }]);
  } finally {
    await out.close();
  }
});

for (const write_mode of ['batch', 'transactional'] as const) {
  test(`${write_mode} mode: an item of exactly 400 KB is written, one byte more is dropped and counted, and the rest of its chunk is written`, async () => {
    const table = await compositeTable();
    const out = await open(table, { write_mode });
    try {
      // Item size: "id" (2) + N "1" (2) + "sort" (4) + S "a" (1) + "s" (1) + the payload.
      const overhead = 2 + 2 + 4 + 1 + 1;
      const exact = 'x'.repeat(409_600 - overhead);
      const result = await out.writeStep([ins(1, 'a', exact), ins(2, 'a', `${exact}y`), ins(3, 'a', 'small')]);
      assert.equal(result.puts, 2);
      assert.equal(result.skipped.oversized, 1);
      assert.equal(result.errors[0]?.code, 'DYNAMODB_ITEM_TOO_LARGE');
      assert.equal(result.errors[0]?.context.key, '{"id":2,"sort":"a"}');
      assert.equal(out.metrics().oversized_items_dropped, 1);
      assert.match(await out.metricsText(), /^dynamodb_output_oversized_items_dropped_total\{endpoint="v1_ddb"\} 1$/m);
      const rows = await scanAll(ddb.client, table);
      assert.deepEqual(rows.map((r) => r['id']?.N).sort(), ['1', '3']);
      assert.equal(rows.find((r) => r['id']?.N === '1')?.['s']?.S?.length, exact.length);
    } finally {
      await out.close();
    }
  });
}

test('transactional mode: condition expressions suppress the writes whose condition is false, and count them', async () => {
  const table = await compositeTable();
  const out = await open(table, {
    write_mode: 'transactional',
    put_condition_expression: 'attribute_not_exists(id)',
    delete_condition_expression: 'attribute_exists(id)',
  });
  try {
    await out.writeStep([ins(1, 'a', 'first'), ins(2, 'b', 'x')]);
    // The put of an existing key fails its condition; the new key and the delete go through.
    const result = await out.writeStep([del(1, 'a', 'first'), ins(1, 'a', 'second'), ins(3, 'c', 'y'), del(2, 'b', 'x')]);
    assert.equal(result.skipped.condition_check_failed, 1);
    assert.equal(result.puts, 1);
    assert.equal(result.deletes, 1);
    assert.equal(result.errors[0]?.code, 'DYNAMODB_CONDITION_CHECK_FAILED');
    assert.equal(result.errors[0]?.context.key, '{"id":1,"sort":"a"}');
    assert.equal(out.metrics().condition_check_failures, 1);
    // Deleting a missing key fails the delete condition.
    const missing = await out.writeStep([del(9, 'z', null)]);
    assert.equal(missing.skipped.condition_check_failed, 1);
    assert.deepEqual(sortedRows(await scanAll(ddb.client, table), 'id'), [
      { id: 1, sort: 'a', s: 'first' },
      { id: 3, sort: 'c', s: 'y' },
    ]);
  } finally {
    await out.close();
  }
});

/** Counts the DynamoDB calls in flight at once. */
function concurrencyProbe(): { wrap: (api: DynamoDBWriteApi) => DynamoDBWriteApi; max: () => number; calls: () => number } {
  let current = 0;
  let max = 0;
  let calls = 0;
  const track = async <T>(call: () => Promise<T>): Promise<T> => {
    current += 1;
    calls += 1;
    max = Math.max(max, current);
    try {
      return await call();
    } finally {
      current -= 1;
    }
  };
  return {
    wrap: (api) => ({ batchWrite: (input) => track(() => api.batchWrite(input)), transactWrite: (input) => track(() => api.transactWrite(input)) }),
    max: () => max,
    calls: () => calls,
  };
}

test('max_concurrent_requests 1 with a flush after every record writes everything, one request at a time', async () => {
  const table = await compositeTable();
  const probe = concurrencyProbe();
  const out = await open(table, { max_concurrent_requests: 1, max_buffer_size_bytes: 1 }, { interceptWrites: probe.wrap });
  try {
    const updates = Array.from({ length: 60 }, (_, i) => ins(i, 'k', `v${i}`));
    const result = await out.writeStep(updates);
    assert.equal(result.puts, 60);
    assert.equal(probe.calls(), 60);
    assert.equal(probe.max(), 1);
    assert.equal(out.metrics().write_chunks, 60);
    assert.equal((await scanAll(ddb.client, table)).length, 60);
  } finally {
    await out.close();
  }
});

test('writes of a large step run concurrently up to max_concurrent_requests', async () => {
  const table = await compositeTable();
  const probe = concurrencyProbe();
  const out = await open(table, { max_concurrent_requests: 4 }, { interceptWrites: probe.wrap });
  try {
    const result = await out.writeStep(Array.from({ length: 500 }, (_, i) => ins(i, 'k', `v${i}`)));
    assert.equal(result.puts, 500);
    assert.equal(probe.calls(), 20);
    assert.ok(probe.max() > 1 && probe.max() <= 4, `max in flight ${probe.max()}`);
  } finally {
    await out.close();
  }
});

/** Makes DynamoDB Local look throttled: only the first half of each batch is sent, the rest comes back unprocessed. */
function halfThrottled(api: DynamoDBWriteApi): DynamoDBWriteApi {
  return {
    ...api,
    async batchWrite(input: BatchWriteItemCommandInput) {
      const [table, requests] = Object.entries(input.RequestItems ?? {})[0]!;
      if (requests.length === 1) return api.batchWrite(input);
      const half = Math.ceil(requests.length / 2);
      const response = await api.batchWrite({ RequestItems: { [table]: requests.slice(0, half) } });
      return { ...response, UnprocessedItems: { [table]: requests.slice(half) } };
    },
  };
}

test('batch mode: items returned as unprocessed are resent until DynamoDB Local has them all', async () => {
  const table = await compositeTable();
  const out = await open(table, {}, { interceptWrites: halfThrottled });
  try {
    const result = await out.writeStep(Array.from({ length: 100 }, (_, i) => ins(i, 'k', `v${i}`)));
    assert.equal(result.puts, 100);
    assert.ok(result.retries > 0);
    const metrics = out.metrics();
    assert.ok(metrics.throttled_items > 0);
    assert.equal(metrics.retries, result.retries);
    assert.equal(metrics.failed_items, 0);
    assert.equal((await scanAll(ddb.client, table)).length, 100);
  } finally {
    await out.close();
  }
});

test('items that exhaust max_retries are counted as failed and reject the step, while the rest of the step is written', async () => {
  const table = await compositeTable();
  const isStuck = (r: DynamoWriteRequest): boolean => r.PutRequest?.Item?.['id']?.N === '7';
  const stuckKey = (api: DynamoDBWriteApi): DynamoDBWriteApi => ({
    ...api,
    async batchWrite(input) {
      const [name, requests] = Object.entries(input.RequestItems ?? {})[0]!;
      const stuck = requests.filter(isStuck);
      const rest = requests.filter((r) => !isStuck(r));
      const response = rest.length > 0 ? await api.batchWrite({ RequestItems: { [name]: rest } }) : { $metadata: {} };
      return { ...response, UnprocessedItems: stuck.length > 0 ? { [name]: stuck } : {} };
    },
  });
  const out = await open(table, { max_retries: 2 }, { interceptWrites: stuckKey });
  try {
    const error = await out.writeStep(Array.from({ length: 30 }, (_, i) => ins(i, 'k', `v${i}`))).then(
      () => assert.fail('the step should be rejected'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StepWriteError);
    assert.equal(error.code, 'DYNAMODB_WRITE_FAILED');
    assert.equal(error.result.failed, 1);
    assert.equal(error.result.puts, 29);
    assert.match(error.message, /connector v1_ddb: 1 item\(s\) of view v1 were not written to table .*after 2 retries.*\{"id":7,"sort":"k"\}/);
    assert.equal(out.metrics().failed_items, 1);
    assert.equal((await scanAll(ddb.client, table)).length, 29);
    // The connector stays usable for the next step.
    const next = await out.writeStep([ins(100, 'k', 'later')]);
    assert.equal(next.puts, 1);
  } finally {
    await out.close();
  }
});

test('threads 4 split keys across workers and end with the same table as threads 1', async () => {
  const steps: Update[][] = [
    Array.from({ length: 1000 }, (_, i) => ins(i, `s${i % 7}`, `a${i}`)),
    Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 3 === 0)
      .flatMap((i) => [del(i, `s${i % 7}`, `a${i}`), ins(i, `s${i % 7}`, `b${i}`)]),
    Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 5 === 0).map((i) => del(i, `s${i % 7}`, i % 3 === 0 ? `b${i}` : `a${i}`)),
  ];
  const contents: unknown[] = [];
  for (const threads of [1, 4]) {
    const table = await compositeTable();
    const out = await open(table, { threads });
    try {
      for (const step of steps) await out.writeStep(step);
      assert.equal(out.metrics().records_written, 1000 + 334 + 200);
    } finally {
      await out.close();
    }
    const rows = sortedRows(await scanAll(ddb.client, table), 'id');
    assert.equal(rows.length, 800);
    contents.push(rows);
  }
  assert.deepEqual(contents[1], contents[0]);
});

test('a key-schema mismatch is one clear error that shows both sides', async () => {
  const table = await createTable(ddb.client, { hash: ['pk', 'S'] });
  await assert.rejects(open(table), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'DYNAMODB_KEY_SCHEMA_MISMATCH');
    assert.match(error.message, new RegExp(`index v1_idx \\(id INT, sort VARCHAR\\) does not match table ${table} key \\(pk S HASH\\)`));
    return true;
  });
  const wrongType = await createTable(ddb.client, { hash: ['id', 'S'], range: ['sort', 'S'] });
  await assert.rejects(open(wrongType), /column id \(INT\) is stored as N, but key attribute id has type S/);
});

test('a missing table is an error that says how to create it', async () => {
  await assert.rejects(open('no_such_table'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'DYNAMODB_TABLE_NOT_FOUND');
    assert.match(error.message, /table no_such_table does not exist .*create it with key \(id N HASH, sort S RANGE\)/);
    return true;
  });
});

test('an invalid configuration is rejected before anything is contacted, naming every problem', async () => {
  await assert.rejects(
    openDynamoDBOutput({ name: 'bad', config: { table: 'x', region: 'us-east-1', batch_size: 26, threds: 2 }, view, index }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /table/);
      assert.match(error.message, /batch_size/);
      assert.match(error.message, /threads/);
      return true;
    },
  );
});

test('writeStep rejects a malformed change set before writing any of it', async () => {
  const table = await compositeTable();
  const out = await open(table);
  try {
    await assert.rejects(out.writeStep([ins(1, 'a', 'x'), { row: { id: 2, sort: 'b', s: 'y' }, weight: 0.5 }]), /change 1 of the step has weight 0.5/);
    assert.equal((await scanAll(ddb.client, table)).length, 0);
  } finally {
    await out.close();
  }
});

test('steps never overlap, and close() drains the writes still in flight', async () => {
  const table = await compositeTable();
  const out = await open(table);
  const first = out.writeStep(Array.from({ length: 200 }, (_, i) => ins(i, 'k', 'old')));
  const second = out.writeStep(Array.from({ length: 200 }, (_, i) => i).flatMap((i) => [del(i, 'k', 'old'), ins(i, 'k', 'new')]));
  await out.close();
  assert.deepEqual([(await first).step, (await second).step], [1, 2]);
  const rows = await scanAll(ddb.client, table);
  assert.equal(rows.length, 200);
  assert.ok(rows.every((r) => r['s']?.S === 'new'));
  await assert.rejects(out.writeStep([]), /closed/);
});

test('metrics use Feldera\'s names, labelled with the connector name', async () => {
  const table = await compositeTable();
  const out = await open(table);
  try {
    await out.writeStep([ins(1, 'a', 'x')]);
    const text = await out.metricsText();
    for (const name of [
      'dynamodb_output_retries_total', 'dynamodb_output_throttled_items_total', 'dynamodb_output_transact_write_failures_total',
      'dynamodb_output_failed_items_total', 'dynamodb_output_oversized_items_dropped_total', 'dynamodb_output_write_chunks_total',
      'dynamodb_output_duplicate_keys_skipped_total', 'dynamodb_output_condition_check_failures_total',
    ]) {
      assert.match(text, new RegExp(`^${name}\\{endpoint="v1_ddb"\\} \\d+$`, 'm'), name);
    }
    assert.match(text, /^dynamodb_output_records_written_total\{endpoint="v1_ddb"\} 1$/m);
    assert.match(text, /^dynamodb_output_write_call_latency_microseconds_count\{endpoint="v1_ddb"\} 1$/m);
    assert.match(text, /^dynamodb_output_semaphore_wait_microseconds_bucket\{le="\+Inf",endpoint="v1_ddb"\} 1$/m);
    assert.ok(!text.includes(localConnection(ddb.endpoint).aws_secret_access_key));
  } finally {
    await out.close();
  }
});

test('transactional mode: a transaction never exceeds DynamoDB\'s 4 MB of items, whatever max_buffer_size_bytes allows', async () => {
  const table = await compositeTable();
  const probe = concurrencyProbe();
  const out = await open(table, { write_mode: 'transactional', max_buffer_size_bytes: 100_000_000 }, { interceptWrites: probe.wrap });
  try {
    // 12 items of about 400,000 bytes: 4.8 MB in all, so they need two transactions.
    const result = await out.writeStep(Array.from({ length: 12 }, (_, i) => ins(i, 'k', 'x'.repeat(400_000))));
    assert.equal(result.puts, 12);
    assert.equal(result.failed, 0);
    assert.equal(probe.calls(), 2);
    assert.equal((await scanAll(ddb.client, table)).length, 12);
  } finally {
    await out.close();
  }
});

test('secrets never appear in logs, settings, metrics or errors', async () => {
  const table = await compositeTable();
  const secret = 'SuperSecretValue12345';
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(line); } });
  const out = await openDynamoDBOutput({
    name: 'v1_ddb', view, index, logger,
    config: { ...localConnection(ddb.endpoint), table, aws_secret_access_key: secret, max_retries: 0 },
    interceptWrites: (api) => ({
      ...api,
      batchWrite: async (input) => ({ $metadata: {}, UnprocessedItems: input.RequestItems }),
    }),
  });
  try {
    const error = await out.writeStep([ins(1, 'a', 'x'), ins(1, 'a', 'y'), ins(2, 'b', 'z')]).catch((e: unknown) => e);
    assert.ok(error instanceof StepWriteError);
    assert.equal(out.settings['aws_secret_access_key'], '***');
    const everything = [
      ...lines, JSON.stringify(out.settings), await out.metricsText(), error.message, JSON.stringify(error),
      ...error.result.errors.map((e) => `${e.message} ${JSON.stringify(e)}`),
    ].join('\n');
    assert.match(lines.join('\n'), /uniqueness_violation/, 'the skipped record was logged');
    assert.match(lines.join('\n'), /could not be written/, 'the failure was logged');
    assert.ok(!everything.includes(secret));
  } finally {
    await out.close();
  }
});

test('credentials DynamoDB rejects give an error that says so without printing them', async () => {
  const table = await compositeTable();
  await assert.rejects(
    open(table, { aws_access_key_id: 'not-a-valid-key', aws_secret_access_key: 'TopSecret987' }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'DYNAMODB_CREDENTIALS_REJECTED');
      assert.match(error.message, /DynamoDB rejected the credentials/);
      assert.ok(!error.message.includes('TopSecret987') && !error.message.includes('not-a-valid-key'));
      return true;
    },
  );
});

test('an unreachable endpoint gives an error naming it', async () => {
  await assert.rejects(open('any_table', { endpoint_url: 'http://127.0.0.1:9' }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'DYNAMODB_UNREACHABLE');
    assert.match(error.message, /cannot reach DynamoDB in region us-east-1 at http:\/\/127\.0\.0\.1:9/);
    return true;
  });
});
