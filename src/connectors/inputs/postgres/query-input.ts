/**
 * The `postgres_input` connector: runs its query once and pushes the rows, a cursor batch at a
 * time, then ends. A query cannot be read again from a position (its rows may change and have no
 * stable order), so the pipeline journals the pushes (`replay: 'journal'`). A restart after the
 * last row was pushed reads nothing more; a restart, or a lost connection, in the middle of the
 * rows runs the query again from the start when the table has a primary key (and fails with a
 * clear error when it has not: see `read-again.ts`).
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { SILENT_LOGGER } from '../../../util/silent-logger.js';
import { z } from 'zod';
import { DynaviewError, errorMessage } from '../../../errors.js';
import type { Update } from '../../../schema.js';
import { parsePosition, type InputContext, type InputPosition, type InputSink, type InputTable, type InputTransport, type JournaledInputConnector } from '../input.js';
import { RowReader } from './columns.js';
import { parseQueryConfig, type QueryInputConfig } from './config.js';
import { CURSOR_PREFIX, readInBatches, type RowBatch } from './cursor.js';
import { connectorError, loginError, POSTGRES_COLUMNS_MISSING, POSTGRES_PERMISSION_DENIED, POSTGRES_QUERY_FAILED, sqlState } from './errors.js';
import { assertCanReadAgain } from './read-again.js';
import { withReconnects } from './retry.js';
import { TypeDecoders } from './values.js';

/** How many rows of the query were pushed, and whether that was all of them. */
const POSITION_SHAPE = z.strictObject({ rows: z.int().min(0), done: z.boolean() });

export function createPostgresQueryInput(transport: InputTransport, context: InputContext): JournaledInputConnector {
  return new PostgresQueryInput(context, parseQueryConfig(transport, context));
}

class PostgresQueryInput implements JournaledInputConnector {
  readonly replay = 'journal';
  readonly name: string;
  private readonly table: InputTable;
  private readonly stopping = new AbortController();
  /** The pipeline's, once run() is called. */
  private log: Logger = SILENT_LOGGER;

  constructor(context: InputContext, private readonly config: QueryInputConfig) {
    this.name = context.connector;
    this.table = context.table;
  }

  describePosition(position: InputPosition): string {
    const { rows, done } = parsePosition(POSITION_SHAPE, position, this.name);
    return `${rows} rows of the query${done ? ' (all)' : ''}`;
  }

  async run(sink: InputSink, from?: InputPosition): Promise<void> {
    if (sink.logger) this.log = sink.logger;
    const start = from === undefined ? undefined : parsePosition(POSITION_SHAPE, from, this.name);
    if (start?.done) return;
    let cutShort = start !== undefined;
    await withReconnects({ connector: this.name, server: this.config.server, log: this.log, signal: this.stopping.signal, doing: 'running the query' }, async (connected) => {
      if (cutShort) assertCanReadAgain(this.table, this.name, 'query', 'the query\'s result');
      const client = new pg.Client(this.config.server.client);
      client.on('error', () => {});
      try {
        await this.connect(client);
        connected();
        await this.read(client, sink, () => { cutShort = true; });
      } finally {
        await client.end().catch(() => {});
      }
    });
  }

  stop(): void {
    this.stopping.abort();
  }

  private async connect(client: pg.Client): Promise<void> {
    try {
      await client.connect();
    } catch (error) {
      throw loginError(error, this.config.server, this.name) ?? error;
    }
  }

  /** Pushes every row of the query, in one read-only transaction; `pushed` is called after each push but the last. */
  private async read(client: pg.Client, sink: InputSink, pushed: () => void): Promise<void> {
    const types = new TypeDecoders();
    let reader: RowReader | undefined;
    let rows = 0;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for await (const batch of readInBatches(client, this.config.query)) {
        reader ??= await this.readerFor(client, batch, types);
        const changes: Update[] = [];
        for (const row of batch.rows) {
          rows += 1;
          const update = reader.insert((column) => row[column], `row ${rows} of the query`, this.name, (error) => sink.reportError(error));
          if (update !== undefined) changes.push(update);
        }
        await sink.push(changes, { rows, done: batch.last });
        // The read-only transaction ends with the connection.
        if (batch.last || this.stopping.signal.aborted) return;
        pushed();
      }
    } catch (error) {
      throw this.queryError(error);
    }
  }

  private async readerFor(client: pg.Client, batch: RowBatch, types: TypeDecoders): Promise<RowReader> {
    await types.learn(client, batch.fields.map((field) => field.dataTypeID));
    const reader = RowReader.match(this.table, batch.fields.map((field) => ({ name: field.name, typeOid: field.dataTypeID })), types);
    const missing = reader.missingNotNull;
    if (missing.length > 0) {
      throw connectorError(POSTGRES_COLUMNS_MISSING, this.name, 'query',
        `returns no column for ${missing.join(', ')}, NOT NULL in table ${this.table.name}: name the columns of the result after the table's `
          + `(e.g. SELECT amount AS ${missing[0]!} ...), or give a constant (1 AS ${missing[0]!})`);
    }
    return reader;
  }

  /** A server error about the query, with its position in the query as configured; others as they are. */
  private queryError(error: unknown): unknown {
    if (error instanceof DynaviewError) return error;
    const state = sqlState(error);
    if (state === undefined || state.startsWith('08') || state.startsWith('57')) return error;
    const said = this.config.server.redact(errorMessage(error));
    if (state === '42501') {
      return connectorError(POSTGRES_PERMISSION_DENIED, this.name, 'query',
        `${said}: grant the user of uri what the query reads, e.g. GRANT SELECT ON <table> TO <user>`, error);
    }
    const at = Number((error as { position?: unknown }).position) - CURSOR_PREFIX.length;
    return connectorError(POSTGRES_QUERY_FAILED, this.name, 'query',
      `PostgreSQL cannot run the query: ${said}${at > 0 ? ` (at character ${at} of the query)` : ''}`, error);
  }
}
