/**
 * The configurations of `postgres_input` (Feldera's PostgresReaderConfig: `uri`, `query`, TLS
 * options) and `postgres_cdc_input` (PostgresCdcReaderConfig: `uri`, `publication`,
 * `source_table`, CA options). Neither takes a `format`: rows arrive typed, not as text to parse.
 * Every problem is collected; values that may hold secrets (the URI, PEM text) are never echoed.
 */
import { z } from 'zod';
import { ConfigProblems, isPlainObject, parseOptions } from '../../../util/config-problems.js';
import type { InputContext, InputTransport } from '../input.js';
import { parseServer, type PostgresServer } from './connection.js';
import { TLS_CA_OPTIONS, TLS_CLIENT_OPTIONS, tlsOptions } from './tls.js';

export interface QueryInputConfig {
  readonly server: PostgresServer;
  /** The query as configured, without a trailing `;` (it is run inside a cursor declaration). */
  readonly query: string;
}

export interface CdcInputConfig {
  readonly server: PostgresServer;
  readonly publication: string;
  /** As configured, e.g. `public.orders`; PostgreSQL resolves it like a table name in SQL. */
  readonly sourceTable: string;
}

const URI = z.string({ error: 'is required: a URL such as postgres://user:password@host:5432/database' })
  .min(1, { error: 'must not be empty' });

const QUERY_SHAPE = z.strictObject({
  uri: URI,
  query: z.string({ error: 'is required: the query whose rows fill the table, e.g. "SELECT id, name FROM people"' })
    .refine((query) => withoutTrailingSemicolons(query) !== '', { error: 'must not be empty' }),
  ...TLS_CA_OPTIONS,
  ...TLS_CLIENT_OPTIONS,
});

const CDC_SHAPE = z.strictObject({
  uri: URI,
  publication: z.string({ error: 'is required: the publication that carries the table (CREATE PUBLICATION name FOR TABLE ...)' })
    .min(1, { error: 'must not be empty' }),
  source_table: z.string({ error: 'is required: the table to replicate, e.g. "public.orders"' })
    .min(1, { error: 'must not be empty' }),
  ...TLS_CA_OPTIONS,
});

/** Feldera's CDC connector takes only the CA options; the others are refused, without echoing a key. */
const CDC_REFUSED_OPTIONS = Object.keys(TLS_CLIENT_OPTIONS);

export function parseQueryConfig(transport: InputTransport, context: InputContext): QueryInputConfig {
  const problems = new ConfigProblems();
  refuseFormat(transport, problems);
  const options = parseOptions(QUERY_SHAPE, transport.config, [], 'a postgres_input option', problems) ?? {};
  const tls = tlsOptions(options, context.baseDir, problems);
  const server = options.uri === undefined ? undefined : parseServer(options.uri, tls, problems, false);
  problems.throwIfAny(`connector ${context.connector}`, { connector: context.connector });
  return { server: server!, query: withoutTrailingSemicolons(options.query!) };
}

export function parseCdcConfig(transport: InputTransport, context: InputContext): CdcInputConfig {
  const problems = new ConfigProblems();
  refuseFormat(transport, problems);
  let raw = transport.config;
  if (isPlainObject(raw)) {
    for (const field of CDC_REFUSED_OPTIONS) {
      if (raw[field] !== undefined) problems.add(field, 'is not supported by postgres_cdc_input (as in Feldera, its TLS options are ssl_ca_pem and ssl_ca_location)');
    }
    raw = Object.fromEntries(Object.entries(raw).filter(([field]) => !CDC_REFUSED_OPTIONS.includes(field)));
  }
  const options = parseOptions(CDC_SHAPE, raw, [], 'a postgres_cdc_input option', problems) ?? {};
  const tls = tlsOptions(options, context.baseDir, problems);
  const server = options.uri === undefined ? undefined : parseServer(options.uri, tls, problems, true);
  problems.throwIfAny(`connector ${context.connector}`, { connector: context.connector });
  return { server: server!, publication: options.publication!, sourceTable: options.source_table! };
}

function refuseFormat(transport: InputTransport, problems: ConfigProblems): void {
  if (transport.format !== undefined) {
    problems.add('format', `is not allowed: ${transport.name} reads typed rows from PostgreSQL and takes no format`);
  }
}

function withoutTrailingSemicolons(query: string): string {
  return query.replace(/[\s;]+$/, '').trim();
}
