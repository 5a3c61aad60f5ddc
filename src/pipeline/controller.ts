/**
 * Runs a program: input connectors feed their tables, each step turns the input gathered since
 * the previous step into a delta for every view, and each output connector receives its view's
 * delta. Steps stop while any output queue is full (backpressure), and inputs wait while too much
 * input is pending, so memory stays bounded however fast the inputs are.
 */
import type { Logger } from 'pino';
import { DynaviewError } from '../errors.js';
import type { Update } from '../schema.js';
import type { Catalog } from '../engine/catalog.js';
import { Circuit } from '../engine/circuit.js';
import type { Endpoints, InputEndpoint } from './endpoints.js';
import type { OutputRunner } from './output-runner.js';

/** Input rows gathered for the next step before inputs are made to wait. */
const MAX_PENDING_INPUT_ROWS = 100_000;
const STALL_LOG_INTERVAL_MS = 10_000;

export interface PipelineStats {
  steps: number;
  inputRows: Record<string, number>;
  inputErrors: number;
  stalledMs: number;
  startedAt: number;
}

export class Pipeline {
  private readonly circuit: Circuit;
  private pending = new Map<string, Update[]>();
  private pendingRows = 0;
  private inputsRunning = 0;
  private stopping = false;
  private wakeStepper: (() => void) | null = null;
  private roomWaiters: Array<() => void> = [];
  private failure: DynaviewError | null = null;
  readonly stats: PipelineStats = { steps: 0, inputRows: {}, inputErrors: 0, stalledMs: 0, startedAt: Date.now() };

  constructor(
    catalog: Catalog,
    private readonly endpoints: Endpoints,
    private readonly outputs: readonly OutputRunner[],
    private readonly logger: Logger,
  ) {
    this.circuit = new Circuit(catalog);
  }

  /** Runs until every input is exhausted (or stop() was called) and every output has written everything. */
  async run(): Promise<void> {
    const inputs = this.endpoints.inputs.map((endpoint) => this.runInput(endpoint));
    await this.stepUntilDone();
    // Normally the inputs are done by now; after a failure they are told to stop, and released
    // if they were waiting for room.
    this.stop();
    await Promise.all(inputs);
    await Promise.all(this.outputs.map((o) => o.finish()));
    const broken = this.outputs.find((o) => o.fatal);
    if (broken?.fatal) throw broken.fatal;
    if (this.failure) throw this.failure;
  }

  /** Stops the inputs; the step in progress and everything queued is still written. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const input of this.endpoints.inputs) input.connector.stop();
    this.wake();
  }

  private async runInput(endpoint: InputEndpoint): Promise<void> {
    this.inputsRunning += 1;
    this.stats.inputRows[endpoint.name] = 0;
    try {
      await endpoint.connector.run({
        push: async (changes) => {
          if (changes.length === 0) return;
          const list = this.pending.get(endpoint.table.name);
          if (list) list.push(...changes);
          else this.pending.set(endpoint.table.name, [...changes]);
          this.pendingRows += changes.length;
          this.stats.inputRows[endpoint.name]! += changes.length;
          this.wake();
          await this.room();
        },
        reportError: (error) => {
          this.stats.inputErrors += 1;
          this.logger.warn({ endpoint: endpoint.name, code: error.code }, error.message);
        },
      });
    } catch (error) {
      this.failure ??= error instanceof DynaviewError
        ? error
        : new DynaviewError('INPUT_FAILED', `input connector ${endpoint.name} failed: ${String(error)}`, { cause: error });
      this.stop();
    } finally {
      this.inputsRunning -= 1;
      this.wake();
    }
  }

  private async stepUntilDone(): Promise<void> {
    for (;;) {
      if (this.pendingRows === 0) {
        if (this.inputsRunning === 0 || this.failure) return;
        await new Promise<void>((resolve) => { this.wakeStepper = resolve; });
        continue;
      }
      await this.waitForOutputs();
      if (this.outputs.some((o) => o.fatal)) return;
      const inputs = this.pending;
      this.pending = new Map();
      this.pendingRows = 0;
      this.releaseRoom();
      try {
        this.step(inputs);
      } catch (error) {
        this.failure = error instanceof DynaviewError ? error : new DynaviewError('STEP_FAILED', String(error), { cause: error });
        this.stop();
        return;
      }
      // Let input connectors run between steps, so a step gathers what arrived meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private step(inputs: ReadonlyMap<string, readonly Update[]>): void {
    const deltas = this.circuit.step(inputs);
    this.stats.steps += 1;
    for (const runner of this.outputs) {
      const delta = deltas.get(runner.endpoint.view.name);
      if (delta) runner.enqueue(delta);
    }
  }

  private async waitForOutputs(): Promise<void> {
    const full = this.outputs.filter((o) => o.full);
    if (full.length === 0) return;
    const started = Date.now();
    const timer = setInterval(() => {
      const names = this.outputs.filter((o) => o.full).map((o) => o.endpoint.name).join(', ');
      this.logger.warn(`pipeline stalled ${Math.round((Date.now() - started) / 1000)} seconds because output buffers are full: ${names}`);
    }, STALL_LOG_INTERVAL_MS);
    timer.unref();
    try {
      for (const output of full) await output.whenNotFull();
    } finally {
      clearInterval(timer);
      this.stats.stalledMs += Date.now() - started;
    }
  }

  /** Resolves when inputs may push more. */
  private room(): Promise<void> {
    if (this.pendingRows < MAX_PENDING_INPUT_ROWS || this.stopping) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private releaseRoom(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  private wake(): void {
    const wake = this.wakeStepper;
    this.wakeStepper = null;
    wake?.();
    if (this.stopping) this.releaseRoom();
  }
}
