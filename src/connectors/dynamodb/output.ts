/**
 * The DynamoDB output connector as a library: `openDynamoDBOutput` validates the configuration,
 * checks the table's key schema, starts the workers, and returns an object whose `writeStep`
 * makes the table reflect one step's change set.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DynaviewError, type SerializedError } from '../../errors.js';
import type { IndexSpec, TypeCatalog, Update, ViewSpec } from '../../schema.js';
import type { UserTypes } from '../../sql/resolve-type.js';
import type { DynamoDBWriteApi } from './chunk-writer.js';
import { createDynamoDBClient } from './client.js';
import { parseDynamoDBOutputConfig, redactConfig, type DynamoDBOutputConfig } from './config.js';
import { openDeadLetterFile } from './dead-letters.js';
import type { OutputCapacity, OutputHotKeys } from '../outputs/output.js';
import { estimateCapacity, type TableBilling } from './capacity-cost.js';
import { compileRowEncoder, parseEncoderTypes, type EncoderView, type RowEncoder } from './encode.js';
import { HotKeyWarnings, hotKeysStatus, keyText, mergeHotKeys, type HotKeysSnapshot } from './hot-keys.js';
import { checkTableKeySchema, type KeyRoles } from './key-schema.js';
import { ConnectorMetrics, type MetricsSnapshot } from './metrics.js';
import { buildPartition, type PartitionSetup } from './partition.js';
import type { DeadLetterFile } from '../../util/dead-letter-file.js';
import { SILENT_LOGGER } from '../../util/silent-logger.js';
import { emptyStepReport, type SkipReason, type StepCounts, type StepReport } from './partition-writer.js';
import { InProcessPartition, routeByKey, ThreadPartition, type Partition } from './worker-pool.js';

export interface DynamoDBOutputOptions {
  /** Connector name, used in metrics labels, logs and errors. */
  name: string;
  /** The connector configuration, as in the `dynamodb_output` transport's `config`. */
  config: unknown;
  view: ViewSpec;
  /** The view's unique index; its columns must be the table's key. */
  index: IndexSpec;
  /** User-defined struct types referenced by column types. */
  types?: TypeCatalog;
  /** A prom-client registry to register the metrics in, to share one across connectors. */
  registry?: Registry;
  /** A pino logger for what the connector reports (records skipped, items not written, throughput); without one it logs nothing. */
  logger?: Logger;
  /**
   * Wraps the DynamoDB write calls, for instrumentation or fault injection. Only with `threads: 1`,
   * since a function cannot be handed to worker threads.
   */
  interceptWrites?: (api: DynamoDBWriteApi) => DynamoDBWriteApi;
}

export interface StepResult extends StepCounts {
  /** 1 for the first step written by this connector. */
  step: number;
  /** Non-fatal problems of this step (at most 100 per code; the counts above are exact). */
  errors: DynaviewError[];
  durationMs: number;
}

/** A step some of whose writes could not be made; `result` says what was written and what not. */
export class StepWriteError extends DynaviewError {
  constructor(readonly result: StepResult, failures: readonly DynaviewError[]) {
    super('DYNAMODB_WRITE_FAILED', stepFailureMessage(result, failures), {
      context: failures[0]?.context ?? {},
    });
  }
}

/** The step's exact total first: the failures below it are one per failed request, and capped. */
function stepFailureMessage(result: StepResult, failures: readonly DynaviewError[]): string {
  const { connector, table } = failures[0]?.context ?? {};
  const total = `connector ${connector ?? 'unknown'}: ${result.failed} item(s) of step ${result.step} were not written${table ? ` to table ${table}` : ''}:`;
  return [total, ...failures.map((f) => f.message)].join('\n');
}

export interface DynamoDBOutput {
  readonly name: string;
  /** The validated configuration with defaults filled in and secrets masked. */
  readonly settings: Readonly<Record<string, unknown>>;
  /**
   * Writes one step's change set and resolves when all of it is in DynamoDB. Steps are written one
   * after the other: a step starts only when the previous one has completed. Rejects with a
   * StepWriteError if some writes failed; everything else of the step is written regardless. With a
   * dead_letter_path, the records the step gave up on are appended to it before the promise settles.
   */
  writeStep(changes: Iterable<Update>): Promise<StepResult>;
  metrics(): MetricsSnapshot;
  /** Write units consumed so far, the table's billing mode, and the estimated cost of the run's writes. */
  capacity(): OutputCapacity;
  /** The partition keys that received the most writes and throttled items in the last 30 to 60 seconds. */
  hotKeys(): OutputHotKeys;
  /** Prometheus text exposition of the registry holding this connector's metrics. */
  metricsText(): Promise<string>;
  /** Waits for in-flight writes, then stops the workers and releases connections. */
  close(): Promise<void>;
}

/** What `checkDynamoDBOutput` established: the validated configuration, the table's key roles and its billing. */
export interface CheckedOutput {
  config: DynamoDBOutputConfig;
  keyRoles: KeyRoles;
  billing: TableBilling;
}

/**
 * The options inside dynaview: the view's column types, and the user types they name, parsed
 * (`openDynamoDBOutput` takes them as SQL text and parses them once, with `parseEncoderTypes`).
 */
export interface TypedOutputOptions extends Omit<DynamoDBOutputOptions, 'view' | 'types'> {
  view: EncoderView;
  types: UserTypes;
}

type CheckOptions<O extends DynamoDBOutputOptions | TypedOutputOptions> = Pick<O, 'name' | 'config' | 'view' | 'index' | 'types'>;

/**
 * Everything `openDynamoDBOutput` checks before the first write, without starting anything:
 * the configuration, the index, and the table's key schema (one DescribeTable call).
 */
export function checkDynamoDBOutput(options: CheckOptions<DynamoDBOutputOptions>): Promise<CheckedOutput> {
  return checkTypedDynamoDBOutput(withParsedTypes(options));
}

export async function openDynamoDBOutput(options: DynamoDBOutputOptions): Promise<DynamoDBOutput> {
  return openTypedDynamoDBOutput(withParsedTypes(options));
}

function withParsedTypes<O extends CheckOptions<DynamoDBOutputOptions>>(options: O): Omit<O, 'view' | 'types'> & { view: EncoderView; types: UserTypes } {
  return { ...options, ...parseEncoderTypes({ connector: options.name, view: options.view, index: options.index, types: options.types ?? {} }) };
}

/** `checkDynamoDBOutput` for a view whose types are parsed already. */
export async function checkTypedDynamoDBOutput(options: CheckOptions<TypedOutputOptions>): Promise<CheckedOutput> {
  const config = parseDynamoDBOutputConfig(options.config, options.name);
  const encoder = compileRowEncoder({ connector: options.name, view: options.view, index: options.index, types: options.types });
  const client = createDynamoDBClient(config);
  try {
    const { keyRoles, billing } = await checkTableKeySchema(client, {
      connector: options.name, table: config.table, region: config.region, index: options.index.name,
      view: options.view.name, encoder, ...(config.endpoint_url ? { endpoint: config.endpoint_url } : {}),
    });
    return { config, keyRoles, billing };
  } finally {
    client.destroy();
  }
}

/** `openDynamoDBOutput` for a view whose types are parsed already. */
export async function openTypedDynamoDBOutput(options: TypedOutputOptions): Promise<DynamoDBOutput> {
  const { config, keyRoles, billing } = await checkTypedDynamoDBOutput(options);
  const types = options.types;
  if (options.interceptWrites && config.threads > 1) {
    throw new DynaviewError('CONFIG_INVALID',
      `connector ${options.name}: interceptWrites needs threads: 1 (got ${config.threads})`, { context: { connector: options.name } });
  }
  const setup: PartitionSetup = { connector: options.name, config, view: options.view, index: options.index, types, keyRoles };
  const metrics = new ConnectorMetrics(options.name, options.registry);
  const logger = (options.logger ?? SILENT_LOGGER).child({ connector: options.name });
  const keyEncoder = compileRowEncoder({ connector: options.name, view: options.view, index: options.index, types, keyRoles });
  const deadLetters = config.dead_letter_path === undefined ? null : await openDeadLetterFile(config.dead_letter_path, options.name);
  return new Output(options.name, config, setup, billing, metrics, logger, keyEncoder, deadLetters, options.interceptWrites);
}

const THROUGHPUT_LOG_INTERVAL_MS = 60_000;
/** Hot keys are looked at for a warning this often, and after a step unless they just were. */
const HOT_KEY_CHECK_INTERVAL_MS = 1_000;
const MS_PER_HOUR = 3_600_000;

/** A step whose writes have all finished, before its dead letters are appended and its result delivered. */
interface FinishedStep {
  result: StepResult;
  failures: readonly SerializedError[];
  deadLetters: readonly string[];
}

class Output implements DynamoDBOutput {
  readonly settings: Readonly<Record<string, unknown>>;
  private readonly partitions: Partition[];
  /** Settles when the latest step has handed out all its writes. */
  private stagedTail: Promise<unknown> = Promise.resolve();
  /** Settles when the latest step is done. */
  private doneTail: Promise<unknown> = Promise.resolve();
  private steps = 0;
  private closing: Promise<void> | undefined;
  private throughput = { since: performance.now(), records: 0, bytes: 0, retries: 0, steps: 0 };
  private readonly openedAt = performance.now();
  private closedAt: number | undefined;
  private readonly hotKeyWarnings = new HotKeyWarnings();
  private hotKeysCheckedAt = Number.NEGATIVE_INFINITY;
  /** A step can take minutes on a throttled table: the warning must not wait for its end. */
  private readonly hotKeyTimer = setInterval(() => this.warnOfHotKeys(), HOT_KEY_CHECK_INTERVAL_MS).unref();

  constructor(
    readonly name: string,
    private readonly config: DynamoDBOutputConfig,
    setup: PartitionSetup,
    private readonly billing: TableBilling,
    private readonly meters: ConnectorMetrics,
    private readonly logger: Logger,
    private readonly keyEncoder: RowEncoder,
    private readonly deadLetters: DeadLetterFile | null,
    interceptWrites: DynamoDBOutputOptions['interceptWrites'],
  ) {
    this.settings = redactConfig(config);
    meters.shift('provisioned_wcu', billing.provisionedWcu ?? 0);
    if (config.threads === 1) {
      const { writer, close } = buildPartition(setup, meters, interceptWrites ? { wrapApi: interceptWrites } : {});
      this.partitions = [new InProcessPartition(writer, close)];
    } else {
      this.partitions = Array.from({ length: config.threads }, (_, i) => new ThreadPartition(setup, meters, i));
    }
  }

  writeStep(changes: Iterable<Update>): Promise<StepResult> {
    if (this.closing) return Promise.reject(new DynaviewError('CONNECTOR_CLOSED', `connector ${this.name} is closed`));
    let updates: Update[];
    try {
      updates = validateChanges(changes, this.name);
    } catch (error) {
      return Promise.reject(error);
    }
    this.steps += 1;
    const step = this.steps;
    // With the barrier a step starts when the previous one is done; pipelined, once the previous
    // one has handed out all its writes. Either way results are delivered in step order.
    const previousDone = this.doneTail;
    const started = (this.config.pipelined_steps ? this.stagedTail : previousDone).then(() => this.start(step, updates));
    this.stagedTail = started.then((s) => s.staged).catch(() => undefined);
    const own = started.then((s) => s.done);
    // Dead letters are appended once the previous step is done, so the file holds them in step order.
    const result = own.then(
      (finished) => previousDone.then(() => this.deliver(finished)),
      (error: unknown) => previousDone.then(() => { throw error; }),
    );
    this.doneTail = result.catch(() => undefined);
    return result;
  }

  metrics(): MetricsSnapshot {
    return this.meters.snapshot();
  }

  metricsText(): Promise<string> {
    return this.meters.text();
  }

  capacity(): OutputCapacity {
    // Provisioned capacity is paid for while the connector runs, so the clock stops when it closes.
    const hours = ((this.closedAt ?? performance.now()) - this.openedAt) / MS_PER_HOUR;
    return estimateCapacity(this.billing, this.meters.snapshot().consumed_wcu, hours, {
      perMillionWriteUnits: this.config.price_per_million_write_units,
      perWcuHour: this.config.price_per_wcu_hour,
    });
  }

  hotKeys(): OutputHotKeys {
    return hotKeysStatus(this.hotKeySnapshot(), this.keyEncoder.partitionKeyType);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.doneTail;
      clearInterval(this.hotKeyTimer);
      await Promise.all(this.partitions.map((p) => p.close()));
      await this.deadLetters?.close();
      this.closedAt = performance.now();
    })();
    return this.closing;
  }

  private hotKeySnapshot(): HotKeysSnapshot {
    return mergeHotKeys(this.partitions.map((p) => p.hotKeys()));
  }

  /** Warns, once per window and key, of a partition key taking a large share of a throttled table's writes. */
  private warnOfHotKeys(): void {
    const now = performance.now();
    if (now - this.hotKeysCheckedAt < HOT_KEY_CHECK_INTERVAL_MS) return;
    this.hotKeysCheckedAt = now;
    const snapshot = this.hotKeySnapshot();
    for (const warning of this.hotKeyWarnings.check(snapshot, now)) {
      const key = keyText(warning.identity, this.keyEncoder.partitionKeyType);
      const percent = Math.round(warning.share * 100);
      this.logger.warn({
        table: this.config.table, key, share: warning.share, writes: warning.writes, window_writes: warning.writesTotal,
        window_throttled_items: warning.throttledTotal, window_seconds: Math.round(snapshot.windowSeconds),
      }, `hot partition key ${key}: ${percent}% of the ${warning.writesTotal} writes to table ${this.config.table} in the last `
        + `${Math.round(snapshot.windowSeconds)}s while DynamoDB throttled ${warning.throttledTotal} item(s); a partition key gets at `
        + 'most 1,000 WCU/s whatever the table\'s capacity: spread the writes over more key values, or raise the capacity');
    }
  }

  private start(step: number, updates: Update[]): { staged: Promise<unknown>; done: Promise<FinishedStep> } {
    const startedAt = performance.now();
    const shares = this.partitions.length === 1 ? [updates] : routeByKey(updates, this.keyEncoder, this.partitions.length);
    const steps = this.partitions.flatMap((p, i) => (shares[i]!.length > 0 ? [p.startStep(shares[i]!, step)] : []));
    return {
      staged: Promise.all(steps.map((s) => s.staged)),
      done: Promise.all(steps.map((s) => s.done)).then((reports) => this.finish(step, reports, startedAt)),
    };
  }

  private finish(step: number, reports: readonly StepReport[], startedAt: number): FinishedStep {
    const report = mergeReports(reports);
    this.meters.count('steps', 1);
    const result: StepResult = {
      step,
      puts: report.puts,
      deletes: report.deletes,
      bytes: report.bytes,
      skipped: report.skipped,
      failed: report.failed,
      retries: report.retries,
      coalesced: report.coalesced,
      errors: report.errors.map((e) => DynaviewError.fromJSON(e)),
      durationMs: performance.now() - startedAt,
    };
    this.logStep(result);
    this.warnOfHotKeys();
    return { result, failures: report.failures, deadLetters: report.deadLetters };
  }

  private async deliver({ result, failures, deadLetters }: FinishedStep): Promise<StepResult> {
    if (this.deadLetters) {
      await this.deadLetters.append(deadLetters);
      this.meters.count('dead_letters', deadLetters.length);
    }
    if (failures.length > 0) throw new StepWriteError(result, failures.map((e) => DynaviewError.fromJSON(e)));
    return result;
  }

  private logStep(result: StepResult): void {
    // Every kept error is logged, so each skipped record can be found by its column and key; only
    // beyond the 100 kept per reason are records merely counted.
    for (const error of result.errors) {
      const reason = reasonOf(error.code) ?? error.code;
      this.logger.warn({ step: result.step, reason, column: error.context.column, key: error.context.key }, `record skipped (${reason}): ${error.message}`);
    }
    for (const [reason, count] of Object.entries(result.skipped)) {
      const listed = result.errors.filter((e) => reasonOf(e.code) === reason).length;
      if (count > listed) this.logger.warn({ step: result.step, reason, count }, `${count - listed} more record(s) skipped (${reason})`);
    }
    if (result.failed > 0) this.logger.error({ step: result.step, failed: result.failed }, `${result.failed} item(s) could not be written`);

    const t = this.throughput;
    t.records += result.puts + result.deletes;
    t.bytes += result.bytes;
    t.retries += result.retries;
    t.steps += 1;
    const elapsedMs = performance.now() - t.since;
    if (elapsedMs >= THROUGHPUT_LOG_INTERVAL_MS) {
      const seconds = elapsedMs / 1000;
      this.logger.info(
        `dynamodb throughput: ${(t.records / seconds).toFixed(0)} rows/sec, ${(t.bytes / seconds).toFixed(0)} bytes/sec, `
          + `avg ${(t.retries / t.steps).toFixed(2)} retries/step (${t.steps} steps over ${seconds.toFixed(1)}s)`,
      );
      this.throughput = { since: performance.now(), records: 0, bytes: 0, retries: 0, steps: 0 };
    }
  }
}

const REASON_BY_CODE: Record<string, SkipReason> = {
  DYNAMODB_UNIQUENESS_VIOLATION: 'uniqueness_violation',
  DYNAMODB_ITEM_TOO_LARGE: 'oversized',
  DYNAMODB_INVALID_VALUE: 'invalid_value',
  DYNAMODB_CONDITION_CHECK_FAILED: 'condition_check_failed',
};

function reasonOf(code: string): SkipReason | undefined {
  return REASON_BY_CODE[code];
}

function validateChanges(changes: Iterable<Update>, connector: string): Update[] {
  const updates = Array.isArray(changes) ? (changes as Update[]) : Array.from(changes);
  updates.forEach((update, i) => {
    const problem = typeof update !== 'object' || update === null
      ? 'is not an object'
      : typeof update.row !== 'object' || update.row === null || Array.isArray(update.row)
        ? 'has no row object'
        : !Number.isSafeInteger(update.weight)
          ? `has weight ${String(update.weight)}, which is not an integer`
          : undefined;
    if (problem) {
      throw new DynaviewError('INVALID_CHANGE', `connector ${connector}: change ${i} of the step ${problem}; nothing of this step was written`,
        { context: { connector } });
    }
  });
  return updates;
}

function mergeReports(reports: readonly StepReport[]): StepReport {
  const total = emptyStepReport();
  for (const r of reports) {
    total.puts += r.puts;
    total.deletes += r.deletes;
    total.bytes += r.bytes;
    total.failed += r.failed;
    total.retries += r.retries;
    total.coalesced += r.coalesced;
    for (const reason of Object.keys(total.skipped) as SkipReason[]) total.skipped[reason] += r.skipped[reason];
    total.errors.push(...r.errors);
    total.failures.push(...r.failures);
    total.deadLetters.push(...r.deadLetters);
  }
  return total;
}
