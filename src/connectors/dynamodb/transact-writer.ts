/**
 * Transactional mode: one TransactWriteItems call per chunk, all of it or nothing. A cancelled
 * transaction is resolved item by item from its cancellation reasons: condition failures are
 * dropped, items DynamoDB refuses (ValidationError, ...) fail, and the rest is resubmitted, after a
 * backoff when conflicts or throttling were among the reasons. A request rejected as a whole for
 * what an item may cause (ValidationException) is split into smaller transactions until the items
 * at fault are alone.
 */
import { randomUUID } from 'node:crypto';
import type { CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { WriteRequest } from './chunks.js';
import { ChunkProgress, type ChunkOutcome, type ChunkWriter, type DynamoDBWriteApi } from './chunk-writer.js';
import type { MetricsSink } from './metrics.js';
import { describeAwsError, isItemRejection, isThrottlingError, isTransientError, wasRetriedBySdk, type RetryPolicy } from './retry.js';

export interface TransactWriterOptions {
  table: string;
  api: DynamoDBWriteApi;
  retry: RetryPolicy;
  metrics: MetricsSink;
  putCondition?: string;
  deleteCondition?: string;
}

const THROTTLING_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);
const RETRIABLE_REASONS = new Set(['TransactionConflict', ...THROTTLING_REASONS]);

/** What a cancellation means for each item of the transaction. */
export interface CancellationVerdict {
  /** Items whose condition expression is false: suppressed, as the user asked. */
  readonly conditionFailed: readonly number[];
  /** Items DynamoDB refuses whatever the retry, with its reason. */
  readonly rejected: readonly { readonly index: number; readonly reason: string }[];
  /** Whether conflicts or throttling cancelled it too, so the rest is resubmitted only after a backoff. */
  readonly retriable: boolean;
}

/**
 * Reasons are ordered like the request's items. `None` (or no code) marks an item that was fine
 * and only cancelled along with the others; a code the connector does not know is taken as a
 * refusal of that item, since resubmitting it could go on forever.
 */
export function judgeCancellation(reasons: readonly CancellationReason[] | undefined, items: number): CancellationVerdict | undefined {
  if (!reasons || reasons.length !== items) return undefined;
  const conditionFailed: number[] = [];
  const rejected: { index: number; reason: string }[] = [];
  let retriable = false;
  reasons.forEach((reason, index) => {
    const code = reason.Code ?? 'None';
    if (code === 'None') return;
    if (code === 'ConditionalCheckFailed') conditionFailed.push(index);
    else if (RETRIABLE_REASONS.has(code)) retriable = true;
    else rejected.push({ index, reason: `${code}${reason.Message ? `: ${reason.Message}` : ''}` });
  });
  return { conditionFailed, rejected, retriable };
}

export class TransactChunkWriter implements ChunkWriter {
  constructor(private readonly options: TransactWriterOptions) {}

  async write(chunk: readonly WriteRequest[]): Promise<ChunkOutcome> {
    const progress = new ChunkProgress(chunk, this.options.retry, this.options.metrics);
    await this.writeGroup(chunk, progress);
    return progress.outcome();
  }

  /** Writes some requests of the chunk as one transaction, resubmitted until it goes through or is given up on. */
  private async writeGroup(group: readonly WriteRequest[], progress: ChunkProgress): Promise<void> {
    const { api, metrics } = this.options;
    let pending = group;
    // One token per distinct payload: a retry after an ambiguous failure (timeout, 500) is then
    // applied at most once, and a changed payload never reuses a token.
    let token = randomUUID();
    while (pending.length > 0) {
      try {
        metrics.count('write_requests', 1);
        const response = await api.transactWrite({
          TransactItems: pending.map((r) => this.toTransactItem(r)), ClientRequestToken: token, ReturnConsumedCapacity: 'TOTAL',
        });
        progress.consumed(response.ConsumedCapacity);
        if (wasRetriedBySdk(response)) progress.throttle(pending);
        return;
      } catch (error) {
        const cancelled = isCancellation(error);
        if (isThrottlingError(error)) progress.throttle(pending);
        else if (cancelled) progress.throttle(throttledItems(error.CancellationReasons, pending));
        const verdict = cancelled ? judgeCancellation(error.CancellationReasons, pending.length) : undefined;
        if (verdict) {
          const settled = new Set([...verdict.conditionFailed, ...verdict.rejected.map((r) => r.index)]);
          progress.suppress(verdict.conditionFailed.map((i) => pending[i]!));
          for (const { index, reason } of verdict.rejected) {
            progress.fail([pending[index]!], 'DYNAMODB_VALIDATION_REJECTED', `TransactWriteItems rejected the item: ${reason}`);
          }
          if (settled.size > 0) {
            pending = pending.filter((_, i) => !settled.has(i));
            token = randomUUID();
          }
          if (verdict.rejected.length > 0 || verdict.retriable) metrics.count('transact_write_failures', 1);
          // Nothing but items that are settled now: the rest was fine, so resubmit it at once, without counting a retry.
          if (!verdict.retriable) continue;
        } else {
          metrics.count('transact_write_failures', 1);
          if (!cancelled && !isTransientError(error)) {
            if (isItemRejection(error)) {
              await progress.isolate(pending, `TransactWriteItems rejected the item: ${describeAwsError(error)}`, (half) => this.writeGroup(half, progress));
            } else {
              progress.fail(pending, 'DYNAMODB_WRITE_FAILED', `TransactWriteItems failed: ${describeAwsError(error)}`);
            }
            return;
          }
        }
        if (!progress.mayRetry()) {
          progress.fail(pending, 'DYNAMODB_WRITE_FAILED', `TransactWriteItems still failing after ${progress.retries} retries: ${describeAwsError(error)}`);
          return;
        }
        await progress.backOff();
      }
    }
  }

  // Object literals of one shape each, without spreads: this runs for every item written.
  private toTransactItem(request: WriteRequest): TransactWriteItem {
    const { table, putCondition, deleteCondition } = this.options;
    if (request.kind === 'put') {
      return putCondition
        ? { Put: { TableName: table, Item: request.attributes, ConditionExpression: putCondition } }
        : { Put: { TableName: table, Item: request.attributes } };
    }
    return deleteCondition
      ? { Delete: { TableName: table, Key: request.attributes, ConditionExpression: deleteCondition } }
      : { Delete: { TableName: table, Key: request.attributes } };
  }
}

/** The items a cancellation names as over capacity; reasons are ordered like the items. */
function throttledItems(reasons: readonly CancellationReason[] | undefined, items: readonly WriteRequest[]): WriteRequest[] {
  return items.filter((_, i) => THROTTLING_REASONS.has(reasons?.[i]?.Code ?? ''));
}

function isCancellation(error: unknown): error is { name: string; CancellationReasons?: CancellationReason[] } {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TransactionCanceledException';
}
