import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkBuilder, type WriteRequest } from '../../src/connectors/dynamodb/chunks.js';

function request(id: number, size: number): WriteRequest {
  return { kind: 'put', partitionKey: String(id), attributes: {}, size, row: { id } };
}

test('a chunk is cut when it holds batch_size requests', () => {
  const builder = new ChunkBuilder({ maxRequests: 3, flushBytes: 1_000_000, maxRequestBytes: 16_777_216 });
  const cut = [1, 2, 3, 4, 5, 6, 7].flatMap((i) => builder.add(request(i, 10)));
  assert.deepEqual(cut.map((c) => c.map((r) => r.partitionKey)), [['1', '2', '3'], ['4', '5', '6']]);
  assert.deepEqual(builder.flush()?.map((r) => r.partitionKey), ['7']);
  assert.equal(builder.flush(), undefined);
});

test('a chunk is cut when max_buffer_size_bytes are staged', () => {
  const builder = new ChunkBuilder({ maxRequests: 25, flushBytes: 100, maxRequestBytes: 16_777_216 });
  assert.deepEqual(builder.add(request(1, 60)), []);
  const cut = builder.add(request(2, 40));
  assert.deepEqual(cut.map((c) => c.length), [2]);
});

test('a flush threshold of one byte sends every request alone', () => {
  const builder = new ChunkBuilder({ maxRequests: 25, flushBytes: 1, maxRequestBytes: 16_777_216 });
  assert.deepEqual([1, 2, 3].map((i) => builder.add(request(i, 5)).length), [1, 1, 1]);
});

test('a chunk never exceeds the request size limit of DynamoDB', () => {
  const builder = new ChunkBuilder({ maxRequests: 100, flushBytes: 100_000_000, maxRequestBytes: 1000 });
  assert.deepEqual(builder.add(request(1, 600)), []);
  const cut = builder.add(request(2, 600));
  assert.deepEqual(cut.map((c) => c.map((r) => r.partitionKey)), [['1']]);
  assert.deepEqual(builder.flush()?.map((r) => r.partitionKey), ['2']);
});
