// `npm run bench`: how much of a DynamoDB table's write capacity dynaview uses, next to the
// alternatives a Node user would pick, in one run. Every case gets a fresh `dynaview sim` in its
// own process (a 40,000 WCU table with 10 ms median latency unless said otherwise), so the
// simulator never shares the writer's event loop and every case starts with a full capacity bucket.
// Each case writes items under 1 KB with uniformly spread keys in steps of `step_rows` rows: a
// warm-up (which also drains the table's burst allowance), then the measured steps.
// Two groups of cases: against a 40,000 WCU table, the share of its capacity each writer uses;
// against a table with capacity to spare, the CPU each spends per item, next to "raw-signed", the
// wire's floor (bench/raw-signed.mjs). Every case runs --repeat times, the cases interleaved, and
// each figure is the median of its runs with their range: the machine is noisy.
// Run with: npm run bench                   (full, 15 to 20 minutes on 2 cores)
//           npm run bench -- --repeat 1     (one run of each case)
//           npm run bench -- --quick        (a smoke test of every case: too short to rank them)
//           npm run bench -- --only 'LABEL' [--only 'LABEL' ...]  (the cases with exactly these
//                                labels, e.g. 'raw-signed t1 c64 batch 100,000-row steps (capacity to spare)')
// A full run writes bench/results/latest.json and docs/bench.svg; every run prints a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

process.env.DYNAVIEW_LOG_LEVEL ??= 'warn';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { openDynamoDBOutput } = await import('../dist/index.js');
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { BatchWriteCommand, DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
const { caseLabel, drawChart } = await import('./chart.mjs');
const { CAPACITY_WCU, CREDENTIALS, LATENCY_MEDIAN_MS, LATENCY_P99_MS, REGION, TABLE, startSim } = await import('./sim-process.mjs');

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true }, repeat: { type: 'string' } },
});
const QUICK = flags.quick;
const REPEAT = Number(flags.repeat ?? (QUICK ? 1 : 3));
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error(`--repeat must be a whole number of runs, not ${flags.repeat}`);
const { openRawSigned } = await import('./raw-signed.mjs');

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const CHART = fileURLToPath(new URL('../docs/bench.svg', import.meta.url));

// Sizes: [rows per step, measured steps, warm-up steps].
// Warm-up runs until the JIT has compiled the write path: the first ~100,000 items cost several
// times the CPU of later ones, which a long-running pipeline never sees again.
const LARGE = QUICK ? [20_000, 2, 3] : [100_000, 4, 2];
const SMALL = QUICK ? [100, 150, 100] : [100, 1_000, 300];
// Pipelined steps are offered as the pipeline offers them: up to 16 steps in flight.
const PIPELINED_STEPS_IN_FLIGHT = 16;

// "Capacity to spare": more than 2 cores can write, so that no write is throttled.
const { UNLIMITED_WCU } = await import('./chart.mjs');

const dynaview = (options) => ({
  tool: 'dynaview', threads: 1, max_concurrent_requests: 64, write_mode: 'batch', pipelined_steps: false,
  capacity_wcu: CAPACITY_WCU, sizes: LARGE, ...options,
});
const CASES = [
  dynaview({ max_concurrent_requests: 64 }),
  dynaview({ max_concurrent_requests: 128 }),
  dynaview({ write_mode: 'transactional' }),
  dynaview({ sizes: SMALL, pipelined_steps: false }),
  dynaview({ sizes: SMALL, pipelined_steps: true }),
  ...(QUICK ? [] : [dynaview({ sizes: SMALL, write_mode: 'transactional', pipelined_steps: true })]),
  dynaview({ threads: 2 }),
  ...(QUICK ? [] : [dynaview({ threads: 2, max_concurrent_requests: 128 })]),
  { tool: 'batch-write-command', write_mode: 'batch', capacity_wcu: CAPACITY_WCU, sizes: LARGE },
  ...(QUICK ? [] : [{ tool: 'batch-write-command', write_mode: 'batch', capacity_wcu: CAPACITY_WCU, sizes: SMALL }]),
  // Offered load at 2x capacity: the default configuration against half the table.
  dynaview({ capacity_wcu: CAPACITY_WCU / 2 }),
  { tool: 'raw-signed', threads: 1, max_concurrent_requests: 64, write_mode: 'batch', capacity_wcu: CAPACITY_WCU, sizes: LARGE },
  // CPU per item with capacity to spare: what each write costs the writer, throttling aside. Each
  // dynaview case is measured against raw-signed with as many threads: a second thread costs
  // raw-signed itself more CPU per item on a 2-core machine that also runs the simulator.
  ...['batch', 'transactional'].flatMap((write_mode) => [1, 2].flatMap((threads) => [
    dynaview({ write_mode, threads, capacity_wcu: UNLIMITED_WCU }),
    { tool: 'raw-signed', threads, max_concurrent_requests: 64, write_mode, capacity_wcu: UNLIMITED_WCU, sizes: LARGE },
  ])),
];

// ---- items: under 1 KB (about 250 bytes, 1 WCU), keys spread uniformly over the partitions ----

const PAYLOAD_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SORT_KEYS = 1000;

/** Payload variant v: ~200 bytes of runs of one letter. Rows share the strings, as rows in a long-running pipeline share little of the heap with the steps being written. */
const PAYLOADS = Array.from({ length: PAYLOAD_ALPHABET.length }, (_, v) => {
  let payload = '';
  for (let c = 0; payload.length < 200; c += 1) payload += PAYLOAD_ALPHABET[(v + c * 13) % PAYLOAD_ALPHABET.length].repeat(8);
  return payload.slice(0, 200);
});
const SORTS = Array.from({ length: SORT_KEYS }, (_, i) => `s-${i}`);

/** Row i of a case: a unique, scattered id (i times an odd constant, mod 2^32), a sort key, ~200 bytes. */
function makeRow(i) {
  const id = Number((BigInt(i) * 2654435761n) % 4294967296n);
  return { id, sort: SORTS[i % SORT_KEYS], payload: PAYLOADS[(i * 7) % PAYLOADS.length] };
}

function makeSteps([stepRows, measured, warmup]) {
  let next = 0;
  const build = (count) => Array.from({ length: count }, () => Array.from({ length: stepRows }, () => makeRow(next++)));
  return { warmup: build(warmup), measured: build(measured) };
}

// ---- the tools under test: each gives writeStep(input), where a step's input is its rows or what
// prepare(rows) makes of them before the clock starts, and its own count of resent items ----

async function openDynaview(c, endpoint) {
  const out = await openDynamoDBOutput({
    name: 'bench',
    config: {
      table: TABLE, region: REGION, endpoint_url: endpoint,
      aws_access_key_id: CREDENTIALS.accessKeyId, aws_secret_access_key: CREDENTIALS.secretAccessKey,
      threads: c.threads, max_concurrent_requests: c.max_concurrent_requests, write_mode: c.write_mode,
      pipelined_steps: c.pipelined_steps,
    },
    view: {
      name: 'bench_view',
      columns: [
        { name: 'id', type: 'BIGINT', nullable: false },
        { name: 'sort', type: 'VARCHAR', nullable: false },
        { name: 'payload', type: 'VARCHAR', nullable: false },
      ],
    },
    index: { name: 'bench_idx', columns: ['id', 'sort'] },
    types: {},
  });
  return {
    stepsInFlight: c.pipelined_steps ? PIPELINED_STEPS_IN_FLIGHT : 1,
    // A pipeline hands the connector its changes as (row, weight) pairs; they are made before the
    // clock starts, as the rows are.
    prepare: (rows) => rows.map((row) => ({ row, weight: 1 })),
    writeStep: (updates) => out.writeStep(updates),
    // Batch mode counts the items it resends; transactional mode counts resent transactions.
    resent: () => (c.write_mode === 'batch' ? out.metrics().throttled_items : out.metrics().retries),
    close: () => out.close(),
  };
}

/** The AWS docs' advice for UnprocessedItems: resend them after an exponential backoff with jitter. */
function backoffMs(attempt) {
  return Math.random() * Math.min(5_000, 50 * 2 ** attempt);
}

async function openBatchWriteCommand(endpoint) {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS }));
  let resent = 0;
  async function writeChunk(requests) {
    let pending = requests;
    for (let attempt = 0; ; attempt += 1) {
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
      pending = UnprocessedItems?.[TABLE] ?? [];
      if (pending.length === 0) return;
      resent += pending.length;
      await sleep(backoffMs(attempt));
    }
  }
  return {
    stepsInFlight: 1,
    async writeStep(rows) {
      const chunks = [];
      for (let i = 0; i < rows.length; i += 25) chunks.push(rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })));
      await Promise.all(chunks.map(writeChunk));
    },
    resent: () => resent,
    close: async () => client.destroy(),
  };
}

function openTool(c, endpoint) {
  switch (c.tool) {
    case 'dynaview': return openDynaview(c, endpoint);
    case 'batch-write-command': return openBatchWriteCommand(endpoint);
    case 'raw-signed': return openRawSigned({
      endpoint, region: REGION, credentials: CREDENTIALS, table: TABLE, writeMode: c.write_mode, maxInFlight: c.max_concurrent_requests, threads: c.threads,
    });
    default: throw new Error(`unknown tool ${c.tool}`);
  }
}

// ---- one case ----

/** Runs the steps with at most `inFlight` outstanding, in order; resolves with each step's latency (ms). */
async function runSteps(tool, steps) {
  const latencies = [];
  const outstanding = new Set();
  for (const rows of steps) {
    const started = performance.now();
    const step = Promise.resolve(tool.writeStep(rows)).then(() => { latencies.push(performance.now() - started); });
    outstanding.add(step);
    void step.finally(() => outstanding.delete(step)).catch(() => {});
    while (outstanding.size >= tool.stepsInFlight) await Promise.race(outstanding);
  }
  await Promise.all(outstanding);
  return latencies;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value, digits) => Number(value.toFixed(digits));

async function runCase(c) {
  const { warmup, measured } = makeSteps(c.sizes);
  const sim = await startSim({ capacityWcu: c.capacity_wcu, keys: [['id', 'N'], ['sort', 'S']] });
  try {
    const tool = await openTool(c, sim.endpoint);
    try {
      const input = (steps) => (tool.prepare === undefined ? steps : steps.map(tool.prepare));
      const measuredInput = input(measured);
      await runSteps(tool, input(warmup));
      await sim.reset();
      const resentBefore = tool.resent();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const latencies = await runSteps(tool, measuredInput);
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const stats = await sim.stats();
      const items = measured.length * c.sizes[0];
      if (stats.written_items !== items) throw new Error(`${c.tool}: the table received ${stats.written_items} writes, expected ${items}`);
      latencies.sort((a, b) => a - b);
      const wcuPerS = stats.consumed_wcu / seconds;
      const isDynaview = c.tool === 'dynaview';
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      return {
        result: {
          tool: c.tool,
          threads: c.threads ?? null,
          max_concurrent_requests: c.max_concurrent_requests ?? null,
          write_mode: c.write_mode,
          step_rows: c.sizes[0],
          pipelined_steps: isDynaview ? c.pipelined_steps : null,
          capacity_wcu: c.capacity_wcu,
          latency_ms_median: LATENCY_MEDIAN_MS,
          wcu_per_s: Math.round(wcuPerS),
          items_per_s: Math.round(items / seconds),
          pct_capacity: round((100 * wcuPerS) / c.capacity_wcu, 1),
          // Items the table refused for lack of capacity (each one resent), per item written: the
          // simulator's count, the same for every tool. The tool's own count is printed beside it.
          retries_per_item: round(stats.throttled_items / items, 3),
          cpu_us_per_item: round((cpuSeconds * 1e6) / items, 2),
          cpu_s_per_100k_items: round(cpuSeconds * (100_000 / items), 2),
          step_latency_ms_p50: round(percentile(latencies, 50), 1),
          step_latency_ms_p99: round(percentile(latencies, 99), 1),
        },
        toolResent: tool.resent() - resentBefore,
        seconds,
      };
    } finally {
      await tool.close();
    }
  } finally {
    await sim.stop();
  }
}

// ---- runs and their medians ----

const FIGURES = ['wcu_per_s', 'items_per_s', 'pct_capacity', 'retries_per_item', 'cpu_us_per_item', 'cpu_s_per_100k_items', 'step_latency_ms_p50', 'step_latency_ms_p99'];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One case's runs as one result: each figure the median of the runs, with `<figure>_range` [min, max]. */
function combine(runs) {
  const result = { ...runs[0].result, runs: runs.length };
  for (const figure of FIGURES) {
    const values = runs.map((r) => r.result[figure]);
    result[figure] = round(median(values), 2);
    result[`${figure}_range`] = [Math.min(...values), Math.max(...values)];
  }
  return {
    label: caseLabel(result), result, toolResent: median(runs.map((r) => r.toolResent)), seconds: runs.reduce((n, r) => n + r.seconds, 0),
    cpuByPass: runs.map((r) => r.result.cpu_us_per_item),
  };
}

/**
 * Each case with capacity to spare gets its CPU per item as a ratio to raw-signed's with the same
 * write mode and threads: the median of the ratios of each pass, where the two ran one after the
 * other (CASES lists each dynaview case just before its raw-signed one), so that a slow minute of
 * the machine weighs on both sides of a ratio rather than on one median.
 */
function addRatios(rows) {
  for (const { result, cpuByPass } of rows) {
    if (result.capacity_wcu !== UNLIMITED_WCU || result.tool === 'raw-signed') continue;
    const floor = rows.find((r) => r.result.tool === 'raw-signed' && r.result.capacity_wcu === UNLIMITED_WCU
      && r.result.write_mode === result.write_mode && r.result.threads === result.threads);
    if (floor === undefined) continue;
    const ratios = cpuByPass.map((cpu, pass) => cpu / floor.cpuByPass[pass]);
    result.cpu_ratio_to_raw_signed = round(median(ratios), 2);
    result.cpu_ratio_to_raw_signed_range = [round(Math.min(...ratios), 2), round(Math.max(...ratios), 2)];
  }
}

// ---- report ----

const range = (r, figure) => (r.runs > 1 ? ` (${r[`${figure}_range`].join('-')})` : '');

function printTable(rows) {
  const header = ['case', 'WCU/s', '% cap', 'retries/item', 'tool resent', 'CPU µs/item', 'vs raw', 'step p50 ms', 'step p99 ms', 'wall s'];
  const lines = rows.map(({ label, result: r, toolResent, seconds }) => [
    label, String(r.wcu_per_s), `${r.pct_capacity}${range(r, 'pct_capacity')}`, r.retries_per_item, toolResent,
    `${r.cpu_us_per_item}${range(r, 'cpu_us_per_item')}`, r.cpu_ratio_to_raw_signed === undefined ? '' : `${r.cpu_ratio_to_raw_signed}x${range(r, 'cpu_ratio_to_raw_signed')}`,
    r.step_latency_ms_p50, r.step_latency_ms_p99, seconds.toFixed(1),
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

const labelOf = (c) => caseLabel({ ...c, step_rows: c.sizes[0] });
const only = flags.only;
const unknown = only?.filter((label) => !CASES.some((c) => labelOf(c) === label)) ?? [];
if (unknown.length > 0) {
  console.error(`--only: no case is labelled ${unknown.map((l) => JSON.stringify(l)).join(', ')}; the cases are:\n${CASES.map((c) => `  ${labelOf(c)}`).join('\n')}`);
  process.exit(2);
}
const selected = CASES.filter((c) => only === undefined || only.includes(labelOf(c)));

const runStarted = performance.now();
const runsByCase = selected.map(() => []);
// Interleaved (every case once, then again): a slow minute of the machine touches every case alike.
for (let pass = 1; pass <= REPEAT; pass += 1) {
  for (const [i, c] of selected.entries()) {
    const outcome = await runCase(c);
    runsByCase[i].push(outcome);
    const r = outcome.result;
    console.error(`[${pass}/${REPEAT}] ${labelOf(c)}: ${r.wcu_per_s} WCU/s, ${r.pct_capacity}% of ${c.capacity_wcu} WCU, ${r.cpu_us_per_item} µs CPU/item (${outcome.seconds.toFixed(1)} s)`);
  }
}
const rows = runsByCase.map(combine);
addRatios(rows);
const saved = only === undefined && !QUICK;
if (saved) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ repeat: REPEAT, cases: rows.map((r) => r.result) }, null, 2)}\n`);
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  writeFileSync(CHART, drawChart(rows.map((r) => r.result)));
}
console.log(`\n${QUICK ? 'npm run bench -- --quick' : 'npm run bench'}: simulated table with ${LATENCY_MEDIAN_MS} ms median / ${LATENCY_P99_MS} ms p99 latency, items of ~250 bytes (1 WCU); `
  + `median of ${REPEAT} interleaved run${REPEAT === 1 ? '' : 's'} per case (range in parentheses); ${((performance.now() - runStarted) / 1000).toFixed(0)} s\n`);
printTable(rows);
if (QUICK) console.log('\n--quick: a smoke test of every case; its windows are too short to rank the tools, and nothing is saved');
else console.log(saved ? `\nwrote ${RESULTS} and ${CHART}` : '\n--only: results not saved');
