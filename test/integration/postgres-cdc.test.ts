// postgres_cdc_input against a real PostgreSQL: a snapshot, then the table's changes from a
// replication slot; restarts from any position it pushed; the slot advancing only when told;
// server restarts outlived; and every setup problem one clear error that names the option and
// the fix, never the password.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InputConnector, InputPosition, InputTable } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import { coerceRow } from '../../src/engine/coerce.js';
import { DynaviewError } from '../../src/errors.js';
import { inputTable, RecordingSink, type ColumnSpec } from '../support/inputs.js';
import { startPostgres, SUPERUSER_PASSWORD, tableRows, usePostgres } from '../support/postgres.js';

const postgres = usePostgres();

const ORDER_COLUMNS: ColumnSpec[] = [['id', 'INT'], ['customer', 'VARCHAR', false], ['amount', 'DECIMAL(10, 2)'], ['note', 'VARCHAR']];

/** The SQL table `orders` the source table is read into. */
const orders = (primaryKey: string[] = []): InputTable => inputTable('orders', ORDER_COLUMNS, primaryKey);

interface Source {
  name: string;
  publication: string;
}

let sources = 0;

/** A new source table with its publication; `identity` its REPLICA IDENTITY. */
async function source(identity: 'FULL' | 'DEFAULT' = 'FULL', rows = 3): Promise<Source> {
  sources += 1;
  const name = `orders_${sources}`;
  await postgres.query(`CREATE TABLE ${name} (id INT PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC(10, 2), note TEXT, extra TEXT DEFAULT 'ignored')`);
  await postgres.query(`ALTER TABLE ${name} REPLICA IDENTITY ${identity}`);
  await postgres.query(`INSERT INTO ${name} (id, customer, amount) SELECT n, 'c' || (n % 7), n * 1.5 FROM generate_series(1, ${rows}) AS n`);
  await postgres.query(`CREATE PUBLICATION ${name}_pub FOR TABLE ${name}`);
  return { name, publication: `${name}_pub` };
}

function cdcInput(from: Source, sqlTable: InputTable, config: Record<string, unknown> = {}): InputConnector {
  return createInputConnector({
    name: 'postgres_cdc_input',
    config: { uri: postgres.uri(), publication: from.publication, source_table: `public.${from.name}`, ...config },
  }, { connector: 'orders.cdc', table: sqlTable, baseDir: '.' });
}

/** The rows of the source table as the SQL table holds them. */
async function sourceRows(from: Source, sqlTable: InputTable): Promise<string[]> {
  const rows = await postgres.query(`SELECT id, customer, amount::text, note FROM ${from.name}`);
  return tableRows(rows.map((row) => ({ row: coerceRow(sqlTable.columns, row), weight: 1 })), sqlTable.primaryKey);
}

function streamed(sink: RecordingSink): boolean {
  return sink.pushes.some((pushed) => 'stream' in (pushed.position as object));
}

/** Connectors running in the background, stopped after each test whatever its outcome. */
const running = new Set<InputConnector>();
afterEach(() => {
  for (const connector of running) connector.stop();
  running.clear();
});

/** Runs the connector in the background; `finish` stops it and returns how its run ended. */
function background(connector: InputConnector, sink: RecordingSink, from?: InputPosition): { finish(): Promise<void>; ended: Promise<unknown> } {
  running.add(connector);
  const ended = connector.run(sink, from).then(() => undefined, (error: unknown) => error);
  return {
    ended,
    async finish() {
      connector.stop();
      const outcome = await ended;
      if (outcome !== undefined) throw outcome;
    },
  };
}

/** The confirmed_flush_lsn of the slot a connector's position names. */
async function slotConfirmedFlush(position: InputPosition | undefined): Promise<string | undefined> {
  const slot = (position as { slot: string }).slot;
  return (await postgres.query<{ lsn: string }>('SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1', [slot]))[0]?.lsn;
}

async function rejection(promise: Promise<unknown>): Promise<DynaviewError> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  assert.ok(outcome instanceof DynaviewError, `expected a DynaviewError, got ${String(outcome)}`);
  return outcome;
}

function assertNoPassword(text: string): void {
  assert.ok(!text.includes(SUPERUSER_PASSWORD) && !text.includes(encodeURIComponent(SUPERUSER_PASSWORD)), `the password shows in: ${text}`);
}

describe('postgres_cdc_input', { timeout: 120_000 }, () => {
  test('takes a snapshot, then streams the inserts, updates and deletes of several transactions (an update as a delete and an insert)', async () => {
    const from = await source();
    const sqlTable = orders();
    const sink = new RecordingSink();
    const run = background(cdcInput(from, sqlTable), sink);
    await sink.until(streamed, 'the snapshot');
    assert.deepEqual(tableRows(sink.updates), await sourceRows(from, sqlTable));
    const snapshotChanges = sink.updates.length;

    await postgres.query(`INSERT INTO ${from.name} (id, customer, amount, note) VALUES (10, 'new', 9.99, 'hello')`);
    await postgres.query(`BEGIN; UPDATE ${from.name} SET amount = amount + 1 WHERE id <= 2; DELETE FROM ${from.name} WHERE id = 3; COMMIT`);
    await postgres.query(`UPDATE ${from.name} SET note = 'changed', extra = 'still ignored' WHERE id = 10`);
    await sink.until((s) => s.updates.length === snapshotChanges + 1 + 4 + 1 + 2, 'the changes of three transactions');
    assert.deepEqual(tableRows(sink.updates), await sourceRows(from, sqlTable));
    assert.deepEqual(sink.updates.slice(snapshotChanges + 1, snapshotChanges + 3).map((u) => [u.weight, u.row['id'], String(u.row['amount'])]),
      [[-1, 1, '1.5'], [1, 1, '2.5']]);
    assert.deepEqual(sink.errors, []);
    await run.finish();
  });

  test('pushes a transaction of many rows in chunks, and a restart from inside it pushes only the rest', async () => {
    const from = await source('FULL', 0);
    const sqlTable = orders(['id']);
    const sink = new RecordingSink();
    const connector = cdcInput(from, sqlTable);
    const run = background(connector, sink);
    await sink.until(streamed, 'the snapshot');
    await postgres.query(`INSERT INTO ${from.name} (id, customer) SELECT n, 'bulk' FROM generate_series(1, 25000) AS n`);
    await sink.until((s) => s.updates.length === 25000, 'the bulk insert');
    const chunks = sink.pushes.filter((pushed) => pushed.changes.length > 0);
    assert.deepEqual(chunks.map((pushed) => [pushed.changes.length, (pushed.position as { stream: { changes: number } }).stream.changes]),
      [[10000, 10000], [10000, 20000], [5000, 0]]);
    await run.finish();

    // The journal's last push was the first chunk: the rest comes, and nothing twice.
    const restarted = new RecordingSink();
    const again = background(cdcInput(from, sqlTable), restarted, chunks[0]!.position);
    await restarted.until((s) => s.updates.length >= 15000, 'the rest of the transaction');
    assert.deepEqual(restarted.updates.map((u) => u.row['id']), Array.from({ length: 15000 }, (_, i) => 10001 + i));
    await again.finish();
  });

  test('tells the slot it may drop the log only up to a committed position, and a restart from a later one skips what was pushed', async () => {
    const from = await source('FULL', 2);
    const sqlTable = orders();
    const sink = new RecordingSink();
    const connector = cdcInput(from, sqlTable);
    const run = background(connector, sink);
    await sink.until(streamed, 'the snapshot');
    const before = await slotConfirmedFlush(sink.lastPosition);
    await postgres.query(`INSERT INTO ${from.name} (id, customer) VALUES (100, 'a')`);
    await postgres.query(`INSERT INTO ${from.name} (id, customer) VALUES (101, 'b')`);
    await sink.until((s) => s.updates.length === 4, 'two inserts');
    assert.equal(await slotConfirmedFlush(sink.lastPosition), before, 'nothing committed yet: the slot keeps everything');
    const firstInsert = sink.pushes.find((pushed) => pushed.changes.some((u) => u.row['id'] === 100))!.position;
    connector.committed!(firstInsert);
    const committedLsn = (firstInsert as { stream: { lsn: string } }).stream.lsn;
    await waitFor(async () => (await slotConfirmedFlush(sink.lastPosition)) === committedLsn, 'the slot to advance');
    await run.finish();

    await postgres.query(`INSERT INTO ${from.name} (id, customer) VALUES (102, 'c')`);
    const restarted = new RecordingSink();
    const again = background(cdcInput(from, sqlTable), restarted, sink.lastPosition);
    await restarted.until((s) => s.updates.length === 1, 'the insert made while stopped');
    assert.equal(restarted.updates[0]!.row['id'], 102);
    await again.finish();
  });

  test('a restart during the snapshot reads the table again when the SQL table has a primary key, and is refused without one', async () => {
    const from = await source('FULL', 12000);
    const keyed = orders(['id']);
    const first = new RecordingSink();
    const connector = cdcInput(from, keyed);
    first.onPush = () => connector.stop();
    await connector.run(first);
    assert.ok('snapshot' in (first.lastPosition as object), JSON.stringify(first.lastPosition));
    await postgres.query(`DELETE FROM ${from.name} WHERE id = 1`);
    await postgres.query(`UPDATE ${from.name} SET note = 'late' WHERE id = 2`);

    const second = new RecordingSink();
    const run = background(cdcInput(from, keyed), second, first.lastPosition);
    const expected = await sourceRows(from, keyed);
    await second.until((s) => streamed(s) && sameRows(tableRows([...first.updates, ...s.updates], ['id']), expected),
      'the second read and the changes made in between');
    await run.finish();

    const refused = await rejection(cdcInput(from, orders()).run(new RecordingSink(), first.lastPosition));
    assert.equal(refused.code, 'POSTGRES_READ_INTERRUPTED');
  });

  test('with REPLICA IDENTITY DEFAULT and a primary key, deletes and updates find the row by key; an unchanged TOASTed value it reads skips the update with a report', async () => {
    const from = await source('DEFAULT', 3);
    const sqlTable = orders(['id']);
    const sink = new RecordingSink();
    const run = background(cdcInput(from, sqlTable), sink);
    await sink.until(streamed, 'the snapshot');
    await postgres.query(`UPDATE ${from.name} SET id = 30 WHERE id = 3`);
    await postgres.query(`DELETE FROM ${from.name} WHERE id = 1`);
    // A value too large to stay in the row is TOASTed; an update that leaves it alone does not send it.
    await postgres.query(`UPDATE ${from.name} SET note = (SELECT string_agg(md5(n::text), '') FROM generate_series(1, 2000) AS n) WHERE id = 2`);
    await postgres.query(`UPDATE ${from.name} SET amount = 99 WHERE id = 2`);
    await sink.until((s) => s.errors.length === 1, 'the skipped update');
    assert.equal(sink.errors[0]!.code, 'POSTGRES_CHANGE_SKIPPED');
    assert.match(sink.errors[0]!.message, /update in public\.orders_\d+ \(transaction committed at LSN [0-9A-F/]+\): the new row leaves out the unchanged TOASTed value of note.*REPLICA IDENTITY FULL \(change skipped\)$/);
    const rows = tableRows(sink.updates, ['id']).map((row) => JSON.parse(row) as { id: number; amount: string });
    assert.deepEqual(rows.map((row) => [row.id, row.amount]), [[2, '3'], [30, '4.5']]);
    await run.finish();
  });

  test('with REPLICA IDENTITY FULL an update that leaves a TOASTed value alone keeps it', async () => {
    const from = await source('FULL', 1);
    const sink = new RecordingSink();
    const sqlTable = orders();
    const run = background(cdcInput(from, sqlTable), sink);
    await sink.until(streamed, 'the snapshot');
    await postgres.query(`UPDATE ${from.name} SET note = (SELECT string_agg(md5(n::text), '') FROM generate_series(1, 2000) AS n) WHERE id = 1`);
    await postgres.query(`UPDATE ${from.name} SET amount = 99 WHERE id = 1`);
    await sink.until((s) => s.updates.length === 5, 'two updates');
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(tableRows(sink.updates), await sourceRows(from, sqlTable));
    await run.finish();
  });

  test('a TRUNCATE of the source table stops the run with an error that says how to go on', async () => {
    const from = await source('FULL', 2);
    const sink = new RecordingSink();
    const run = background(cdcInput(from, orders()), sink);
    await sink.until(streamed, 'the snapshot');
    await postgres.query(`TRUNCATE ${from.name}`);
    const error = await run.ended;
    assert.ok(error instanceof DynaviewError, String(error));
    assert.equal(error.code, 'POSTGRES_TRUNCATE_NOT_SUPPORTED');
    assert.match(error.message, /^connector orders\.cdc: source_table: public\.orders_\d+ was truncated.*empty state directory.*ALTER PUBLICATION orders_\d+_pub SET \(publish = 'insert, update, delete'\)$/);
  });

  test('outlives a PostgreSQL restart while streaming, and loses no change', async () => {
    const from = await source('FULL', 2);
    const sink = new RecordingSink();
    const sqlTable = orders();
    const run = background(cdcInput(from, sqlTable), sink);
    await sink.until(streamed, 'the snapshot');
    await postgres.query(`INSERT INTO ${from.name} (id, customer) VALUES (50, 'before')`);
    await sink.until((s) => s.updates.length === 3, 'the insert before the restart');
    await postgres.restart();
    await postgres.query(`INSERT INTO ${from.name} (id, customer) VALUES (51, 'after')`);
    await sink.until((s) => s.updates.length === 4, 'the insert after the restart');
    assert.deepEqual(tableRows(sink.updates), await sourceRows(from, sqlTable));
    await run.finish();
  });

  test('each setup problem is one error naming the connector, the option and the fix, never the password', async () => {
    const from = await source('FULL', 1);
    const sqlTable = orders();
    const failure = async (config: Record<string, unknown>, sqlTableOverride = sqlTable): Promise<DynaviewError> => {
      const error = await rejection(cdcInput(from, sqlTableOverride, config).run(new RecordingSink()));
      assertNoPassword(error.message);
      return error;
    };
    const noPublication = await failure({ publication: 'nope' });
    assert.equal(noPublication.code, 'POSTGRES_PUBLICATION_MISSING');
    assert.match(noPublication.message, /^connector orders\.cdc: publication: publication "nope" does not exist in database postgres: run CREATE PUBLICATION nope FOR TABLE public\.orders_\d+$/);

    await postgres.query('CREATE TABLE unrelated (id INT PRIMARY KEY)');
    await postgres.query('CREATE PUBLICATION other_pub FOR TABLE unrelated');
    const notPublished = await failure({ publication: 'other_pub' });
    assert.equal(notPublished.code, 'POSTGRES_TABLE_NOT_PUBLISHED');
    assert.match(notPublished.message, /publication: publication "other_pub" does not carry table public\.orders_\d+: run ALTER PUBLICATION other_pub ADD TABLE public\.orders_\d+$/);

    const noTable = await failure({ source_table: 'public.nothing_here' });
    assert.equal(noTable.code, 'POSTGRES_TABLE_NOT_FOUND');
    assert.match(noTable.message, /^connector orders\.cdc: source_table: table "public\.nothing_here" does not exist in database postgres/);

    const login = await failure({ uri: postgres.uri({ password: 'wrong' }) });
    assert.equal(login.code, 'POSTGRES_LOGIN_FAILED');
    assert.match(login.message, /^connector orders\.cdc: uri: PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres refused the login/);

    await postgres.query(`CREATE ROLE reader LOGIN PASSWORD '${SUPERUSER_PASSWORD}'`);
    await postgres.query(`GRANT SELECT ON ${from.name} TO reader`);
    const noReplication = await failure({ uri: postgres.uri({ user: 'reader' }) });
    assert.equal(noReplication.code, 'POSTGRES_REPLICATION_NOT_ALLOWED');
    assert.match(noReplication.message, /^connector orders\.cdc: uri: .*run ALTER ROLE reader WITH REPLICATION$/);

    const missingColumn = await failure({}, inputTable('orders', [...ORDER_COLUMNS, ['region', 'VARCHAR', false]]));
    assert.equal(missingColumn.code, 'POSTGRES_COLUMNS_MISSING');
    assert.match(missingColumn.message, /^connector orders\.cdc: source_table: public\.orders_\d+ has no column region, NOT NULL in table orders/);

    const keyless = await source('DEFAULT', 1);
    const identity = await rejection(cdcInput(keyless, sqlTable).run(new RecordingSink()));
    assert.equal(identity.code, 'POSTGRES_REPLICA_IDENTITY_INSUFFICIENT');
    assert.match(identity.message, /REPLICA IDENTITY DEFAULT.*table orders has no primary key.*run ALTER TABLE public\.orders_\d+ REPLICA IDENTITY FULL/);

    const replica = await startPostgres({ walLevel: 'replica' });
    try {
      const walLevel = await rejection(cdcInput(from, sqlTable, { uri: replica.uri() }).run(new RecordingSink()));
      assert.equal(walLevel.code, 'POSTGRES_WAL_LEVEL_NOT_LOGICAL');
      assert.match(walLevel.message, /^connector orders\.cdc: uri: PostgreSQL at postgres:\/\/postgres:\*\*\*@.* has wal_level = replica.*ALTER SYSTEM SET wal_level = logical; and restart the server$/);
      assertNoPassword(walLevel.message);
    } finally {
      await replica.stop();
    }
  });
});

function sameRows(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((row, i) => row === b[i]);
}

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
