/**
 * A seeded mutation fuzzer over valid programs and their input files: byte flips, token edits,
 * truncations, deep nesting, huge numbers and identifiers, invalid UTF-8, broken connector JSON and
 * options of the wrong type. Whatever the mutant, `dynaview check` (and `run`, for programs that
 * only read and write files) exits 0, 1 or 2 within the timeout, without "internal error" or a
 * stack trace.
 *
 * `npm test` runs a fixed set of seeds. A longer run:
 *   DYNAVIEW_FUZZ_MUTANTS=2000 DYNAVIEW_FUZZ_SEED=5000 npm test -- test/reliability/fuzz.test.ts
 * runs mutants DYNAVIEW_FUZZ_SEED, DYNAVIEW_FUZZ_SEED + 1, ... and prints what it found. A failing
 * mutant is kept (program, inputs and outcome) in the directory its message names, and
 * DYNAVIEW_FUZZ_MUTANTS=1 DYNAVIEW_FUZZ_SEED=<its seed> replays it. DYNAVIEW_FUZZ_CLI=<path to
 * main.js> runs another build than dist/ (a copy, so that rebuilding dist/ does not disturb a long run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, runCli } from '../support/cli.js';
import { seedCorpus } from '../support/fuzz/corpus.js';
import { describe, fuzz, fuzzDir, type Outcome } from '../support/fuzz/fuzzer.js';

const corpus = seedCorpus(join(ROOT, 'examples'));
const TIMEOUT_MS = 20_000;
const PARALLEL = 2;

/** The fixed seeds of `npm test`: 64 mutants, about 35 s on two cores. */
const FIXED_SEEDS = Array.from({ length: 64 }, (_, i) => 1 + i);

function report(failures: Outcome[]): string {
  return failures
    .map((o) => `${o.problems.join('; ')}\n${describe(o.mutant)}\n--- exit ${o.code}; output ends with:\n${`${o.stdout}\n${o.stderr}`.trim().slice(-1500)}`)
    .join('\n\n');
}

test('every seed program is valid, and the file-only ones run', async () => {
  for (const seed of corpus) {
    const dir = mkdtempSync(join(tmpdir(), 'dynaview-fuzz-seed-'));
    for (const [path, text] of Object.entries({ 'program.sql': seed.sql, ...seed.files })) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    try {
      const args = [seed.filesOnly ? 'run' : 'check', join(dir, 'program.sql')];
      const result = await runCli(args);
      assert.equal(result.code, 0, `${seed.name}: ${result.stdout}\n${result.stderr}`);
      assert.doesNotMatch(result.stderr, /skipped/, `${seed.name}: its input records are valid`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

const longRun = process.env.DYNAVIEW_FUZZ_MUTANTS !== undefined;

test('no mutant of a valid program or input file crashes, hangs or prints a stack trace', { timeout: longRun ? Infinity : 300_000 }, async () => {
  const count = Number(process.env.DYNAVIEW_FUZZ_MUTANTS ?? FIXED_SEEDS.length);
  const first = Number(process.env.DYNAVIEW_FUZZ_SEED ?? 1);
  const seeds = longRun ? Array.from({ length: count }, (_, i) => first + i) : FIXED_SEEDS;
  const baseDir = fuzzDir();
  let done = 0;
  const outcomes = await fuzz({
    corpus,
    seeds,
    parallel: PARALLEL,
    timeoutMs: TIMEOUT_MS,
    baseDir,
    onOutcome: (outcome) => {
      done += 1;
      if (longRun && outcome.problems.length > 0) process.stderr.write(`fuzz: ${outcome.problems.join('; ')}\n${describe(outcome.mutant)}\n`);
      if (longRun && done % 100 === 0) process.stderr.write(`fuzz: ${done}/${seeds.length} mutants\n`);
    },
  });
  const failures = outcomes.filter((o) => o.problems.length > 0);
  const hangs = failures.filter((o) => o.timedOut).length;
  const codes = new Map<string, number>();
  for (const o of outcomes) codes.set(`${o.mutant.command} ${o.code}`, (codes.get(`${o.mutant.command} ${o.code}`) ?? 0) + 1);
  const summary = `fuzz: ${outcomes.length} mutants from seed ${seeds[0]} (${[...codes].map(([k, v]) => `${k}: ${v}`).join(', ')}); `
    + `${failures.length} failing (${hangs} hangs)${failures.length > 0 ? `, kept in ${baseDir}` : ''}`;
  if (longRun) process.stderr.write(`${summary}\n`);
  if (failures.length === 0) rmSync(baseDir, { recursive: true, force: true });
  assert.equal(failures.length, 0, `${summary}\n\n${report(failures)}`);
});
