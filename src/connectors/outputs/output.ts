/**
 * The contract between the pipeline and output connectors. A transport's factory (see
 * `registry.ts`) validates a connector's configuration into an `OutputDefinition` without
 * touching anything outside; `open` turns the definition into an `OutputConnector`, which writes
 * the view's changes batch by batch. Each batch carries the last pipeline step whose changes it
 * holds, so that a connector whose writes are not idempotent (a file it appends to) can say, in a
 * checkpoint, which steps its output already holds, and be restored to exactly that.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DynaviewError } from '../../errors.js';
import type { IndexSpec, Update } from '../../schema.js';
import type { SqlType } from '../../sql/sql-type.js';
import type { JsonValue } from '../inputs/input.js';

export interface OutputView {
  name: string;
  /** Types are resolved: no 'user' kinds. */
  columns: readonly { name: string; type: SqlType; nullable: boolean }[];
}

export interface OutputContext {
  /** The endpoint name, `<view>.<connector>`. */
  connector: string;
  view: OutputView;
  /** The index the connector's `"index"` names, already checked to be an index of the view; undefined without one. */
  index: IndexSpec | undefined;
  /** Directory relative file paths are resolved against (the program's). */
  baseDir: string;
}

/** A connector's `transport`, with its sibling `format` section (Feldera keeps them side by side). */
export interface OutputTransport {
  name: string;
  config: unknown;
  format?: { name: string; config?: unknown };
}

/** What the registry knows of one transport. */
export interface OutputTransportEntry {
  /** How messages name the connector: `the DynamoDB output connector requires ...`. */
  readonly title: string;
  /** It writes by the view's unique key, so the connector's `"index"` is required. */
  readonly requiresIndex: boolean;
  /**
   * Validates the transport configuration and format. Throws ConfigError (fields relative to
   * `config`, except `name`, `format...` and `index`, which are the connector's own), or a
   * DynaviewError with code OUTPUT_INDEX_INVALID when the index cannot key the writes.
   */
  define(transport: OutputTransport, context: OutputContext): OutputDefinition;
}

/** The index names columns the connector cannot key its writes by. */
export const OUTPUT_INDEX_INVALID = 'OUTPUT_INDEX_INVALID';

/** A validated output connector, not opened yet: what `check` and `run` share. */
export interface OutputDefinition {
  /** The configuration with defaults filled in and secrets masked, for /status. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** What it writes to, for the summary: `DynamoDB table feldera_out`, `file /data/out.json`. */
  readonly target: string;
  /** `check --describe`: checks what opening would check outside dynaview, without writing. Absent when there is nothing to check. */
  checkTarget?(): Promise<void>;
  /** Rejects with a DynaviewError when the target cannot be used (missing, refused, unreadable state). */
  open(options: OutputOpenOptions): Promise<OutputConnector>;
}

export interface OutputOpenOptions {
  /** Where the connector registers its metrics; connectors share one, so that /metrics serves them all. */
  registry: Registry;
  logger: Logger;
  /** What `checkpoint()` returned for the checkpoint the run starts from; undefined on a fresh start. */
  resume?: OutputCheckpoint;
}

/**
 * Where an output stands, in a checkpoint: `position` (JSON data only the connector that made it
 * reads) holds the changes of every step up to `step`, and of none after it.
 */
export interface OutputCheckpoint {
  readonly step: number;
  readonly position: JsonValue;
}

export interface OutputBatchResult {
  /** Records written. */
  written: number;
  /** Records that could not be written: the batch's steps stay unwritten, so no checkpoint covers them. */
  failed: number;
  /** With `failed`: what was not written and why, for the log. */
  failure?: DynaviewError;
  /**
   * Records skipped without failing the batch (too large, a value the target cannot hold, a key
   * repeated in the step), each with its key: shown among the connector's last errors.
   */
  problems?: readonly DynaviewError[];
}

/** A connector's figures, for progress lines, the summary and /status. */
export interface OutputStatus {
  /** Records written over the run. */
  written: number;
  retries: number;
  /** Records not written: skipped, dropped or failed. */
  dropped: number;
  /** The summary after the target, e.g. `5 written (5 puts, 0 deletes), 0 retries, 0 skipped, 0 failed`. */
  summary: string;
  /** Every counter of the connector. */
  metrics: Readonly<Record<string, number>>;
  /** Write capacity the target consumed and its estimated cost, for targets that charge for it (DynamoDB). */
  capacity?: OutputCapacity;
  /** The partition keys that received the most writes and throttled items lately (DynamoDB). */
  hot_keys?: OutputHotKeys;
}

/** /status `capacity` of an output. */
export interface OutputCapacity {
  billing_mode: 'PAY_PER_REQUEST' | 'PROVISIONED' | null;
  consumed_wcu_total: number;
  provisioned_wcu: number | null;
  estimated_cost_usd: number;
  /** How the estimate was computed, with the figures it used. */
  price_basis: string;
}

/** /status `hot_keys` of an output: keys as text (cut to 64 characters), with their counts in the window. */
export interface OutputHotKeys {
  window_seconds: number;
  writes: Array<{ key: string; count: number }>;
  throttled: Array<{ key: string; count: number }>;
}

export interface OutputConnector {
  /** Whether writeStep may be called again before the previous call settled (the connector keeps their order). */
  readonly pipelined: boolean;
  /**
   * Writes one batch: changes of the view (rows in the engine's representation, weight > 0 insert,
   * < 0 delete) of the steps after the previous batch, up to `step`. Batches are written in the
   * order of the calls. Resolves once written, also when some records could not be; rejects when
   * the connector cannot go on.
   */
  writeStep(changes: readonly Update[], step: number): Promise<OutputBatchResult>;
  status(): OutputStatus;
  /**
   * For a checkpoint, once every batch up to the checkpoint's step has been written: where the
   * output stands after its last written batch, made durable first. Null when the connector needs
   * nothing to resume from (writing a step again leaves its target as writing it once did).
   */
  checkpoint(): Promise<OutputCheckpoint | null>;
  /** Waits for the writes in progress, then releases what the connector holds. */
  close(): Promise<void>;
}
