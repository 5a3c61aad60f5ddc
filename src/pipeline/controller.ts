/**
 * Runs a program: input connectors feed their tables, each step turns the input gathered since
 * the previous step into a delta for every view, and each output connector receives its view's
 * delta. Steps stop while any output queue is full (backpressure), and inputs wait while too much
 * input is pending, so memory stays bounded however fast the inputs are.
 *
 * With a state directory, a run starts from its checkpoint: the engine state is restored, the
 * steps journaled after the checkpoint are replayed exactly (their writes may have been cut
 * short), and the inputs go on from the positions after them. Every new step is journaled before
 * its changes reach the outputs, and checkpoints are saved as the outputs finish writing. Inputs
 * that cannot read their input again have their pushes journaled before they are accepted (see
 * `push-journal.ts`), and a restart replays those from there.
 *
 * Inputs hear back about what they pushed: `written` once every change up to a position is
 * written to every output, `committed` once it will never be asked of them again (written and,
 * with a state directory, covered by a saved checkpoint).
 */
import type { Logger } from 'pino';
import { DynaviewError } from '../errors.js';
import type { Update } from '../schema.js';
import type { InputConnector, InputPosition } from '../connectors/inputs/input.js';
import type { Catalog } from '../engine/catalog.js';
import { Circuit } from '../engine/circuit.js';
import type { ZSet } from '../engine/zset.js';
import { STATE_DIR_INVALID, StateDirError, type Checkpoint, type ConsumedInput } from './checkpoint.js';
import { Checkpointer } from './checkpointer.js';
import type { Endpoints, InputEndpoint } from './endpoints.js';
import type { OutputRunner } from './output-runner.js';
import type { RuntimeErrorDeadLetters } from './runtime-dead-letters.js';
import { journaledPosition, sourcePosition } from './journaled-position.js';
import { PipelineStats } from './pipeline-stats.js';
import type { JournaledPush } from './push-journal.js';
import type { StateDir } from './state-dir.js';
import type { JournaledStep } from './step-journal.js';

/** Input rows gathered for the next step, over all inputs, before inputs are made to wait. */
const MAX_PENDING_INPUT_ROWS = 100_000;
const STALL_LOG_INTERVAL_MS = 10_000;

/**
 * A chunk an input pushed: which input, its position after the chunk (for a journaled input, its
 * place in the push journal with the connector's own position), and how many changes it held.
 */
interface Push {
  readonly endpoint: string;
  readonly position: InputPosition;
  readonly rows: number;
}

/**
 * Something that sees every step's changes of every view (an HTTP egress stream). With
 * `whenReady`, steps wait for it as they wait for full outputs.
 */
export interface StepObserver {
  stepped(step: number, deltas: ReadonlyMap<string, ZSet>): void;
  whenReady?(): Promise<void> | undefined;
}

/** The inputs' positions after a step, kept until its changes are written. */
interface SteppedPositions {
  readonly step: number;
  readonly positions: ReadonlyMap<string, InputPosition>;
}

export class Pipeline {
  private readonly circuit: Circuit;
  private pending = new Map<string, Update[]>();
  private pendingRows = 0;
  /** Pushes without changes wait whose source needs to hear they are committed. */
  private positionsWaiting = false;
  /** Per input, the rows of its pushes since the last step. */
  private pendingByInput = new Map<string, number>();
  /** The pushes since the last step, in order: what the next step consumes. */
  private pendingPushes: Push[] = [];
  /** Per input, where the steps so far have consumed it to. */
  private readonly consumed = new Map<string, ConsumedInput>();
  /** Steps counted over every run of the state directory. */
  private stepNumber = 0;
  private readonly checkpointer: Checkpointer | null;
  private inputsRunning = 0;
  /** Inputs running that end by themselves. */
  private boundedRunning = 0;
  private stopping = false;
  private wakeStepper: (() => void) | null = null;
  private roomWaiters: Array<() => void> = [];
  private failure: DynaviewError | null = null;
  /** Steps whose changes are not all written yet, oldest first. */
  private unwritten: SteppedPositions[] = [];
  /** Pushes of journaled inputs that no journaled step consumed, in journal order: fed again before the inputs run. */
  private unconsumed: JournaledPush[] = [];
  private readonly observers = new Set<StepObserver>();
  readonly stats: PipelineStats;

  constructor(
    catalog: Catalog,
    private readonly endpoints: Endpoints,
    private readonly outputs: readonly OutputRunner[],
    private readonly logger: Logger,
    private readonly state?: StateDir,
    /** Every view's changes leave the engine, for step observers; otherwise only those of views with an output. */
    allViews = false,
    /**
     * Inputs that never end by themselves (HTTP ingress): when the program has other inputs, the
     * run stops once those are exhausted; otherwise it runs until stop().
     */
    private readonly openEnded: ReadonlySet<string> = new Set(),
    /** Where rows go that a view's expression fails on; without it such an error fails the step and the run. */
    private readonly deadLetters?: RuntimeErrorDeadLetters,
  ) {
    this.circuit = new Circuit(catalog, {
      ...(allViews ? {} : { outputs: outputs.map((runner) => runner.endpoint.view.name) }),
      dropFailingRows: deadLetters !== undefined,
    });
    this.checkpointer = state ? new Checkpointer(state, outputs, logger, (checkpoint) => this.saved(checkpoint)) : null;
    const views = [...catalog.relations.values()].filter((relation) => relation.kind === 'view').map((view) => view.name);
    this.stats = new PipelineStats(endpoints.inputs.map((endpoint) => endpoint.name), views);
    for (const output of outputs) output.onProgress(() => this.noteWritten());
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
    if (this.deadLetters !== undefined && this.deadLetters.count > 0) {
      this.logger.warn({ file: this.deadLetters.path, rows: this.deadLetters.count },
        `${this.deadLetters.count} row(s) left out of views after runtime errors are in ${this.deadLetters.path}`);
    }
    const broken = this.outputs.find((o) => o.fatal);
    if (broken?.fatal) throw broken.fatal;
    if (this.failure) throw this.failure;
    if (this.checkpointer?.failure) throw this.checkpointer.failure;
  }

  /** Shows `observer` every step from now on, until the returned function is called. */
  observe(observer: StepObserver): () => void {
    this.observers.add(observer);
    this.wake();
    return () => {
      this.observers.delete(observer);
    };
  }

  /** The rows a materialized view holds after the last step; undefined for any other relation. */
  contents(view: string): ZSet | undefined {
    return this.circuit.contents(view);
  }

  /** Whether stop() was called or the run ended. */
  get stopped(): boolean {
    return this.stopping;
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
    await this.deadLetters?.resume(unfinishedSteps);
    this.stepNumber = checkpoint.step;
    for (const [name, consumed] of Object.entries(checkpoint.inputs)) this.consumed.set(name, consumed);
    if (checkpoint.step > 0 || unfinishedSteps.length > 0) {
      const inputs = [...this.consumed].map(([name, { rows }]) => `${name} after ${rows} rows`).join(', ') || 'no input read';
      this.logger.info({ stateDir: state.dir, step: checkpoint.step, replaying: unfinishedSteps.length },
        `resuming from ${state.dir}: checkpoint of step ${checkpoint.step} (${inputs}); `
          + `replaying ${unfinishedSteps.length} step(s) whose writes may not have completed`);
    }
    const journaledPushes = state.journaledPushes;
    for (const journaled of unfinishedSteps) {
      if (this.stopping) return;
      await this.waitForOutputs();
      if (this.outputs.some((o) => o.fatal)) return;
      await this.replay(journaled, journaledPushes);
    }
    this.unconsumed = journaledPushes.filter((push) => push.seq > this.consumedSeq(push.endpoint));
  }

  /** The journal sequence number of the last push of `endpoint` the steps so far consumed; 0 when none. */
  private consumedSeq(endpoint: string): number {
    const consumed = this.consumed.get(endpoint);
    return consumed === undefined ? 0 : journaledPosition(consumed.position)?.seq ?? 0;
  }

  /** Reads a journaled step's input again, push by push, and runs it with the same boundaries. */
  private async replay(journaled: JournaledStep, journaledPushes: readonly JournaledPush[]): Promise<void> {
    const inputs = new Map<string, Update[]>();
    const pushes: Push[] = [];
    const positions = new Map([...this.consumed].map(([name, { position }]) => [name, position]));
    for (const [name, position] of journaled.pushes) {
      const endpoint = this.endpoints.inputs.find((input) => input.name === name);
      if (!endpoint) throw new StateDirError(STATE_DIR_INVALID, `the journal of step ${journaled.step} names input ${name}, which the program does not have`);
      const changes = endpoint.connector.replay === 'by-position'
        ? await endpoint.connector.read(positions.get(name), position, (error) => this.reportInputError(endpoint, error))
        : this.journaledChanges(journaledPushes, name, positions.get(name), position, journaled.step);
      positions.set(name, position);
      this.addInput(inputs, endpoint, changes);
      pushes.push({ endpoint: name, position, rows: changes.length });
    }
    await this.step(inputs, pushes, { replayed: true });
  }

  /** The changes a journaled input pushed after `from` up to `to` (positions the steps recorded), from the push journal. */
  private journaledChanges(pushes: readonly JournaledPush[], endpoint: string, from: InputPosition | undefined, to: InputPosition, step: number): Update[] {
    const after = from === undefined ? 0 : journaledPosition(from)?.seq ?? 0;
    const through = journaledPosition(to)?.seq;
    const covered = pushes.filter((push) => push.endpoint === endpoint && push.seq > after && push.seq <= (through ?? -1));
    if (through === undefined || covered.at(-1)?.seq !== through) {
      throw new StateDirError(STATE_DIR_INVALID, `the journal of step ${step} names push ${through ?? JSON.stringify(to)} of input ${endpoint}, `
        + 'which the push journal does not hold; delete the state directory to start over');
    }
    return covered.flatMap((push) => push.changes);
  }

  private async runInput(endpoint: InputEndpoint): Promise<void> {
    this.inputsRunning += 1;
    const bounded = !this.openEnded.has(endpoint.name);
    if (bounded) this.boundedRunning += 1;
    const journal = endpoint.connector.replay === 'journal' ? this.state?.pushJournal : undefined;
    // A source that holds data until it is committed (a replication slot) must hear of positions
    // that carry no changes too, or an idle source would hold it forever: they get a step of their own.
    const positionsMatter = endpoint.connector.replay === 'journal' && endpoint.connector.committed !== undefined;
    const accept = (changes: readonly Update[], position: InputPosition): Promise<void> => {
      this.pendingPushes.push({ endpoint: endpoint.name, position, rows: changes.length });
      if (changes.length === 0) {
        if (positionsMatter) {
          this.positionsWaiting = true;
          this.wake();
        }
        return Promise.resolve();
      }
      this.addInput(this.pending, endpoint, changes);
      this.pendingRows += changes.length;
      this.pendingByInput.set(endpoint.name, (this.pendingByInput.get(endpoint.name) ?? 0) + changes.length);
      this.wake();
      return this.room(endpoint);
    };
    try {
      const unconsumed = this.unconsumed.filter((push) => push.endpoint === endpoint.name);
      for (const push of unconsumed) await accept(push.changes, { seq: push.seq, source: push.position });
      const from = unconsumed.at(-1)?.position ?? this.resumePosition(endpoint);
      await endpoint.connector.run({
        push: async (changes, position, bytes = 0) => {
          const stats = this.stats.input(endpoint.name);
          stats.bytes += bytes;
          stats.position = position;
          if (journal === undefined) return accept(changes, position);
          // Accepted only once on disk: what the source was told is taken is never lost.
          const seq = await journal.append(endpoint.name, position, changes);
          return accept(changes, { seq, source: position });
        },
        reportError: (error) => this.reportInputError(endpoint, error),
        logger: this.logger.child({ endpoint: endpoint.name }),
      }, from);
    } catch (error) {
      this.failure ??= error instanceof DynaviewError
        ? error
        : new DynaviewError('INPUT_FAILED', `input connector ${endpoint.name} failed: ${String(error)}`, { cause: error });
      this.stop();
    } finally {
      this.inputsRunning -= 1;
      if (bounded) {
        this.boundedRunning -= 1;
        if (this.boundedRunning === 0) this.stop();
      }
      this.wake();
    }
  }

  /** Where a connector goes on from: its own position after what the steps so far consumed. */
  private resumePosition(endpoint: InputEndpoint): InputPosition | undefined {
    const consumed = this.consumed.get(endpoint.name);
    if (consumed === undefined) return undefined;
    return endpoint.connector.replay === 'journal' ? sourcePosition(consumed.position) : consumed.position;
  }

  private addInput(inputs: Map<string, Update[]>, endpoint: InputEndpoint, changes: readonly Update[]): void {
    const list = inputs.get(endpoint.table.name);
    // A push holds whole records, and one array record can hold more changes than a spread may pass.
    if (list) for (const change of changes) list.push(change);
    else inputs.set(endpoint.table.name, [...changes]);
    this.stats.input(endpoint.name).rows += changes.length;
  }

  private reportInputError(endpoint: InputEndpoint, error: DynaviewError): void {
    this.stats.inputError(endpoint.name, error);
    this.logger.warn({ endpoint: endpoint.name, code: error.code }, error.message);
  }

  private async stepUntilDone(): Promise<void> {
    for (;;) {
      if (this.pendingRows === 0 && !this.positionsWaiting) {
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
      this.positionsWaiting = false;
      this.pendingByInput = new Map();
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
    const started = performance.now();
    const deltas = this.circuit.step(inputs);
    const dropped = this.circuit.dropped;
    const step = this.stepNumber + 1;
    this.stepNumber = step;
    this.consume(pushes);
    const { deadLetters } = this;
    if (this.state && !replayed) {
      await this.state.journalStep({
        step, pushes: pushes.map((push) => [push.endpoint, push.position] as const), ...(deadLetters ? { dead_letters: deadLetters.start } : {}),
      });
    }
    if (deadLetters) {
      // On disk before a checkpoint can cover the step, when there is a state directory to resume from.
      await deadLetters.record(step, dropped, this.state !== undefined);
      this.stats.deadLetteredRows = deadLetters.count;
    }
    this.unwritten.push({ step, positions: new Map(pushes.map((push) => [push.endpoint, push.position])) });
    for (const runner of this.outputs) {
      const delta = deltas.get(runner.endpoint.view.name);
      if (delta) runner.enqueue(delta, step, replayed);
    }
    this.noteWritten();
    for (const observer of this.observers) observer.stepped(step, deltas);
    this.checkpointer?.stepped(() => this.checkpoint());
    this.stats.stepped(performance.now() - started, deltas);
  }

  /** Tells the inputs which of their positions are now written everywhere (and, without a state directory, committed). */
  private noteWritten(): void {
    const writtenThrough = Math.min(...this.outputs.map((output) => output.unwrittenFrom)) - 1;
    let written = 0;
    while (written < this.unwritten.length && this.unwritten[written]!.step <= writtenThrough) written += 1;
    if (written === 0) return;
    const done = this.unwritten.splice(0, written);
    const latest = new Map(done.flatMap((stepped) => [...stepped.positions]));
    for (const [name, position] of latest) {
      const connector = this.connectorOf(name);
      if (connector === undefined) continue;
      const own = connector.replay === 'journal' && this.state ? sourcePosition(position) : position;
      connector.written?.(own);
      if (!this.state) connector.committed?.(own);
    }
  }

  /** A checkpoint is on disk: what it covers is committed, and the pushes journaled up to it are no longer needed. */
  private saved(checkpoint: Checkpoint): Promise<void> {
    let seq = 0;
    for (const [name, { position }] of Object.entries(checkpoint.inputs)) {
      const connector = this.connectorOf(name);
      if (connector === undefined) continue;
      const journaled = connector.replay === 'journal' ? journaledPosition(position) : undefined;
      if (journaled !== undefined) seq = Math.max(seq, journaled.seq);
      connector.committed?.(journaled === undefined ? position : journaled.source);
    }
    return this.state!.pushJournal.dropThrough(seq);
  }

  private connectorOf(endpoint: string): InputConnector | undefined {
    return this.endpoints.inputs.find((input) => input.name === endpoint)?.connector;
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
    for (const observer of this.observers) await observer.whenReady?.();
    const full = this.outputs.filter((o) => o.full);
    if (full.length === 0) return;
    const started = Date.now();
    this.stats.stalled(full.map((o) => o.endpoint.name));
    const timer = setInterval(() => {
      const names = this.outputs.filter((o) => o.full).map((o) => o.endpoint.name).join(', ');
      this.logger.warn(`pipeline stalled ${Math.round((Date.now() - started) / 1000)} seconds because output buffers are full: ${names}`);
    }, STALL_LOG_INTERVAL_MS);
    timer.unref();
    try {
      for (const output of full) await output.whenNotFull();
    } finally {
      clearInterval(timer);
      this.stats.resumed();
    }
  }

  /** Resolves when `endpoint` may push more: neither all inputs together nor it alone hold too much for the next step. */
  private room(endpoint: InputEndpoint): Promise<void> {
    const full = this.pendingRows >= MAX_PENDING_INPUT_ROWS || (this.pendingByInput.get(endpoint.name) ?? 0) >= endpoint.maxQueuedRecords;
    if (!full || this.stopping) return Promise.resolve();
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
