/**
 * When checkpoints are taken and saved. After a step, at most once per CHECKPOINT_INTERVAL_MS, the
 * pipeline hands over its state after that step (engine snapshot, input positions); it is saved
 * once every output has written all changes of that step and of the steps before it. Changes
 * still queued, held in an output buffer, being written (with pipelined_steps, several batches
 * may be), or that failed to be written hold the save back; meanwhile the journal lets a restart
 * redo those steps. One snapshot waits at a time, so the memory it holds stays bounded. When it is
 * saved, the outputs that append (a file) add where they stand after their last written batch and
 * the last step it holds, so that a restart cuts them back to exactly that and skips those steps.
 */
import type { Logger } from 'pino';
import type { DynaviewError } from '../errors.js';
import type { OutputCheckpoint } from '../connectors/outputs/output.js';
import type { Checkpoint } from './checkpoint.js';
import type { OutputRunner } from './output-runner.js';
import type { StateDir } from './state-dir.js';

/** Saving copies the engine's whole state; once a second bounds what that costs a fast pipeline. */
const CHECKPOINT_INTERVAL_MS = 1_000;

export class Checkpointer {
  private waiting: Checkpoint | null = null;
  private lastTakenAt = -Infinity;
  private saves: Promise<void> = Promise.resolve();
  /** The first save that failed: restarts would go back further than they should, so the run fails. */
  failure: DynaviewError | null = null;

  constructor(
    private readonly state: StateDir,
    private readonly outputs: readonly OutputRunner[],
    private readonly logger: Logger,
    /** Called after each save, before the next one starts. */
    private readonly onSaved: (checkpoint: Checkpoint) => Promise<void>,
  ) {
    for (const output of outputs) output.onProgress(() => this.saveIfWritten());
  }

  /** After a step: `capture` is the state after it, taken when a checkpoint is due. */
  stepped(capture: () => Checkpoint): void {
    if (this.waiting !== null || Date.now() - this.lastTakenAt < CHECKPOINT_INTERVAL_MS) return;
    this.lastTakenAt = Date.now();
    this.waiting = capture();
    this.saveIfWritten();
  }

  /**
   * At the end of the run: saves `final` (the state after the last step, when all of its changes
   * are written) in place of a waiting checkpoint, and waits for the saves to finish.
   */
  async finish(final: Checkpoint | null): Promise<void> {
    if (final !== null) {
      this.waiting = null;
      this.save(final);
    }
    await this.saves;
    if (final !== null && this.failure === null) this.logger.info({ stateDir: this.state.dir, step: final.step }, `state after step ${final.step} saved in ${this.state.dir}`);
  }

  private saveIfWritten(): void {
    const waiting = this.waiting;
    if (waiting === null || !this.outputs.every((output) => output.unwrittenFrom > waiting.step)) return;
    this.waiting = null;
    this.save(waiting);
  }

  private save(checkpoint: Checkpoint): void {
    this.saves = this.saves.then(async () => {
      if (this.failure) return;
      try {
        await this.state.save({ ...checkpoint, ...(await this.outputPositions()) });
        await this.onSaved(checkpoint);
        this.logger.debug({ step: checkpoint.step }, `checkpoint of step ${checkpoint.step} saved in ${this.state.dir}`);
      } catch (error) {
        this.failure = error as DynaviewError;
        this.logger.error(this.failure.message);
      }
    });
  }

  /** The positions of the outputs that keep one, made durable by the outputs first. */
  private async outputPositions(): Promise<{ outputs?: Record<string, OutputCheckpoint> }> {
    const outputs: Record<string, OutputCheckpoint> = {};
    for (const output of this.outputs) {
      const position = await output.output.checkpoint();
      if (position !== null) outputs[output.endpoint.name] = position;
    }
    return Object.keys(outputs).length === 0 ? {} : { outputs };
  }
}
