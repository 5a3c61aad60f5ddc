/**
 * The mutation fuzzer: builds mutant `i` of a run from its own seed (so one number replays it),
 * runs the built command line on it in a directory of its own, and judges the outcome: a
 * documented exit code, no "internal error", no stack trace, no hang.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { seededRandom } from '../random.js';
import type { Seed } from './corpus.js';
import { INPUT_MUTATORS, pick, PROGRAM_MUTATORS, type Mutator } from './mutators.js';

export interface Mutant {
  /** The seed that rebuilds this mutant. */
  seed: number;
  from: string;
  mutators: string[];
  command: 'check' | 'run';
  /** The mutated file (the program, or one of its inputs) and its bytes. */
  target: string;
  bytes: Buffer;
  /** Every file of the mutant's directory. */
  files: Record<string, Buffer>;
}

export interface Outcome {
  mutant: Mutant;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** What is wrong with the outcome; empty when it is a documented one. */
  problems: string[];
  /** How long the command took. */
  ms: number;
}

/** Connectors a `run` must not meet: they wait for a network, a database or more input. */
const NOT_RUNNABLE = /follow|datagen|dynamodb|postgres|http|kafka|s3|url|delta/i;

export function makeMutant(corpus: readonly Seed[], seed: number): Mutant {
  const random = seededRandom(seed);
  const source = pick(random, corpus);
  const files: Record<string, Buffer> = { 'program.sql': Buffer.from(source.sql) };
  for (const [path, text] of Object.entries(source.files)) files[path] = Buffer.from(text);
  const inputs = Object.keys(source.files);
  const mutateInput = source.filesOnly && inputs.length > 0 && random() < 0.35;
  const target = mutateInput ? pick(random, inputs) : 'program.sql';
  const mutators: Mutator[] = [pick(random, mutateInput ? INPUT_MUTATORS : PROGRAM_MUTATORS)];
  if (random() < 0.25) mutators.push(pick(random, mutateInput ? INPUT_MUTATORS : PROGRAM_MUTATORS));
  let bytes = files[target]!;
  for (const mutator of mutators) bytes = mutator.mutate(bytes.toString('utf8'), random);
  files[target] = bytes;
  const runnable = source.filesOnly && !NOT_RUNNABLE.test(files['program.sql']!.toString('latin1'));
  const command = runnable && (mutateInput || random() < 0.3) ? 'run' : 'check';
  return { seed, from: source.name, mutators: mutators.map((m) => m.name), command, target, bytes, files };
}

/**
 * The built command line; DYNAVIEW_FUZZ_CLI names another build (a copy of `dist/`), so that a long
 * run is not disturbed by a rebuild of `dist/` while it runs.
 */
const MAIN = process.env.DYNAVIEW_FUZZ_CLI ?? new URL('../../../../dist/cli/main.js', import.meta.url).pathname;

/** Runs the mutant's command in a new directory under `baseDir`, removed unless the outcome is wrong. */
export function runMutant(mutant: Mutant, baseDir: string, timeoutMs: number): Promise<Outcome> {
  const dir = mkdtempSync(join(baseDir, `seed-${mutant.seed}-`));
  for (const [path, bytes] of Object.entries(mutant.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  const child = spawn(process.execPath, [MAIN, mutant.command, join(dir, 'program.sql')], {
    cwd: dir,
    env: { ...process.env, DYNAVIEW_LOG_LEVEL: 'info', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // Keep the start and the end of a long output: a stack trace is at its end.
  const keep = (all: string, chunk: Buffer): string => {
    const next = all + chunk.toString();
    return next.length > 400_000 ? next.slice(0, 100_000) + '\n[...]\n' + next.slice(-200_000) : next;
  };
  child.stdout.on('data', (chunk: Buffer) => { stdout = keep(stdout, chunk); });
  child.stderr.on('data', (chunk: Buffer) => { stderr = keep(stderr, chunk); });
  let timedOut = false;
  const started = Date.now();
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const problems = judge(code, signal, timedOut, `${stdout}\n${stderr}`, timeoutMs);
      if (problems.length === 0) rmSync(dir, { recursive: true, force: true });
      else writeFileSync(join(dir, 'outcome.txt'), `${describe(mutant)}\nexit ${code} ${signal ?? ''}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n`);
      resolve({ mutant, code, signal, timedOut, stdout, stderr, problems: problems.map((p) => `${p} (kept in ${dir})`), ms: Date.now() - started });
    });
  });
}

function judge(code: number | null, signal: string | null, timedOut: boolean, output: string, timeoutMs: number): string[] {
  const problems: string[] = [];
  if (timedOut) problems.push(`hang: no exit within ${timeoutMs / 1000} s`);
  else if (code === null || ![0, 1, 2].includes(code)) problems.push(`exit code ${code ?? `signal ${signal}`}, not 0, 1 or 2`);
  if (/internal error/i.test(output)) problems.push('"internal error" printed');
  const trace = /^\s+at .+:\d+(:\d+)?\)?$/m.exec(output) ?? /"stack":/.exec(output);
  if (trace) problems.push(`stack trace printed (${JSON.stringify(trace[0].trim())})`);
  return problems;
}

/** The mutant's text, shortened to `max` characters around its start and end. */
export function excerpt(bytes: Buffer, max = 600): string {
  const text = bytes.toString('utf8');
  if (text.length <= max) return text;
  return `${text.slice(0, max / 2)}\n[... ${text.length - max} characters ...]\n${text.slice(-max / 2)}`;
}

export function describe(mutant: Mutant): string {
  return `seed ${mutant.seed} (${mutant.from}, ${mutant.mutators.join(' + ')}, \`dynaview ${mutant.command}\`, mutated ${mutant.target}):\n${excerpt(mutant.bytes)}`;
}

/** A fresh directory for one fuzz run's mutants; failing ones stay in it. */
export function fuzzDir(): string {
  return mkdtempSync(join(tmpdir(), 'dynaview-fuzz-'));
}

/** Runs `count` mutants from `firstSeed` on, `parallel` at a time, reporting each outcome. */
export async function fuzz(options: {
  corpus: readonly Seed[];
  seeds: readonly number[];
  parallel: number;
  timeoutMs: number;
  baseDir: string;
  onOutcome?: (outcome: Outcome) => void;
}): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.seeds.length) {
      const seed = options.seeds[next]!;
      next += 1;
      const outcome = await runMutant(makeMutant(options.corpus, seed), options.baseDir, options.timeoutMs);
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, worker));
  return outcomes.sort((a, b) => a.mutant.seed - b.mutant.seed);
}
