/**
 * Transactional mode: one TransactWriteItems call per chunk, all of it or nothing. A cancelled
 * transaction is resolved item by item from its cancellation reasons: condition failures are
 * dropped and the rest resubmitted, conflicts and throttling are retried, anything else fails the
 * chunk.
 */
import { randomUUID } from 'node:crypto';
import type { CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { WriteRequest } from './chunks.js';
import type { ChunkOutcome, ChunkWriter, DynamoDBWriteApi } from './chunk-writer.js';
import type { MetricsSink } from './metrics.js';
import { describeAwsError, isThrottlingError, isTransientError, mayRetry, wasRetriedBySdk, type RetryPolicy } from './retry.js';

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

/** What a cancellation means for the chunk, from its per-item reasons. */
export type CancellationVerdict =
  | { readonly kind: 'retry'; readonly conditionFailed: readonly number[] }
  | { readonly kind: 'resubmit'; readonly conditionFailed: readonly number[] }
  | { readonly kind: 'fail'; readonly reasons: string };

/**
 * Reasons are ordered like the request's items. `None` (or no code) marks an item that was fine
 * and only cancelled along with the others.
 */
export function judgeCancellation(reasons: readonly CancellationReason[] | undefined, items: number): CancellationVerdict | undefined {
  if (!reasons || reasons.length !== items) return undefined;
  const conditionFailed: number[] = [];
  let retriable = false;
  const fatal: string[] = [];
  reasons.forEach((reason, i) => {
    const code = reason.Code ?? 'None';
    if (code === 'None') return;
    if (code === 'ConditionalCheckFailed') conditionFailed.push(i);
    else if (RETRIABLE_REASONS.has(code)) retriable = true;
    else fatal.push(`item ${i}: ${code}${reason.Message ? ` (${reason.Message})` : ''}`);
  });
  if (fatal.length > 0) return { kind: 'fail', reasons: fatal.join('; ') };
  return retriable ? { kind: 'retry', conditionFailed } : { kind: 'resubmit', conditionFailed };
}

export class TransactChunkWriter implements ChunkWriter {
  constructor(private readonly options: TransactWriterOptions) {}

  async write(chunk: readonly WriteRequest[]): Promise<ChunkOutcome> {
    const { api, retry, metrics } = this.options;
    const started = performance.now();
    let pending = chunk;
    const conditionFailed: WriteRequest[] = [];
    let retries = 0;
    let throttled = false;
    // One token per distinct payload: a retry after an ambiguous failure (timeout, 500) is then
    // applied at most once, and a changed payload never reuses a token.
    let token = randomUUID();
    const finish = (failed: readonly WriteRequest[], failure?: string): ChunkOutcome => {
      metrics.observe('write_call_latency_microseconds', (performance.now() - started) * 1000);
      const written = failed.length > 0 ? [] : pending;
      return { written, conditionFailed, failed, retries, throttled, ...(failure === undefined ? {} : { failure }) };
    };
    const backOff = async (): Promise<void> => {
      retries += 1;
      metrics.count('retries', 1);
      await retry.wait(retries);
    };

    while (pending.length > 0) {
      try {
        metrics.count('write_requests', 1);
        const response = await api.transactWrite({ TransactItems: pending.map((r) => this.toTransactItem(r)), ClientRequestToken: token });
        if (wasRetriedBySdk(response)) throttled = true;
        return finish([]);
      } catch (error) {
        const verdict = isCancellation(error) ? judgeCancellation(error.CancellationReasons, pending.length) : undefined;
        if (isThrottlingError(error) || (isCancellation(error) && error.CancellationReasons?.some((r) => THROTTLING_REASONS.has(r.Code ?? '')))) {
          throttled = true;
        }
        if (verdict?.kind === 'fail') {
          metrics.count('transact_write_failures', 1);
          return finish([...pending, ...conditionFailed.splice(0)], `transaction cancelled: ${verdict.reasons}`);
        }
        if (verdict) {
          if (verdict.conditionFailed.length > 0) {
            const dropped = new Set(verdict.conditionFailed);
            conditionFailed.push(...pending.filter((_, i) => dropped.has(i)));
            pending = pending.filter((_, i) => !dropped.has(i));
            token = randomUUID();
          }
          // Only condition failures: the rest was fine, so resubmit at once without counting a retry.
          if (verdict.kind === 'resubmit') continue;
        }
        metrics.count('transact_write_failures', 1);
        if (!verdict && !isTransientError(error) && !isCancellation(error)) {
          return finish(pending, `TransactWriteItems failed: ${describeAwsError(error)}`);
        }
        if (!mayRetry(retry, retries)) {
          return finish(pending, `TransactWriteItems still failing after ${retries} retries: ${describeAwsError(error)}`);
        }
        await backOff();
      }
    }
    return finish([]);
  }

  private toTransactItem(request: WriteRequest): TransactWriteItem {
    const { table, putCondition, deleteCondition } = this.options;
    if (request.kind === 'put') {
      return { Put: { TableName: table, Item: request.attributes, ...(putCondition ? { ConditionExpression: putCondition } : {}) } };
    }
    return { Delete: { TableName: table, Key: request.attributes, ...(deleteCondition ? { ConditionExpression: deleteCondition } : {}) } };
  }
}

function isCancellation(error: unknown): error is { name: string; CancellationReasons?: CancellationReason[] } {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TransactionCanceledException';
}
