/**
 * Feeds one output connector: a queue of the view's per-step deltas (bounded by
 * max_queued_records, which stalls the pipeline when full), the optional output buffer, and the
 * connector that writes each batch. It knows which steps' changes are written, so that a
 * checkpoint covers only those.
 */
import { deserialize, serialize } from 'node:v8';
import type { Logger } from 'pino';
import { DynaviewError } from '../errors.js';
import type { OutputBatchResult, OutputConnector } from '../connectors/outputs/output.js';
import type { ZSet } from '../engine/zset.js';
import type { OutputEndpoint } from './endpoints.js';
import { OutputBuffer } from './output-buffer.js';
import { KEPT_ERRORS, keepError, type RecentError } from './pipeline-stats.js';

/**
 * A queued delta. One that has to wait is kept serialized: a row as a JS object takes several
 * times the memory of its serialized form, and the queue may hold max_queued_records rows.
 */
interface QueuedDelta {
  readonly records: number;
  readonly delta?: ZSet;
  readonly packed?: Buffer;
  readonly step: number;
  /** Hand it to the connector at once, with whatever the buffer holds. */
  readonly flush: boolean;
}

// With pipelined_steps, batches handed to the connector before the earlier ones are written. Small
// steps need many: a 100-row step is 4 requests, and 16 of them keep 64 requests in flight.
const PIPELINED_BATCHES_IN_FLIGHT = 16;

export class OutputRunner {
  private readonly queue: QueuedDelta[] = [];
  /** Batches handed to the connector and not yet written, with the first step each holds changes of. */
  private readonly outstanding = new Map<Promise<void>, number>();
  /** The first and the last step whose changes are in the buffer; Infinity and 0 when it is empty. */
  private bufferedFrom = Infinity;
  private bufferedThrough = 0;
  /** The first step of a batch that could not be written entirely; Infinity when none failed. */
  private failedFrom = Infinity;
  private readonly progressListeners: Array<() => void> = [];
  private queued = 0;
  private readonly buffer: OutputBuffer | null;
  private pumping: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private roomWaiters: Array<() => void> = [];
  private ending = false;
  /** Items the connector could not write, over the whole run. */
  failedItems = 0;
  /** A failure that makes further writing pointless (the connector broke). */
  fatal: DynaviewError | null = null;
  /** The latest write failures, for /status. */
  readonly lastErrors: RecentError[] = [];

  constructor(
    readonly endpoint: OutputEndpoint,
    readonly output: OutputConnector,
    private readonly logger: Logger,
    /** Steps up to this one are in the output already (its checkpoint says so): their changes are dropped. */
    private readonly writtenThrough = 0,
  ) {
    this.buffer = endpoint.buffer.enabled ? new OutputBuffer(endpoint.buffer, endpoint.view.columns.map((c) => c.name)) : null;
  }

  get queuedRecords(): number {
    return this.queued;
  }

  /** Changes held in the output buffer (merged by key), waiting for its size or age limit. */
  get bufferedRecords(): number {
    return this.buffer?.size ?? 0;
  }

  get full(): boolean {
    return this.queued >= this.endpoint.maxQueuedRecords;
  }

  /** Resolves once the queue is below max_queued_records. */
  whenNotFull(): Promise<void> {
    if (!this.full || this.fatal) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * The first step with changes that are not written yet (queued, buffered, being written, or
   * failed); Infinity when every change handed to this runner is written.
   */
  get unwrittenFrom(): number {
    return Math.min(this.queue[0]?.step ?? Infinity, this.bufferedFrom, this.failedFrom, ...this.outstanding.values());
  }

  /** Calls `listener` whenever a batch has been written or has failed. */
  onProgress(listener: () => void): void {
    this.progressListeners.push(listener);
  }

  /** Queues a step's delta; `flush` hands it over on its own, bypassing the buffer's limits. */
  enqueue(delta: ZSet, step: number, flush = false): void {
    if (this.fatal || step <= this.writtenThrough) return;
    const waits = this.outstanding.size > 0 || this.queue.length > 0;
    this.queue.push(waits ? { records: delta.length, packed: serialize(delta), step, flush } : { records: delta.length, delta, step, flush });
    this.queued += delta.length;
    this.pump();
  }

  /** Hands whatever is buffered to the connector and waits until everything queued is written. */
  async finish(): Promise<void> {
    this.ending = true;
    this.pump();
    while (this.pumping) await this.pumping;
    await Promise.all(this.outstanding.keys());
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  private pump(): void {
    this.pumping ??= this.drain().finally(() => {
      this.pumping = null;
      if (this.queue.length > 0 || (this.ending && this.buffer && this.buffer.size > 0)) this.pump();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.fatal) {
      const entry = this.queue.shift()!;
      this.queued -= entry.records;
      this.releaseRoom();
      const delta = entry.delta ?? (deserialize(entry.packed!) as ZSet);
      if (!this.buffer) {
        await this.write(delta, entry.step, entry.step);
        continue;
      }
      this.buffer.add(delta, Date.now());
      this.bufferedFrom = Math.min(this.bufferedFrom, entry.step);
      this.bufferedThrough = entry.step;
      if (entry.flush || this.buffer.due(Date.now())) await this.writeBuffer();
    }
    if (this.buffer && !this.fatal) {
      if (this.ending || this.buffer.due(Date.now())) await this.writeBuffer();
      else this.scheduleTimedFlush();
    }
  }

  private async writeBuffer(): Promise<void> {
    const [firstStep, lastStep] = [this.bufferedFrom, this.bufferedThrough];
    this.bufferedFrom = Infinity;
    this.bufferedThrough = 0;
    const delta = this.buffer?.take();
    if (delta) await this.write(delta, firstStep, lastStep);
  }

  /** With a time limit, a buffer must be flushed even when no further step arrives. */
  private scheduleTimedFlush(): void {
    const dueAt = this.buffer?.dueAt();
    if (dueAt === null || dueAt === undefined || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      if (this.buffer?.due(Date.now())) this.pump();
      else this.scheduleTimedFlush();
    }, Math.max(0, dueAt - Date.now()));
    this.flushTimer.unref();
  }

  /**
   * Hands a batch to the connector. With the step barrier the next batch waits until this one is
   * written; with pipelined_steps a few batches may be in flight at once (the connector keeps
   * per-key order).
   */
  private async write(delta: ZSet, firstStep: number, lastStep: number): Promise<void> {
    if (delta.length === 0) return;
    const batch: Promise<void> = this.output.writeStep(delta, lastStep)
      .then((result) => this.written(result, firstStep), (error: unknown) => this.broke(error, firstStep))
      .finally(() => {
        this.outstanding.delete(batch);
        for (const listener of this.progressListeners) listener();
      });
    this.outstanding.set(batch, firstStep);
    const limit = this.output.pipelined ? PIPELINED_BATCHES_IN_FLIGHT : 1;
    while (this.outstanding.size >= limit) await Promise.race(this.outstanding.keys());
  }

  private written(result: OutputBatchResult, firstStep: number): void {
    // Only the last few are kept: the rest of a long list would be pushed out at once.
    const problems = result.problems ?? [];
    for (let i = Math.max(0, problems.length - KEPT_ERRORS); i < problems.length; i += 1) keepError(this.lastErrors, problems[i]!);
    if (result.failed === 0) return;
    this.failedFrom = Math.min(this.failedFrom, firstStep);
    this.failedItems += result.failed;
    const failure = result.failure ?? new DynaviewError('OUTPUT_WRITE_FAILED', `connector ${this.endpoint.name}: ${result.failed} item(s) could not be written`);
    keepError(this.lastErrors, failure);
    this.logger.error({ endpoint: this.endpoint.name, failed: result.failed }, failure.message);
  }

  /** The connector cannot go on: the batch's steps are not written, and neither will later ones be. */
  private broke(error: unknown, firstStep: number): void {
    this.failedFrom = Math.min(this.failedFrom, firstStep);
    this.fatal = error instanceof DynaviewError
      ? error
      : new DynaviewError('OUTPUT_FAILED', `connector ${this.endpoint.name}: ${String(error)}`, { cause: error });
    keepError(this.lastErrors, this.fatal);
    this.releaseRoom();
  }

  private releaseRoom(): void {
    if (this.full && !this.fatal) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
