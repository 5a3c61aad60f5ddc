/**
 * Writes one worker's share of a step: groups updates by key, turns each key's changes into a put
 * or a delete, encodes and sizes the items, stages them into chunks and sends the chunks with at
 * most `max_concurrent_requests` in flight. `writeStep` resolves when every write it started has
 * finished (the step barrier). Every record it gives up on is counted, reported and, when the
 * connector has a dead_letter_path, turned into a dead-letter line of the step's report.
 */
import { DynaviewError, InvalidValueError, type SerializedError } from '../../errors.js';
import type { Update } from '../../schema.js';
import { Semaphore } from '../../util/semaphore.js';
import { jsonText } from '../../util/json-text.js';
import { classifyKeyUpdates } from './changes.js';
import { ChunkBuilder, type ChunkLimits, type WriteRequest } from './chunks.js';
import type { ChunkFailure, ChunkOutcome, ChunkWriter } from './chunk-writer.js';
import { deadLetterLine, type DeadLetterReason, type DeadRecord } from './dead-letters.js';
import type { Item, RowEncoder } from './encode.js';
import { itemSize, MAX_ITEM_SIZE_BYTES } from './item-size.js';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';
import type { HotKeysSnapshot, HotKeyTracker } from './hot-keys.js';
import { KeyGroups } from './key-groups.js';
import { KeyOrdering } from './key-ordering.js';
import type { MetricsSink } from './metrics.js';

export type SkipReason = 'uniqueness_violation' | 'oversized' | 'invalid_value' | 'condition_check_failed';

/** How many writes of a step were made, skipped and given up on. */
export interface StepCounts {
  puts: number;
  deletes: number;
  /** DynamoDB item size of what was written. */
  bytes: number;
  /** Records not written, by reason; each has an entry in the step's errors. */
  skipped: Record<SkipReason, number>;
  /** Items given up on: retries exhausted, refused by DynamoDB, or a non-retriable error. */
  failed: number;
  retries: number;
  /** Writes not sent because a newer write of the same key replaced them (pipelined steps). */
  coalesced: number;
}

/** What one worker did with its share of a step; plain data so it can cross thread boundaries. */
export interface StepReport extends StepCounts {
  /** Records skipped for a reason (capped at ERRORS_KEPT_PER_CODE per code; the counts are exact). */
  errors: SerializedError[];
  /** Writes given up on, one entry per group of items that failed for one reason (capped like `errors`). */
  failures: SerializedError[];
  /** The records given up on as dead-letter lines, when the connector has a dead_letter_path. */
  deadLetters: string[];
}

/** Records skipped for these reasons are given up on; a write whose condition is false is not, it is suppressed as asked. */
type DroppedReason = Exclude<SkipReason, 'condition_check_failed'>;

const DEAD_LETTER_REASONS: Readonly<Record<DroppedReason, DeadLetterReason>> = {
  uniqueness_violation: 'DYNAMODB_UNIQUENESS_VIOLATION',
  oversized: 'DYNAMODB_ITEM_TOO_LARGE',
  invalid_value: 'DYNAMODB_INVALID_VALUE',
};

export const ERRORS_KEPT_PER_CODE = 100;
const UPDATES_SHOWN_IN_VIOLATION = 10;
const KEYS_SHOWN_IN_FAILURE = 5;

export function emptyStepReport(): StepReport {
  return {
    puts: 0, deletes: 0, bytes: 0, failed: 0, retries: 0, coalesced: 0, errors: [], failures: [], deadLetters: [],
    skipped: { uniqueness_violation: 0, oversized: 0, invalid_value: 0, condition_check_failed: 0 },
  };
}

export interface PartitionWriterOptions {
  connector: string;
  view: string;
  index: string;
  table: string;
  encoder: RowEncoder;
  chunkWriter: ChunkWriter;
  limits: ChunkLimits;
  maxConcurrentRequests: number;
  metrics: MetricsSink;
  /** Keep per-key order across steps whose writes overlap (pipelined_steps). */
  pipelined: boolean;
  /** Turn the records given up on into dead-letter lines (the connector has a dead_letter_path). */
  deadLetters: boolean;
  /** Counts written and throttled items by partition key. */
  hotKeys: HotKeyTracker;
}

/** A step being written: `staged` once all its writes are handed out, `done` once they have finished. */
export interface StartedStep {
  staged: Promise<void>;
  done: Promise<StepReport>;
}

export class PartitionWriter {
  private readonly slots: Semaphore;
  private readonly concurrency: AdaptiveConcurrency;
  private readonly ordering: KeyOrdering | null;

  constructor(private readonly options: PartitionWriterOptions) {
    this.slots = new Semaphore(options.maxConcurrentRequests);
    this.concurrency = new AdaptiveConcurrency(this.slots, options.maxConcurrentRequests);
    options.metrics.shift('concurrency_limit', options.maxConcurrentRequests);
    this.ordering = options.pipelined ? new KeyOrdering((request) => options.encoder.keyIdOf(request.row)) : null;
  }

  /** This worker's hot keys as of `nowMs`. */
  hotKeySnapshot(nowMs: number): HotKeysSnapshot {
    return this.options.hotKeys.snapshot(nowMs);
  }

  /** `stepNumber` is the connector's step number, for dead letters. */
  startStep(updates: readonly Update[], stepNumber: number): StartedStep {
    const step = new StepWrite(this.options, stepNumber, this.slots, this.concurrency, this.ordering);
    const staged = (async () => {
      const groups = this.groupByKey(updates, step);
      for (let g = 0; g < groups.size; g += 1) {
        const request = step.requestFor(groups.at(g));
        if (request === undefined) continue;
        // Only a completed chunk waits (for a request slot): most items are staged without an await.
        for (const chunk of step.stage(request)) await step.send(chunk);
      }
      await step.flushRest();
    })();
    return { staged, done: staged.then(() => step.settle()) };
  }

  /** The step's updates by key; a record whose key is not valid is dropped. */
  private groupByKey(updates: readonly Update[], step: StepWrite): KeyGroups {
    const { encoder } = this.options;
    return KeyGroups.of(updates, {
      hashOf: (row) => encoder.keyHashOf(row),
      sameKey: (a, b) => encoder.keyIdOf(a) === encoder.keyIdOf(b),
    }, (update, error) => {
      step.drop('invalid_value', this.recordError(error), { operation: update.weight > 0 ? 'put' : 'delete', row: update.row });
      this.options.metrics.count('invalid_items_dropped', 1);
    });
  }

  private recordError(error: unknown): SerializedError {
    if (error instanceof DynaviewError) return { ...error.toJSON(), context: { ...error.context, connector: this.options.connector } };
    throw error;
  }
}

/** The state of one step in one worker. */
class StepWrite {
  private readonly report = emptyStepReport();
  private readonly builder: ChunkBuilder;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly keptPerCode = new Map<string, number>();

  constructor(
    private readonly options: PartitionWriterOptions,
    private readonly stepNumber: number,
    private readonly slots: Semaphore,
    private readonly concurrency: AdaptiveConcurrency,
    private readonly ordering: KeyOrdering | null,
  ) {
    this.builder = new ChunkBuilder(options.limits);
  }

  /** The write a key's updates call for, or undefined when there is nothing to write. */
  requestFor(updates: Update | readonly Update[]): WriteRequest | undefined {
    const { encoder, metrics } = this.options;
    const change = classifyKeyUpdates(updates);
    switch (change.kind) {
      case 'none':
        return undefined;
      case 'violation':
        metrics.count('duplicate_keys_skipped', 1);
        this.drop('uniqueness_violation', this.violationError(change.description, change.updates), { updates: change.updates });
        return undefined;
      case 'delete': {
        const key = encoder.encodeKey(change.row);
        return { kind: 'delete', partitionKey: encoder.partitionIdentity(key), attributes: key, size: itemSize(key), row: change.row };
      }
      case 'insert':
      case 'upsert': {
        let item: Item;
        try {
          item = encoder.encodeItem(change.row);
        } catch (error) {
          if (!(error instanceof InvalidValueError)) throw error;
          metrics.count('invalid_items_dropped', 1);
          this.drop('invalid_value', { ...error.toJSON(), context: { ...error.context, connector: this.options.connector } },
            { operation: 'put', row: change.row });
          return undefined;
        }
        const size = itemSize(item);
        if (size > MAX_ITEM_SIZE_BYTES) {
          metrics.count('oversized_items_dropped', 1);
          this.drop('oversized', this.recordError('DYNAMODB_ITEM_TOO_LARGE',
            `record exceeds DynamoDB's 400 KB item-size limit (${size} bytes > ${MAX_ITEM_SIZE_BYTES}); dropped`, change.row),
          { operation: 'put', row: change.row });
          return undefined;
        }
        return { kind: 'put', partitionKey: encoder.partitionIdentity(item), attributes: item, size, row: change.row };
      }
      default: {
        const unreachable: never = change;
        throw new Error(`unhandled change ${String(unreachable)}`);
      }
    }
  }

  /** Stages a request; returns the chunks it completed, for `send`. */
  stage(request: WriteRequest): readonly WriteRequest[][] {
    return this.builder.add(request);
  }

  skip(reason: SkipReason, error: SerializedError): void {
    this.report.skipped[reason] += 1;
    this.keep(this.report.errors, error);
  }

  /** Skips a record the connector gives up on, which unlike a suppressed write is a dead letter. */
  drop(reason: DroppedReason, error: SerializedError, record: DeadRecord): void {
    this.skip(reason, error);
    this.deadLetter(DEAD_LETTER_REASONS[reason], error.message, record);
  }

  /** Sends what is still staged. */
  async flushRest(): Promise<void> {
    const rest = this.builder.flush();
    if (rest) await this.send(rest);
  }

  /** Resolves with the step's report once every write it started has finished. */
  async settle(): Promise<StepReport> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    return this.report;
  }

  /**
   * Waits for a free request slot (backpressure), then sends the chunk without waiting for it.
   * With pipelined steps the chunk first waits, holding its slot, for earlier writes of its keys.
   */
  async send(chunk: WriteRequest[]): Promise<void> {
    const { metrics } = this.options;
    const waitStarted = performance.now();
    await this.slots.acquire();
    metrics.observe('semaphore_wait_microseconds', (performance.now() - waitStarted) * 1000);
    metrics.shift('requests_in_flight', 1);
    let finished!: () => void;
    const done = new Promise<void>((resolve) => { finished = resolve; });
    const earlier = this.ordering ? this.ordering.enter(chunk, done) : [];
    const write = this.writeAfter(earlier, chunk)
      .finally(() => {
        metrics.shift('requests_in_flight', -1);
        this.slots.release();
        this.inFlight.delete(write);
        this.ordering?.leave(chunk, done);
        finished();
      });
    this.inFlight.add(write);
  }

  private async writeAfter(earlier: readonly Promise<void>[], chunk: readonly WriteRequest[]): Promise<void> {
    const { metrics, chunkWriter } = this.options;
    if (earlier.length > 0) await Promise.all(earlier);
    const live = this.ordering ? this.ordering.send(chunk) : chunk;
    const coalesced = chunk.length - live.length;
    if (coalesced > 0) {
      metrics.count('coalesced_writes', coalesced);
      this.report.coalesced += coalesced;
    }
    if (live.length === 0) return;
    metrics.count('write_chunks', 1);
    const outcome = await chunkWriter.write(live).catch((error: unknown): ChunkOutcome => ({
      written: [], conditionFailed: [], retries: 0, throttled: false, throttledRequests: [],
      failures: [{ requests: live, code: 'DYNAMODB_WRITE_FAILED', reason: `unexpected error: ${String(error)}` }],
    }));
    const limitBefore = this.concurrency.limit;
    this.concurrency.record(outcome.throttled);
    metrics.shift('concurrency_limit', this.concurrency.limit - limitBefore);
    this.record(outcome);
  }

  private record(outcome: ChunkOutcome): void {
    const { metrics, hotKeys } = this.options;
    hotKeys.advance(performance.now());
    let puts = 0;
    let bytes = 0;
    for (const request of outcome.written) {
      if (request.kind === 'put') puts += 1;
      bytes += request.size;
      hotKeys.wrote(request.partitionKey);
    }
    for (const request of outcome.throttledRequests) hotKeys.throttled(request.partitionKey);
    const deletes = outcome.written.length - puts;
    this.report.puts += puts;
    this.report.deletes += deletes;
    this.report.bytes += bytes;
    this.report.retries += outcome.retries;
    metrics.count('records_written', outcome.written.length);
    metrics.count('puts_written', puts);
    metrics.count('deletes_written', deletes);
    metrics.count('bytes_written', bytes);
    for (const request of outcome.conditionFailed) {
      metrics.count('condition_check_failures', 1);
      this.skip('condition_check_failed', this.recordError('DYNAMODB_CONDITION_CHECK_FAILED',
        `${request.kind} suppressed: its condition expression is false for the item in the table`, request.row));
    }
    for (const failure of outcome.failures) {
      metrics.count('failed_items', failure.requests.length);
      this.report.failed += failure.requests.length;
      this.keep(this.report.failures, this.failureError(failure));
      for (const request of failure.requests) {
        this.deadLetter(failure.code, failure.reason, { operation: request.kind, row: request.row });
      }
    }
  }

  private deadLetter(reason: DeadLetterReason, message: string, record: DeadRecord): void {
    if (!this.options.deadLetters) return;
    const { connector, view, table, encoder } = this.options;
    this.report.deadLetters.push(deadLetterLine({
      connector, view, table, step: this.stepNumber, keyColumns: encoder.keyColumns.map((c) => c.name), reason, message, record,
    }));
  }

  private recordError(code: string, what: string, row: Update['row']): SerializedError {
    const { connector, view, index, encoder } = this.options;
    const key = encoder.describeKey(row);
    return {
      code,
      message: `connector ${connector}, view ${view}: ${what}; record key ${key}`,
      retriable: false,
      context: { connector, view, index, key },
    };
  }

  private violationError(description: string, updates: readonly Update[]): SerializedError {
    const { connector, view, index, encoder } = this.options;
    const key = encoder.describeKey(updates[0]!.row);
    const shown = updates.slice(0, UPDATES_SHOWN_IN_VIOLATION)
      .map((u) => `    ${jsonText(u.row)}: ${u.weight > 0 ? '+' : ''}${u.weight}`);
    if (updates.length > UPDATES_SHOWN_IN_VIOLATION) shown.push('    ...');
    return {
      code: 'DYNAMODB_UNIQUENESS_VIOLATION',
      message: `connector ${connector}: index ${index} of view ${view} is not unique for key ${key} (${description}); `
        + `the key was skipped. Its updates in this step:\n${shown.join('\n')}`,
      retriable: false,
      context: { connector, view, index, key },
    };
  }

  private failureError({ requests, code, reason }: ChunkFailure): SerializedError {
    const { connector, view, table, encoder } = this.options;
    const keys = requests.slice(0, KEYS_SHOWN_IN_FAILURE).map((r) => encoder.describeKey(r.row));
    const more = requests.length > KEYS_SHOWN_IN_FAILURE ? `, ... (${requests.length - KEYS_SHOWN_IN_FAILURE} more)` : '';
    return {
      code,
      message: `connector ${connector}: ${requests.length} item(s) of view ${view} were not written to table ${table}: ${reason}; keys ${keys.join(', ')}${more}`,
      retriable: false,
      context: { connector, view, table, ...(keys[0] === undefined ? {} : { key: keys[0] }) },
    };
  }

  private keep(list: SerializedError[], error: SerializedError): void {
    const kept = this.keptPerCode.get(error.code) ?? 0;
    if (kept >= ERRORS_KEPT_PER_CODE) return;
    this.keptPerCode.set(error.code, kept + 1);
    list.push(error);
  }
}
