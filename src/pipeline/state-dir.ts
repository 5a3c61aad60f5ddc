/**
 * A `--state-dir`: the latest checkpoint (`checkpoint`, replaced atomically) and the journal of
 * the steps after it (`steps.jsonl`). Opening one checks that the same program wrote it; a fresh
 * directory gets a checkpoint of step 0 at once, so that it is claimed by its program before
 * anything else is written.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import {
  decodeCheckpoint, encodeCheckpoint, STATE_DIR_INVALID, STATE_DIR_PROGRAM_MISMATCH, STATE_DIR_UNUSABLE, StateDirError,
  type Checkpoint, type ProgramIdentity,
} from './checkpoint.js';
import { PushJournal, type JournaledPush } from './push-journal.js';
import { StepJournal, type JournaledStep } from './step-journal.js';

export class StateDir {
  private constructor(
    readonly dir: string,
    private readonly journal: StepJournal,
    /** Where this run starts. */
    readonly checkpoint: Checkpoint,
    /** Steps after the checkpoint that a previous run may have started writing: replay them first. */
    readonly unfinishedSteps: readonly JournaledStep[],
    readonly pushJournal: PushJournal,
    /** The pushes the push journal holds, in order; some may be covered by the checkpoint already. */
    readonly journaledPushes: readonly JournaledPush[],
  ) {}

  static async open(dir: string, program: ProgramIdentity): Promise<StateDir> {
    const checkpointFile = join(dir, 'checkpoint');
    return unusableOnFailure(dir, async () => {
      await mkdir(dir, { recursive: true });
      const saved = await readCheckpoint(checkpointFile);
      const { journal, steps } = await StepJournal.open(join(dir, 'steps.jsonl'));
      // A directory without progress (say, of a run that could not reach DynamoDB) holds nothing to mix up.
      const progressed = saved !== undefined && (saved.step > 0 || steps.length > 0) ? saved : undefined;
      if (progressed !== undefined && progressed.program.sha256 !== program.sha256) {
        await journal.close();
        throw new StateDirError(STATE_DIR_PROGRAM_MISMATCH, `state directory ${dir} was written by a different program: `
          + `it holds the state of ${progressed.program.file} (sha256 ${progressed.program.sha256.slice(0, 12)}), and ${program.file} `
          + `(sha256 ${program.sha256.slice(0, 12)}) differs from it in its SQL or connector configuration. Resuming would mix the `
          + `two programs' state: use another --state-dir, or delete ${dir} to start over.`);
      }
      const checkpoint = progressed ?? { program, step: 0, inputs: {}, engine: null };
      if (progressed === undefined) {
        await writeFileAtomic(checkpointFile, encodeCheckpoint(checkpoint));
        // Steps without the checkpoint they follow (which someone deleted) cannot be replayed.
        await journal.dropThrough(Infinity);
      }
      // Pushes are accepted before the first step; only a directory without its checkpoint has none to keep.
      if (saved === undefined) await rm(join(dir, 'pushes'), { recursive: true, force: true });
      const covered = checkpoint.step;
      const unfinished = progressed === undefined ? [] : steps.filter((journaled) => journaled.step > covered);
      if (unfinished.length > 0 && unfinished[0]!.step !== covered + 1) {
        await journal.close();
        throw new StateDirError(STATE_DIR_INVALID, `${join(dir, 'steps.jsonl')} starts at step ${unfinished[0]!.step}, `
          + `but ${checkpointFile} covers steps up to ${covered}; delete ${dir} to start over`);
      }
      const { journal: pushJournal, pushes } = await PushJournal.open(join(dir, 'pushes'));
      return new StateDir(dir, journal, checkpoint, unfinished, pushJournal, pushes);
    });
  }

  /** Resolves once the step is on disk: only then may its changes be written. */
  journalStep(step: JournaledStep): Promise<void> {
    return unusableOnFailure(this.dir, () => this.journal.append(step));
  }

  /** Replaces the checkpoint (atomically), then drops the journaled steps it covers. */
  save(checkpoint: Checkpoint): Promise<void> {
    return unusableOnFailure(this.dir, async () => {
      await writeFileAtomic(join(this.dir, 'checkpoint'), encodeCheckpoint(checkpoint));
      await this.journal.dropThrough(checkpoint.step);
    });
  }

  async close(): Promise<void> {
    await this.journal.close();
    await this.pushJournal.close();
  }
}

async function readCheckpoint(file: string): Promise<Checkpoint | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return decodeCheckpoint(bytes, file);
}

/** File system failures (permissions, a full disk, ...) say which state directory they concern. */
async function unusableOnFailure<T>(dir: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof StateDirError) throw error;
    throw new StateDirError(STATE_DIR_UNUSABLE, `state directory ${dir}: ${errorMessage(error)}`, error);
  }
}
