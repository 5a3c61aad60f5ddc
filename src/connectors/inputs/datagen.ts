/**
 * The `datagen` input connector: generates rows from a table's schema, plan after plan. Within a
 * plan, `workers` loops take chunks of `worker_chunk_size` row indexes in turn, generate each row
 * with its own seeded random generator, take a rate-limiter token after each row, and push a
 * buffer every min(rate, 10 000) rows or when it is 500 ms old.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ConfigError, DynaviewError } from '../../errors.js';
import type { Update } from '../../schema.js';
import { ConfigProblems } from '../../util/config-problems.js';
import { MAX_BATCH_ROWS, parseDatagenConfig, type DatagenConfig, type GenerationPlan } from './datagen-config.js';
import { compileRowGenerator, type RowGenerator } from './datagen-values.js';
import type { InputConnector, InputContext, InputSink, InputTransport } from './input.js';
import { RowRandom, seedFromBigInt, type Seed } from './random.js';
import { TokenBucket } from './rate-limiter.js';

/** Feldera pushes a partial buffer once generating it has taken this long. */
const MAX_BUFFER_AGE_MS = 500;

interface CompiledPlan {
  readonly plan: GenerationPlan;
  readonly generateRow: RowGenerator;
}

export function createDatagenInput(transport: InputTransport, context: InputContext): InputConnector {
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

class DatagenInput implements InputConnector {
  private readonly stopping = new AbortController();
  private readonly seed: Seed;

  constructor(
    readonly name: string,
    private readonly config: DatagenConfig,
    private readonly plans: readonly CompiledPlan[],
  ) {
    this.seed = seedFromBigInt(config.seed ?? randomBytes(8).readBigUInt64BE());
  }

  async run(sink: InputSink): Promise<void> {
    for (const compiled of this.plans) {
      if (this.stopped) return;
      const { plan } = compiled;
      const limiter = plan.rate === undefined ? undefined : new TokenBucket(plan.rate);
      const limit = plan.limit ?? Infinity;
      let next = 0;
      // Workers claim consecutive chunks of row indexes, so every index is generated once.
      const claim = (): readonly [number, number] | undefined => {
        if (next >= limit) return undefined;
        const start = next;
        next = Math.min(limit, start + plan.workerChunkSize);
        return [start, next];
      };
      const workers = Array.from({ length: this.config.workers }, () => this.work(compiled, claim, limiter, sink));
      await Promise.all(workers);
    }
  }

  stop(): void {
    this.stopping.abort();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async work(
    { plan, generateRow }: CompiledPlan,
    claim: () => readonly [number, number] | undefined,
    limiter: TokenBucket | undefined,
    sink: InputSink,
  ): Promise<void> {
    const batchRows = Math.min(plan.rate ?? Infinity, MAX_BATCH_ROWS);
    let buffer: Update[] = [];
    let bufferStartedAt = performance.now();
    const flush = async (): Promise<void> => {
      const changes = buffer;
      buffer = [];
      bufferStartedAt = performance.now();
      if (changes.length > 0 && !this.stopped) await sink.push(changes);
      // Let timers and I/O run (stop() among them) even when push resolves at once.
      await yieldToEventLoop();
    };
    for (let chunk = claim(); chunk !== undefined && !this.stopped; chunk = claim()) {
      const [start, end] = chunk;
      for (let index = start; index < end && !this.stopped; index++) {
        const row = this.generate(generateRow, index, sink);
        if (row !== undefined) buffer.push({ row, weight: 1 });
        if (buffer.length >= batchRows || performance.now() - bufferStartedAt > MAX_BUFFER_AGE_MS) await flush();
        if (limiter !== undefined) await limiter.take(this.stopping.signal);
      }
      await flush();
    }
  }

  private generate(generateRow: RowGenerator, index: number, sink: InputSink): Update['row'] | undefined {
    try {
      return generateRow(index, RowRandom.forRow(this.seed, index));
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      // A value the column cannot hold (e.g. a scale that overflows the type): skip the row, as
      // Feldera's parser skips a record it cannot read.
      sink.reportError(new DynaviewError(error.code, `${this.name}: generated row ${index} skipped: ${error.message}`, {
        context: { ...error.context, connector: this.name },
      }));
      return undefined;
    }
  }
}
