// `npm run bench:engine`: what an update costs in dynaview's incremental engine, next to what a Node
// user would do instead: keep the tables in DuckDB (@duckdb/node-api, in memory), re-run the view's
// query after each step and diff the result against the previous one to learn the changes.
//
// Three views: `join` (a two-table equi-join), `group_by` (GROUP BY with COUNT/SUM/MAX) and
// `join3_aggregate` (a three-way join feeding a GROUP BY, 10 regions x 50 categories). `base_rows` is
// the row count of the fact table (orders, events); dimension tables have base_rows/10 (customers)
// and base_rows/100 (products) rows; events fall into 1,000 groups. Each (tool, view, size) runs in its own child process, so that its peak RSS
// is its own: it loads the tables (dynaview: 10,000-row steps through Circuit.step; DuckDB: its
// appender, then the view's first result), then runs warm-up and timed steps of 1 and of 1,000
// changes: 80% updates of a fact row (a delete of the old row and an insert of the new one, which
// may move it to another join partner or group), 10% inserts, 10% deletes, and in the join views
// one change in twenty is an update of a dimension row instead. Step times are engine time only
// (Circuit.step) for dynaview, and apply + query + read + diff for DuckDB, whose 1M-row steps take
// long enough that it gets fewer timed steps (see STEPS).
//
// Run with: npm run bench:engine             (10k, 100k and 1M rows)
//           npm run bench:engine -- --quick  (10k and 100k rows, fewer steps; under 2 minutes)
//           npm run bench:engine -- --only join3   (cases whose label contains the text; prints
//                                                     without replacing the saved results)
// Writes bench/results/engine.json and prints a table with the targets checked.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, worker: { type: 'string' } },
});
const QUICK = flags.quick;
const SIZES = QUICK ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const STEP_CHANGES = [1, 1_000];
const LOAD_CHUNK_ROWS = 10_000;
const CASE_TIMEOUT_MS = 30 * 60_000;
const RESULTS = fileURLToPath(new URL('./results/engine.json', import.meta.url));

/**
 * Warm-up and timed steps per tool and step size. DuckDB recomputes the whole view every step
 * (seconds at 1M rows), so it gets fewer: its p99 is then the slowest of few steps.
 */
function stepCounts(tool, stepChanges, baseRows) {
  if (tool === 'dynaview') {
    if (stepChanges === 1) return QUICK ? { warmup: 300, timed: 1_000 } : { warmup: 1_000, timed: 3_000 };
    return QUICK ? { warmup: 5, timed: 40 } : { warmup: 20, timed: 200 };
  }
  if (baseRows >= 1_000_000) return { warmup: 1, timed: 5 };
  return QUICK ? { warmup: 1, timed: 6 } : { warmup: 2, timed: 20 };
}

// ---- the workloads: deterministic rows, one version counter per row ----

/** A 32-bit hash of two integers (row index and version, or a salt): cheap, deterministic, well spread. */
function hash(a, b) {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const GROUPS = 1_000;
const REGIONS = ['north', 'south', 'east', 'west', 'centre', 'coast', 'hills', 'plains', 'islands', 'valley'];
const STATUSES = ['new', 'paid', 'shipped', 'returned'];

/**
 * A table of the benchmark: its SQL (the same text for Feldera and DuckDB), its size for a base
 * size, and row i at version v in the engine's representation (INT as number, BIGINT as bigint).
 */
const customers = (n) => ({
  name: 'customers',
  ddl: 'CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, region VARCHAR NOT NULL, name VARCHAR NOT NULL)',
  size: Math.max(1, Math.floor(n / 10)),
  row: (i, v) => ({ id: i, region: REGIONS[hash(i, v) % REGIONS.length], name: `customer-${i}-${v}` }),
});
const products = (n) => ({
  name: 'products',
  ddl: 'CREATE TABLE products (id INT NOT NULL PRIMARY KEY, category VARCHAR NOT NULL, price INT NOT NULL)',
  size: Math.max(1, Math.floor(n / 100)),
  row: (i, v) => ({ id: i, category: `category-${hash(i, v) % 50}`, price: hash(v, i) % 1_000 }),
});

const VIEWS = {
  join: (n) => {
    const dimension = customers(n);
    return {
      tables: [dimension, {
        name: 'orders',
        ddl: 'CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, amount INT NOT NULL, status VARCHAR NOT NULL)',
        size: n,
        row: (i, v) => ({ id: i, customer_id: hash(i, v) % dimension.size, amount: hash(v, i) % 1_000, status: STATUSES[(i + v) % STATUSES.length] }),
      }],
      query: 'SELECT o.id, o.amount, o.status, c.region, c.name FROM orders AS o JOIN customers AS c ON o.customer_id = c.id',
    };
  },
  group_by: (n) => ({
    tables: [{
      name: 'events',
      ddl: 'CREATE TABLE events (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL, amount INT NOT NULL, score BIGINT NOT NULL)',
      size: n,
      // 1,000 groups at every size, so a group holds more rows as the table grows (MAX must not
      // rescan them) and a 1,000-change step touches about as many groups at every size. Amounts
      // stay small enough that SUM stays an INT.
      row: (i, v) => ({ id: i, grp: hash(i, v) % GROUPS, amount: hash(v, i) % 1_000, score: BigInt(hash(i, v + 7) % 1_000_000) }),
    }],
    query: 'SELECT grp, COUNT(*) AS cnt, SUM(amount) AS total, MAX(score) AS top FROM events GROUP BY grp',
  }),
  join3_aggregate: (n) => {
    const customerTable = customers(n);
    const productTable = products(n);
    return {
      tables: [customerTable, productTable, {
        name: 'orders',
        ddl: 'CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, product_id INT NOT NULL, qty INT NOT NULL)',
        size: n,
        row: (i, v) => ({ id: i, customer_id: hash(i, v) % customerTable.size, product_id: hash(v, i) % productTable.size, qty: 1 + ((i + v) % 10) }),
      }],
      query: 'SELECT c.region, p.category, COUNT(*) AS cnt, SUM(o.qty) AS qty, MAX(p.price) AS max_price '
        + 'FROM orders AS o JOIN customers AS c ON o.customer_id = c.id JOIN products AS p ON o.product_id = p.id '
        + 'GROUP BY c.region, p.category',
    };
  },
};

/** Numbers in [0, 1) from a seed, the same sequence for both tools: the hash of a counter. */
function seededRandom(seed) {
  let counter = 0;
  return () => hash(seed, counter++) / 4294967296;
}

/**
 * The current contents of a table as row versions (0 = deleted), in a typed array: the harness
 * can rebuild any current row without keeping row objects, so that its own memory stays small
 * next to the engine's.
 */
class TableVersions {
  constructor(table, capacity) {
    this.table = table;
    this.versions = new Uint32Array(capacity).fill(1, 0, table.size);
    this.count = table.size;
  }

  row(id) {
    return this.table.row(id, this.versions[id]);
  }

  randomLiveId(random) {
    for (;;) {
      const id = Math.floor(random() * this.count);
      if (this.versions[id] !== 0) return id;
    }
  }
}

/**
 * A step of `count` changes, applied to `state`, by table: the engine's updates in order (an update
 * of a row is a delete of its old version and an insert of the next one; a row may change twice
 * in a step) and the ids touched.
 */
function nextStep(state, random, count) {
  const step = new Map(state.map((t) => [t.table.name, { updates: [], touched: new Set() }]));
  const fact = state[state.length - 1];
  const dimensions = state.slice(0, -1);
  for (let i = 0; i < count; i++) {
    const roll = random();
    const target = dimensions.length > 0 && roll < 0.05 ? dimensions[Math.floor(random() * dimensions.length)] : fact;
    const { updates, touched } = step.get(target.table.name);
    if (target !== fact || roll < 0.8) {
      const id = target.randomLiveId(random);
      updates.push({ row: target.row(id), weight: -1 });
      target.versions[id] += 1;
      updates.push({ row: target.row(id), weight: 1 });
      touched.add(id);
    } else if (roll < 0.9 && target.count < target.versions.length) {
      const id = target.count++;
      target.versions[id] = 1;
      updates.push({ row: target.row(id), weight: 1 });
      touched.add(id);
    } else {
      const id = target.randomLiveId(random);
      updates.push({ row: target.row(id), weight: -1 });
      target.versions[id] = 0;
      touched.add(id);
    }
  }
  return step;
}

// ---- the tools: each loads the tables and applies a step, returning the view's changes ----

async function openDynaview(workload) {
  const { parseProgram } = await import('../dist/sql/parser.js');
  const { buildCatalog } = await import('../dist/engine/catalog.js');
  const { Circuit } = await import('../dist/engine/circuit.js');
  const text = `${workload.tables.map((t) => `${t.ddl};`).join('\n')}\nCREATE VIEW v AS ${workload.query};\n`;
  const { catalog, problems } = buildCatalog(parseProgram(text, 'bench.sql'), 'bench.sql');
  if (problems.length > 0) throw new Error(`the benchmark program does not compile: ${problems.map((p) => p.message).join('; ')}`);
  const circuit = new Circuit(catalog);
  let engineMs = 0;
  const run = (inputs) => {
    const started = performance.now();
    const deltas = circuit.step(inputs);
    engineMs += performance.now() - started;
    return deltas.get('v')?.length ?? 0;
  };
  return {
    async load(state) {
      for (const { table } of state) {
        for (let start = 0; start < table.size; start += LOAD_CHUNK_ROWS) {
          const updates = [];
          for (let id = start; id < Math.min(table.size, start + LOAD_CHUNK_ROWS); id++) updates.push({ row: table.row(id, 1), weight: 1 });
          run(new Map([[table.name, updates]]));
        }
      }
      return engineMs;
    },
    /** Engine time of the step (ms) and the size of the view's delta. */
    async step(step) {
      const inputs = new Map();
      for (const [name, { updates }] of step) if (updates.length > 0) inputs.set(name, updates);
      const before = engineMs;
      const changed = run(inputs);
      return { ms: engineMs - before, changed };
    },
    close() {},
  };
}

async function openDuckDB(workload) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const literal = (value) => (typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value));
  let previous = new Map();
  /** Re-runs the query and diffs the result with the previous one: the changes a Node user needs. */
  const recompute = async () => {
    const rows = (await connection.runAndReadAll(workload.query)).getRows();
    const current = new Map();
    for (const row of rows) {
      const key = row.join('\u0001');
      current.set(key, (current.get(key) ?? 0) + 1);
    }
    let changed = 0;
    for (const [key, count] of current) if (previous.get(key) !== count) changed++;
    for (const key of previous.keys()) if (!current.has(key)) changed++;
    previous = current;
    return changed;
  };
  return {
    async load(state) {
      const started = performance.now();
      for (const { table } of state) {
        await connection.run(table.ddl);
        const appender = await connection.createAppender(table.name);
        for (let id = 0; id < table.size; id++) {
          for (const value of Object.values(table.row(id, 1))) {
            if (typeof value === 'bigint') appender.appendBigInt(value);
            else if (typeof value === 'number') appender.appendInteger(value);
            else appender.appendVarchar(value);
          }
          appender.endRow();
        }
        appender.closeSync();
      }
      await recompute();
      return performance.now() - started;
    },
    /** The step's changes as a delete of every row touched and an insert of those still there (their last version). */
    async step(step, state) {
      const started = performance.now();
      for (const { table, versions } of state) {
        const ids = [...step.get(table.name).touched];
        if (ids.length === 0) continue;
        await connection.run(`DELETE FROM ${table.name} WHERE id IN (${ids.join(', ')})`);
        const values = ids.filter((id) => versions[id] !== 0).map((id) => `(${Object.values(table.row(id, versions[id])).map(literal).join(', ')})`);
        if (values.length > 0) await connection.run(`INSERT INTO ${table.name} VALUES ${values.join(', ')}`);
      }
      const changed = await recompute();
      return { ms: performance.now() - started, changed };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value, digits) => Number(value.toFixed(digits));

/** One (tool, view, size) in this process: load, then the steps of each size; one result per step size. */
async function runWorker({ tool, view, baseRows }) {
  const workload = VIEWS[view](baseRows);
  const maxChanges = STEP_CHANGES.reduce((sum, changes) => {
    const { warmup, timed } = stepCounts(tool, changes, baseRows);
    return sum + changes * (warmup + timed);
  }, 0);
  const state = workload.tables.map((table) => new TableVersions(table, table.size + maxChanges));
  const random = seededRandom(42);
  const engine = tool === 'dynaview' ? await openDynaview(workload) : await openDuckDB(workload);
  const loadMs = await engine.load(state);
  const results = [];
  for (const stepChanges of STEP_CHANGES) {
    const { warmup, timed } = stepCounts(tool, stepChanges, baseRows);
    for (let i = 0; i < warmup; i++) await engine.step(nextStep(state, random, stepChanges), state);
    const times = [];
    let stepsWithChanges = 0;
    for (let i = 0; i < timed; i++) {
      const { ms, changed } = await engine.step(nextStep(state, random, stepChanges), state);
      times.push(ms);
      if (changed > 0) stepsWithChanges++;
    }
    times.sort((a, b) => a - b);
    const median = percentile(times, 50);
    // DuckDB's 1-change steps at 1M rows manage a fraction of a change a second: keep two decimals there.
    const rate = stepChanges / (median / 1000);
    results.push({
      tool, view, base_rows: baseRows, step_changes: stepChanges,
      step_ms_median: round(median, 4),
      step_ms_p99: round(percentile(times, 99), 4),
      changes_per_s: rate >= 100 ? Math.round(rate) : round(rate, 2),
      load_s: round(loadMs / 1000, 2),
      peak_rss_mb: 0,
      timed_steps: timed,
      steps_with_view_changes: stepsWithChanges,
    });
  }
  engine.close();
  // The peak over the whole case: load, state and every step.
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  for (const result of results) result.peak_rss_mb = peak;
  return results;
}

if (flags.worker !== undefined) {
  process.stdout.write(`${JSON.stringify(await runWorker(JSON.parse(flags.worker)), (_, v) => (typeof v === 'bigint' ? String(v) : v))}\n`);
  process.exit(0);
}

// ---- the parent: one child per case, then the report ----

function runChild(spec) {
  return new Promise((resolve, reject) => {
    // A larger heap limit than Node's default, so that a state over the default limit shows as RSS, not as a crash.
    const child = spawn(process.execPath, ['--max-old-space-size=12288', fileURLToPath(import.meta.url), '--worker', JSON.stringify(spec), ...(QUICK ? ['--quick'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), CASE_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(output));
      else reject(new Error(`${spec.tool} ${spec.view} ${spec.baseRows}: the child exited with ${signal ?? code}`));
    });
  });
}

const perChangeMs = (r) => r.step_ms_median / r.step_changes;
const format = (n) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(2));

function printTable(results) {
  const header = ['tool', 'view', 'base rows', 'step changes', 'step ms median', 'step ms p99', 'changes/s', 'µs/change', 'load s', 'peak RSS MB', 'timed steps'];
  const lines = results.map((r) => [
    r.tool, r.view, r.base_rows.toLocaleString('en-US'), r.step_changes.toLocaleString('en-US'), format(r.step_ms_median), format(r.step_ms_p99),
    r.changes_per_s.toLocaleString('en-US'), format(perChangeMs(r) * 1000), String(r.load_s), String(r.peak_rss_mb), String(r.timed_steps),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const line of lines) console.log(row(line));
}

/** The issue's targets, each as met / not met with its figure, at the largest size run. */
function checkTargets(results) {
  const largest = Math.max(...results.map((r) => r.base_rows));
  const smallest = Math.min(...results.map((r) => r.base_rows));
  const size = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1_000}k`);
  const find = (tool, view, rows, changes) => results.find((r) => r.tool === tool && r.view === view && r.base_rows === rows && r.step_changes === changes);
  const lines = [];
  const verdict = (ok) => (ok ? 'met' : 'NOT MET');
  const views = [...new Set(results.map((r) => r.view))];
  /** A line per view and step size comparing the per-change cost of two results. */
  const compare = (pick, describe) => views.flatMap((view) => STEP_CHANGES.flatMap((changes) => {
    const [a, b] = pick(view, changes);
    return a && b ? [`  ${view}, ${changes}-change steps: ${describe(perChangeMs(a), perChangeMs(b))}`] : [];
  }));
  const micros = (ms) => `${format(ms * 1000)} µs/change`;
  lines.push(`per-change cost at ${size(largest)} rows within 2x of the cost at ${size(smallest)} (incremental, not recomputing):`);
  lines.push(...compare(
    (view, changes) => [find('dynaview', view, smallest, changes), find('dynaview', view, largest, changes)],
    (small, big) => `${(big / small).toFixed(2)}x (${micros(small)} -> ${micros(big)}): ${verdict(big / small <= 2)}`,
  ));
  const joinOne = find('dynaview', 'join', largest, 1);
  if (joinOne) {
    lines.push(`a 1-row update on the ${size(largest)}-row join in the view's delta in under 1 ms of engine time: median ${format(joinOne.step_ms_median)} ms, p99 ${format(joinOne.step_ms_p99)} ms: ${verdict(joinOne.step_ms_median < 1)}`);
  }
  lines.push(`at least 100x cheaper per change at ${size(largest)} rows than re-running the query in DuckDB and diffing:`);
  lines.push(...compare(
    (view, changes) => [find('dynaview', view, largest, changes), find('duckdb-recompute', view, largest, changes)],
    (ours, theirs) => `${format(theirs / ours)}x (${micros(theirs)} vs ${micros(ours)}): ${verdict(theirs / ours >= 100)}`,
  ));
  const joinState = find('dynaview', 'join', largest, STEP_CHANGES[0]);
  if (joinState) lines.push(`state of the ${size(largest)}-row two-table join under 1 GB RSS: ${joinState.peak_rss_mb} MB peak: ${verdict(joinState.peak_rss_mb < 1024)}`);
  if (largest < 1_000_000) lines.push(`(--quick: the targets name 1M rows; checked here at ${size(largest)})`);
  return lines;
}

const NOTES = [
  'What bounds each figure:',
  '- dynaview step ms: engine time of Circuit.step alone (one thread: primary-key upsert, join index probes, aggregate',
  '  updates, consolidation of the deltas), not making the input rows nor writing outputs.',
  '- duckdb-recompute step ms: DELETE + INSERT of the changes, the query over all rows (DuckDB uses both cores), reading',
  '  every result row into JS and diffing it with the previous result; the read and the diff grow with the view.',
  '- changes/s: step changes / median step time (one change = an insert, a delete, or an update = delete + insert).',
  '- load s: dynaview: the engine time of the 10,000-row load steps; DuckDB: appending the rows and the first result.',
  '- peak RSS MB: the child process\'s maximum resident set over the whole case (Node itself is ~50 MB; DuckDB\'s',
  '  includes its buffers and the JS copy of the previous result).',
  `- DuckDB gets ${stepCounts('duckdb-recompute', 1, 1_000_000).timed} timed steps per step size at 1M rows (its p99 is their maximum), ${stepCounts('duckdb-recompute', 1, 10_000).timed} below.`,
];

const runStarted = performance.now();
const startedAt = new Date().toISOString();
const results = [];
for (const baseRows of SIZES) {
  for (const view of Object.keys(VIEWS)) {
    for (const tool of ['dynaview', 'duckdb-recompute']) {
      const label = `${tool} ${view} ${baseRows}`;
      if (flags.only !== undefined && !label.includes(flags.only)) continue;
      const started = performance.now();
      const caseResults = await runChild({ tool, view, baseRows });
      results.push(...caseResults);
      const summary = caseResults.map((r) => `${r.step_changes}-change median ${format(r.step_ms_median)} ms`).join(', ');
      console.error(`${label}: load ${caseResults[0].load_s} s, ${summary}, peak ${caseResults[0].peak_rss_mb} MB (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  }
}
const seconds = (performance.now() - runStarted) / 1000;
const partial = flags.only !== undefined;
if (!partial) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const run = { started_at: startedAt, quick: QUICK, seconds: Math.round(seconds), node: process.version, cpus: cpus().length, cpu_model: cpus()[0]?.model ?? null };
  writeFileSync(RESULTS, `${JSON.stringify({ run, cases: results }, null, 2)}\n`);
}
console.log(`\n${QUICK ? 'npm run bench:engine -- --quick' : 'npm run bench:engine'}: ${startedAt}, ${seconds.toFixed(0)} s, ${cpus().length} cores\n`);
printTable(results);
console.log(`\n${checkTargets(results).join('\n')}\n\n${NOTES.join('\n')}`);
console.log(partial ? '\n--only: results not saved' : `\nwrote ${RESULTS}`);
