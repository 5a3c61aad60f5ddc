/**
 * Runs a program: input connectors feed their tables, each step turns the input gathered since
 * the previous step into a delta for every view, and each output connector receives its view's
 * delta. Steps stop while any output queue is full (backpressure), and inputs wait while too much
 * input is pending, so memory stays bounded however fast the inputs are.
 *
 * With a state directory, a run starts from its checkpoint: the engine state is restored, the
 * steps journaled after the checkpoint are replayed exactly (their writes may have been cut
 * short), and the inputs go on from the positions after them. Every new step is journaled before
 * its changes reach the outputs, and checkpoints are saved as the outputs finish writing.
 */
import type { Logger } from 'pino';
import { DynaviewError } from '../errors.js';
import type { Update } from '../schema.js';
import type { InputPosition } from '../connectors/inputs/input.js';
import type { Catalog } from '../engine/catalog.js';
import { Circuit } from '../engine/circuit.js';
import { STATE_DIR_INPUT_NOT_REPLAYABLE, STATE_DIR_INVALID, StateDirError, type Checkpoint, type ConsumedInput } from './checkpoint.js';
import { Checkpointer } from './checkpointer.js';
import type { Endpoints, InputEndpoint } from './endpoints.js';
import type { OutputRunner } from './output-runner.js';
import type { StateDir } from './state-dir.js';
import type { JournaledStep } from './step-journal.js';

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

/** A chunk an input pushed: which input, its position after the chunk, and how many changes the chunk held. */
interface Push {
  readonly endpoint: string;
  readonly position: InputPosition;
  readonly rows: number;
}

export class Pipeline {
  private readonly circuit: Circuit;
  private pending = new Map<string, Update[]>();
  private pendingRows = 0;
  /** The pushes since the last step, in order: what the next step consumes. */
  private pendingPushes: Push[] = [];
  /** Per input, where the steps so far have consumed it to. */
  private readonly consumed = new Map<string, ConsumedInput>();
  /** Steps counted over every run of the state directory. */
  private stepNumber = 0;
  private readonly checkpointer: Checkpointer | null;
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
    private readonly state?: StateDir,
  ) {
    // Only the changes of views with an output leave the engine.
    this.circuit = new Circuit(catalog, { outputs: outputs.map((runner) => runner.endpoint.view.name) });
    this.checkpointer = state ? new Checkpointer(state, outputs, logger) : null;
    for (const endpoint of endpoints.inputs) this.stats.inputRows[endpoint.name] = 0;
  }

  /** Runs until every input is exhausted (or stop() was called) and every output has written everything. */
  async run(): Promise<void> {
    const { state } = this;
    if (state) await this.failOnError(() => this.resume(state));
    const inputs = this.failure ? [] : this.endpoints.inputs.map((endpoint) => this.runInput(endpoint));
    await this.stepUntilDone();
    // Normally the inputs are done by now; after a failure they are told to stop, and released
    // if they were waiting for room.
    this.stop();
    await Promise.all(inputs);
    await Promise.all(this.outputs.map((o) => o.finish()));
    if (this.checkpointer) await this.checkpointer.finish(this.finalCheckpoint());
    const broken = this.outputs.find((o) => o.fatal);
    if (broken?.fatal) throw broken.fatal;
    if (this.failure) throw this.failure;
    if (this.checkpointer?.failure) throw this.checkpointer.failure;
  }

  /** Stops the inputs; the step in progress and everything queued is still written. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const input of this.endpoints.inputs) input.connector.stop();
    this.wake();
  }

  /** Restores the checkpoint and replays the steps journaled after it. */
  private async resume(state: StateDir): Promise<void> {
    const { checkpoint, unfinishedSteps } = state;
    if (checkpoint.engine !== null) this.circuit.restore(checkpoint.engine);
    this.stepNumber = checkpoint.step;
    for (const [name, consumed] of Object.entries(checkpoint.inputs)) this.consumed.set(name, consumed);
    if (checkpoint.step > 0 || unfinishedSteps.length > 0) {
      const inputs = [...this.consumed].map(([name, { rows }]) => `${name} after ${rows} rows`).join(', ') || 'no input read';
      this.logger.info({ stateDir: state.dir, step: checkpoint.step, replaying: unfinishedSteps.length },
        `resuming from ${state.dir}: checkpoint of step ${checkpoint.step} (${inputs}); `
          + `replaying ${unfinishedSteps.length} step(s) whose writes may not have completed`);
    }
    for (const journaled of unfinishedSteps) {
      if (this.stopping) return;
      await this.waitForOutputs();
      if (this.outputs.some((o) => o.fatal)) return;
      await this.replay(journaled);
    }
  }

  /** Reads a journaled step's input again, push by push, and runs it with the same boundaries. */
  private async replay(journaled: JournaledStep): Promise<void> {
    const inputs = new Map<string, Update[]>();
    const pushes: Push[] = [];
    const positions = new Map([...this.consumed].map(([name, { position }]) => [name, position]));
    for (const [name, position] of journaled.pushes) {
      const endpoint = this.endpoints.inputs.find((input) => input.name === name);
      if (!endpoint) throw new StateDirError(STATE_DIR_INVALID, `the journal of step ${journaled.step} names input ${name}, which the program does not have`);
      if (endpoint.connector.replay !== 'by-position') {
        // openPipeline refuses a state directory for such a program; this only keeps replay honest.
        throw new StateDirError(STATE_DIR_INPUT_NOT_REPLAYABLE, `the journal of step ${journaled.step} names input ${name}, which cannot replay what it pushed`);
      }
      const changes = await endpoint.connector.read(positions.get(name), position, (error) => this.reportInputError(endpoint, error));
      positions.set(name, position);
      this.addInput(inputs, endpoint, changes);
      pushes.push({ endpoint: name, position, rows: changes.length });
    }
    await this.step(inputs, pushes, { replayed: true });
  }

  private async runInput(endpoint: InputEndpoint): Promise<void> {
    this.inputsRunning += 1;
    try {
      await endpoint.connector.run({
        push: async (changes, position) => {
          this.pendingPushes.push({ endpoint: endpoint.name, position, rows: changes.length });
          if (changes.length === 0) return;
          this.addInput(this.pending, endpoint, changes);
          this.pendingRows += changes.length;
          this.wake();
          await this.room();
        },
        reportError: (error) => this.reportInputError(endpoint, error),
      }, this.consumed.get(endpoint.name)?.position);
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

  private addInput(inputs: Map<string, Update[]>, endpoint: InputEndpoint, changes: readonly Update[]): void {
    const list = inputs.get(endpoint.table.name);
    // A push holds whole records, and one array record can hold more changes than a spread may pass.
    if (list) for (const change of changes) list.push(change);
    else inputs.set(endpoint.table.name, [...changes]);
    this.stats.inputRows[endpoint.name]! += changes.length;
  }

  private reportInputError(endpoint: InputEndpoint, error: DynaviewError): void {
    this.stats.inputErrors += 1;
    this.logger.warn({ endpoint: endpoint.name, code: error.code }, error.message);
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
      const pushes = this.pendingPushes;
      this.pending = new Map();
      this.pendingRows = 0;
      this.pendingPushes = [];
      this.releaseRoom();
      await this.failOnError(() => this.step(inputs, pushes, { replayed: false }));
      if (this.failure) return;
      // Let input connectors run between steps, so a step gathers what arrived meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Runs one step. With a state directory it is journaled first (a replayed step already is),
   * and a replayed step's changes are written on their own, whatever an output buffer would
   * merge: the stopped run may have written any of its steps, and only writing each of them
   * again, in order, leaves the values an uninterrupted run leaves.
   */
  private async step(inputs: ReadonlyMap<string, readonly Update[]>, pushes: readonly Push[], { replayed }: { replayed: boolean }): Promise<void> {
    const deltas = this.circuit.step(inputs);
    const step = this.stepNumber + 1;
    this.stepNumber = step;
    this.stats.steps += 1;
    this.consume(pushes);
    if (this.state && !replayed) await this.state.journalStep({ step, pushes: pushes.map((push) => [push.endpoint, push.position] as const) });
    for (const runner of this.outputs) {
      const delta = deltas.get(runner.endpoint.view.name);
      if (delta) runner.enqueue(delta, step, replayed);
    }
    this.checkpointer?.stepped(() => this.checkpoint());
  }

  private consume(pushes: readonly Push[]): void {
    for (const push of pushes) {
      const rows = (this.consumed.get(push.endpoint)?.rows ?? 0) + push.rows;
      this.consumed.set(push.endpoint, { position: push.position, rows });
    }
  }

  /** The state after the last step. */
  private checkpoint(): Checkpoint {
    return {
      program: this.state!.checkpoint.program,
      step: this.stepNumber,
      inputs: Object.fromEntries(this.consumed),
      engine: this.circuit.snapshot(),
    };
  }

  /**
   * The state at the end of the run, when it is complete: no failure, every output has written
   * every change, and nothing but pushes without changes came after the last step.
   */
  private finalCheckpoint(): Checkpoint | null {
    if (this.failure || this.pendingRows > 0 || this.outputs.some((o) => o.unwrittenFrom !== Infinity)) return null;
    this.consume(this.pendingPushes);
    this.pendingPushes = [];
    return this.checkpoint();
  }

  private async failOnError(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      this.failure ??= error instanceof DynaviewError ? error : new DynaviewError('STEP_FAILED', String(error), { cause: error });
      this.stop();
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
