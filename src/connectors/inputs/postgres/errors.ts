/**
 * What can go wrong between the Postgres connectors and the server, as DynaviewErrors with stable
 * codes. A setup problem names the connector, the option it concerns and what to run to fix it;
 * `isTransient` is the one place that decides which failures a reconnect can cure.
 */
import { DynaviewError, errorMessage } from '../../../errors.js';
import type { PostgresServer } from './connection.js';

/** The server refused the login: user, password, database or pg_hba.conf. */
export const POSTGRES_LOGIN_FAILED = 'POSTGRES_LOGIN_FAILED';
/** The server could not be reached before the start-up deadline. */
export const POSTGRES_UNREACHABLE = 'POSTGRES_UNREACHABLE';
export const POSTGRES_WAL_LEVEL_NOT_LOGICAL = 'POSTGRES_WAL_LEVEL_NOT_LOGICAL';
export const POSTGRES_REPLICATION_NOT_ALLOWED = 'POSTGRES_REPLICATION_NOT_ALLOWED';
export const POSTGRES_PUBLICATION_MISSING = 'POSTGRES_PUBLICATION_MISSING';
/** The publication exists but does not carry the table, or not its inserts, updates and deletes. */
export const POSTGRES_TABLE_NOT_PUBLISHED = 'POSTGRES_TABLE_NOT_PUBLISHED';
export const POSTGRES_TABLE_NOT_FOUND = 'POSTGRES_TABLE_NOT_FOUND';
/** A NOT NULL column of the SQL table has no column of that name in the source. */
export const POSTGRES_COLUMNS_MISSING = 'POSTGRES_COLUMNS_MISSING';
export const POSTGRES_REPLICA_IDENTITY_INSUFFICIENT = 'POSTGRES_REPLICA_IDENTITY_INSUFFICIENT';
export const POSTGRES_PERMISSION_DENIED = 'POSTGRES_PERMISSION_DENIED';
export const POSTGRES_QUERY_FAILED = 'POSTGRES_QUERY_FAILED';
/** The replication slot a saved position needs is gone, invalidated or past the position: changes were lost. */
export const POSTGRES_SLOT_LOST = 'POSTGRES_SLOT_LOST';
/** A restart found a read (query or snapshot) cut short, and reading it again would count rows twice. */
export const POSTGRES_READ_INTERRUPTED = 'POSTGRES_READ_INTERRUPTED';
export const POSTGRES_TRUNCATE_NOT_SUPPORTED = 'POSTGRES_TRUNCATE_NOT_SUPPORTED';
/** Logged, not thrown: the connection was lost and is being made again. */
export const POSTGRES_CONNECTION_LOST = 'POSTGRES_CONNECTION_LOST';
/** A change that cannot be applied (its old row or a value is unknown): skipped and reported. */
export const POSTGRES_CHANGE_SKIPPED = 'POSTGRES_CHANGE_SKIPPED';

/** `connector <name>: <field>: <problem>`, with the connector and field in the error's context. */
export function connectorError(code: string, connector: string, field: string, problem: string, cause?: unknown): DynaviewError {
  return new DynaviewError(code, `connector ${connector}: ${field}: ${problem}`, {
    context: { connector, field },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The SQLSTATE of a server error (`42P01`, ...); undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND',
]);

/**
 * Server states a reconnect outlives: shutting down or starting up (57P01-57P03), out of
 * connections (53300), a connection failure (class 08), and a replication slot still held by the
 * server process of a connection that just broke (55006).
 */
const TRANSIENT_SQL_STATES = new Set(['57P01', '57P02', '57P03', '53300', '55006']);

/** Messages the pg driver throws without a code when the connection goes away. */
const TRANSIENT_DRIVER_MESSAGES = /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|Connection closed/i;

export function isTransient(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== undefined) return TRANSIENT_SQL_STATES.has(state) || state.startsWith('08');
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true;
  return error instanceof Error && TRANSIENT_DRIVER_MESSAGES.test(error.message);
}

/** A failed login as the setup problem it is; undefined when `error` is something else. */
export function loginError(error: unknown, server: PostgresServer, connector: string): DynaviewError | undefined {
  const said = server.redact(errorMessage(error));
  switch (sqlState(error)) {
    case '28P01':
    case '28000':
      return connectorError(POSTGRES_LOGIN_FAILED, connector, 'uri',
        `PostgreSQL at ${server.shownUri} refused the login (${said}): check the user name and password in uri, and that pg_hba.conf lets this user connect from here`, error);
    case '3D000':
      return connectorError(POSTGRES_LOGIN_FAILED, connector, 'uri',
        `${said} on ${server.shownUri}: create it (CREATE DATABASE ${quoteIdentifier(server.database)}) or fix the database name in uri`, error);
    case '42501':
      if (!/database/i.test(said)) return undefined;
      return connectorError(POSTGRES_LOGIN_FAILED, connector, 'uri',
        `${said}: run GRANT CONNECT ON DATABASE ${quoteIdentifier(server.database)} TO ${quoteIdentifier(server.user)}`, error);
    default:
      return undefined;
  }
}

/** An identifier as PostgreSQL reads it back unchanged: bare when it is lower case and plain, quoted otherwise. */
export function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}
