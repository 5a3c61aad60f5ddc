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
import { HttpIngress } from '../connectors/inputs/http/http-ingress.js';
import type { TableDef } from '../engine/catalog.js';
import type { ZSet } from '../engine/zset.js';
import { Pipeline, type StepObserver } from './controller.js';
import { DEFAULT_MAX_QUEUED_RECORDS, type InputEndpoint, type OutputEndpoint } from './endpoints.js';
import { OutputRunner } from './output-runner.js';
import { RuntimeErrorDeadLetters } from './runtime-dead-letters.js';
import { registerPipelineMetrics } from './pipeline-metrics.js';
import type { PipelineStats } from './pipeline-stats.js';
import { programGraph, type ProgramGraph } from './program-graph.js';
import type { LoadedProgram } from './program.js';
import { StateDir } from './state-dir.js';
import { SILENT_LOGGER } from '../util/silent-logger.js';

/** The connector name of a table's HTTP ingress: its endpoint is `<table>.api-ingress`. */
export const HTTP_INGRESS_NAME = 'api-ingress';

export interface PipelineOptions {
  /** Where the pipeline and its connectors log (pino); without one the pipeline logs nothing. */
  logger?: Logger;
  /** Checkpoints go here, and the run starts from the one found here. */
  stateDir?: string;
  /**
   * `runtime_error_dead_letter_path`: a row on which an expression of a view fails is left out of
   * that view and appended to this file, and the run goes on. Without it such an error stops the run.
   */
  runtimeErrorDeadLetterPath?: string;
  /** Where the output connectors register their metrics; a new registry by default. */
  registry?: Registry;
  /** The output endpoints to run in place of the program's own, e.g. pointed at other services. */
  outputs?: readonly OutputEndpoint[];
  /**
   * Serve the HTTP API's data paths: every table takes pushes (`ingress`) besides its own
   * connectors, and every view's changes can be observed (`observe`). A program with input
   * connectors still ends when they are exhausted; one without runs until stop().
   */
  httpApi?: boolean;
  /**
   * Also register prom-client's default process series (memory, CPU, event loop lag) in the
   * registry: for a process that runs one pipeline, as `dynaview run` does.
   */
  processMetrics?: boolean;
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
    /** With the HTTP API: each table's ingress, by table name. */
    readonly ingress: ReadonlyMap<string, HttpIngress>,
    private readonly deadLetters: RuntimeErrorDeadLetters | undefined,
    /** Every input endpoint, the HTTP API's ingress included. */
    readonly inputs: readonly InputEndpoint[],
    readonly graph: ProgramGraph,
  ) {}

  /** Shows `observer` the changes of every view after every step from now on, until the returned function is called (HTTP API only). */
  observe(observer: StepObserver): () => void {
    return this.pipeline.observe(observer);
  }

  /** The rows a materialized view holds now (empty for other relations). */
  contents(view: string): ZSet {
    return this.pipeline.contents(view) ?? [];
  }

  /** Whether stop() was called or the run ended. */
  get stopping(): boolean {
    return this.pipeline.stopped;
  }

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
    this.closing ??= closeAll(this.outputs.map((o) => o.output), this.state, this.deadLetters);
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
  const logger = options.logger ?? SILENT_LOGGER;
  const registry = options.registry ?? new Registry();
  const endpoints = options.outputs ?? program.endpoints.outputs;
  const state = options.stateDir === undefined ? undefined : await StateDir.open(options.stateDir, programIdentity(program.file, program.source));
  const connectors: OutputConnector[] = [];
  let deadLetters: RuntimeErrorDeadLetters | undefined;
  try {
    if (options.runtimeErrorDeadLetterPath !== undefined) deadLetters = await RuntimeErrorDeadLetters.open(options.runtimeErrorDeadLetterPath, registry, logger);
    const saved = state?.checkpoint.outputs ?? {};
    const runners: OutputRunner[] = [];
    for (const endpoint of endpoints) {
      const resume = Object.hasOwn(saved, endpoint.name) ? saved[endpoint.name] : undefined;
      const connector = await endpoint.connector.open({ registry, logger, ...(resume ? { resume } : {}) });
      connectors.push(connector);
      runners.push(new OutputRunner(endpoint, connector, logger, resume?.step ?? 0));
    }
    const tables = options.httpApi ? [...program.catalog.relations.values()].filter((relation): relation is TableDef => relation.kind === 'table') : [];
    const ingressEndpoints = tables.map((table) => ({
      name: `${table.name}.${HTTP_INGRESS_NAME}`,
      transport: 'HTTP ingress',
      table,
      connector: new HttpIngress({ connector: `${table.name}.${HTTP_INGRESS_NAME}`, table, baseDir: '.' }),
      maxQueuedRecords: DEFAULT_MAX_QUEUED_RECORDS,
    }));
    const ingress = new Map(ingressEndpoints.map((endpoint) => [endpoint.table.name, endpoint.connector]));
    const inputs = [...program.endpoints.inputs, ...ingressEndpoints];
    const openEnded = new Set(ingressEndpoints.map((endpoint) => endpoint.name));
    const pipeline = new Pipeline(program.catalog, { ...program.endpoints, inputs }, runners, logger, state, options.httpApi === true, openEnded, deadLetters);
    registerPipelineMetrics(registry, pipeline.stats, runners, options.processMetrics === true);
    return new PipelineRun(pipeline, runners, registry, state, ingress, deadLetters, inputs, programGraph(program.catalog, inputs, endpoints));
  } catch (error) {
    await closeAll(connectors, state, deadLetters);
    throw error;
  }
}

async function closeAll(connectors: readonly OutputConnector[], state: StateDir | undefined, deadLetters: RuntimeErrorDeadLetters | undefined): Promise<void> {
  try {
    await Promise.all(connectors.map((c) => c.close()));
  } finally {
    try {
      await deadLetters?.close();
    } finally {
      await state?.close();
    }
  }
}
