/**
 * One replication connection, on top of pg-logical-replication: START_REPLICATION on the slot from
 * an LSN with pgoutput, every message and keepalive handed over one at a time in the order it
 * arrived, the next one read only when the handler is done (so a pipeline that waits slows the
 * stream instead of filling memory), and standby status updates that confirm only the LSN the
 * connector says may go (`confirm`): the library's own acknowledgements are off
 * (`{auto: false, timeoutSeconds: 0}`), as its timer would confirm what was merely received.
 */
import type { ClientConfig } from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { formatLsn, parseLsn } from './lsn.js';

/** Within wal_sender_timeout (60 s by default) with room to spare, even while a handler waits. */
const STATUS_INTERVAL_MS = 10_000;

/**
 * A server that shuts down waits for its replication clients to confirm all the log it sent,
 * asking again as soon as each answer comes. This connector confirms only what is written
 * (`confirm`), so it leaves instead, and comes back when the server is up again; in normal
 * operation the server asks only every wal_sender_timeout / 2.
 */
const SHUTDOWN_PINGS = 5;
const SHUTDOWN_PING_GAP_MS = 1_000;

export interface StreamEvents {
  message(message: Pgoutput.Message): Promise<void>;
  /** The server has sent everything before `lsn`; called once every message that came before is handled. */
  keepalive(lsn: bigint): Promise<void>;
}

/**
 * pgoutput with every value left as the text the server sent (`values.ts` decodes it), counting
 * messages as they arrive, which is the order the stream has them in.
 */
class TextPgoutputPlugin extends PgoutputPlugin {
  constructor(publication: string, private readonly arrived: () => void) {
    // The library writes the names into a quoted literal; PostgreSQL reads them as a list of identifiers.
    super({ protoVersion: 1, publicationNames: [`"${publication.replaceAll('"', '""')}"`.replaceAll("'", "''")] });
  }

  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    this.arrived();
    // The parser keeps the relation and reads later rows with these parsers.
    if (message.tag === 'relation') for (const column of message.columns) column.parser = (text: unknown) => text;
    return message;
  }
}

export class ReplicationStream {
  private readonly service: LogicalReplicationService;
  private readonly plugin: TextPgoutputPlugin;
  private arrived = 0;
  private handled = 0;
  private keepaliveDue: { lsn: bigint; after: number } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private stopped = false;
  private statusTimer: NodeJS.Timeout | undefined;
  /** Replies asked for in quick succession with no message between them. */
  private pings = { count: 0, at: 0 };

  constructor(
    client: ClientConfig,
    private readonly slot: string,
    publication: string,
    /** What the server may drop the log before, as far as this run knows. */
    private confirmed: bigint,
    private readonly events: StreamEvents,
  ) {
    this.service = new LogicalReplicationService(client, { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } });
    this.plugin = new TextPgoutputPlugin(publication, () => { this.arrived += 1; });
  }

  /**
   * Streams from `from` until stop() (resolves) or until the connection fails or the server ends
   * it (rejects). `started` is called once the server streams.
   */
  async run(from: bigint, started: () => void): Promise<void> {
    this.service.on('start', () => {
      started();
      this.sendStatus();
      this.statusTimer = setInterval(() => this.sendStatus(), STATUS_INTERVAL_MS);
      this.statusTimer.unref();
    });
    this.service.on('data', (_lsn: string, message: Pgoutput.Message) => this.inOrder(async () => {
      this.pings.count = 0;
      await this.events.message(message);
      this.handled += 1;
      await this.keepaliveIfDue();
    }));
    this.service.on('heartbeat', (lsn: string, _timestamp: number, shouldRespond: boolean) => {
      if (shouldRespond && this.serverShuttingDown()) return;
      if (shouldRespond) this.sendStatus();
      this.keepaliveDue = { lsn: parseLsn(lsn), after: this.arrived };
      this.inOrder(() => this.keepaliveIfDue()).catch((error: unknown) => this.fail(error));
    });
    this.service.on('error', (error: unknown) => this.fail(error));
    try {
      await this.service.subscribe(this.plugin, this.slot, formatLsn(from));
    } catch (error) {
      this.failure ??= error;
    } finally {
      clearInterval(this.statusTimer);
      await this.service.destroy().catch(() => {});
    }
    if (this.failure !== undefined) throw this.failure;
    if (!this.stopped) throw new Error('Connection closed by the server');
  }

  /** The server may drop the log before `lsn` (it becomes the slot's confirmed_flush_lsn). */
  confirm(lsn: bigint): void {
    if (lsn <= this.confirmed) return;
    this.confirmed = lsn;
    this.sendStatus();
  }

  stop(): void {
    this.stopped = true;
    void this.service.stop().catch(() => {});
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    void this.service.stop().catch(() => {});
  }

  private serverShuttingDown(): boolean {
    const now = Date.now();
    this.pings = { count: now - this.pings.at < SHUTDOWN_PING_GAP_MS ? this.pings.count + 1 : 1, at: now };
    if (this.pings.count < SHUTDOWN_PINGS) return false;
    // 57P01, admin_shutdown: a reconnect after the restart is the way on (`isTransient`).
    this.fail(Object.assign(new Error('PostgreSQL is shutting down and waits for the log it sent to be confirmed, '
      + 'which happens only once it is written: leaving until it is back'), { code: '57P01' }));
    return true;
  }

  private inOrder(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => {});
    return next;
  }

  private async keepaliveIfDue(): Promise<void> {
    const due = this.keepaliveDue;
    if (due === undefined || this.handled < due.after) return;
    this.keepaliveDue = undefined;
    await this.events.keepalive(due.lsn);
  }

  /** A standby status update; the library adds one to the LSN it is given. */
  private sendStatus(): void {
    void this.service.acknowledge(formatLsn(this.confirmed - 1n)).catch(() => {});
  }
}
