/**
 * The replication stream, as pushes: a transaction's changes of the source table are pushed when
 * it commits, or sooner, a chunk at a time, when it holds many (memory stays bounded); each push
 * carries the stream point after it (`cdc-position.ts`). After a reconnect or a restart the server
 * sends again what the slot was not told it may drop: what was pushed before is skipped here, so
 * each change is pushed once per run. Transactions that do not touch the table, and keepalives,
 * move the point on without changes, so that the slot can let go of the log they cover.
 */
import type { Pgoutput } from 'pg-logical-replication';
import type { DynaviewError } from '../../../errors.js';
import type { Update } from '../../../schema.js';
import type { InputSink } from '../input.js';
import { streamPosition, type StreamPoint } from './cdc-position.js';
import type { ChangeDecoder, RowChange } from './change-decoder.js';
import { formatLsn, parseLsn } from './lsn.js';
import type { StreamEvents } from './replication-stream.js';

/** Changes per push within a large transaction. */
const MAX_CHUNK_CHANGES = 10_000;
/**
 * How often, at most, the point moves on without changes (for transactions that do not touch the
 * table, and keepalives): each push is a journal write.
 */
const IDLE_PUSH_INTERVAL_MS = 5_000;

interface Transaction {
  /** Where its commit record starts. */
  readonly lsn: bigint;
  /** Changes of the source table seen so far. */
  seen: number;
  /** How many of its first changes were pushed before (Infinity: all of them). */
  readonly skip: number;
  pending: Update[];
}

export class StreamReader implements StreamEvents {
  private transaction: Transaction | undefined;
  private lastPushAt = 0;

  constructor(
    private readonly sink: InputSink,
    private readonly decoder: ChangeDecoder,
    private readonly slot: string,
    private readonly publication: string,
    /** The point after the last push: the stream goes on from there. */
    private pushed: StreamPoint,
    /** Fetches the decoders of types not seen before. */
    private readonly learn: (oids: number[]) => Promise<void>,
  ) {}

  get point(): StreamPoint {
    return this.pushed;
  }

  async message(message: Pgoutput.Message): Promise<void> {
    switch (message.tag) {
      case 'begin': {
        const lsn = parseLsn(message.commitLsn!);
        let skip = 0;
        if (lsn < this.pushed.lsn) skip = Infinity;
        else if (lsn === this.pushed.lsn) skip = this.pushed.changes;
        this.transaction = { lsn, seen: 0, skip, pending: [] };
        return;
      }
      case 'relation':
        if (this.decoder.isSource(message)) await this.decoder.relation(message, this.learn);
        return;
      case 'insert':
      case 'update':
      case 'delete':
        if (this.decoder.isSource(message.relation)) await this.change(message);
        return;
      case 'truncate':
        this.decoder.truncate(message, this.publication);
        return;
      case 'commit':
        await this.commit(parseLsn(message.commitEndLsn!));
        return;
      default:
        // Types, origins and logical messages say nothing about the table's rows.
        return;
    }
  }

  async keepalive(lsn: bigint): Promise<void> {
    if (this.transaction === undefined && lsn > this.pushed.lsn) await this.moveOn(lsn);
  }

  private async change(message: RowChange): Promise<void> {
    const transaction = this.transaction!;
    transaction.seen += 1;
    if (transaction.seen <= transaction.skip) return;
    const where = `transaction committed at LSN ${formatLsn(transaction.lsn)}`;
    for (const change of this.decoder.changes(message, where, (error: DynaviewError) => this.sink.reportError(error))) transaction.pending.push(change);
    if (transaction.pending.length >= MAX_CHUNK_CHANGES) {
      const changes = transaction.pending;
      transaction.pending = [];
      await this.push(changes, { lsn: transaction.lsn, changes: transaction.seen });
    }
  }

  private async commit(end: bigint): Promise<void> {
    const transaction = this.transaction!;
    this.transaction = undefined;
    if (transaction.skip === Infinity) return;
    const point = { lsn: end, changes: 0 };
    if (transaction.seen > 0) await this.push(transaction.pending, point);
    else await this.moveOn(end);
  }

  /** Moves the point on to `lsn` without changes, unless that was done a moment ago. */
  private async moveOn(lsn: bigint): Promise<void> {
    if (Date.now() - this.lastPushAt >= IDLE_PUSH_INTERVAL_MS) await this.push([], { lsn, changes: 0 });
  }

  private async push(changes: Update[], point: StreamPoint): Promise<void> {
    await this.sink.push(changes, streamPosition(this.slot, point));
    this.pushed = point;
    this.lastPushAt = Date.now();
  }
}
