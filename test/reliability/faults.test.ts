// The DynamoDB table ends equal to the view whatever goes wrong on the way: throttling storms,
// 500/503 bursts, connections reset in the middle of requests, answers slower than the client's
// timeout, DynamoDB Local killed and restarted. Every case, in batch and transactional mode and
// with 1 and 3 threads, ends by comparing a full Scan of the table with the view, row by row.
// DYNAVIEW_SOAK=1 runs the same cases with more rows, more steps and longer faults.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StepWriteError, type DynamoDBOutput, type StepResult } from '../../src/connectors/dynamodb/output.js';
import { startDynamoDBLocal, type DynamoDBLocal } from '../../src/local/dynamodb-local.js';
import type { SimulatorSettingsUpdate } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { SimCounters } from '../../src/sim/stats.js';
import { sleep } from '../../src/util/sleep.js';
import { createTable, localClient } from '../support/dynamodb.js';
import { seededRandom } from '../support/random.js';
import {
  acknowledgedWrites, assertTableEquals, ExpectedTable, faultWindow, fulfilled, generateSteps, insertSteps, nextStep,
  openViewOutput, startFault, tableDifferences, writePacedSteps, type WorkloadShape,
} from '../support/view-workload.js';

const SOAK = process.env['DYNAVIEW_SOAK'] === '1';

/** Sizes of the workloads and of the fault windows; the soak multiplies them. */
const SIZE = SOAK
  ? { keys: 6_000, changesPerStep: 500, steps: 40, paceMs: 100, faultMs: 10_000, hotKeySteps: 500, partialRows: 10_000, localSteps: 20 }
  : { keys: 600, changesPerStep: 100, steps: 20, paceMs: 60, faultMs: 2_000, hotKeySteps: 50, partialRows: 1_000, localSteps: 10 };

/**
 * Only there to turn a hang into a failure instead of a stuck CI job; the cases themselves take
 * seconds and assert nothing about time.
 */
const HANG_GUARD_MS = SOAK ? 30 * 60_000 : 5 * 60_000;

/** Independent cases overlap: most of their time is spent waiting out fault windows. */
const CONCURRENT_CASES = 3;

interface Cell {
  write_mode: 'batch' | 'transactional';
  threads: 1 | 3;
}

const MATRIX: readonly Cell[] = [
  { write_mode: 'batch', threads: 1 },
  { write_mode: 'batch', threads: 3 },
  { write_mode: 'transactional', threads: 1 },
  { write_mode: 'transactional', threads: 3 },
];

const labelOf = (cell: Cell): string => `${cell.write_mode}, threads ${cell.threads}`;
const connectorOf = (cell: Cell): string => `faults_${cell.write_mode}_${cell.threads}`;

/** The churn workload: inserts, updates and deletes over many keys. */
const CHURN: WorkloadShape = { keys: SIZE.keys, changesPerStep: SIZE.changesPerStep, deleteShare: 0.2 };
/** Few keys, each changed in every step: the value a key ends with must be its last. */
const HOT_KEYS: WorkloadShape = { keys: 8, changesPerStep: 8, deleteShare: 0.15 };
/** DynamoDB Local writes to its data directory far more slowly than the simulator answers: a lighter churn. */
const LOCAL_CHURN: WorkloadShape = { keys: SIZE.keys / 4, changesPerStep: SIZE.changesPerStep / 4, deleteShare: 0.2 };
const CRASH_AT_STEP = 3;

const CAPACITY_WCU = 4_000;
const STORM_WCU = 5;
/** Short, so that slow answers time out; far above the simulator's usual latency. */
const IMPATIENT_TIMEOUT_MS = 250;
const SLOW_ANSWER_MS = 1_000;

interface SimCase {
  sim: Simulator;
  client: DynamoDBClient;
  table: string;
  out: DynamoDBOutput;
}

/** A simulator with a few ms of latency, a table in it, and the connector on the view writing to it. */
async function withSimCase<T>(cell: Cell, config: Record<string, unknown>, body: (c: SimCase) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ latencyMedianMs: 2, latencyP99Ms: 10, writeCapacityUnits: CAPACITY_WCU });
  const client = localClient(sim.endpoint);
  let out: DynamoDBOutput | undefined;
  try {
    const table = await createTable(client, { hash: ['id', 'N'] });
    // batch_size 25 in both modes: enough requests per step that faults drawn per request hit many of them.
    out = await openViewOutput(connectorOf(cell), sim.endpoint, table, { ...cell, batch_size: 25, ...config });
    return await body({ sim, client, table, out });
  } finally {
    await out?.close();
    client.destroy();
    await sim.stop();
  }
}

interface FaultPlan {
  workload: WorkloadShape;
  steps: number;
  /**
   * Fault windows, each opened just before the step of index `atStep` is handed over, and closed
   * after `durationMs` or, without it, once every step has been written.
   */
  faults: ReadonlyArray<{ atStep: number; settings: SimulatorSettingsUpdate; durationMs?: number }>;
  config?: Record<string, unknown>;
}

interface FaultRun {
  results: StepResult[];
  /** The simulator's counters for the table. */
  stats: SimCounters;
}

/**
 * Feeds the workload while the faults come and go, then checks that every step was written and
 * that the table equals the view. max_retries is null: the connector keeps retrying, so the
 * complete view is the one correct outcome (a retry limit has cases of its own).
 */
function runThroughFaults(cell: Cell, plan: FaultPlan, seed: number): Promise<FaultRun> {
  return withSimCase(cell, { max_retries: null, ...plan.config }, async ({ sim, client, table, out }) => {
    const baseline = sim.configure({});
    const expected = new ExpectedTable();
    const steps = generateSteps(expected, plan.workload, plan.steps, seededRandom(seed));
    const windows: Array<Promise<void>> = [];
    const untilWritten: Array<() => void> = [];
    const settled = await writePacedSteps(out, steps, {
      paceMs: SIZE.paceMs,
      beforeStep: (index) => {
        for (const fault of plan.faults.filter((f) => f.atStep === index)) {
          if (fault.durationMs === undefined) untilWritten.push(startFault(sim, fault.settings));
          else windows.push(faultWindow(sim, fault.settings, fault.durationMs));
        }
      },
    });
    for (const stopFault of untilWritten) stopFault();
    await Promise.all(windows);
    // The check reads the table through the same simulator: without faults.
    sim.configure({ ...baseline, writeCapacityUnits: baseline.writeCapacityUnits ?? null });
    const results = fulfilled(settled);
    assert.equal(results.reduce((sum, r) => sum + r.failed, 0), 0, 'no item failed');
    await assertTableEquals(client, table, expected);
    return { results, stats: sim.stats().tables[table]! };
  });
}

/** In transactional mode every acknowledged write was applied exactly once, ambiguous failures notwithstanding. */
function assertAppliedOnce(cell: Cell, run: FaultRun): void {
  if (cell.write_mode !== 'transactional') return;
  assert.equal(run.stats.written_items, acknowledgedWrites(run.results), 'the simulator applied each transactional write once');
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the step to be rejected');
}

describe('the table ends equal to the view under faults', { concurrency: CONCURRENT_CASES }, () => {
  // First, so that the slow starts of DynamoDB Local overlap the simulator's cases.
  test('DynamoDB Local killed in the middle of a run and restarted on its port with its data: every connector rides it out', { timeout: HANG_GUARD_MS }, async () => {
    const dbPath = await mkdtemp(join(tmpdir(), 'dynaview-faults-'));
    let local: DynamoDBLocal = await startDynamoDBLocal({ dbPath });
    const client = localClient(local.endpoint);
    const outputs: DynamoDBOutput[] = [];
    try {
      const cases = await Promise.all(MATRIX.map(async (cell, i) => {
        const table = await createTable(client, { hash: ['id', 'N'] });
        // A restarting DynamoDB Local listens before it serves: it accepts connections, holds their
        // requests while its JVM starts (10-30 s on a loaded machine) and applies them afterwards.
        // A client that timed out on such a request and moved on to newer writes would see the old
        // request applied last, so the timeout here outlasts the start, as it must in production
        // for any server that queues requests.
        const out = await openViewOutput(connectorOf(cell), local.endpoint, table, { ...cell, max_retries: null, request_timeout_millis: 120_000 });
        outputs.push(out);
        const expected = new ExpectedTable();
        return { table, out, expected, steps: generateSteps(expected, LOCAL_CHURN, SIZE.localSteps, seededRandom(700 + i)) };
      }));
      let crash: Promise<void> | undefined;
      const crashAndRestart = async (): Promise<void> => {
        await local.kill();
        await sleep(SIZE.faultMs / 4);
        local = await startDynamoDBLocal({ dbPath, port: local.port });
      };
      // The crash comes once every connector is in the middle of its run, and no connector hands
      // over a later step before it: on a loaded machine one connector could otherwise finish its
      // run against the old server while another is still at its first step.
      let connectorsMidway = 0;
      let allMidway: () => void = () => {};
      const crashed = new Promise<void>((resolve) => { allMidway = resolve; });
      const runs = await Promise.all(cases.map(({ out, steps }) => writePacedSteps(out, steps, {
        paceMs: SIZE.paceMs,
        beforeStep: (index) => {
          if (index === CRASH_AT_STEP && ++connectorsMidway === cases.length) {
            crash = crashAndRestart();
            allMidway();
          }
          return index > CRASH_AT_STEP ? crashed : undefined;
        },
      })));
      await crash;
      for (const [i, { table, expected }] of cases.entries()) {
        const results = fulfilled(runs[i]!);
        assert.equal(results.reduce((sum, r) => sum + r.failed, 0), 0, `${labelOf(MATRIX[i]!)}: no item failed`);
        await assertTableEquals(client, table, expected);
      }
    } finally {
      await Promise.all(outputs.map((out) => out.close()));
      client.destroy();
      await local.stop();
      await rm(dbPath, { recursive: true, force: true });
    }
  });

  for (const [i, cell] of MATRIX.entries()) {
    const label = labelOf(cell);

    test(`${label}: a throttling storm (capacity down to ${STORM_WCU} WCU for a while, then restored) delays writes but loses none`, { timeout: HANG_GUARD_MS }, async () => {
      const run = await runThroughFaults(cell, {
        workload: CHURN, steps: SIZE.steps,
        faults: [{ atStep: 3, settings: { writeCapacityUnits: STORM_WCU }, durationMs: SIZE.faultMs }],
      }, 100 + i);
      assert.ok(run.stats.throttled_items > 0, `the storm throttled writes (${run.stats.throttled_items} items)`);
    });

    test(`${label}: bursts of 500/503 answers, half of them after the write was applied, lose and duplicate nothing`, { timeout: HANG_GUARD_MS }, async () => {
      const burst = { settings: { errorRate: 0.5, faultAfterApplyShare: 0.5 }, durationMs: SIZE.faultMs / 2 };
      const run = await runThroughFaults(cell, {
        workload: CHURN, steps: SIZE.steps, faults: [{ atStep: 2, ...burst }, { atStep: Math.floor(SIZE.steps / 2), ...burst }],
      }, 200 + i);
      assert.ok(run.stats.faults > 0, 'errors were injected');
      assertAppliedOnce(cell, run);
    });

    test(`${label}: connections reset in the middle of requests, before or after the write was applied, lose and duplicate nothing`, { timeout: HANG_GUARD_MS }, async () => {
      const run = await runThroughFaults(cell, {
        workload: CHURN, steps: SIZE.steps,
        faults: [{ atStep: 2, settings: { resetRate: 0.3, faultAfterApplyShare: 0.5 }, durationMs: SIZE.faultMs }],
      }, 300 + i);
      assert.ok(run.stats.faults > 0, 'connections were reset');
      assertAppliedOnce(cell, run);
    });

    test(`${label}: answers slower than request_timeout_millis are retried, and a retried transaction is not applied twice`, { timeout: HANG_GUARD_MS }, async () => {
      const run = await runThroughFaults(cell, {
        workload: CHURN, steps: SIZE.steps, config: { request_timeout_millis: IMPATIENT_TIMEOUT_MS },
        faults: [{ atStep: 2, settings: { slowRate: 0.3, slowMs: SLOW_ANSWER_MS }, durationMs: SIZE.faultMs }],
      }, 400 + i);
      // A slow answer comes after its write was applied: the write timed out, was sent again, and...
      if (cell.write_mode === 'batch') {
        assert.ok(run.stats.written_items > acknowledgedWrites(run.results), 'a batch that timed out was applied again (harmlessly)');
      } else {
        assert.ok(run.stats.idempotent_replays > 0, 'a transaction that timed out was recognised by its ClientRequestToken');
      }
      assertAppliedOnce(cell, run);
    });

    for (const pipelined_steps of [false, true]) {
      test(`${label}${pipelined_steps ? ', pipelined_steps' : ''}: many updates to few keys through every kind of fault end with the last value of every key`, { timeout: HANG_GUARD_MS }, async () => {
        const run = await runThroughFaults(cell, {
          workload: HOT_KEYS, steps: SIZE.hotKeySteps, config: { pipelined_steps, request_timeout_millis: IMPATIENT_TIMEOUT_MS },
          faults: [{ atStep: 1, settings: { errorRate: 0.15, resetRate: 0.1, faultAfterApplyShare: 0.5, slowRate: 0.1, slowMs: SLOW_ANSWER_MS } }],
        }, 500 + i);
        assert.ok(run.stats.faults > 0, 'faults were injected');
        assertAppliedOnce(cell, run);
      });
    }
  }

  for (const cell of MATRIX.filter((c) => c.write_mode === 'transactional')) {
    test(`${labelOf(cell)}: a transaction retried after an ambiguous failure (500 or reset after the apply, timeout) is not applied twice`, { timeout: HANG_GUARD_MS }, () =>
      withSimCase(cell, { max_retries: null, request_timeout_millis: IMPATIENT_TIMEOUT_MS, put_condition_expression: 'attribute_not_exists(id)' },
        async ({ sim, client, table, out }) => {
          // Every put inserts a new key under the condition that it is absent: a transaction applied
          // a second time would fail its condition and be counted as skipped.
          const expected = new ExpectedTable();
          const steps = insertSteps(expected, SIZE.steps, SIZE.changesPerStep);
          const stopFault = startFault(sim, { errorRate: 0.3, resetRate: 0.1, faultAfterApplyShare: 1, slowRate: 0.2, slowMs: SLOW_ANSWER_MS });
          const results = fulfilled(await writePacedSteps(out, steps, { paceMs: SIZE.paceMs }));
          stopFault();
          const stats = sim.stats().tables[table]!;
          assert.ok(stats.idempotent_replays > 0, 'some transactions were retried after being applied');
          assert.deepEqual(results.map((r) => r.skipped.condition_check_failed), results.map(() => 0), 'no condition failed: nothing was applied twice');
          assert.equal(stats.written_items, expected.size, 'the simulator applied each insert once');
          await assertTableEquals(client, table, expected);
        }));
  }

  for (const cell of MATRIX) {
    const label = labelOf(cell);

    test(`${label}: when max_retries runs out, writeStep rejects with a StepWriteError naming the connector, the items and the reason; the next steps write on`, { timeout: HANG_GUARD_MS }, () =>
      withSimCase(cell, { max_retries: 2 }, async ({ sim, client, table, out }) => {
        const expected = new ExpectedTable();
        const random = seededRandom(7);
        const shape: WorkloadShape = { keys: 400, changesPerStep: 200, deleteShare: 0.2 };
        await out.writeStep(nextStep(expected, shape, 1, random));
        sim.configure({ errorRate: 1 });
        // The failing step's changes are fed but not expected in the table: its keys keep their step-1 values.
        const doomed = nextStep(expected.clone(), shape, 2, random);
        const error = await rejectionOf(out.writeStep(doomed));
        sim.configure({ errorRate: 0 });
        assert.ok(error instanceof StepWriteError, String(error));
        assert.equal(error.code, 'DYNAMODB_WRITE_FAILED');
        assert.deepEqual([error.result.failed, error.result.puts, error.result.deletes], [shape.changesPerStep, 0, 0]);
        assert.match(error.message, new RegExp(`^connector ${connectorOf(cell)}: ${shape.changesPerStep} item\\(s\\) of step 2 were not written to table ${table}:\n`));
        assert.match(error.message, /\d+ item\(s\) of view v were not written to table .*: \w+ still failing after 2 retries: (InternalServerError|ServiceUnavailable)/);
        assert.equal(out.metrics().failed_items, shape.changesPerStep);

        await out.writeStep(nextStep(expected, shape, 3, random));
        await assertTableEquals(client, table, expected);
      }));

    test(`${label}: items that run out of retries fail alone; what could be written in the same step is written`, { timeout: HANG_GUARD_MS }, () =>
      withSimCase(cell, { max_retries: 0 }, async ({ sim, client, table, out }) => {
        const expected = new ExpectedTable();
        const [changes] = insertSteps(expected, 1, SIZE.partialRows);
        // Each request fails (before anything is applied) with a chance of 0.8 per attempt: some
        // requests succeed within the SDK's attempts, others do not.
        sim.configure({ errorRate: 0.8 });
        const error = await rejectionOf(out.writeStep(changes!));
        sim.configure({ errorRate: 0 });
        assert.ok(error instanceof StepWriteError, String(error));
        const { failed, puts } = error.result;
        assert.ok(failed > 0 && puts > 0, `some items failed (${failed}) and some were written (${puts})`);
        assert.equal(failed + puts, SIZE.partialRows);
        assert.equal(out.metrics().failed_items, failed);
        const differences = await tableDifferences(client, table, expected);
        assert.deepEqual(differences.filter((d) => d.found !== undefined), [], 'every row in the table is exactly as in the view');
        assert.equal(differences.length, failed, 'the rows missing from the table are the failed items');
      }));

    test(`${label}: max_retries null keeps retrying through a window where every request fails, then writes everything`, { timeout: HANG_GUARD_MS }, async () => {
      const run = await runThroughFaults(cell, {
        workload: CHURN, steps: Math.ceil(SIZE.steps / 2),
        faults: [{ atStep: 2, settings: { errorRate: 1 }, durationMs: SIZE.faultMs }],
      }, 600);
      assert.ok(run.stats.faults > 0, 'requests failed during the window');
    });
  }
});
