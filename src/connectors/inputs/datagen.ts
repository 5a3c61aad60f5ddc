/**
 * The `datagen` input connector: generates rows from a table's schema, plan after plan. Within a
 * plan, `workers` loops take chunks of `worker_chunk_size` row indexes in turn, generate each row
 * with its own seeded random generator, take a rate-limiter token after each row, and push a
 * buffer every min(rate, 10 000) rows or when it is 500 ms old. A row depends only on the seed and
 * its index, so a position (the seed, the plan, and which of its indexes were pushed) is all a
 * restarted run needs to generate exactly the rows that are still missing.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import { ConfigError, DynaviewError } from '../../errors.js';
import type { Update } from '../../schema.js';
import { ConfigProblems } from '../../util/config-problems.js';
import { MAX_BATCH_ROWS, parseDatagenConfig, type DatagenConfig, type GenerationPlan } from './datagen-config.js';
import { coveredRanges, PlanProgress, subtractRanges, type ClaimedChunk, type RowRange } from './datagen-progress.js';
import { compileRowGenerator, type RowGenerator } from './datagen-values.js';
import { INPUT_POSITION_INVALID, parsePosition, type InputContext, type InputPosition, type InputSink, type InputTransport, type ReplayableInputConnector } from './input.js';
import { RowRandom, seedFromBigInt, type Seed } from './random.js';
import { TokenBucket } from './rate-limiter.js';

/** Feldera pushes a partial buffer once generating it has taken this long. */
const MAX_BUFFER_AGE_MS = 500;

interface CompiledPlan {
  readonly plan: GenerationPlan;
  readonly generateRow: RowGenerator;
}

const ROW_INDEX = z.int().min(0);

/**
 * Every row of the plans before `plan` has been pushed, and of `plan` every index below `next`
 * except the `gaps`. The seed is kept because without a configured one each run draws its own.
 */
const POSITION_SHAPE = z.strictObject({
  seed: z.string().regex(/^\d+$/),
  plan: z.int().min(0),
  next: ROW_INDEX,
  gaps: z.array(z.tuple([ROW_INDEX, ROW_INDEX])),
});

type DatagenPosition = z.output<typeof POSITION_SHAPE>;

/** What the workers generating one plan share. */
interface PlanRun {
  readonly compiled: CompiledPlan;
  readonly progress: PlanProgress;
  readonly limiter: TokenBucket | undefined;
  readonly sink: InputSink;
  readonly seed: Seed;
  /** Read when a worker pushes: what every worker has pushed so far, this push included. */
  readonly position: () => DatagenPosition;
}

export function createDatagenInput(transport: InputTransport, context: InputContext): ReplayableInputConnector {
  const subject = `connector ${context.connector}`;
  if (transport.format !== undefined) {
    throw new ConfigError(subject, [{ field: 'format', message: 'is not allowed: datagen generates rows itself and takes no format' }], { connector: context.connector });
  }
  const problems = new ConfigProblems();
  const columns = context.table.columns;
  const config = parseDatagenConfig(transport.config, columns.map((column) => column.name), problems);
  const plans = config.plans.map((plan, i) => ({ plan, generateRow: compileRowGenerator(columns, plan.fields, ['plan', i, 'fields'], problems) }));
  problems.throwIfAny(subject, { connector: context.connector });
  return new DatagenInput(context.connector, config, plans);
}

class DatagenInput implements ReplayableInputConnector {
  /** A row depends only on the seed and its index, so any range of them can be generated again. */
  readonly replay = 'by-position';
  private readonly stopping = new AbortController();
  /** The configured seed, or one drawn for this connector. */
  private readonly seed: bigint;

  constructor(
    readonly name: string,
    private readonly config: DatagenConfig,
    private readonly plans: readonly CompiledPlan[],
  ) {
    this.seed = config.seed ?? randomBytes(8).readBigUInt64BE();
  }

  async run(sink: InputSink, from?: InputPosition): Promise<void> {
    const start = from === undefined ? undefined : this.position(from);
    const seed = start === undefined ? this.seed : BigInt(start.seed);
    for (let planIndex = start?.plan ?? 0; planIndex < this.plans.length; planIndex++) {
      if (this.stopped) return;
      const compiled = this.plans[planIndex]!;
      const { plan } = compiled;
      const progress = new PlanProgress(plan.limit ?? Infinity, plan.workerChunkSize, planIndex === start?.plan ? start : undefined);
      const run: PlanRun = {
        compiled,
        progress,
        limiter: plan.rate === undefined ? undefined : new TokenBucket(plan.rate),
        sink,
        seed: seedFromBigInt(seed),
        position: () => ({ seed: String(seed), plan: planIndex, ...progress.coverage() }),
      };
      await Promise.all(Array.from({ length: this.config.workers }, () => this.work(run)));
    }
  }

  async read(from: InputPosition | undefined, to: InputPosition, reportError: (error: DynaviewError) => void): Promise<Update[]> {
    const start = from === undefined ? undefined : this.position(from);
    const end = this.position(to);
    const seed = seedFromBigInt(BigInt(end.seed));
    const changes: Update[] = [];
    for (let planIndex = start?.plan ?? 0; planIndex <= end.plan; planIndex++) {
      const { generateRow } = this.plans[planIndex]!;
      const missing = subtractRanges(this.pushedRanges(end, planIndex), start === undefined ? [] : this.pushedRanges(start, planIndex));
      for (const [first, last] of missing) {
        for (let index = first; index < last; index++) {
          const row = this.generate(generateRow, index, seed, reportError);
          if (row !== undefined) changes.push({ row, weight: 1 });
        }
      }
    }
    return changes;
  }

  stop(): void {
    this.stopping.abort();
  }

  describePosition(position: InputPosition): string {
    const { plan, next, gaps } = this.position(position);
    const missing = gaps.reduce((n, [start, end]) => n + end - start, 0);
    return `plan ${plan + 1} of ${this.plans.length}: ${next - missing} rows generated`;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Reads back a position, checking that it fits this connector's plans. */
  private position(saved: InputPosition): DatagenPosition {
    const position = parsePosition(POSITION_SHAPE, saved, this.name);
    const limit = this.plans[position.plan]?.plan.limit ?? Infinity;
    const fits = position.plan < this.plans.length && position.next <= limit
      && this.plans.slice(0, position.plan).every((compiled) => compiled.plan.limit !== undefined)
      && position.gaps.every(([start, end], i) => start < end && end <= position.next && start >= (position.gaps[i - 1]?.[1] ?? 0));
    if (!fits) {
      throw new DynaviewError(INPUT_POSITION_INVALID, `connector ${this.name}: the saved input position ${JSON.stringify(saved)} does not fit its generation plans`,
        { context: { connector: this.name } });
    }
    return position;
  }

  /** The row indexes of a plan that had been pushed at `position`. */
  private pushedRanges(position: DatagenPosition, planIndex: number): RowRange[] {
    if (planIndex < position.plan) return [[0, this.plans[planIndex]!.plan.limit!]];
    return planIndex === position.plan ? coveredRanges(position) : [];
  }

  private async work(run: PlanRun): Promise<void> {
    const { compiled: { plan, generateRow }, progress, limiter, sink } = run;
    const batchRows = Math.min(plan.rate ?? Infinity, MAX_BATCH_ROWS);
    let buffer: Update[] = [];
    let bufferStartedAt = performance.now();
    // Pushes the chunk's rows below `upTo` (skipped rows leave nothing in the buffer, but move the position).
    const flush = async (chunk: ClaimedChunk, upTo: number): Promise<void> => {
      const changes = buffer;
      buffer = [];
      bufferStartedAt = performance.now();
      if (upTo > chunk.pushedTo && !this.stopped) {
        chunk.pushedTo = upTo;
        await sink.push(changes, run.position());
      }
      // Let timers and I/O run (stop() among them) even when push resolves at once.
      await yieldToEventLoop();
    };
    for (let chunk = progress.claim(); chunk !== undefined && !this.stopped; chunk = progress.claim()) {
      let index = chunk.start;
      while (index < chunk.end && !this.stopped) {
        const row = this.generate(generateRow, index, run.seed, (error) => sink.reportError(error));
        if (row !== undefined) buffer.push({ row, weight: 1 });
        index += 1;
        if (buffer.length >= batchRows || performance.now() - bufferStartedAt > MAX_BUFFER_AGE_MS) await flush(chunk, index);
        if (limiter !== undefined) await limiter.take(this.stopping.signal);
      }
      await flush(chunk, index);
      progress.finished(chunk);
    }
  }

  private generate(generateRow: RowGenerator, index: number, seed: Seed, reportError: (error: DynaviewError) => void): Update['row'] | undefined {
    try {
      return generateRow(index, RowRandom.forRow(seed, index));
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      // A value the column cannot hold (e.g. a scale that overflows the type): skip the row, as
      // Feldera's parser skips a record it cannot read.
      reportError(new DynaviewError(error.code, `${this.name}: generated row ${index} skipped: ${error.message}`, {
        context: { ...error.context, connector: this.name },
      }));
      return undefined;
    }
  }
}
