/**
 * The step journal of a state directory: for every step after the checkpoint, the input pushes it
 * consumed, in order, each as (input endpoint, position after the push). A step is journaled, and
 * the journal flushed to disk, before its changes are handed to the outputs; a restarted run
 * replays the journaled steps exactly, with the same step boundaries, so the writes a stopped run
 * may have made after its checkpoint are made again in the same order and end with the same
 * values. One JSON line per step; after a crash, the last line may be incomplete: it belongs to a
 * step that was never handed to the outputs, and is dropped.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import type { InputPosition } from '../connectors/inputs/input.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { JSON_VALUE_SHAPE, STATE_DIR_INVALID, StateDirError } from './checkpoint.js';

export interface JournaledStep {
  readonly step: number;
  readonly pushes: ReadonlyArray<readonly [endpoint: string, position: InputPosition]>;
  /** With a runtime-error dead-letter file: its path, and its length before the step appended to it. */
  readonly dead_letters?: { readonly path: string; readonly length: number };
}

const STEP_SHAPE = z.strictObject({
  step: z.int().min(1),
  pushes: z.array(z.tuple([z.string(), JSON_VALUE_SHAPE])),
  dead_letters: z.strictObject({ path: z.string(), length: z.int().min(0) }).optional(),
});

export class StepJournal {
  /** Every operation on the file, in order: appends must not interleave with a rewrite. */
  private operations: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string, private handle: FileHandle) {}

  /**
   * Opens the journal (an empty one when the file is missing), dropping an incomplete last line,
   * and returns it with the steps it holds.
   */
  static async open(path: string): Promise<{ journal: StepJournal; steps: JournaledStep[] }> {
    const text = await readJournal(path);
    const steps = parseSteps(text, path);
    // Appending after an incomplete line would glue the next step to it: rewrite the file first.
    if (journalText(steps) !== text) await writeFileAtomic(path, Buffer.from(journalText(steps)));
    return { journal: new StepJournal(path, await open(path, 'a')), steps };
  }

  /** Resolves once the step is on disk. */
  append(step: JournaledStep): Promise<void> {
    return this.serialized(async () => {
      await this.handle.write(journalText([step]));
      await this.handle.datasync();
    });
  }

  /** Drops the steps a checkpoint now covers. */
  dropThrough(step: number): Promise<void> {
    return this.serialized(async () => {
      const steps = parseSteps(await readJournal(this.path), this.path);
      const kept = steps.filter((journaled) => journaled.step > step);
      if (kept.length === steps.length) return;
      await writeFileAtomic(this.path, Buffer.from(journalText(kept)));
      // The handle still points at the replaced file.
      await this.handle.close();
      this.handle = await open(this.path, 'a');
    });
  }

  async close(): Promise<void> {
    await this.serialized(() => this.handle.close());
  }

  private serialized(operation: () => Promise<void>): Promise<void> {
    const result = this.operations.then(operation);
    // A failed operation fails its caller; the next ones still run.
    this.operations = result.catch(() => undefined);
    return result;
  }
}

async function readJournal(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function journalText(steps: readonly JournaledStep[]): string {
  return steps.map((step) => `${JSON.stringify(step)}\n`).join('');
}

/**
 * The steps of the journal's text. Only the last append can be incomplete, because each one is
 * on disk before the next starts: an unreadable line is dropped when nothing readable follows it,
 * and anything else is damage the journal cannot be trusted with.
 */
function parseSteps(text: string, path: string): JournaledStep[] {
  const lines = text.split('\n');
  const steps: JournaledStep[] = [];
  for (const [i, line] of lines.entries()) {
    const step = parseStep(line);
    if (step === undefined) {
      if (lines.slice(i + 1).some((later) => parseStep(later) !== undefined)) {
        throw new StateDirError(STATE_DIR_INVALID, `${path}:${i + 1} is not a journaled step; delete the state directory to start over`);
      }
      break;
    }
    const previous = steps.at(-1);
    if (previous !== undefined && step.step !== previous.step + 1) {
      throw new StateDirError(STATE_DIR_INVALID, `${path}:${i + 1} journals step ${step.step} after step ${previous.step}; delete the state directory to start over`);
    }
    steps.push(step);
  }
  return steps;
}

function parseStep(line: string): JournaledStep | undefined {
  try {
    const result = STEP_SHAPE.safeParse(JSON.parse(line));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
