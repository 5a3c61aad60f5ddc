/**
 * Reaching PostgreSQL: the `uri` option read into pg client settings (values come back as the
 * server's text, in the forms `values.ts` reads), TLS from the connector's own options, the URI
 * with its password masked for every message, and the server identity a replication slot is named
 * after.
 */
import type { ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import type { ConfigProblems } from '../../../util/config-problems.js';

/**
 * Session settings whose text forms the decoders expect: ISO dates, timestamps with time zone in
 * UTC, floats with every digit, bytea in hex. Set at connection start-up, which also reaches the
 * server process that decodes the replication stream.
 */
const SESSION_SETTINGS = ['DateStyle=ISO', 'TimeZone=UTC', 'IntervalStyle=postgres', 'extra_float_digits=3', 'bytea_output=hex'];

/** URI parameters that set up TLS; the connector's TLS options replace them when given. */
const URI_TLS_PARAMETERS = ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'sslnegotiation'];

const DEFAULT_PORT = '5432';
const CONNECT_TIMEOUT_MS = 10_000;
const MASK = '***';

/** Every value as the text the server sent: one decoder per PostgreSQL type reads it (`values.ts`). */
const TEXT_VALUES = { getTypeParser: () => (text: string) => text } as unknown as NonNullable<ClientConfig['types']>;

export interface PostgresServer {
  /** pg client settings. They hold the password: never print them. */
  readonly client: ClientConfig;
  /** The URI with its password replaced by `***`, for messages. */
  readonly shownUri: string;
  /** `host:port/database`: where a replication slot lives; no user or password, so rotating credentials keeps the slot. */
  readonly identity: string;
  /** The user as written in the URI (may be empty: the driver then uses PGUSER or the OS user). */
  readonly user: string;
  readonly database: string;
  /** The text with the password masked wherever it appears (e.g. in a driver's message). */
  redact(text: string): string;
}

/**
 * Reads `uri` (a `postgres://` or `postgresql://` URL). Problems go to `problems` under `uri`,
 * never with the URI itself, which holds a password.
 */
export function parseServer(uri: string, tls: ConnectionOptions | undefined, problems: ConfigProblems, requireDatabase: boolean): PostgresServer | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    problems.add('uri', 'must be a URL such as postgres://user:password@host:5432/database (the value is not shown: it may hold a password)');
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.add('uri', `must start with postgres:// or postgresql:// (got ${url.protocol}//)`);
    return undefined;
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (requireDatabase && (url.hostname === '' || database === '')) {
    problems.add('uri', 'must name a host and a database, e.g. postgres://user:password@host:5432/database');
    return undefined;
  }
  const password = decodeURIComponent(url.password);
  const connect = new URL(url.href);
  const userOptions = connect.searchParams.get('options');
  connect.searchParams.set('options', [userOptions, ...SESSION_SETTINGS.map((setting) => `-c ${setting}`)].filter(Boolean).join(' '));
  if (tls !== undefined) for (const name of URI_TLS_PARAMETERS) connect.searchParams.delete(name);
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = MASK;
  return {
    client: {
      connectionString: connect.href,
      ...(tls === undefined ? {} : { ssl: tls }),
      types: TEXT_VALUES,
      application_name: 'dynaview',
      keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    },
    shownUri: shown.href,
    identity: `${url.hostname}:${url.port || DEFAULT_PORT}/${database}`,
    user: decodeURIComponent(url.username),
    database,
    redact: (text) => (password === '' ? text : text.replaceAll(password, MASK).replaceAll(url.password, MASK)),
  };
}
