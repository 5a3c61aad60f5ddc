/**
 * Differential test of the engine against DuckDB. For each seed: a random program (2-3 tables, some
 * with a primary key and some multisets; INT, BIGINT, VARCHAR, BOOLEAN, DECIMAL and DOUBLE columns
 * with NULLs; 3-6 views using projections and filters (comparisons, AND/OR/NOT, IS NULL, IN lists,
 * BETWEEN, CASE, COALESCE, integer + and -), inner/LEFT/RIGHT/FULL/CROSS joins on equi-keys (some
 * NULL-safe) with residual predicates or on comparisons only, multi-way and self joins, GROUP BY
 * (on columns and expressions) and global aggregates (COUNT(*), COUNT, SUM, AVG, MIN, MAX, with
 * DISTINCT or FILTER, inside expressions) with HAVING, DISTINCT, UNION [ALL], EXCEPT [ALL],
 * INTERSECT [ALL], subqueries in FROM and WITH, IN / EXISTS / scalar subqueries (correlated or
 * not), ORDER BY ... LIMIT [OFFSET], views over views) and a stream of steps (inserts, deletes,
 * primary-key upserts, duplicates and weights of 2, deletes of missing keys, insert-and-delete
 * within a step, steps without input), with the circuit now and then replaced by one restored from
 * its snapshot, as a restarted run does. After every step each view's contents as the engine
 * maintains them (the sum of its deltas, which must never give a row a negative weight) must
 * equal, as a multiset, the view's query evaluated from scratch by DuckDB on the tables' current
 * contents; so must each table's. The engine's deltas must be consolidated, its view column types
 * those of Feldera, and its values in the representation of src/engine/value.ts.
 *
 * Where Feldera's documented semantics differ from DuckDB's, the DuckDB query is
 * written to compute Feldera's answer (test/support/differential/query.ts); the comparison is not
 * loosened:
 * - Integer AVG truncates toward zero and keeps the argument's type: the oracle computes
 *   CAST(CAST(SUM(x) AS HUGEINT) // COUNT(x) AS <type>) (DuckDB's AVG is a DOUBLE; its `//` on
 *   integers truncates toward zero).
 * - AVG of DECIMAL(p,s) is DECIMAL(p,s), truncated toward zero: the oracle divides the sum scaled
 *   by 10^s as an integer and scales back, exactly (DuckDB's AVG of a DECIMAL is a DOUBLE).
 * - SUM keeps its argument's type (INT stays INT, BIGINT stays BIGINT; DECIMAL(p,s) becomes
 *   DECIMAL(38,s)) and overflow is a runtime error: the oracle casts DuckDB's HUGEINT sum back, and
 *   generated values are small enough never to overflow.
 * - COUNT is BIGINT, MIN and MAX keep their argument's type: the same in DuckDB.
 * - Integer `/` is integer division in Feldera and a DOUBLE division in DuckDB: no division is
 *   generated.
 * - NULLs sort low (first ascending, last descending); DuckDB's default puts them last: the oracle
 *   writes NULLS FIRST / NULLS LAST. ORDER BY ... LIMIT orders by every output column, so the only
 *   ties (which Feldera breaks arbitrarily) are between equal rows.
 * - A global aggregate (no GROUP BY) always holds exactly one row, also over empty input (COUNT 0,
 *   the others NULL), from the first step on, even a step without input: as in DuckDB.
 * - A table with a primary key upserts: an insert of an existing key replaces the row, a delete
 *   removes the key whatever its other values, a delete of a missing key is ignored. DuckDB gets
 *   the contents that result (the test's own table model), not the changes.
 * - Deleting a row that a table without primary key does not hold is undefined in Feldera: the
 *   workload never does it.
 * - Floating point: DOUBLE results are compared with a relative tolerance of 1e-9 (incremental
 *   sums add in another order); generated DOUBLE values are multiples of 1/8, whose sums are exact.
 * - Strings are ASCII: the engine compares code points, DuckDB bytes, which agree on ASCII only.
 * - String literals are CHAR(n) in Feldera (VARCHAR in DuckDB): none is an output column.
 * - Decimal arithmetic (whose result precision follows different rules) is not generated.
 * - The oracle runs with DuckDB's compressed_materialization optimization off: with it, DuckDB
 *   1.5.6 fails some queries (aggregate FILTER over joins with NOT EXISTS) with an internal error.
 *
 * Environment: DYNAVIEW_DIFFERENTIAL_SEEDS=N runs seeds 1..N (default 16); DYNAVIEW_DIFFERENTIAL_SEED=17
 * (or 17,40) runs those seeds only; DYNAVIEW_DIFFERENTIAL_STEPS (default 30) sets the steps per seed;
 * DYNAVIEW_DIFFERENTIAL_WITHOUT=setOperations,topK switches constructs off (names: FEATURES in
 * test/support/differential/generate.ts), to find which one a failure needs. A failure prints the
 * seed, the program, the failing step's changes and the difference, then the same for the case
 * shrunk to as few views, steps and changes as still fail, and the command that replays it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURES, type Feature } from '../support/differential/generate.js';
import { checkCase, failureReport, generateCase, shrinkCase, type CheckStats } from '../support/differential/harness.js';
import { Oracle } from '../support/differential/oracle.js';

function numberList(name: string): number[] | null {
  const text = process.env[name];
  if (!text) return null;
  const numbers = text.split(',').map((part) => Number(part.trim()));
  if (numbers.some((n) => !Number.isSafeInteger(n))) throw new Error(`${name} must be an integer or a comma-separated list of integers, not ${text}`);
  return numbers;
}

const seedCount = numberList('DYNAVIEW_DIFFERENTIAL_SEEDS')?.[0] ?? 16;
const seeds = numberList('DYNAVIEW_DIFFERENTIAL_SEED') ?? Array.from({ length: seedCount }, (_, i) => i + 1);
const stepCount = numberList('DYNAVIEW_DIFFERENTIAL_STEPS')?.[0] ?? 30;
const without = (process.env.DYNAVIEW_DIFFERENTIAL_WITHOUT ?? '').split(',').map((s) => s.trim()).filter(Boolean);
for (const name of without) {
  if (!(FEATURES as readonly string[]).includes(name)) throw new Error(`DYNAVIEW_DIFFERENTIAL_WITHOUT: unknown feature ${name} (known: ${FEATURES.join(', ')})`);
}
const features = new Set<Feature>(FEATURES.filter((f) => !without.includes(f)));

function replayCommand(seed: number): string {
  const settings = [
    `DYNAVIEW_DIFFERENTIAL_SEED=${seed}`,
    ...(process.env.DYNAVIEW_DIFFERENTIAL_STEPS ? [`DYNAVIEW_DIFFERENTIAL_STEPS=${stepCount}`] : []),
    ...(without.length > 0 ? [`DYNAVIEW_DIFFERENTIAL_WITHOUT=${without.join(',')}`] : []),
  ];
  return `${settings.join(' ')} npm test -- test/differential/differential.test.ts`;
}

let oracle: Oracle;
before(async () => {
  oracle = await Oracle.open();
});
after(() => oracle.close());

for (const seed of seeds) {
  test(`differential: seed ${seed}, ${stepCount} steps, incremental views equal DuckDB's recomputation`, async (t) => {
    const testCase = generateCase(seed, features, stepCount);
    const stats: CheckStats = { viewChecks: 0, nonEmptyViewChecks: 0, rowsCompared: 0 };
    const failure = await checkCase(oracle, testCase, stats);
    t.diagnostic(`${testCase.program.views.length} views; ${stats.nonEmptyViewChecks} of ${stats.viewChecks} view checks non-empty; ${stats.rowsCompared} rows compared`);
    if (!failure) return;
    const shrunk = await shrinkCase(oracle, testCase, failure);
    assert.fail([
      `seed ${seed}: ${failureReport(testCase, failure, false)}`,
      '',
      `shrunk to ${shrunk.testCase.program.views.length} view(s) and ${shrunk.testCase.steps.length} step(s): ${failureReport(shrunk.testCase, shrunk.failure, true)}`,
      '',
      `replay: ${replayCommand(seed)}`,
    ].join('\n'));
  });
}
