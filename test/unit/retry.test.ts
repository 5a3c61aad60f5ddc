import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchWriteItemCommandInput, TransactWriteItemsCommandInput, WriteRequest as DynamoWriteRequest } from '@aws-sdk/client-dynamodb';
import { backoffDelayMs, isTransientError, type RetryPolicy } from '../../src/connectors/dynamodb/retry.js';
import { BatchChunkWriter } from '../../src/connectors/dynamodb/batch-writer.js';
import { judgeCancellation, TransactChunkWriter } from '../../src/connectors/dynamodb/transact-writer.js';
import type { ChunkOutcome, DynamoDBWriteApi } from '../../src/connectors/dynamodb/chunk-writer.js';
import type { WriteRequest } from '../../src/connectors/dynamodb/chunks.js';
import type { Item } from '../../src/connectors/dynamodb/encode.js';
import { CountingMetrics } from '../support/metrics.js';


function noWait(maxRetries: number | null): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { maxRetries, waits, wait: async (attempt) => { waits.push(attempt); } };
}

function puts(n: number): WriteRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'put' as const, partitionKey: `k${i}`, attributes: { id: { S: `k${i}` } }, size: 10, row: { id: `k${i}` },
  }));
}

const keyIdentity = (attributes: Item): string => attributes['id']?.S ?? '';

const failedKeys = (outcome: ChunkOutcome): string[] => outcome.failures.flatMap((f) => f.requests.map((r) => r.partitionKey));

function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

test('backoff waits a uniform random time up to 50 ms × 2^attempt, capped at 12.8 s', () => {
  assert.equal(backoffDelayMs(1, () => 1), 100);
  assert.equal(backoffDelayMs(3, () => 1), 400);
  assert.equal(backoffDelayMs(20, () => 1), 12_800);
  assert.equal(backoffDelayMs(5, () => 0), 0);
  assert.equal(backoffDelayMs(2, () => 0.5), 100);
});

test('throttling, 5xx and network errors are transient; validation and credentials are not', () => {
  assert.ok(isTransientError(awsError('ProvisionedThroughputExceededException')));
  assert.ok(isTransientError(awsError('ThrottlingException')));
  assert.ok(isTransientError(awsError('Whatever', { $metadata: { httpStatusCode: 503 } })));
  assert.ok(isTransientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
  assert.ok(!isTransientError(awsError('ValidationException', { $metadata: { httpStatusCode: 400 } })));
  assert.ok(!isTransientError(awsError('ResourceNotFoundException')));
  assert.ok(!isTransientError(awsError('UnrecognizedClientException')));
});

test('batch mode resends only the unprocessed items until DynamoDB takes them', async () => {
  const sent: number[] = [];
  let calls = 0;
  const api: DynamoDBWriteApi = {
    async batchWrite(input: BatchWriteItemCommandInput) {
      const requests = input.RequestItems!['t']!;
      sent.push(requests.length);
      calls += 1;
      // The first two calls leave their last two items unprocessed.
      const unprocessed: Record<string, DynamoWriteRequest[]> = calls <= 2 ? { t: requests.slice(-2) } : {};
      return { UnprocessedItems: unprocessed, $metadata: {} };
    },
    transactWrite: () => { throw new Error('unused'); },
  };
  const metrics = new CountingMetrics();
  const retry = noWait(10);
  const outcome = await new BatchChunkWriter({ table: 't', api, retry, metrics, keyIdentity }).write(puts(5));
  assert.deepEqual(sent, [5, 2, 2]);
  assert.equal(outcome.written.length, 5);
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.retries, 2);
  assert.deepEqual(retry.waits, [1, 2]);
  assert.equal(metrics.get('throttled_items'), 4);
  assert.equal(metrics.get('retries'), 2);
  assert.equal(metrics.get('write_requests'), 3);
});

test('batch mode gives up after max_retries resends and reports the items still unprocessed as failed', async () => {
  const api: DynamoDBWriteApi = {
    async batchWrite(input) { return { UnprocessedItems: { t: input.RequestItems!['t']!.slice(0, 1) }, $metadata: {} }; },
    transactWrite: () => { throw new Error('unused'); },
  };
  const outcome = await new BatchChunkWriter({ table: 't', api, retry: noWait(3), metrics: new CountingMetrics(), keyIdentity }).write(puts(4));
  assert.equal(outcome.retries, 3);
  assert.deepEqual(failedKeys(outcome), ['k0']);
  assert.deepEqual(outcome.written.map((r) => r.partitionKey), ['k1', 'k2', 'k3']);
  assert.equal(outcome.failures[0]?.code, 'DYNAMODB_WRITE_FAILED');
  assert.match(outcome.failures[0]?.reason ?? '', /unprocessed \(throttled\) after 3 retries/);
});

test('batch mode fails a chunk at once on a non-retriable error, and retries a transient one', async () => {
  let calls = 0;
  const flaky: DynamoDBWriteApi = {
    async batchWrite() {
      calls += 1;
      if (calls === 1) throw awsError('InternalServerError', { $metadata: { httpStatusCode: 500 } });
      return { UnprocessedItems: {}, $metadata: {} };
    },
    transactWrite: () => { throw new Error('unused'); },
  };
  const ok = await new BatchChunkWriter({ table: 't', api: flaky, retry: noWait(10), metrics: new CountingMetrics(), keyIdentity }).write(puts(2));
  assert.equal(ok.written.length, 2);
  assert.equal(ok.retries, 1);

  let missingCalls = 0;
  const missing: DynamoDBWriteApi = {
    async batchWrite() {
      missingCalls += 1;
      throw awsError('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } });
    },
    transactWrite: () => { throw new Error('unused'); },
  };
  const failed = await new BatchChunkWriter({ table: 't', api: missing, retry: noWait(10), metrics: new CountingMetrics(), keyIdentity }).write(puts(2));
  assert.deepEqual(failedKeys(failed), ['k0', 'k1']);
  assert.equal(missingCalls, 1);
  assert.equal(failed.retries, 0);
  assert.equal(failed.failures[0]?.code, 'DYNAMODB_WRITE_FAILED');
  assert.match(failed.failures[0]?.reason ?? '', /ResourceNotFoundException/);
});

test('max_retries null keeps resending until everything is written', async () => {
  let calls = 0;
  const api: DynamoDBWriteApi = {
    async batchWrite(input) {
      calls += 1;
      const unprocessed: Record<string, DynamoWriteRequest[]> = calls < 40 ? { t: input.RequestItems!['t']! } : {};
      return { UnprocessedItems: unprocessed, $metadata: {} };
    },
    transactWrite: () => { throw new Error('unused'); },
  };
  const outcome = await new BatchChunkWriter({ table: 't', api, retry: noWait(null), metrics: new CountingMetrics(), keyIdentity }).write(puts(3));
  assert.equal(outcome.written.length, 3);
  assert.equal(outcome.retries, 39);
});

test('cancellation reasons decide per item: conditions suppress, conflicts retry, other codes reject the item', () => {
  assert.deepEqual(judgeCancellation([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }], 2), { conditionFailed: [1], rejected: [], retriable: false });
  assert.deepEqual(judgeCancellation([{ Code: 'TransactionConflict' }, { Code: 'ConditionalCheckFailed' }], 2), { conditionFailed: [1], rejected: [], retriable: true });
  assert.deepEqual(judgeCancellation([{ Code: 'ThrottlingError' }, { Code: 'None' }], 2), { conditionFailed: [], rejected: [], retriable: true });
  assert.deepEqual(judgeCancellation([{ Code: 'None' }, { Code: 'ValidationError', Message: 'Type mismatch' }, { Code: 'SomethingNew' }], 3), {
    conditionFailed: [], rejected: [{ index: 1, reason: 'ValidationError: Type mismatch' }, { index: 2, reason: 'SomethingNew' }], retriable: false,
  });
  assert.equal(judgeCancellation([{ Code: 'None' }], 2), undefined);
});

test('a transaction cancelled by a condition resubmits the rest at once with a new token, without a retry', async () => {
  const tokens: string[] = [];
  const sizes: number[] = [];
  const api: DynamoDBWriteApi = {
    batchWrite: () => { throw new Error('unused'); },
    async transactWrite(input: TransactWriteItemsCommandInput) {
      tokens.push(input.ClientRequestToken!);
      sizes.push(input.TransactItems!.length);
      if (sizes.length === 1) {
        throw awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });
      }
      return { $metadata: {} };
    },
  };
  const metrics = new CountingMetrics();
  const outcome = await new TransactChunkWriter({ table: 't', api, retry: noWait(10), metrics, putCondition: 'attribute_not_exists(id)' }).write(puts(3));
  assert.deepEqual(sizes, [3, 2]);
  assert.notEqual(tokens[0], tokens[1]);
  assert.deepEqual(outcome.conditionFailed.map((r) => r.partitionKey), ['k1']);
  assert.deepEqual(outcome.written.map((r) => r.partitionKey), ['k0', 'k2']);
  assert.equal(outcome.retries, 0);
  assert.equal(metrics.get('transact_write_failures'), 0);
  assert.equal(outcome.throttled, false, 'a condition is not throttling');
  assert.deepEqual(outcome.throttledRequests, []);
});

test('a transaction cancelled for capacity names the items DynamoDB throttled, once per cancellation', async () => {
  let calls = 0;
  const api: DynamoDBWriteApi = {
    batchWrite: () => { throw new Error('unused'); },
    async transactWrite() {
      calls += 1;
      if (calls <= 2) {
        throw awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }, { Code: 'None' }] });
      }
      return { $metadata: {}, ConsumedCapacity: [{ TableName: 't', CapacityUnits: 6 }] };
    },
  };
  const metrics = new CountingMetrics();
  const outcome = await new TransactChunkWriter({ table: 't', api, retry: noWait(10), metrics }).write(puts(3));
  assert.equal(outcome.throttled, true);
  assert.deepEqual(outcome.throttledRequests.map((r) => r.partitionKey), ['k1', 'k1']);
  assert.equal(metrics.get('consumed_wcu'), 6, 'only the call that went through reports consumed capacity');
});

test('batch mode counts the items returned unprocessed as throttled, and the consumed capacity of every answer', async () => {
  let calls = 0;
  const api: DynamoDBWriteApi = {
    async batchWrite(input: BatchWriteItemCommandInput) {
      calls += 1;
      const requests = input.RequestItems!['t']!;
      const unprocessed: Record<string, DynamoWriteRequest[]> = calls === 1 ? { t: requests.slice(1) } : {};
      return { UnprocessedItems: unprocessed, ConsumedCapacity: [{ TableName: 't', CapacityUnits: calls === 1 ? 1 : 2 }], $metadata: {} };
    },
    transactWrite: () => { throw new Error('unused'); },
  };
  const metrics = new CountingMetrics();
  const outcome = await new BatchChunkWriter({ table: 't', api, retry: noWait(10), metrics, keyIdentity }).write(puts(3));
  assert.deepEqual(outcome.throttledRequests.map((r) => r.partitionKey), ['k1', 'k2']);
  assert.equal(metrics.get('consumed_wcu'), 3);
});

test('a conflicted transaction is retried with backoff and the same token', async () => {
  const tokens: string[] = [];
  const api: DynamoDBWriteApi = {
    batchWrite: () => { throw new Error('unused'); },
    async transactWrite(input) {
      tokens.push(input.ClientRequestToken!);
      if (tokens.length < 3) throw awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] });
      return { $metadata: {} };
    },
  };
  const metrics = new CountingMetrics();
  const retry = noWait(10);
  const outcome = await new TransactChunkWriter({ table: 't', api, retry, metrics }).write(puts(2));
  assert.equal(outcome.written.length, 2);
  assert.equal(outcome.retries, 2);
  assert.equal(new Set(tokens).size, 1);
  assert.equal(metrics.get('transact_write_failures'), 2);
});


test('a transaction that keeps failing gives up after max_retries', async () => {
  const api: DynamoDBWriteApi = {
    batchWrite: () => { throw new Error('unused'); },
    async transactWrite() { throw awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'ThrottlingError' }] }); },
  };
  const outcome = await new TransactChunkWriter({ table: 't', api, retry: noWait(2), metrics: new CountingMetrics() }).write(puts(1));
  assert.deepEqual(failedKeys(outcome), ['k0']);
  assert.equal(outcome.failures[0]?.code, 'DYNAMODB_WRITE_FAILED');
  assert.equal(outcome.retries, 2);
});
