/**
 * Batch mode: one BatchWriteItem call per chunk. Items DynamoDB returns as unprocessed
 * (throttling) are resent, and only they, after a backoff; each resend counts against
 * max_retries. A request DynamoDB rejects as a whole for what an item may cause
 * (ValidationException) is split until the items at fault are alone, and only they fail.
 */
import type { WriteRequest as DynamoWriteRequest } from '@aws-sdk/client-dynamodb';
import type { WriteRequest } from './chunks.js';
import type { Item } from './encode.js';
import { ChunkProgress, type ChunkOutcome, type ChunkWriter, type DynamoDBWriteApi } from './chunk-writer.js';
import type { MetricsSink } from './metrics.js';
import { describeAwsError, isItemRejection, isThrottlingError, isTransientError, wasRetriedBySdk, type RetryPolicy } from './retry.js';

export interface BatchWriterOptions {
  table: string;
  api: DynamoDBWriteApi;
  retry: RetryPolicy;
  metrics: MetricsSink;
  /** Identity of the key held by an item or a key (see key-identity.ts), to match unprocessed items to requests. */
  keyIdentity: (attributes: Item) => string;
}

export class BatchChunkWriter implements ChunkWriter {
  constructor(private readonly options: BatchWriterOptions) {}

  async write(chunk: readonly WriteRequest[]): Promise<ChunkOutcome> {
    const progress = new ChunkProgress(chunk, this.options.retry, this.options.metrics);
    await this.writeGroup(chunk, progress);
    return progress.outcome();
  }

  /** Writes some requests of the chunk with one BatchWriteItem call, and the resends it needs. */
  private async writeGroup(group: readonly WriteRequest[], progress: ChunkProgress): Promise<void> {
    const { table, api, metrics } = this.options;
    let pending = group;
    for (;;) {
      let unprocessed: DynamoWriteRequest[];
      try {
        metrics.count('write_requests', 1);
        const response = await api.batchWrite({ RequestItems: { [table]: pending.map(toDynamoRequest) }, ReturnConsumedCapacity: 'TOTAL' });
        progress.consumed(response.ConsumedCapacity);
        unprocessed = response.UnprocessedItems?.[table] ?? [];
        // The SDK retries a call that wrote nothing for lack of capacity: all of its items were throttled.
        if (wasRetriedBySdk(response)) progress.throttle(pending);
      } catch (error) {
        if (isThrottlingError(error)) progress.throttle(pending);
        if (isTransientError(error) && progress.mayRetry()) {
          await progress.backOff();
          continue;
        }
        if (isItemRejection(error)) {
          await progress.isolate(pending, `BatchWriteItem rejected the item: ${describeAwsError(error)}`, (half) => this.writeGroup(half, progress));
        } else if (isTransientError(error)) {
          progress.fail(pending, 'DYNAMODB_WRITE_FAILED', `BatchWriteItem still failing after ${progress.retries} retries: ${describeAwsError(error)}`);
        } else {
          progress.fail(pending, 'DYNAMODB_WRITE_FAILED', `BatchWriteItem failed: ${describeAwsError(error)}`);
        }
        return;
      }
      if (unprocessed.length === 0) return;

      metrics.count('throttled_items', unprocessed.length);
      const { keyIdentity } = this.options;
      const byKey = new Map(pending.map((r) => [keyIdentity(r.attributes), r]));
      pending = unprocessed.map((u) => byKey.get(keyIdentity(u.PutRequest?.Item ?? u.DeleteRequest?.Key ?? {})))
        .filter((r): r is WriteRequest => r !== undefined);
      progress.throttle(pending);
      if (!progress.mayRetry()) {
        progress.fail(pending, 'DYNAMODB_WRITE_FAILED', `${pending.length} item(s) still unprocessed (throttled) after ${progress.retries} retries`);
        return;
      }
      await progress.backOff();
    }
  }
}

function toDynamoRequest(request: WriteRequest): DynamoWriteRequest {
  return request.kind === 'put'
    ? { PutRequest: { Item: request.attributes } }
    : { DeleteRequest: { Key: request.attributes } };
}
