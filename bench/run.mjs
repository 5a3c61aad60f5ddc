// `npm run bench`: how much of a DynamoDB table's write capacity dynaview uses, next to the
// alternatives a Node user would pick, in one run. Every case gets a fresh `dynaview sim` in its
// own process (a 40,000 WCU table with 10 ms median latency unless said otherwise), so the
// simulator never shares the writer's event loop and every case starts with a full capacity bucket.
// Each case writes items under 1 KB with uniformly spread keys in steps of `step_rows` rows: a
// warm-up (which also drains the table's burst allowance), then the measured steps.
// Run with: npm run bench            (full, under 10 minutes on 2 cores)
//           npm run bench -- --quick (under a minute)
//           npm run bench -- --only 'c128'  (only the cases whose label contains the text; prints
//                                              the table without replacing the saved results)
// Writes bench/results/latest.json and docs/bench.svg, and prints a table.
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
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const QUICK = flags.quick;

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const CHART = fileURLToPath(new URL('../docs/bench.svg', import.meta.url));

// Sizes: [rows per step, measured steps, warm-up steps].
// Warm-up runs until the JIT has compiled the write path: the first ~100,000 items cost several
// times the CPU of later ones, which a long-running pipeline never sees again.
const LARGE = QUICK ? [20_000, 2, 3] : [100_000, 5, 3];
const SMALL = QUICK ? [100, 150, 100] : [100, 1_000, 300];
// Pipelined steps are offered as the pipeline offers them: up to 16 steps in flight.
const PIPELINED_STEPS_IN_FLIGHT = 16;

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

// ---- the tools under test: each gives writeStep(rows) and its own count of resent items ----

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
    writeStep: (rows) => out.writeStep(rows.map((row) => ({ row, weight: 1 }))),
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
      await runSteps(tool, warmup);
      await sim.reset();
      const resentBefore = tool.resent();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const latencies = await runSteps(tool, measured);
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const stats = await sim.stats();
      const items = measured.length * c.sizes[0];
      if (stats.written_items !== items) throw new Error(`${c.tool}: the table received ${stats.written_items} writes, expected ${items}`);
      latencies.sort((a, b) => a - b);
      const wcuPerS = stats.consumed_wcu / seconds;
      const isDynaview = c.tool === 'dynaview';
      return {
        result: {
          tool: c.tool,
          threads: isDynaview ? c.threads : null,
          max_concurrent_requests: isDynaview ? c.max_concurrent_requests : null,
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
          cpu_s_per_100k_items: round(((cpu.user + cpu.system) / 1e6) * (100_000 / items), 2),
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

// ---- report ----

function printTable(rows) {
  const header = ['case', 'capacity WCU', 'WCU/s', 'items/s', '% cap', 'retries/item', 'tool resent', 'CPU s/100k', 'step p50 ms', 'step p99 ms', 'wall s'];
  const lines = rows.map(({ label, result: r, toolResent, seconds }) => [
    label, r.capacity_wcu, r.wcu_per_s, r.items_per_s, r.pct_capacity, r.retries_per_item, toolResent,
    r.cpu_s_per_100k_items, r.step_latency_ms_p50, r.step_latency_ms_p99, seconds.toFixed(1),
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

const runStarted = performance.now();
const rows = [];
for (const c of CASES) {
  // --only TEXT runs the cases whose label contains TEXT (for profiling one case).
  if (flags.only !== undefined && !caseLabel({ ...c, step_rows: c.sizes[0] }).includes(flags.only)) continue;
  const outcome = await runCase(c);
  const label = caseLabel(outcome.result);
  rows.push({ label, ...outcome });
  console.error(`${label}: ${outcome.result.wcu_per_s} WCU/s, ${outcome.result.pct_capacity}% of ${c.capacity_wcu} WCU (${outcome.seconds.toFixed(1)} s)`);
}
const partial = flags.only !== undefined;
if (!partial) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ cases: rows.map((r) => r.result) }, null, 2)}\n`);
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  writeFileSync(CHART, drawChart(rows.map((r) => r.result)));
}
console.log(`\n${QUICK ? 'npm run bench -- --quick' : 'npm run bench'}: simulated table with ${LATENCY_MEDIAN_MS} ms median / ${LATENCY_P99_MS} ms p99 latency, items of ~250 bytes (1 WCU); ${((performance.now() - runStarted) / 1000).toFixed(0)} s\n`);
printTable(rows);
console.log(partial ? '\n--only: results not saved' : `\nwrote ${RESULTS} and ${CHART}`);
