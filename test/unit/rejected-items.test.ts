// Items DynamoDB refuses are isolated and fail alone: a whole-request rejection is bisected, a
// cancelled transaction is resolved from its per-item reasons. Fake DynamoDB write APIs stand in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransactWriteItemsCommandInput, WriteRequest as DynamoWriteRequest } from '@aws-sdk/client-dynamodb';
import { BatchChunkWriter } from '../../src/connectors/dynamodb/batch-writer.js';
import { TransactChunkWriter } from '../../src/connectors/dynamodb/transact-writer.js';
import type { ChunkOutcome, DynamoDBWriteApi } from '../../src/connectors/dynamodb/chunk-writer.js';
import type { WriteRequest } from '../../src/connectors/dynamodb/chunks.js';
import type { MetricsSink } from '../../src/connectors/dynamodb/metrics.js';
import { CountingMetrics } from '../support/metrics.js';
import type { RetryPolicy } from '../../src/connectors/dynamodb/retry.js';


const noWait = (maxRetries: number | null): RetryPolicy => ({ maxRetries, wait: async () => {} });

function puts(n: number): WriteRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'put' as const, partitionKey: `k${i}`, attributes: { id: { S: `k${i}` } }, size: 10, row: { id: `k${i}` },
  }));
}

const keyOfRequest = (r: DynamoWriteRequest): string => r.PutRequest?.Item?.['id']?.S ?? r.DeleteRequest?.Key?.['id']?.S ?? '';
const keyOfAction = (a: NonNullable<TransactWriteItemsCommandInput['TransactItems']>[number]): string => a.Put?.Item?.['id']?.S ?? a.Delete?.Key?.['id']?.S ?? '';
const keys = (requests: readonly WriteRequest[]): string[] => requests.map((r) => r.partitionKey);
const failedKeys = (outcome: ChunkOutcome): string[] => outcome.failures.flatMap((f) => keys(f.requests)).sort();

function validationException(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/** A DynamoDB that refuses, as a whole, every request holding one of the bad keys, and records what it stored. */
function refusingDynamoDB(bad: ReadonlySet<string>): { api: DynamoDBWriteApi; stored: Set<string>; calls: () => number; tokens: string[] } {
  const stored = new Set<string>();
  const tokens: string[] = [];
  let calls = 0;
  const accept = (ids: string[]): void => {
    calls += 1;
    const refused = ids.find((id) => bad.has(id));
    if (refused) throw validationException(`One or more parameter values were invalid: Type mismatch for Index Key (${refused})`);
    for (const id of ids) stored.add(id);
  };
  return {
    stored, tokens, calls: () => calls,
    api: {
      async batchWrite(input) {
        accept(Object.values(input.RequestItems ?? {})[0]!.map(keyOfRequest));
        return { UnprocessedItems: {}, $metadata: {} };
      },
      async transactWrite(input) {
        tokens.push(input.ClientRequestToken!);
        accept((input.TransactItems ?? []).map(keyOfAction));
        return { $metadata: {} };
      },
    },
  };
}

function writerFor(mode: 'batch' | 'transactional', api: DynamoDBWriteApi, metrics: MetricsSink, maxRetries = 10) {
  return mode === 'batch'
    ? new BatchChunkWriter({ table: 't', api, retry: noWait(maxRetries), metrics, keyIdentity: (attributes) => attributes['id']?.S ?? '' })
    : new TransactChunkWriter({ table: 't', api, retry: noWait(maxRetries), metrics });
}

/** 1 call for the whole chunk, then at most two per level of the bisection for each bad item. */
const callBound = (items: number, bad: number): number => 1 + 2 * bad * Math.ceil(Math.log2(items));

for (const mode of ['batch', 'transactional'] as const) {
  test(`${mode} mode: 25 items with 2 that DynamoDB rejects (ValidationException) -> 23 written, 2 failed with DynamoDB's reason, in at most ${callBound(25, 2)} calls`, async () => {
    const dynamo = refusingDynamoDB(new Set(['k7', 'k19']));
    const metrics = new CountingMetrics();
    const outcome = await writerFor(mode, dynamo.api, metrics).write(puts(25));

    assert.equal(outcome.written.length, 23);
    assert.deepEqual(failedKeys(outcome), ['k19', 'k7']);
    assert.deepEqual([...dynamo.stored].sort(), keys(outcome.written).sort());
    for (const failure of outcome.failures) {
      assert.equal(failure.code, 'DYNAMODB_VALIDATION_REJECTED');
      assert.equal(failure.requests.length, 1);
      assert.match(failure.reason, new RegExp(`rejected the item: ValidationException: .*Type mismatch for Index Key \\(${failure.requests[0]!.partitionKey}\\)`));
    }
    assert.ok(dynamo.calls() <= callBound(25, 2), `${dynamo.calls()} calls`);
    assert.equal(metrics.get('write_requests'), dynamo.calls());
    assert.ok(metrics.get('request_splits') > 0);
    assert.equal(outcome.retries, 0, 'a split is not a retry');
  });

  test(`${mode} mode: whatever items are bad, exactly the others are written, within the call bound`, async () => {
    for (let trial = 0; trial < 30; trial++) {
      const size = 1 + (trial * 7) % 25;
      const bad = new Set(Array.from({ length: size }, (_, i) => `k${i}`).filter((_, i) => (i * 31 + trial * 17) % 11 === 0));
      const dynamo = refusingDynamoDB(bad);
      const outcome = await writerFor(mode, dynamo.api, new CountingMetrics()).write(puts(size));
      assert.deepEqual(failedKeys(outcome), [...bad].sort(), `trial ${trial}`);
      assert.equal(dynamo.stored.size + bad.size, size, `trial ${trial}`);
      // A bisection tree has at most 2n - 1 nodes, whatever the number of bad items.
      assert.ok(dynamo.calls() <= Math.min(callBound(size, bad.size), 2 * size - 1), `trial ${trial}: ${dynamo.calls()} calls`);
    }
  });
}

test('a single rejected item fails at once, without a split', async () => {
  const dynamo = refusingDynamoDB(new Set(['k0']));
  const metrics = new CountingMetrics();
  const outcome = await writerFor('batch', dynamo.api, metrics).write(puts(1));
  assert.deepEqual(failedKeys(outcome), ['k0']);
  assert.equal(dynamo.calls(), 1);
  assert.equal(metrics.get('request_splits'), 0);
});

test('transactional mode: every half of a split transaction is a new payload with a new ClientRequestToken', async () => {
  const dynamo = refusingDynamoDB(new Set(['k3']));
  await writerFor('transactional', dynamo.api, new CountingMetrics()).write(puts(8));
  assert.equal(new Set(dynamo.tokens).size, dynamo.tokens.length);
});

test('batch mode: the halves of a split request still resend their unprocessed items', async () => {
  let calls = 0;
  const stored = new Set<string>();
  const api: DynamoDBWriteApi = {
    async batchWrite(input) {
      calls += 1;
      const ids = Object.values(input.RequestItems ?? {})[0]!;
      if (ids.some((r) => keyOfRequest(r) === 'k2')) throw validationException('bad item');
      // Every first attempt of a request leaves its last item unprocessed.
      const unprocessed = calls % 2 === 0 && ids.length > 1 ? ids.slice(-1) : [];
      for (const r of ids.slice(0, ids.length - unprocessed.length)) stored.add(keyOfRequest(r));
      return { UnprocessedItems: { t: unprocessed }, $metadata: {} };
    },
    transactWrite: () => { throw new Error('unused'); },
  };
  const outcome = await writerFor('batch', api, new CountingMetrics()).write(puts(6));
  assert.deepEqual(failedKeys(outcome), ['k2']);
  assert.deepEqual([...stored].sort(), ['k0', 'k1', 'k3', 'k4', 'k5']);
  assert.equal(outcome.written.length, 5);
});

test('transactional mode: items cancelled with ValidationError fail with their reason; the rest is resubmitted with a new token, and retried with the same one', async () => {
  const payloads: string[][] = [];
  const tokens: string[] = [];
  const api: DynamoDBWriteApi = {
    batchWrite: () => { throw new Error('unused'); },
    async transactWrite(input) {
      const ids = (input.TransactItems ?? []).map(keyOfAction);
      payloads.push(ids);
      tokens.push(input.ClientRequestToken!);
      if (payloads.length === 1) {
        throw Object.assign(new Error('Transaction cancelled'), {
          name: 'TransactionCanceledException',
          CancellationReasons: ids.map((id) => (id === 'k1' || id === 'k3'
            ? { Code: 'ValidationError', Message: `Type mismatch for Index Key (${id})` }
            : { Code: 'None' })),
        });
      }
      if (payloads.length === 2) {
        throw Object.assign(new Error('Transaction cancelled'), {
          name: 'TransactionCanceledException', CancellationReasons: ids.map((_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' })),
        });
      }
      return { $metadata: {} };
    },
  };
  const metrics = new CountingMetrics();
  const outcome = await writerFor('transactional', api, metrics).write(puts(5));

  assert.deepEqual(payloads, [['k0', 'k1', 'k2', 'k3', 'k4'], ['k0', 'k2', 'k4'], ['k0', 'k2', 'k4']]);
  assert.notEqual(tokens[1], tokens[0], 'the payload changed, so the token does');
  assert.equal(tokens[2], tokens[1], 'a retry of the same payload keeps its token');
  assert.deepEqual(keys(outcome.written), ['k0', 'k2', 'k4']);
  assert.deepEqual(failedKeys(outcome), ['k1', 'k3']);
  for (const failure of outcome.failures) {
    assert.equal(failure.code, 'DYNAMODB_VALIDATION_REJECTED');
    assert.match(failure.reason, new RegExp(`ValidationError: Type mismatch for Index Key \\(${failure.requests[0]!.partitionKey}\\)`));
  }
  assert.equal(outcome.retries, 1);
  assert.equal(metrics.get('transact_write_failures'), 2);
});

test('transactional mode: a condition failure alongside a rejected item suppresses one and fails the other', async () => {
  let calls = 0;
  const api: DynamoDBWriteApi = {
    batchWrite: () => { throw new Error('unused'); },
    async transactWrite() {
      calls += 1;
      if (calls > 1) return { $metadata: {} };
      throw Object.assign(new Error('Transaction cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'ValidationError', Message: 'bad' }],
      });
    },
  };
  const outcome = await writerFor('transactional', api, new CountingMetrics()).write(puts(3));
  assert.deepEqual(keys(outcome.conditionFailed), ['k0']);
  assert.deepEqual(failedKeys(outcome), ['k2']);
  assert.deepEqual(keys(outcome.written), ['k1']);
  assert.equal(outcome.retries, 0);
});
