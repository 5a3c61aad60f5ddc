/**
 * Workloads for end-to-end tests of the DynamoDB connector: a view keyed by `id`, change sets that
 * insert, update and delete its rows step after step, the table those steps should leave behind,
 * and a row-by-row comparison of that table with a full Scan of the real one.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { openDynamoDBOutput, type DynamoDBOutput, type StepResult } from '../../src/connectors/dynamodb/output.js';
import type { Update } from '../../src/schema.js';
import type { Simulator } from '../../src/sim/server.js';
import type { SimulatorSettings, SimulatorSettingsUpdate } from '../../src/sim/options.js';
import { sleep } from '../../src/util/sleep.js';
import { localConnection, scanAll } from './dynamodb.js';
import { plainItem, type Plain } from './items.js';

/** A row of the view: `version` counts the values the key has had, so a stale value is recognisable. */
export interface ViewRow {
  id: number;
  s: string;
  step: number;
  version: number;
}

const VIEW = {
  name: 'v',
  columns: [
    { name: 'id', type: 'INT', nullable: false },
    { name: 's', type: 'VARCHAR', nullable: true },
    { name: 'step', type: 'INT', nullable: false },
    { name: 'version', type: 'INT', nullable: false },
  ],
};
const INDEX = { name: 'v_idx', columns: ['id'] };

/** The connector on the view, writing to `table` (key `id N`) at `endpoint`. */
export function openViewOutput(name: string, endpoint: string, table: string, config: Record<string, unknown>): Promise<DynamoDBOutput> {
  return openDynamoDBOutput({ name, config: { table, ...localConnection(endpoint), ...config }, view: VIEW, index: INDEX });
}

/** The view's rows by key: what the table must hold once the steps fed so far are written. */
export class ExpectedTable {
  private readonly rows = new Map<number, ViewRow>();

  /** The changes that make `id` hold `row`, or disappear when `row` is undefined; the model follows. */
  change(id: number, row: ViewRow | undefined): Update[] {
    const old = this.rows.get(id);
    const updates: Update[] = [];
    if (old) updates.push({ row: { ...old }, weight: -1 });
    if (row) {
      updates.push({ row: { ...row }, weight: 1 });
      this.rows.set(id, row);
    } else {
      this.rows.delete(id);
    }
    return updates;
  }

  get(id: number): ViewRow | undefined {
    return this.rows.get(id);
  }

  get size(): number {
    return this.rows.size;
  }

  /** An independent copy, for steps that are fed but expected to fail. */
  clone(): ExpectedTable {
    const copy = new ExpectedTable();
    for (const [id, row] of this.rows) copy.rows.set(id, row);
    return copy;
  }

  sortedRows(): ViewRow[] {
    return [...this.rows.values()].sort((a, b) => a.id - b.id);
  }
}

export interface WorkloadShape {
  /** Keys are 0 .. keys-1. */
  keys: number;
  /** Keys changed per step (all of them when equal to `keys`). */
  changesPerStep: number;
  /** Share of changes to an existing key that delete it rather than give it a new value. */
  deleteShare: number;
}

/**
 * One step's changes against `expected`, which follows them: `changesPerStep` distinct keys, each
 * inserted if absent, else updated or deleted.
 */
export function nextStep(expected: ExpectedTable, shape: WorkloadShape, step: number, random: () => number): Update[] {
  const ids = Array.from({ length: shape.keys }, (_, i) => i);
  const updates: Update[] = [];
  for (let i = 0; i < shape.changesPerStep; i += 1) {
    // A partial Fisher-Yates shuffle: distinct keys, since two changes of one key in a step would be a uniqueness violation.
    const j = i + Math.floor(random() * (ids.length - i));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    const id = ids[i]!;
    const current = expected.get(id);
    if (current && random() < shape.deleteShare) {
      updates.push(...expected.change(id, undefined));
    } else {
      const version = (current?.version ?? 0) + 1;
      updates.push(...expected.change(id, { id, s: `key ${id} version ${version}`, step, version }));
    }
  }
  return updates;
}

export function generateSteps(expected: ExpectedTable, shape: WorkloadShape, steps: number, random: () => number): Update[][] {
  return Array.from({ length: steps }, (_, step) => nextStep(expected, shape, step + 1, random));
}

/** Steps that each insert `rowsPerStep` keys never written before, so that any write applied twice would find its key taken. */
export function insertSteps(expected: ExpectedTable, steps: number, rowsPerStep: number): Update[][] {
  return Array.from({ length: steps }, (_, i) => Array.from({ length: rowsPerStep }, (_, j) => {
    const id = i * rowsPerStep + j;
    return expected.change(id, { id, s: `key ${id} version 1`, step: i + 1, version: 1 });
  }).flat());
}

export interface PacedRun {
  /** Milliseconds between the starts of consecutive steps, as input arriving over time. */
  paceMs: number;
  /**
   * Called just before step `index` (0-based) is handed to the connector, e.g. to start a fault;
   * a promise it returns holds the step (and the later ones) back until it settles.
   */
  beforeStep?: (index: number) => Promise<void> | void;
}

/**
 * Hands the steps to the connector as a pipeline would, one every `paceMs`, without waiting for the
 * earlier ones to be written (the connector orders them), and settles once all of them have. The
 * first step is written on its own before the pace starts, so that the connector's workers are up
 * when the later steps, and the faults that come with them, arrive.
 */
export async function writePacedSteps(out: DynamoDBOutput, steps: readonly Update[][], run: PacedRun): Promise<Array<PromiseSettledResult<StepResult>>> {
  const results: Array<Promise<StepResult>> = [];
  const handOver = (index: number): Promise<StepResult> => {
    const result = out.writeStep(steps[index]!);
    // Observed by allSettled below; without this a rejection would count as unhandled until then.
    result.catch(() => undefined);
    results.push(result);
    return result;
  };
  if (steps.length > 0) {
    await run.beforeStep?.(0);
    await handOver(0).catch(() => undefined);
  }
  const started = performance.now();
  for (let index = 1; index < steps.length; index += 1) {
    const due = started + (index - 1) * run.paceMs - performance.now();
    if (due > 0) await sleep(due);
    // A step held back by beforeStep holds the later ones back too.
    await run.beforeStep?.(index);
    handOver(index);
  }
  return Promise.allSettled(results);
}

/** Every step's result; a rejected step fails the test with its error. */
export function fulfilled(results: ReadonlyArray<PromiseSettledResult<StepResult>>): StepResult[] {
  return results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/** Puts and deletes DynamoDB acknowledged, over all the steps. */
export function acknowledgedWrites(results: readonly StepResult[]): number {
  return results.reduce((sum, result) => sum + result.puts + result.deletes, 0);
}

/**
 * Applies `fault` to the simulator; the function returned puts back what it changed (an unset
 * capacity is unset again), except settings another fault has changed since, so that overlapping
 * fault windows never leave a fault behind.
 */
export function startFault(sim: Simulator, fault: SimulatorSettingsUpdate): () => void {
  const before: Partial<SimulatorSettings> = sim.configure({});
  const applied: Partial<SimulatorSettings> = sim.configure(fault);
  const names = Object.keys(fault) as Array<keyof SimulatorSettings>;
  return () => {
    const now: Partial<SimulatorSettings> = sim.configure({});
    const restore: Record<string, number | null> = {};
    for (const name of names) if (now[name] === applied[name]) restore[name] = before[name] ?? null;
    sim.configure(restore);
  };
}

/** Requests a fault window must see before it closes, so that it strikes even on a slow, loaded machine. */
const MIN_REQUESTS_IN_WINDOW = 5;

/**
 * Applies `fault` to the simulator for `durationMs`, and beyond that until the simulator has served a
 * few requests under it (at most ten times as long, in case the writer has nothing left to send).
 */
export async function faultWindow(sim: Simulator, fault: SimulatorSettingsUpdate, durationMs: number): Promise<void> {
  const requestsBefore = sim.stats().total.requests;
  const stopFault = startFault(sim, fault);
  const closesBy = performance.now() + 10 * durationMs;
  await sleep(durationMs);
  while (sim.stats().total.requests - requestsBefore < MIN_REQUESTS_IN_WINDOW && performance.now() < closesBy) await sleep(20);
  stopFault();
}

export interface RowDifference {
  id: number;
  expected: ViewRow | undefined;
  found: { [name: string]: Plain } | undefined;
}

/** Scans the whole table and compares it with `expected` row by row. */
export async function tableDifferences(client: DynamoDBClient, table: string, expected: ExpectedTable): Promise<RowDifference[]> {
  const found = new Map<number, { [name: string]: Plain }>();
  for (const item of await scanAll(client, table)) {
    const row = plainItem(item);
    found.set(row['id'] as number, row);
  }
  const differences: RowDifference[] = [];
  for (const row of expected.sortedRows()) {
    const actual = found.get(row.id);
    if (!isDeepStrictEqual(actual, { ...row })) differences.push({ id: row.id, expected: row, found: actual });
    found.delete(row.id);
  }
  for (const [id, actual] of found) differences.push({ id, expected: undefined, found: actual });
  return differences.sort((a, b) => a.id - b.id);
}

const DIFFERENCES_SHOWN = 10;

/** Fails naming the first keys that differ (lost, stale or unexpected rows), not with a diff of the whole table. */
export async function assertTableEquals(client: DynamoDBClient, table: string, expected: ExpectedTable): Promise<void> {
  const differences = await tableDifferences(client, table, expected);
  const shown = differences.slice(0, DIFFERENCES_SHOWN).map((d) =>
    `  key ${d.id}: expected ${d.expected ? JSON.stringify(d.expected) : 'no row'}, found ${d.found ? JSON.stringify(d.found) : 'no row'}`);
  assert.equal(differences.length, 0,
    `${differences.length} of ${expected.size} expected row(s) differ in table ${table}:\n${shown.join('\n')}`);
}
