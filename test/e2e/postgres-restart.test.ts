/**
 * postgres_cdc_input through `dynaview run`, into DynamoDB Local: a run killed with SIGKILL while
 * changes stream in, and started again from its state directory, ends with the DynamoDB tables an
 * uninterrupted run leaves (those of the source's final contents: no change lost, none applied
 * twice); and a PostgreSQL restart while streaming is retried, logged without the password, and
 * loses nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { sleep } from '../../src/util/sleep.js';
import { startCli, writeFiles, type RunningCli } from '../support/cli.js';
import { createTable, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { sortedRows } from '../support/items.js';
import { SUPERUSER_PASSWORD, usePostgres } from '../support/postgres.js';
import { checkpointBeyond, journaledThrough } from '../support/restarts.js';

const ddb = useDynamoDB();
const postgres = usePostgres();

const CUSTOMERS = 40;

interface Source {
  table: string;
  publication: string;
}

let sources = 0;

async function source(rows: number): Promise<Source> {
  sources += 1;
  const table = `shop_orders_${sources}`;
  await postgres.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, customer INT NOT NULL, amount NUMERIC(10, 2) NOT NULL)`);
  await postgres.query(`ALTER TABLE ${table} REPLICA IDENTITY FULL`);
  await postgres.query(`INSERT INTO ${table} SELECT n, n % ${CUSTOMERS}, (n % 97) + 0.25 FROM generate_series(1, ${rows}) AS n`);
  await postgres.query(`CREATE PUBLICATION ${table}_pub FOR TABLE ${table}`);
  return { table, publication: `${table}_pub` };
}

interface Outputs {
  orders: string;
  totals: string;
}

function program(from: Source, outputs: Outputs): string {
  const connection = Object.entries(localConnection(ddb.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
  return `
    CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, customer INT NOT NULL, amount DECIMAL(10, 2) NOT NULL) WITH ('connectors' = '[{
      "name": "pg", "transport": {"name": "postgres_cdc_input", "config": {
        "uri": "${postgres.uri()}", "publication": "${from.publication}", "source_table": "public.${from.table}"}}}]');
    CREATE VIEW every_order WITH ('connectors' = '[{"index": "every_order_idx", "transport": {"name": "dynamodb_output",
      "config": {"table": "${outputs.orders}", ${connection}}}}]') AS SELECT * FROM orders;
    CREATE INDEX every_order_idx ON every_order(id);
    CREATE VIEW per_customer WITH ('connectors' = '[{"index": "per_customer_idx", "transport": {"name": "dynamodb_output",
      "config": {"table": "${outputs.totals}", ${connection}}}}]')
      AS SELECT customer, COUNT(*) AS orders, SUM(amount) AS total FROM orders GROUP BY customer;
    CREATE INDEX per_customer_idx ON per_customer(customer);`;
}

async function outputs(): Promise<Outputs> {
  return { orders: await createTable(ddb.client, { hash: ['id', 'N'] }), totals: await createTable(ddb.client, { hash: ['customer', 'N'] }) };
}

/** What DynamoDB holds, as plain sorted rows. */
async function written(tables: Outputs): Promise<unknown> {
  return {
    orders: sortedRows(await scanAll(ddb.client, tables.orders), 'id'),
    totals: sortedRows(await scanAll(ddb.client, tables.totals), 'customer'),
  };
}

/** What an uninterrupted run leaves in DynamoDB: the views of the source table's contents now. */
async function expected(from: Source): Promise<unknown> {
  const orders = await postgres.query<{ id: number; customer: number; amount: string }>(`SELECT id, customer, amount::text FROM ${from.table} ORDER BY id`);
  const totals = await postgres.query<{ customer: number; orders: string; total: string }>(
    `SELECT customer, count(*) AS orders, sum(amount)::text AS total FROM ${from.table} GROUP BY customer ORDER BY customer`);
  return {
    orders: orders.map((row) => ({ id: row.id, customer: row.customer, amount: Number(row.amount) })),
    totals: totals.map((row) => ({ customer: row.customer, orders: Number(row.orders), total: Number(row.total) })),
  };
}

/** Resolves once DynamoDB holds what an uninterrupted run leaves. */
async function caughtUp(from: Source, tables: Outputs, cli: RunningCli): Promise<void> {
  let exited = false;
  void cli.result.then(() => { exited = true; });
  const deadline = Date.now() + 60_000;
  const want = await expected(from);
  for (;;) {
    if (isDeepStrictEqual(await written(tables), want)) return;
    if (exited) assert.fail(`the run ended before catching up: ${(await cli.result).stderr}`);
    if (Date.now() > deadline) {
      cli.child.kill('SIGKILL');
      assert.deepEqual(await written(tables), want, `DynamoDB did not catch up with PostgreSQL: ${(await cli.result).stderr}`);
    }
    await sleep(200);
  }
}

/** Small transactions of inserts, updates and deletes, about 40 a second, until stopped. */
function changes(from: Source, firstId: number): { stop(): Promise<number> } {
  let stopping = false;
  const done = (async () => {
    let id = firstId;
    let transactions = 0;
    while (!stopping) {
      id += 1;
      transactions += 1;
      await postgres.query(`BEGIN;
        INSERT INTO ${from.table} VALUES (${id}, ${id % CUSTOMERS}, ${(id % 89) + 0.5});
        UPDATE ${from.table} SET amount = amount + 1, customer = (customer + 1) % ${CUSTOMERS} WHERE id = ${(id * 7) % firstId + 1};
        DELETE FROM ${from.table} WHERE id = ${(id * 13) % firstId + 1};
        COMMIT`);
      await sleep(25);
    }
    return transactions;
  })();
  return {
    async stop() {
      stopping = true;
      return done;
    },
  };
}

function assertNoPassword(text: string): void {
  assert.ok(!text.includes(SUPERUSER_PASSWORD) && !text.includes(encodeURIComponent(SUPERUSER_PASSWORD)), 'the password shows in the output');
}

/** A run that cannot catch up fails the test instead of holding up the suite. */
const TEST_TIMEOUT_MS = 180_000;

test('a run killed with SIGKILL while changes stream in, and started again from its state directory, leaves the tables of an uninterrupted run', { timeout: TEST_TIMEOUT_MS }, async () => {
  const from = await source(1_000);
  const tables = await outputs();
  const dir = writeFiles({ 'shop.sql': program(from, tables) });
  const stateDir = join(dir, 'state');
  const args = ['run', join(dir, 'shop.sql'), '--state-dir', stateDir];
  const writer = changes(from, 1_000);
  for (let kills = 0; kills < 2; kills += 1) {
    const cli = startCli(args);
    await checkpointBeyond(stateDir, journaledThrough(stateDir), cli);
    await sleep(100 + Math.random() * 400);
    cli.child.kill('SIGKILL');
    assertNoPassword((await cli.result).stderr);
  }
  const transactions = await writer.stop();
  assert.ok(transactions > 20, `only ${transactions} transactions ran while the runs were killed`);

  const last = startCli(args);
  // The tables may already match what the killed runs wrote: a SIGTERM before the run has started
  // (and set up its signal handling) would end the process by the signal instead of an orderly stop.
  await last.waitFor(/resuming from .*state: checkpoint of step [1-9]/);
  await caughtUp(from, tables, last);
  last.child.kill('SIGTERM');
  const result = await last.result;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /resuming from .*state: checkpoint of step [1-9]/);
  assertNoPassword(result.stdout + result.stderr);
});

test('a PostgreSQL restart while streaming is retried and logged without the password, and loses no change', { timeout: TEST_TIMEOUT_MS }, async () => {
  const from = await source(100);
  const tables = await outputs();
  const dir = writeFiles({ 'shop.sql': program(from, tables) });
  const cli = startCli(['run', join(dir, 'shop.sql')]);
  await postgres.query(`INSERT INTO ${from.table} VALUES (1001, 1, 10)`);
  await caughtUp(from, tables, cli);

  await postgres.restart();
  await postgres.query(`INSERT INTO ${from.table} VALUES (1002, 2, 20)`);
  await postgres.query(`DELETE FROM ${from.table} WHERE id = 1`);
  await caughtUp(from, tables, cli);
  await cli.waitFor(/lost the connection to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres/);

  cli.child.kill('SIGTERM');
  const result = await cli.result;
  assert.equal(result.code, 0, result.stderr);
  assertNoPassword(result.stdout + result.stderr);
});
