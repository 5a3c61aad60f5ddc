/**
 * One differential case: a generated program and a stream of steps, run through dynaview's
 * engine and through DuckDB side by side, checked after every step; and the shrinking of a
 * failing case to a small one that still fails the same way.
 */
import { buildCatalog, type Catalog } from '../../../src/engine/catalog.js';
import { Circuit } from '../../../src/engine/circuit.js';
import type { Update } from '../../../src/schema.js';
import { formatSqlType } from '../../../src/sql/parse-type.js';
import { parseProgram } from '../../../src/sql/parser.js';
import { compareMultisets, describe, engineCell, formatDiff, oracleCell, type Cell } from './compare.js';
import { generateProgram, programText, type Feature, type ProgramSpec } from './generate.js';
import type { Oracle } from './oracle.js';
import { relationsRead, renderQuery, typeText, type OutputColumn } from './query.js';
import { Rng } from './random.js';
import { TableModel, rowKey, type Row } from './tables.js';

export interface Step {
  /** The step's input: changes by table name. */
  readonly changes: ReadonlyMap<string, readonly Update[]>;
  /** After the step, the circuit is replaced by a new one restored from its snapshot, as a restarted run does. */
  readonly restart: boolean;
}

export interface Case {
  readonly seed: number;
  readonly program: ProgramSpec;
  readonly steps: readonly Step[];
}

export interface Failure {
  readonly kind: 'compile' | 'type' | 'runtime' | 'restart' | 'delta' | 'negative weight' | 'representation' | 'mismatch';
  /** The step it showed at (0-based); -1 before the first. */
  readonly step: number;
  /** The table or view it concerns, when one. */
  readonly relation: string | null;
  readonly message: string;
}

/** The number of changes a table gets in a step: loaded at first, then mostly a few, now and then a burst. */
const STEP_SIZES: Readonly<Record<'load' | 'none' | 'few' | 'many' | 'burst', readonly [number, number]>> = {
  load: [3, 12], none: [0, 0], few: [1, 3], many: [4, 12], burst: [15, 40],
};

export function generateCase(seed: number, features: ReadonlySet<Feature>, stepCount: number): Case {
  const program = generateProgram(new Rng(seed), features);
  // The workload has its own stream, so that switching features off keeps the same changes.
  const rng = new Rng(seed ^ 0x5bd1e995);
  const restarts = new Rng(seed ^ 0x27d4eb2f);
  const models = program.tables.map((table) => new TableModel(table));
  const steps: Step[] = [];
  for (let i = 0; i < stepCount; i++) {
    const step = new Map<string, Update[]>();
    // A first step without input: a global aggregate must still show its row for empty tables.
    const empty = i === 0 && rng.chance(0.25);
    for (const model of empty ? [] : models) {
      const size = i === 0 ? 'load' : rng.weighted({ none: 2, few: 6, many: 1.5, burst: 0.3 });
      const [low, high] = STEP_SIZES[size];
      const count = rng.int(low, high);
      const changes = model.randomChanges(rng, count);
      if (changes.length > 0) step.set(model.spec.name, changes);
    }
    steps.push({ changes: step, restart: features.has('restarts') && restarts.chance(0.1) });
  }
  return { seed, program, steps };
}

/** How much a run compared: a view that is always empty tests little. */
export interface CheckStats {
  viewChecks: number;
  nonEmptyViewChecks: number;
  rowsCompared: number;
}

/** The contents a relation has accumulated from its deltas: rows by `rowKey`, with weights. */
type Accumulated = Map<string, { row: Row; weight: number }>;

/** The program compiled into a circuit, or why it does not compile. */
function compileProgram(program: ProgramSpec): { catalog: Catalog; circuit: Circuit } | Failure {
  try {
    const { catalog, problems } = buildCatalog(parseProgram(programText(program), 'p.sql'), 'p.sql');
    if (problems.length > 0) return compileFailure(program, problems.map(errorText).join('\n'));
    return checkColumnTypes(program, catalog) ?? { catalog, circuit: new Circuit(catalog) };
  } catch (error) {
    return compileFailure(program, errorText(error));
  }
}

/** Runs the case and returns its first failure, or null when every step matched. */
export async function checkCase(oracle: Oracle, testCase: Case, stats?: CheckStats): Promise<Failure | null> {
  const { program } = testCase;
  const compiled = compileProgram(program);
  if ('kind' in compiled) return compiled;
  const { catalog } = compiled;
  let circuit = compiled.circuit;
  await oracle.define(program);
  const models = new Map(program.tables.map((table) => [table.name, new TableModel(table)]));
  const relations = [...program.tables, ...program.views];
  const accumulated = new Map<string, Accumulated>(relations.map((r) => [r.name, new Map()]));
  for (let step = 0; step < testCase.steps.length; step++) {
    const inputs = new Map<string, Update[]>();
    for (const [table, changes] of testCase.steps[step]!.changes) {
      const applied = models.get(table)!.apply(changes);
      if (applied.length > 0) inputs.set(table, applied);
    }
    let deltas: Map<string, readonly Update[]>;
    try {
      deltas = circuit.step(inputs);
    } catch (error) {
      return { kind: 'runtime', step, relation: null, message: errorText(error) };
    }
    for (const { name, columns } of relations) {
      const problem = accumulate(accumulated.get(name)!, deltas.get(name) ?? [], columns.map((c) => c.name));
      if (problem) return { ...problem, step, relation: name };
    }
    for (const table of program.tables) {
      const rows = models.get(table.name)!.rows();
      if (inputs.has(table.name)) await oracle.load(table, rows);
      const expected = rows.map((row) => table.columns.map((c) => oracleCell(row[c.name], c.type)));
      const failure = compareRelation(table.name, table.columns, accumulated.get(table.name)!, expected, step);
      if (failure) return failure;
    }
    for (const view of program.views) {
      const expected = (await oracle.rows(view.name)).map((row) => view.columns.map((c, i) => oracleCell(row[i], c.type)));
      const failure = compareRelation(view.name, view.columns, accumulated.get(view.name)!, expected, step);
      if (failure) return failure;
      if (stats) {
        stats.viewChecks++;
        if (expected.length > 0) stats.nonEmptyViewChecks++;
        stats.rowsCompared += expected.length;
      }
    }
    if (testCase.steps[step]!.restart) {
      try {
        const snapshot = circuit.snapshot();
        circuit = new Circuit(catalog);
        circuit.restore(snapshot);
      } catch (error) {
        return { kind: 'restart', step, relation: null, message: errorText(error) };
      }
    }
  }
  return null;
}

/**
 * A compile error, with the relation it is about: programText writes one statement a line, so the
 * line of the error's position (`p.sql:LINE:COLUMN`) tells.
 */
function compileFailure(program: ProgramSpec, message: string): Failure {
  const line = Number(/p\.sql:(\d+):/.exec(message)?.[1] ?? 0);
  const relations = [...program.tables.map((t) => t.name), ...program.views.map((v) => v.name)];
  return { kind: 'compile', step: -1, relation: relations[line - 1] ?? null, message };
}

/** Feldera's types of the view's columns (query.ts's rules) against what the engine's catalog says. */
function checkColumnTypes(program: ProgramSpec, catalog: Catalog): Failure | null {
  for (const view of program.views) {
    const actual = catalog.relations.get(view.name)?.columns;
    if (!actual) return { kind: 'compile', step: -1, relation: view.name, message: 'the catalog has no such view' };
    const actualText = actual.map((c) => `${c.name} ${formatSqlType(c.type).replaceAll(' ', '')}`).join(', ');
    const expectedText = view.columns.map((c) => `${c.name} ${typeText(c.type)}`).join(', ');
    if (actualText !== expectedText) {
      return { kind: 'type', step: -1, relation: view.name, message: `columns are (${actualText}); Feldera's are (${expectedText})` };
    }
  }
  return null;
}

/**
 * Adds a step's delta to the relation's contents. A delta must be consolidated (no row twice, no
 * zero weight) and may not take a row's weight below zero.
 */
function accumulate(contents: Accumulated, delta: readonly Update[], columns: readonly string[]): Omit<Failure, 'step' | 'relation'> | null {
  const seen = new Set<string>();
  for (const { row, weight } of delta) {
    const key = rowKey(row, columns);
    if (weight === 0 || seen.has(key)) {
      return { kind: 'delta', message: `the step's delta is not consolidated: ${weight === 0 ? 'a zero weight' : 'a row twice'} for ${describe(row)}` };
    }
    seen.add(key);
    const total = (contents.get(key)?.weight ?? 0) + weight;
    if (total < 0) return { kind: 'negative weight', message: `row ${describe(row)} reaches weight ${total}` };
    if (total === 0) contents.delete(key);
    else contents.set(key, { row, weight: total });
  }
  return null;
}

function compareRelation(name: string, columns: readonly OutputColumn[], contents: Accumulated, expected: Cell[][], step: number): Failure | null {
  const actual: Cell[][] = [];
  for (const { row, weight } of contents.values()) {
    const cells: Cell[] = [];
    for (const c of columns) {
      const { cell, problem } = engineCell(row[c.name], c.type);
      if (problem) return { kind: 'representation', step, relation: name, message: `column ${c.name} of ${describe(row)}: ${problem}` };
      cells.push(cell);
    }
    for (let i = 0; i < weight; i++) actual.push(cells);
  }
  const diff = compareMultisets(actual, expected);
  if (!diff) return null;
  return { kind: 'mismatch', step, relation: name, message: formatDiff(diff, actual.length, expected.length) };
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}${'code' in error ? ` (${String(error.code)})` : ''}`;
  return String(error);
}

/** The views the view reads, directly or through other views, and itself. */
function viewClosure(program: ProgramSpec, name: string): Set<string> {
  const closure = new Set<string>();
  const visit = (relation: string): void => {
    const view = program.views.find((v) => v.name === relation);
    if (!view || closure.has(relation)) return;
    closure.add(relation);
    relationsRead(view.query).forEach(visit);
  };
  visit(name);
  return closure;
}

/**
 * A smaller case that fails the same way (same kind, same relation): only the failing view and
 * what it reads, the steps up to the failure, then as few steps and changes as still fail. Each
 * try reruns the case, so the tries are bounded.
 */
export async function shrinkCase(oracle: Oracle, testCase: Case, failure: Failure, maxTries = 300): Promise<{ testCase: Case; failure: Failure }> {
  let tries = 0;
  let best = { testCase, failure };
  const attempt = async (candidate: Case): Promise<boolean> => {
    if (tries++ >= maxTries) return false;
    const result = await checkCase(oracle, candidate);
    if (!result || result.kind !== failure.kind || (failure.relation !== null && result.relation !== failure.relation)) return false;
    best = { testCase: candidate, failure: result };
    return true;
  };

  if (failure.relation && testCase.program.views.some((v) => v.name === failure.relation)) {
    const keep = viewClosure(testCase.program, failure.relation);
    const tablesRead = new Set([...keep].flatMap((name) => relationsRead(testCase.program.views.find((v) => v.name === name)!.query)));
    const program: ProgramSpec = {
      tables: testCase.program.tables.filter((t) => tablesRead.has(t.name)),
      views: testCase.program.views.filter((v) => keep.has(v.name)),
    };
    const steps = testCase.steps.map((step) => ({ ...step, changes: new Map([...step.changes].filter(([table]) => tablesRead.has(table))) }));
    await attempt({ ...testCase, program, steps });
  }
  // A compile or type error needs no steps at all.
  await attempt({ ...best.testCase, steps: best.testCase.steps.slice(0, best.failure.step + 1) });
  if (best.failure.step < 0) return best;

  // Whole steps, then single changes, removed in halves, quarters, ... as long as it still fails.
  const withSteps = (steps: readonly Step[]): Case => ({ ...best.testCase, steps });
  await shrinkList(best.testCase.steps, (steps) => attempt(withSteps(steps)));
  // Restarts matter only if the failure needs them.
  if (best.testCase.steps.some((s) => s.restart)) await attempt(withSteps(best.testCase.steps.map((s) => ({ ...s, restart: false }))));
  type Entry = { step: number; table: string; change: Update };
  const entries: Entry[] = best.testCase.steps.flatMap((step, i) => [...step.changes].flatMap(([table, changes]) => changes.map((change) => ({ step: i, table, change }))));
  const restartsKept = best.testCase.steps.map((s) => s.restart);
  await shrinkList(entries, (kept) => {
    const steps = restartsKept.map((restart) => ({ changes: new Map<string, Update[]>(), restart }));
    for (const { step, table, change } of kept) {
      const changes = steps[step]!.changes.get(table) ?? [];
      changes.push(change);
      steps[step]!.changes.set(table, changes);
    }
    return attempt(withSteps(steps));
  });
  return best;
}

/** Removes chunks of the list, largest first, keeping each removal after which `stillFails`. */
async function shrinkList<T>(items: readonly T[], stillFails: (kept: readonly T[]) => Promise<boolean>): Promise<readonly T[]> {
  let current = items;
  for (let size = Math.max(1, Math.floor(current.length / 2)); size >= 1; size = size === 1 ? 0 : Math.max(1, Math.floor(size / 2))) {
    for (let start = 0; start < current.length;) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (candidate.length < current.length && (await stillFails(candidate))) current = candidate;
      else start += size;
    }
  }
  return current;
}

/**
 * Everything needed to see a failure: the program, the DuckDB query of the failing view, and the
 * changes of the failing step (with `allSteps`, of every step up to it: for a shrunk case, whose
 * steps are few and are the whole reproduction).
 */
export function failureReport(testCase: Case, failure: Failure, allSteps: boolean): string {
  const { program } = testCase;
  const view = program.views.find((v) => v.name === failure.relation);
  const lines = [
    `${failure.kind}${failure.relation ? ` in ${failure.relation}` : ''}${failure.step >= 0 ? ` at step ${failure.step} (of ${testCase.steps.length})` : ''}:`,
    failure.message,
    '',
    'program:',
    programText(program),
  ];
  if (view) lines.push(`DuckDB query of ${view.name}:`, `  ${renderQuery(view.query, 'duckdb')}`, '');
  testCase.steps.forEach((step, i) => {
    if (i > failure.step || (!allSteps && i < failure.step)) return;
    lines.push(`changes of step ${i}:${step.changes.size === 0 ? ' (none)' : ''}`);
    for (const [table, changes] of step.changes) {
      for (const { row, weight } of changes) lines.push(`  ${table} ${weight > 0 ? '+' : ''}${weight} ${describe(row)}`);
    }
    if (step.restart && i < failure.step) lines.push('  then the circuit is replaced by a new one restored from its snapshot');
  });
  return lines.join('\n');
}
