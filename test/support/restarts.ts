/** Stopping `dynaview run --state-dir` runs and looking at what they saved, for restart tests. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../../src/util/sleep.js';
import { startCli, type CliResult, type RunningCli } from './cli.js';

/**
 * A file_input file of `lines` inserts, updates and deletes of `keys` keys with few values, so
 * that keys often go back to a value they had a little earlier: a restart that wrote only net
 * changes, lost some or wrote some twice would show.
 */
export function changesFile(lines: number, keys: number): string {
  const changes: string[] = [];
  for (let i = 0; i < lines; i += 1) {
    const id = (i * 7_919) % keys;
    changes.push(i % 7 === 3 ? JSON.stringify({ delete: { id } }) : JSON.stringify({ insert: { id, v: (i * 31) % 5, src: 'file' } }));
  }
  return `${changes.join('\n')}\n`;
}

/** Input rows the run read, from its summary line. */
export function inputRows(result: CliResult): number {
  const input = /input: (.*?); peak memory/.exec(result.stdout)?.[1];
  assert.ok(input, result.stdout + result.stderr);
  return [...input.matchAll(/ (\d+) rows/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

export interface SavedCheckpoint {
  step: number;
  inputs: Record<string, { rows: number }>;
  outputs?: Record<string, { step: number; position: unknown }>;
}

/** The checkpoint's header line. */
export function savedCheckpoint(stateDir: string): SavedCheckpoint {
  const bytes = readFileSync(join(stateDir, 'checkpoint'));
  return JSON.parse(bytes.toString('utf8', 0, bytes.indexOf(0x0a))) as SavedCheckpoint;
}

/** Input rows the saved checkpoint covers. */
export function coveredRows(stateDir: string): number {
  return Object.values(savedCheckpoint(stateDir).inputs).reduce((sum, input) => sum + input.rows, 0);
}

/** Waits until the running command has saved a checkpoint beyond `step`. */
export async function checkpointBeyond(stateDir: string, step: number, cli: RunningCli): Promise<void> {
  let exited: CliResult | undefined;
  void cli.result.then((result) => { exited = result; });
  for (;;) {
    try {
      if (savedCheckpoint(stateDir).step > step) return;
    } catch {
      // Not written yet.
    }
    if (exited) assert.fail(`the run ended before saving a checkpoint: ${exited.stderr}`);
    await sleep(50);
  }
}

/**
 * Starts `args` (a run with --state-dir `stateDir`) `kills` times, killing each run with SIGKILL
 * after a random 0.2 to 2 seconds; the last one once it has saved a checkpoint of its own, so that
 * the next run has something to resume from.
 */
export async function killAtRandomMoments(args: readonly string[], stateDir: string, kills: number): Promise<void> {
  for (let killed = 0; killed < kills; killed += 1) {
    const cli = startCli(args);
    if (killed === kills - 1) await checkpointBeyond(stateDir, 0, cli);
    const early = await Promise.race([cli.result, sleep(200 + Math.random() * 1_800).then(() => undefined)]);
    assert.equal(early, undefined, `the input ran out before ${kills} kills (after ${killed}); make it longer`);
    cli.child.kill('SIGKILL');
    await cli.result;
  }
}

/** The last step the state directory holds: its checkpoint's, or the last one journaled after it. */
export function journaledThrough(stateDir: string): number {
  let step = 0;
  try {
    step = savedCheckpoint(stateDir).step;
    for (const line of readFileSync(join(stateDir, 'steps.jsonl'), 'utf8').split('\n')) {
      // The last line may be incomplete: a step the killed run never handed to its outputs.
      try {
        step = Math.max(step, (JSON.parse(line) as { step: number }).step);
      } catch {
        // Not a whole step.
      }
    }
  } catch {
    // Nothing saved yet.
  }
  return step;
}

/**
 * Like `killAtRandomMoments`, but every other run (and the last) is killed only once it has saved
 * a checkpoint beyond every step the state directory held when it started (so after replaying
 * them), and a random 0.2 to 1.5 seconds more: the next run then restores state that a killed
 * run saved after steps of its own, not only the state of the first steps, while the runs in
 * between are killed at any moment (mid-replay and mid-write included).
 */
export async function killAtRandomMomentsAfterCheckpoints(args: readonly string[], stateDir: string, kills: number): Promise<void> {
  for (let killed = 0; killed < kills; killed += 1) {
    const held = journaledThrough(stateDir);
    const cli = startCli(args);
    const waits = killed % 2 === 1 || killed === kills - 1;
    if (waits) await checkpointBeyond(stateDir, held, cli);
    const early = await Promise.race([cli.result, sleep(200 + Math.random() * (waits ? 1_300 : 1_800)).then(() => undefined)]);
    assert.equal(early, undefined, `the input ran out before ${kills} kills (after ${killed}); make it longer`);
    cli.child.kill('SIGKILL');
    await cli.result;
  }
}
