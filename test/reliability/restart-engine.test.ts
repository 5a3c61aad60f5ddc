/**
 * Restarts of a program whose views keep state in the engine (joins, aggregates, DISTINCT, set
 * operations, a top-k, subqueries, a WITH item read twice), through the real command line: a run
 * killed with SIGKILL at random moments and started again each time ends with the same DynamoDB
 * tables, and files that replay to the same rows, as an uninterrupted run of the same program. A
 * checkpoint that lost any operator's state (a join's traces, a group's accumulators, the multiset
 * behind a MIN or MAX, DISTINCT's counts, a top-k's rows) would show: the inputs keep updating and
 * deleting rows that the restored state must still know about.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable, localConnection, scanAll, useDynamoDB, type KeyDef } from '../support/dynamodb.js';
import { plainItem } from '../support/items.js';
import { runCli, startCli, writeFiles } from '../support/cli.js';
import { replay } from '../support/file-events.js';
import { seededRandom } from '../support/random.js';
import { coveredRows, inputRows, killAtRandomMomentsAfterCheckpoints, savedCheckpoint } from '../support/restarts.js';

const ddb = useDynamoDB();

/** Customers 0 .. FILE_CUSTOMERS - 1 come from the file, GEN_CUSTOMERS more (the next ids) from datagen. */
const FILE_CUSTOMERS = 500;
const GEN_CUSTOMER_BASE = FILE_CUSTOMERS;
const GEN_CUSTOMERS = 40;
/** Orders 0 .. FILE_ORDERS - 1 come from the file, GEN_ORDERS more (ids from GEN_ORDER_BASE) from datagen. */
const FILE_ORDERS = 1_500;
const GEN_ORDER_BASE = 500_000;
const GEN_ORDERS = 300;
/** Customer ids orders and events refer to: some have no customer (an inner join drops them). */
const CIDS = GEN_CUSTOMER_BASE + GEN_CUSTOMERS + 20;

const CUSTOMER_LINES = 1_500;
const ORDER_LINES = 9_000;
/** Event lines before duplicates. */
const EVENT_LINES = 6_000;
/** Datagen rows, each plan rate-limited to last GENERATION_SECONDS. */
const GENERATED = { customers: 240, orders: 1_200, events: 600 };
const GENERATION_SECONDS = 24;

/** The views written to DynamoDB, with their table's key: each view's unique index. */
const DYNAMODB_VIEWS: Record<string, KeyDef> = {
  order_lines: { hash: ['oid', 'N'] },
  customer_totals: { hash: ['id', 'N'] },
  by_cid: { hash: ['cid', 'N'] },
  kinds: { hash: ['cid', 'N'], range: ['kind', 'S'] },
  buyers: { hash: ['id', 'N'] },
  neighbours: { hash: ['cid', 'N'] },
};
const DYNAMODB_INDEX: Record<string, string> = {
  order_lines: 'oid', customer_totals: 'id', by_cid: 'cid', kinds: 'cid, kind', buyers: 'id', neighbours: 'cid',
};
const FILE_VIEWS = ['overall', 'customer_orders', 'active_cids', 'cid_multiset', 'top_orders', 'top_per_region', 'big_spenders', 'event_stats'];

/** Each view's query. */
const QUERIES: Record<string, string> = {
  // Inner join of two primary-key tables, keyed by the key of the side that has many.
  order_lines: 'SELECT o.oid, o.cid, o.amount, c.name, c.region FROM orders o JOIN customers c ON o.cid = c.id',
  // LEFT JOIN then GROUP BY: customers without orders have a row with COUNT 0 and NULL sums.
  customer_totals: `SELECT c.id, c.name, COUNT(o.oid) AS orders, SUM(o.amount) AS total, MIN(o.amount) AS smallest, MAX(o.amount) AS largest
    FROM customers c LEFT JOIN orders o ON o.cid = c.id GROUP BY c.id, c.name`,
  // GROUP BY with the four aggregates; the inputs delete and update groups' extreme rows.
  by_cid: 'SELECT cid, COUNT(*) AS n, SUM(amount) AS total, MIN(amount) AS lo, MAX(amount) AS hi FROM orders GROUP BY cid',
  // A global aggregate: always one row.
  overall: `SELECT COUNT(*) AS n, SUM(amount) AS total, MIN(amount) AS lo, MAX(amount) AS hi, COUNT(DISTINCT cid) AS cids,
    MIN(cid) AS lowest_cid, MAX(cid) AS highest_cid FROM orders`,
  // A LEFT JOIN itself: padded rows come and go with a customer's first and last order.
  customer_orders: 'SELECT c.id, c.region, o.oid, o.amount FROM customers c LEFT JOIN orders o ON o.cid = c.id AND o.amount > 100',
  // DISTINCT over a table without a primary key, whose rows have duplicates.
  kinds: 'SELECT DISTINCT kind, cid FROM events',
  // UNION then EXCEPT (set semantics), and EXCEPT ALL (multisets).
  active_cids: `SELECT cid FROM orders UNION SELECT cid FROM events EXCEPT SELECT id FROM customers WHERE region = 'north'`,
  cid_multiset: 'SELECT cid FROM events EXCEPT ALL SELECT cid FROM orders',
  // Top-k: the largest orders, and the top 2 customers' orders of each region by ROW_NUMBER.
  top_orders: 'SELECT oid, cid, amount FROM orders ORDER BY amount DESC, oid LIMIT 10',
  top_per_region: `SELECT region, oid, amount, rn FROM (SELECT c.region, o.oid, o.amount, ROW_NUMBER() OVER (PARTITION BY c.region ORDER BY o.amount, o.oid) AS rn
    FROM orders o JOIN customers c ON o.cid = c.id) AS ranked WHERE rn <= 2`,
  // Correlated EXISTS, and IN.
  buyers: `SELECT c.id, c.name FROM customers c WHERE EXISTS (SELECT 1 FROM events e WHERE e.cid = c.id AND e.kind = 'buy')`,
  big_spenders: 'SELECT id, name FROM customers WHERE id IN (SELECT cid FROM orders WHERE amount > 1900)',
  // A WITH item read twice.
  neighbours: `WITH per AS (SELECT cid, SUM(amount) AS s, COUNT(*) AS n FROM orders GROUP BY cid)
    SELECT a.cid, a.s, a.n, b.s AS next_s FROM per a LEFT JOIN per b ON b.cid = a.cid + 1`,
  // GROUP BY over the table without a primary key; the file deletes the extreme rows.
  event_stats: 'SELECT kind, COUNT(*) AS n, SUM(qty) AS total, MIN(qty) AS lo, MAX(qty) AS hi, COUNT(qty) AS counted FROM events GROUP BY kind',
};

/** Output options that vary how a view's changes reach its output. */
const OUTPUT_OPTIONS: Record<string, string> = {
  by_cid: '"enable_output_buffer": true, "max_output_buffer_time_millis": 300, ',
  event_stats: '"enable_output_buffer": true, "max_output_buffer_time_millis": 1000, ',
};

const FILE_FORMAT = '"format": {"name": "json", "config": {"update_format": "insert_delete"}}';

function program(tables: Record<string, string>, queries: Record<string, string> = QUERIES): string {
  const connection = Object.entries(localConnection(ddb.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
  const fileInput = (path: string): string => `{"name": "file", "transport": {"name": "file_input", "config": {"path": "${path}"}}, ${FILE_FORMAT}}`;
  const datagen = (seed: number, rate: number, limit: number, fields: string): string =>
    `{"name": "gen", "transport": {"name": "datagen", "config": {"seed": ${seed}, "plan": [{"rate": ${rate}, "limit": ${limit}, "fields": {${fields}}}]}}}`;
  const views = Object.entries(queries).map(([view, query]) => {
    const options = OUTPUT_OPTIONS[view] ?? '';
    if (view in DYNAMODB_VIEWS) {
      const pipelined = view === 'order_lines' ? '"pipelined_steps": true, ' : '';
      return `CREATE VIEW ${view} WITH ('connectors' = '[{"index": "${view}_idx", ${options}"transport": {"name": "dynamodb_output",
          "config": {"table": "${tables[view]}", ${pipelined}${connection}}}}]') AS ${query};
        CREATE INDEX ${view}_idx ON ${view}(${DYNAMODB_INDEX[view]});`;
    }
    return `CREATE VIEW ${view} WITH ('connectors' = '[{${options}"transport": {"name": "file_output", "config": {"path": "${view}.json"}}, ${FILE_FORMAT}}]')
        AS ${query};`;
  });
  return `
    CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, region VARCHAR) WITH ('connectors' = '[
      ${fileInput('customers.json')},
      ${datagen(3, Math.ceil(GENERATED.customers / GENERATION_SECONDS), GENERATED.customers, `"id": {"range": [${GEN_CUSTOMER_BASE}, ${GEN_CUSTOMER_BASE + GEN_CUSTOMERS}]},
        "name": {"strategy": "uniform", "values": ["gen-a", "gen-b", "gen-c"]}, "region": {"strategy": "uniform", "values": ["north", "south", "east"]}`)}
    ]');
    CREATE TABLE orders (oid INT NOT NULL PRIMARY KEY, cid INT NOT NULL, amount BIGINT NOT NULL) WITH ('connectors' = '[
      ${fileInput('orders.json')},
      ${datagen(7, Math.ceil(GENERATED.orders / GENERATION_SECONDS), GENERATED.orders, `"oid": {"range": [${GEN_ORDER_BASE}, ${GEN_ORDER_BASE + GEN_ORDERS}]},
        "cid": {"strategy": "uniform", "range": [0, ${CIDS}]}, "amount": {"strategy": "uniform", "range": [0, 2001]}`)}
    ]');
    CREATE TABLE events (cid INT NOT NULL, kind VARCHAR NOT NULL, qty INT) WITH ('connectors' = '[
      ${fileInput('events.json')},
      ${datagen(9, Math.ceil(GENERATED.events / GENERATION_SECONDS), GENERATED.events, `"cid": {"strategy": "uniform", "range": [0, ${CIDS}]},
        "kind": {"strategy": "uniform", "values": ["view", "cart", "buy"]}, "qty": {"strategy": "uniform", "range": [-50, 51], "null_percentage": 5}`)}
    ]');
    ${views.join('\n    ')}`;
}

/**
 * The three input files: inserts, updates and deletes of customers and orders by key, and inserts
 * and deletes of whole event rows (the table has no primary key; a delete names a row inserted
 * earlier, duplicates included). Many deletes take away a group's smallest or largest row.
 */
function inputFiles(seed: number): Record<string, string> {
  const random = seededRandom(seed);
  const below = (n: number): number => Math.floor(random() * n);
  const pick = <T>(values: readonly T[]): T => values[below(values.length)]!;

  // A delete names the row as it is (the key and the NOT NULL columns at least).
  const customers: string[] = [];
  const liveCustomers = new Map<number, { id: number; name: string }>();
  for (let i = 0; i < CUSTOMER_LINES; i += 1) {
    const id = i < FILE_CUSTOMERS ? i : below(FILE_CUSTOMERS);
    const existing = liveCustomers.get(id);
    if (i >= FILE_CUSTOMERS && existing && random() < 0.25) {
      customers.push(JSON.stringify({ delete: existing }));
      liveCustomers.delete(id);
    } else {
      const name = `c${id % 97}-${below(3)}`;
      customers.push(JSON.stringify({ insert: { id, name, region: random() < 0.05 ? null : pick(['north', 'south', 'east']) } }));
      liveCustomers.set(id, { id, name });
    }
  }

  const orders: string[] = [];
  const live = new Map<number, { cid: number; amount: number }>();
  const insertOrder = (oid: number): void => {
    const order = { cid: below(CIDS), amount: 1 + below(1_999) };
    live.set(oid, order);
    orders.push(JSON.stringify({ insert: { oid, ...order } }));
  };
  for (let i = 0; i < ORDER_LINES; i += 1) {
    if (i < FILE_ORDERS) {
      insertOrder(i);
      continue;
    }
    const choice = random();
    if (choice < 0.2 && live.size > 0) {
      // Delete the smallest or largest order of a customer that has one.
      const cid = [...live.values()][below(live.size)]!.cid;
      const mine = [...live].filter(([, o]) => o.cid === cid).sort(([, a], [, b]) => a.amount - b.amount);
      const [oid, order] = random() < 0.5 ? mine[0]! : mine[mine.length - 1]!;
      orders.push(JSON.stringify({ delete: { oid, ...order } }));
      live.delete(oid);
    } else if (choice < 0.3) {
      // Any order, or one that is not there (ignored).
      const oid = below(FILE_ORDERS);
      orders.push(JSON.stringify({ delete: { oid, ...(live.get(oid) ?? { cid: 0, amount: 0 }) } }));
      live.delete(oid);
    } else {
      insertOrder(below(FILE_ORDERS));
    }
  }

  const events: string[] = [];
  const present: Array<{ text: string; qty: number }> = [];
  for (let i = 0; i < EVENT_LINES; i += 1) {
    if (i > 1_000 && random() < 0.3) {
      // Delete a row inserted earlier, often the one with the largest or smallest qty.
      let at = below(present.length);
      const choice = random();
      if (choice < 0.4) {
        const better = (a: number, b: number): boolean => (choice < 0.2 ? a > b : a < b);
        at = present.reduce((best, row, j) => (better(row.qty, present[best]!.qty) ? j : best), 0);
      }
      const [row] = present.splice(at, 1);
      events.push(`{"delete":${row!.text}}`);
    } else {
      const qty = random() < 0.05 ? null : below(201) - 100;
      const text = JSON.stringify({ cid: below(CIDS), kind: pick(['view', 'cart', 'buy']), qty });
      // Some rows twice: the table holds duplicates.
      for (let copies = random() < 0.1 ? 2 : 1; copies > 0; copies -= 1) {
        present.push({ text, qty: qty ?? 0 });
        events.push(`{"insert":${text}}`);
      }
    }
  }
  const file = (lines: string[]): string => `${lines.join('\n')}\n`;
  return { 'customers.json': file(customers), 'orders.json': file(orders), 'events.json': file(events) };
}

/** The input files, the same for every run. */
const INPUTS = inputFiles(2_024);
const TOTAL_INPUT_ROWS = Object.values(INPUTS).reduce((rows, text) => rows + text.split('\n').length - 1, 0)
  + GENERATED.customers + GENERATED.orders + GENERATED.events;

interface Setup {
  dir: string;
  tables: Record<string, string>;
  args: string[];
}

async function setup(): Promise<Setup> {
  const tables: Record<string, string> = {};
  for (const [view, key] of Object.entries(DYNAMODB_VIEWS)) tables[view] = await createTable(ddb.client, key);
  const dir = writeFiles({ ...INPUTS, 'prog.sql': program(tables) });
  return { dir, tables, args: ['run', join(dir, 'prog.sql'), '--state-dir', join(dir, 'state')] };
}

interface Outputs {
  /** Each DynamoDB table's items, as sorted JSON lines. */
  tables: Record<string, string[]>;
  /** What a reader of each file ends with. */
  files: Record<string, string[]>;
}

async function outputs(run: Setup): Promise<Outputs> {
  const tables: Record<string, string[]> = {};
  for (const view of Object.keys(DYNAMODB_VIEWS)) {
    tables[view] = (await scanAll(ddb.client, run.tables[view]!)).map((item) => {
      const row = plainItem(item);
      return JSON.stringify(row, Object.keys(row).sort());
    }).sort();
  }
  const files: Record<string, string[]> = {};
  for (const view of FILE_VIEWS) files[view] = replay(readFileSync(join(run.dir, `${view}.json`), 'utf8'));
  return { tables, files };
}

/** An uninterrupted run, in a fresh state directory with fresh tables and files: what every table and file must end as. */
async function uninterruptedRun(): Promise<Outputs> {
  const baseline = await setup();
  const result = await startCli(baseline.args).result;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(inputRows(result), TOTAL_INPUT_ROWS);
  const ended = await outputs(baseline);
  for (const [name, rows] of [...Object.entries(ended.tables), ...Object.entries(ended.files)]) assert.ok(rows.length > 0, `${name} is empty`);
  return ended;
}

test('a program with joins, aggregates, DISTINCT, set operations, top-k and subqueries, killed with SIGKILL at random moments and run again each time, ends as an uninterrupted run', async (t) => {
  const run = await setup();
  const stateDir = join(run.dir, 'state');
  // Every DynamoDB view's index is known unique.
  const check = await runCli(['check', join(run.dir, 'prog.sql')]);
  assert.equal(check.code, 0, check.stderr);
  assert.doesNotMatch(check.stderr + check.stdout, /not known to be unique|warning/i);

  // The uninterrupted run goes on meanwhile: its input is rate-limited, not the machine.
  const baseline = uninterruptedRun();
  baseline.catch(() => {});
  const kills = 5 + Math.floor(Math.random() * 3);
  const started = Date.now();
  await killAtRandomMomentsAfterCheckpoints(run.args, stateDir, kills);
  const covered = coveredRows(stateDir);
  t.diagnostic(`killed ${kills} times in ${Date.now() - started} ms; the checkpoint covers step ${savedCheckpoint(stateDir).step}, ${covered} rows`);
  assert.ok(covered > 0);

  const last = await startCli(run.args).result;
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stderr, /resuming from .*state: checkpoint of step [1-9]/);
  // It resumed: the input the checkpoint covers is not read again.
  assert.ok(inputRows(last) <= TOTAL_INPUT_ROWS - covered, `${inputRows(last)} rows read again; ${covered} were covered`);
  assert.ok(inputRows(last) < TOTAL_INPUT_ROWS);
  t.diagnostic(`the last run read ${inputRows(last)} of ${TOTAL_INPUT_ROWS} rows: ${/resuming from [^"]*/.exec(last.stderr)?.[0]}`);

  const uninterrupted = await baseline;
  const resumed = await outputs(run);
  for (const view of Object.keys(DYNAMODB_VIEWS)) assert.deepEqual(resumed.tables[view], uninterrupted.tables[view], `DynamoDB table of view ${view}`);
  for (const view of FILE_VIEWS) assert.deepEqual(resumed.files[view], uninterrupted.files[view], `file of view ${view}`);

  // A state directory that holds this program's checkpoint is refused to another program, even
  // one whose circuit has the same shape (a constant changed), before anything is written.
  const other = { ...QUERIES, big_spenders: QUERIES['big_spenders']!.replace('1900', '1800') };
  writeFileSync(join(run.dir, 'other.sql'), program(run.tables, other));
  const files = FILE_VIEWS.map((view) => readFileSync(join(run.dir, `${view}.json`)));
  const refused = await startCli(['run', join(run.dir, 'other.sql'), '--state-dir', stateDir]).result;
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, new RegExp(`state directory ${stateDir} was written by a different program`));
  assert.deepEqual(FILE_VIEWS.map((view) => readFileSync(join(run.dir, `${view}.json`))), files, 'the refused run touched no file');
  assert.deepEqual(await outputs(run), resumed, 'the refused run wrote nothing');
  // The state directory is still the first program's: running it again reads nothing more.
  const again = await startCli(run.args).result;
  assert.equal(again.code, 0, again.stderr);
  assert.equal(inputRows(again), 0);
  assert.deepEqual(await outputs(run), resumed);
});
