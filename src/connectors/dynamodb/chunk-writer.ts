/**
 * What writing one chunk to DynamoDB looks like from the outside, whichever API does it, and the
 * bookkeeping both write modes share while they write it: retries, throttling, the items given up
 * on, and the splitting of a rejected request to isolate the items at fault.
 */
import type {
  BatchWriteItemCommandInput, BatchWriteItemCommandOutput, ConsumedCapacity, TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { WriteRequest } from './chunks.js';
import type { MetricsSink } from './metrics.js';
import { mayRetry, type RetryPolicy } from './retry.js';

/** The two DynamoDB calls the connector writes with; a seam for fault-injection tests. */
export interface DynamoDBWriteApi {
  batchWrite(input: BatchWriteItemCommandInput): Promise<BatchWriteItemCommandOutput>;
  transactWrite(input: TransactWriteItemsCommandInput): Promise<TransactWriteItemsCommandOutput>;
}

/**
 * Why requests were given up on. DYNAMODB_VALIDATION_REJECTED: DynamoDB refuses the item itself,
 * and would refuse it again. DYNAMODB_WRITE_FAILED: retries ran out, or the request failed for a
 * reason that is not the item's (a missing table, denied access).
 */
export type FailureCode = 'DYNAMODB_VALIDATION_REJECTED' | 'DYNAMODB_WRITE_FAILED';

export interface ChunkFailure {
  readonly requests: readonly WriteRequest[];
  readonly code: FailureCode;
  /** What DynamoDB answered, or why the connector gave up. */
  readonly reason: string;
}

export interface ChunkOutcome {
  /** Requests DynamoDB acknowledged. */
  readonly written: readonly WriteRequest[];
  /** Requests a condition expression suppressed (transactional mode). */
  readonly conditionFailed: readonly WriteRequest[];
  /** Requests given up on, grouped by reason. */
  readonly failures: readonly ChunkFailure[];
  readonly retries: number;
  /** Whether DynamoDB throttled any attempt of this chunk (the SDK's own retries included). */
  readonly throttled: boolean;
  /** The requests DynamoDB throttled, once per time it did (the items of a call the SDK had to retry included). */
  readonly throttledRequests: readonly WriteRequest[];
}

export interface ChunkWriter {
  write(chunk: readonly WriteRequest[]): Promise<ChunkOutcome>;
}

/** Writes a part of a chunk, retrying as its write mode does, and records the result in the progress. */
export type WriteGroup = (requests: readonly WriteRequest[]) => Promise<void>;

/** The state of one chunk's write; every request of the chunk that is not suppressed or failed is written. */
export class ChunkProgress {
  /** Connector retries so far; max_retries bounds them for the whole chunk, its split parts included. */
  retries = 0;
  private throttled = false;
  private readonly throttledRequests: WriteRequest[] = [];
  private readonly conditionFailed: WriteRequest[] = [];
  private readonly failures: ChunkFailure[] = [];
  private readonly started = performance.now();

  constructor(
    private readonly chunk: readonly WriteRequest[],
    private readonly retry: RetryPolicy,
    private readonly metrics: MetricsSink,
  ) {}

  mayRetry(): boolean {
    return mayRetry(this.retry, this.retries);
  }

  async backOff(): Promise<void> {
    this.retries += 1;
    this.metrics.count('retries', 1);
    await this.retry.wait(this.retries);
  }

  /** DynamoDB throttled these requests: returned them unprocessed, cancelled them for capacity, or refused their call. */
  throttle(requests: readonly WriteRequest[]): void {
    if (requests.length === 0) return;
    this.throttled = true;
    for (const request of requests) this.throttledRequests.push(request);
  }

  /**
   * Counts the write units a successful call consumed, from the ConsumedCapacity it returns when
   * asked for TOTAL. Failed calls return none, although DynamoDB may charge for some of them.
   */
  consumed(capacity: readonly ConsumedCapacity[] | undefined): void {
    let units = 0;
    for (const entry of capacity ?? []) units += entry.CapacityUnits ?? 0;
    this.metrics.count('consumed_wcu', units);
  }

  suppress(requests: readonly WriteRequest[]): void {
    this.conditionFailed.push(...requests);
  }

  fail(requests: readonly WriteRequest[], code: FailureCode, reason: string): void {
    if (requests.length > 0) this.failures.push({ requests, code, reason });
  }

  /**
   * DynamoDB rejected a request as a whole for something one item may cause: writes each half on
   * its own, so that, recursively, only the items at fault are left to fail, each with DynamoDB's
   * reason. k bad items among n cost at most about 2·k·log2(n) extra calls.
   */
  async isolate(requests: readonly WriteRequest[], rejection: string, writeGroup: WriteGroup): Promise<void> {
    if (requests.length === 1) {
      this.fail(requests, 'DYNAMODB_VALIDATION_REJECTED', rejection);
      return;
    }
    this.metrics.count('request_splits', 1);
    const middle = Math.ceil(requests.length / 2);
    // One half after the other: the chunk holds a single request slot, so max_concurrent_requests stays a true bound.
    await writeGroup(requests.slice(0, middle));
    await writeGroup(requests.slice(middle));
  }

  outcome(): ChunkOutcome {
    this.metrics.observe('write_call_latency_microseconds', (performance.now() - this.started) * 1000);
    const unwritten = new Set([...this.conditionFailed, ...this.failures.flatMap((f) => f.requests)]);
    const written = unwritten.size === 0 ? this.chunk : this.chunk.filter((r) => !unwritten.has(r));
    return {
      written, conditionFailed: this.conditionFailed, failures: this.failures, retries: this.retries,
      throttled: this.throttled, throttledRequests: this.throttledRequests,
    };
  }
}
