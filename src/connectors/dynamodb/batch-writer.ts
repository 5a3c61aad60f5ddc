/**
 * Batch mode: one BatchWriteItem call per chunk. Items DynamoDB returns as unprocessed
 * (throttling) are resent, and only they, after a backoff; each resend counts against
 * max_retries.
 */
import type { WriteRequest as DynamoWriteRequest } from '@aws-sdk/client-dynamodb';
import type { WriteRequest } from './chunks.js';
import type { ChunkOutcome, ChunkWriter, DynamoDBWriteApi } from './chunk-writer.js';
import type { MetricsSink } from './metrics.js';
import { describeAwsError, isThrottlingError, isTransientError, mayRetry, wasRetriedBySdk, type RetryPolicy } from './retry.js';

export interface BatchWriterOptions {
  table: string;
  api: DynamoDBWriteApi;
  retry: RetryPolicy;
  metrics: MetricsSink;
  /** Identity of the key held by a request's attributes, to match unprocessed items to requests. */
  keyIdOf: (attributes: DynamoWriteRequest) => string;
}

export class BatchChunkWriter implements ChunkWriter {
  constructor(private readonly options: BatchWriterOptions) {}

  async write(chunk: readonly WriteRequest[]): Promise<ChunkOutcome> {
    const { table, api, retry, metrics } = this.options;
    const started = performance.now();
    let pending = chunk;
    let retries = 0;
    let throttled = false;
    const backOff = async (): Promise<void> => {
      retries += 1;
      metrics.count('retries', 1);
      await retry.wait(retries);
    };
    const finish = (failed: readonly WriteRequest[], failure?: string): ChunkOutcome => {
      metrics.observe('write_call_latency_microseconds', (performance.now() - started) * 1000);
      const failedIds = new Set(failed.map((r) => r.keyId));
      const written = failed.length === 0 ? chunk : chunk.filter((r) => !failedIds.has(r.keyId));
      return { written, conditionFailed: [], failed, retries, throttled, ...(failure === undefined ? {} : { failure }) };
    };

    for (;;) {
      let unprocessed: DynamoWriteRequest[];
      try {
        metrics.count('write_requests', 1);
        const response = await api.batchWrite({ RequestItems: { [table]: pending.map(toDynamoRequest) } });
        unprocessed = response.UnprocessedItems?.[table] ?? [];
        if (unprocessed.length > 0 || wasRetriedBySdk(response)) throttled = true;
      } catch (error) {
        if (isThrottlingError(error)) throttled = true;
        if (isTransientError(error) && mayRetry(retry, retries)) {
          await backOff();
          continue;
        }
        return finish(pending, `BatchWriteItem failed: ${describeAwsError(error)}`);
      }
      if (unprocessed.length === 0) return finish([]);

      metrics.count('throttled_items', unprocessed.length);
      const byKey = new Map(pending.map((r) => [r.keyId, r]));
      pending = unprocessed.map((u) => byKey.get(this.options.keyIdOf(u))).filter((r): r is WriteRequest => r !== undefined);
      if (!mayRetry(retry, retries)) {
        return finish(pending, `${pending.length} item(s) still unprocessed (throttled) after ${retries} retries`);
      }
      await backOff();
    }
  }
}

function toDynamoRequest(request: WriteRequest): DynamoWriteRequest {
  return request.kind === 'put'
    ? { PutRequest: { Item: request.attributes } }
    : { DeleteRequest: { Key: request.attributes } };
}
