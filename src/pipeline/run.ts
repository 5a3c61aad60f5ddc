/**
 * A loaded program, assembled to run: its state directory (when it has one) is opened, each
 * output connector is opened where that directory's checkpoint says it stands, and the pipeline
 * feeds them. The command line is one user of this; any Node program can be another:
 *
 *   const run = await openPipeline(await loadProgram('program.sql'), { logger });
 *   try { await run.run(); } finally { await run.close(); }
 */
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DynaviewError } from '../errors.js';
import type { OutputConnector } from '../connectors/outputs/output.js';
import { programIdentity } from './checkpoint.js';
import { Pipeline, type PipelineStats } from './controller.js';
import type { OutputEndpoint } from './endpoints.js';
import { OutputRunner } from './output-runner.js';
import type { LoadedProgram } from './program.js';
import { StateDir } from './state-dir.js';

export interface PipelineOptions {
  logger: Logger;
  /** Checkpoints go here, and the run starts from the one found here. */
  stateDir?: string;
  /** Where the output connectors register their metrics; a new registry by default. */
  registry?: Registry;
  /** The output endpoints to run in place of the program's own, e.g. pointed at other services. */
  outputs?: readonly OutputEndpoint[];
}

export class PipelineRun {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pipeline: Pipeline,
    /** One per output endpoint, in the program's order. */
    readonly outputs: readonly OutputRunner[],
    /** Every output connector's metrics. */
    readonly registry: Registry,
    private readonly state: StateDir | undefined,
  ) {}

  get stats(): PipelineStats {
    return this.pipeline.stats;
  }

  /** Records the output connectors could not write, over the run. */
  get failedItems(): number {
    return this.outputs.reduce((n, output) => n + output.failedItems, 0);
  }

  /**
   * Runs until every input is exhausted (or stop() was called) and every output has written
   * everything; rejects when an input, a step, an output or a checkpoint failed.
   */
  run(): Promise<void> {
    return this.pipeline.run();
  }

  /** Stops the inputs; the step in progress and everything queued is still written. */
  stop(): void {
    this.pipeline.stop();
  }

  /** Closes the output connectors (after their writes in progress) and the state directory. */
  close(): Promise<void> {
    this.closing ??= closeAll(this.outputs.map((o) => o.output), this.state);
    return this.closing;
  }
}

/**
 * Opens what `program` writes to and returns it ready to run. Throws on an invalid program (all
 * its problems in one message), a state directory that cannot be used, or an output connector
 * that cannot open; nothing is left open then.
 */
export async function openPipeline(program: LoadedProgram, options: PipelineOptions): Promise<PipelineRun> {
  const [first] = program.problems;
  if (first !== undefined) {
    throw new DynaviewError(first.code, program.problems.map((p) => p.message).join('\n'), { context: first.context });
  }
  const { logger } = options;
  const registry = options.registry ?? new Registry();
  const endpoints = options.outputs ?? program.endpoints.outputs;
  const state = options.stateDir === undefined ? undefined : await StateDir.open(options.stateDir, programIdentity(program.file, program.source));
  const connectors: OutputConnector[] = [];
  try {
    const saved = state?.checkpoint.outputs ?? {};
    const runners: OutputRunner[] = [];
    for (const endpoint of endpoints) {
      const resume = Object.hasOwn(saved, endpoint.name) ? saved[endpoint.name] : undefined;
      const connector = await endpoint.connector.open({ registry, logger, ...(resume ? { resume } : {}) });
      connectors.push(connector);
      runners.push(new OutputRunner(endpoint, connector, logger, resume?.step ?? 0));
    }
    const pipeline = new Pipeline(program.catalog, program.endpoints, runners, logger, state);
    return new PipelineRun(pipeline, runners, registry, state);
  } catch (error) {
    await closeAll(connectors, state);
    throw error;
  }
}

async function closeAll(connectors: readonly OutputConnector[], state: StateDir | undefined): Promise<void> {
  try {
    await Promise.all(connectors.map((c) => c.close()));
  } finally {
    await state?.close();
  }
}
