/**
 * The `postgres_cdc_input` connector: a consistent snapshot of the source table, then its changes
 * from a logical replication slot, for as long as the run lasts.
 *
 * A first run creates the slot (named as in `slot.ts`) and, in the same moment, a snapshot of the
 * database: the table is read in that snapshot and the stream starts where it was taken, so no
 * change is missed or counted twice. The stream's changes cannot be read again once the slot has
 * let go of them, so the pipeline journals the pushes (`replay: 'journal'`), and the slot is told
 * it may let go only of what `committed` reports (written everywhere, and covered by a checkpoint
 * with a state directory): at-least-once delivery, made exactly-once per run by skipping, from the
 * position a restart is given, what the stream sends again.
 *
 * Restarts: without a position (no state directory, or a fresh one) the slot is dropped and
 * created anew, with a new snapshot. From a position in the stream, the stream goes on from the
 * slot. From a position in the snapshot (the run stopped while reading the table), the table is
 * read again, and the stream then starts where the first snapshot was taken: the rows read twice
 * replace themselves in a table with a primary key (without one the restart is refused, see
 * `read-again.ts`), and the changes between the two reads are applied again on top, which leaves
 * every row as the last change made it. Lost connections and server restarts are retried
 * (`retry.ts`).
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { SILENT_LOGGER } from '../../../util/silent-logger.js';
import { errorMessage } from '../../../errors.js';
import type { Update } from '../../../schema.js';
import type { InputContext, InputPosition, InputSink, InputTable, InputTransport, JournaledInputConnector } from '../input.js';
import { readCdcPosition, snapshotPosition, streamPosition, type CdcPosition, type StreamPoint } from './cdc-position.js';
import { SourceChecks, type SourceTable } from './cdc-source.js';
import { ChangeDecoder } from './change-decoder.js';
import { parseCdcConfig, type CdcInputConfig } from './config.js';
import { readInBatches } from './cursor.js';
import {
  connectorError, loginError, POSTGRES_PERMISSION_DENIED, POSTGRES_PUBLICATION_MISSING, POSTGRES_REPLICATION_NOT_ALLOWED,
  POSTGRES_SLOT_LOST, quoteIdentifier, sqlState,
} from './errors.js';
import { formatLsn } from './lsn.js';
import { assertCanReadAgain } from './read-again.js';
import { ReplicationStream } from './replication-stream.js';
import { withReconnects, type Reconnecting } from './retry.js';
import { createSlotWithSnapshot, dropSlot, inspectSlot, slotName } from './slot.js';
import { StreamReader } from './stream-reader.js';
import { TypeDecoders } from './values.js';

export function createPostgresCdcInput(transport: InputTransport, context: InputContext): JournaledInputConnector {
  return new PostgresCdcInput(context, parseCdcConfig(transport, context));
}

/** What the stream needs from the start-up: the source's description and where to go on from. */
interface Prepared {
  readonly source: SourceTable;
  readonly types: TypeDecoders;
  readonly from: StreamPoint;
  /** The slot's confirmed_flush_lsn: status updates never go below it. */
  readonly confirmed: bigint;
}

class PostgresCdcInput implements JournaledInputConnector {
  readonly replay = 'journal';
  readonly name: string;
  private readonly table: InputTable;
  private readonly slot: string;
  /** The pipeline's, once run() is called. */
  private log: Logger = SILENT_LOGGER;
  private readonly stopping = new AbortController();
  private stream: ReplicationStream | undefined;
  /** The furthest stream LSN `committed` allowed the slot to let go of. */
  private committedLsn = 0n;

  constructor(context: InputContext, private readonly config: CdcInputConfig) {
    this.name = context.connector;
    this.table = context.table;
    this.slot = slotName(config.server, config.publication, config.sourceTable);
  }

  async run(sink: InputSink, from?: InputPosition): Promise<void> {
    if (sink.logger) this.log = sink.logger;
    const start = from === undefined ? undefined : readCdcPosition(from, this.name);
    if (start !== undefined && start.slot !== this.slot) {
      throw connectorError(POSTGRES_SLOT_LOST, this.name, 'source_table',
        `the saved position is in replication slot ${start.slot}, but this configuration reads slot ${this.slot} (its host, port, database, `
          + 'publication or source_table changed): start over with an empty state directory to take a new snapshot');
    }
    let resumeAt = start;
    const prepared = await withReconnects(this.reconnecting('starting'), (connected) => this.prepare(sink, resumeAt, connected, (cutShort) => { resumeAt = cutShort; }));
    if (prepared === undefined || this.stopped) return;
    await this.streamChanges(sink, prepared);
  }

  stop(): void {
    this.stopping.abort();
    this.stream?.stop();
  }

  describePosition(position: InputPosition): string {
    const at = readCdcPosition(position, this.name);
    return 'snapshot' in at
      ? `snapshot: ${at.snapshot.rows} rows (stream from LSN ${formatLsn(at.snapshot.lsn)})`
      : `LSN ${formatLsn(at.stream.lsn)}`;
  }

  committed(position: InputPosition): void {
    const committed = readCdcPosition(position, this.name);
    if (!('stream' in committed) || committed.stream.lsn <= this.committedLsn) return;
    this.committedLsn = committed.stream.lsn;
    this.stream?.confirm(this.committedLsn);
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private reconnecting(doing: string): Reconnecting {
    return { connector: this.name, server: this.config.server, log: this.log, signal: this.stopping.signal, doing };
  }

  /**
   * Checks the source and reaches the point the stream starts from: after a new snapshot, after
   * the table is read again, or as saved. A read cut short by a lost connection goes on as a
   * restart from the snapshot would: `pushing` is told where a retry must start then.
   */
  private async prepare(sink: InputSink, start: CdcPosition | undefined, connected: () => void, pushing: (retryAt: CdcPosition) => void): Promise<Prepared | undefined> {
    const client = await this.connect();
    connected();
    try {
      const types = new TypeDecoders();
      const source = await new SourceChecks(client, this.config, this.table, this.name).describe(types);
      if (start === undefined) {
        const from = await this.snapshotFromNewSlot(client, source, sink, pushing);
        return from === undefined ? undefined : { source, types, from, confirmed: from.lsn };
      }
      const point = 'snapshot' in start ? start.snapshot : start.stream;
      const confirmed = await this.checkSlot(client, point.lsn);
      if ('stream' in start) return { source, types, from: start.stream, confirmed };
      assertCanReadAgain(this.table, this.name, 'source_table', `the snapshot of ${source.qualified}`);
      this.log.info(`reading ${source.qualified} again: the previous run stopped during its snapshot`);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const from = await this.readTable(client, source, sink, point.lsn);
      return from === undefined ? undefined : { source, types, from, confirmed };
    } finally {
      await client.end().catch(() => {});
    }
  }

  /**
   * Drops the slot a previous run may have left, creates it again with an exported snapshot, and
   * reads the table in that snapshot.
   */
  private async snapshotFromNewSlot(client: pg.Client, source: SourceTable, sink: InputSink, pushing: (retryAt: CdcPosition) => void): Promise<StreamPoint | undefined> {
    await dropSlot(client, this.slot);
    const replication = new pg.Client({ ...this.config.server.client, replication: 'database' } as pg.ClientConfig);
    replication.on('error', () => {});
    let consistentPoint: bigint;
    try {
      await this.connectForReplication(replication);
      const created = await createSlotWithSnapshot(replication, this.slot);
      consistentPoint = created.consistentPoint;
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET TRANSACTION SNAPSHOT '${created.snapshotName}'`);
    } finally {
      // The snapshot is imported: the replication connection has done its part.
      await replication.end().catch(() => {});
    }
    this.log.info(`created replication slot ${this.slot} at LSN ${formatLsn(consistentPoint)}; reading the snapshot of ${source.qualified}`);
    const retryAt: CdcPosition = { slot: this.slot, snapshot: { lsn: consistentPoint, rows: 0 } };
    return this.readTable(client, source, sink, consistentPoint, () => pushing(retryAt));
  }

  /**
   * Pushes the table's rows (in the read-only transaction `client` has open, which ends with the
   * connection), then the point the stream starts at; `pushed` is called after each push of rows.
   */
  private async readTable(client: pg.Client, source: SourceTable, sink: InputSink, streamStart: bigint, pushed?: () => void): Promise<StreamPoint | undefined> {
    const columns = source.reader.sourceColumns.map((column) => client.escapeIdentifier(column));
    const query = `SELECT ${columns.join(', ')} FROM ${client.escapeIdentifier(source.schema)}.${client.escapeIdentifier(source.name)}`;
    let rows = 0;
    try {
      for await (const batch of readInBatches(client, query)) {
        const changes: Update[] = [];
        for (const row of batch.rows) {
          rows += 1;
          const insert = source.reader.insert((column) => row[column], `row ${rows} of the snapshot of ${source.qualified}`, this.name, (error) => sink.reportError(error));
          if (insert !== undefined) changes.push(insert);
        }
        if (!batch.last) {
          await sink.push(changes, snapshotPosition(this.slot, streamStart, rows));
          pushed?.();
        } else {
          const from = { lsn: streamStart, changes: 0 };
          await sink.push(changes, streamPosition(this.slot, from));
          this.log.info(`snapshot of ${source.qualified}: ${rows} rows; streaming changes from LSN ${formatLsn(streamStart)}`);
          return from;
        }
        if (this.stopped) return undefined;
      }
    } catch (error) {
      if (sqlState(error) === '42501') {
        throw connectorError(POSTGRES_PERMISSION_DENIED, this.name, 'source_table',
          `${this.config.server.redact(errorMessage(error))}: run GRANT SELECT ON ${source.qualified} TO ${this.userForMessages()}`, error);
      }
      throw error;
    }
    return undefined;
  }

  /** The slot a saved position reads from must still hold the log from that position on. */
  private async checkSlot(client: pg.Client, lsn: bigint): Promise<bigint> {
    const slot = await inspectSlot(client, this.slot);
    const lost = (why: string): Error => connectorError(POSTGRES_SLOT_LOST, this.name, 'source_table',
      `replication slot ${this.slot} ${why}, so the changes after LSN ${formatLsn(lsn)} of the saved position are lost: `
        + 'start over with an empty state directory to take a new snapshot');
    if (slot === undefined) throw lost('no longer exists');
    if (slot.lost) throw lost('was invalidated by the server (it held more log than max_slot_wal_keep_size allows)');
    if (slot.confirmedFlush !== undefined && slot.confirmedFlush > lsn) throw lost(`has moved on to LSN ${formatLsn(slot.confirmedFlush)}`);
    return slot.confirmedFlush ?? lsn;
  }

  /** Streams the changes from `prepared.from` until stop(), reconnecting when the connection is lost. */
  private async streamChanges(sink: InputSink, prepared: Prepared): Promise<void> {
    const { source, types } = prepared;
    const decoder = new ChangeDecoder(this.table, source, types, this.name);
    const learn = async (oids: number[]): Promise<void> => {
      if (oids.every((oid) => types.knows(oid))) return;
      const client = await this.connect();
      try {
        await types.learn(client, oids);
      } finally {
        await client.end().catch(() => {});
      }
    };
    let point = prepared.from;
    this.committedLsn = prepared.confirmed > this.committedLsn ? prepared.confirmed : this.committedLsn;
    await withReconnects(this.reconnecting('streaming changes'), async (connected) => {
      const reader = new StreamReader(sink, decoder, this.slot, this.config.publication, point, learn);
      const stream = new ReplicationStream(this.config.server.client, this.slot, this.config.publication, this.committedLsn, reader);
      this.stream = stream;
      if (this.stopped) stream.stop();
      try {
        await stream.run(point.lsn, connected);
      } catch (error) {
        throw this.streamError(error);
      } finally {
        this.stream = undefined;
        point = reader.point;
      }
    });
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config.server.client);
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      throw loginError(error, this.config.server, this.name) ?? error;
    }
    return client;
  }

  private async connectForReplication(replication: pg.Client): Promise<void> {
    try {
      await replication.connect();
    } catch (error) {
      throw this.streamError(error);
    }
  }

  /** Setup problems a replication connection runs into, as the errors they are; others (lost connections) as they are. */
  private streamError(error: unknown): unknown {
    const login = loginError(error, this.config.server, this.name);
    if (login !== undefined) return login;
    const said = this.config.server.redact(errorMessage(error));
    const state = sqlState(error);
    if (state === '42501') {
      return connectorError(POSTGRES_REPLICATION_NOT_ALLOWED, this.name, 'uri',
        `${said}: the user of uri needs the REPLICATION attribute: run ALTER ROLE ${this.userForMessages()} WITH REPLICATION`, error);
    }
    if (state === '42704' && /publication/i.test(said)) {
      return connectorError(POSTGRES_PUBLICATION_MISSING, this.name, 'publication',
        `${said}: run CREATE PUBLICATION ${quoteIdentifier(this.config.publication)} FOR TABLE ${this.config.sourceTable}`, error);
    }
    if (state === '42704' && /slot/i.test(said)) {
      return connectorError(POSTGRES_SLOT_LOST, this.name, 'source_table',
        `${said}: it was dropped while the connector read from it, and the changes it held are lost; start over with an empty state directory to take a new snapshot`, error);
    }
    return error;
  }

  private userForMessages(): string {
    return this.config.server.user === '' ? '<user>' : quoteIdentifier(this.config.server.user);
  }
}
