/**
 * Staging of encoded writes into chunks: one chunk is one BatchWriteItem or TransactWriteItems
 * call. A chunk is cut when it holds `batch_size` requests or `max_buffer_size_bytes` bytes, and
 * never grows past DynamoDB's per-request size limit.
 */
import type { Row } from '../../schema.js';
import type { Item } from './encode.js';

export interface WriteRequest {
  readonly kind: 'put' | 'delete';
  /** Identity of the item's partition key (see key-identity.ts), for counting hot keys. */
  readonly partitionKey: string;
  /** The whole item for a put, the key attributes for a delete. */
  readonly attributes: Item;
  /** DynamoDB size of `attributes`, in bytes. */
  readonly size: number;
  /** The row the request came from, kept to name the key if the write fails. */
  readonly row: Row;
  /** Set when a newer write of the same key replaced this one before it was sent (pipelined steps). */
  superseded?: boolean;
}

export interface ChunkLimits {
  /** Requests per chunk (the connector's batch_size). */
  maxRequests: number;
  /** Staged bytes that trigger a flush (the connector's max_buffer_size_bytes). */
  flushBytes: number;
  /** Hard limit of DynamoDB on the item bytes of one call (16 MB batch, 4 MB transaction). */
  maxRequestBytes: number;
}

const NO_CHUNKS: readonly WriteRequest[][] = Object.freeze([]);

export class ChunkBuilder {
  private pending: WriteRequest[] = [];
  private pendingBytes = 0;

  constructor(private readonly limits: ChunkLimits) {}

  /** Stages a request and returns the chunks that are now complete (zero, one or two). */
  add(request: WriteRequest): readonly WriteRequest[][] {
    let complete: WriteRequest[][] | undefined;
    if (this.pending.length > 0 && this.pendingBytes + request.size > this.limits.maxRequestBytes) {
      complete = [this.take()];
    }
    this.pending.push(request);
    this.pendingBytes += request.size;
    if (this.pending.length >= this.limits.maxRequests || this.pendingBytes >= this.limits.flushBytes) {
      (complete ??= []).push(this.take());
    }
    // Most requests complete no chunk: they share one empty answer.
    return complete ?? NO_CHUNKS;
  }

  /** The staged remainder, if any. */
  flush(): WriteRequest[] | undefined {
    return this.pending.length > 0 ? this.take() : undefined;
  }

  private take(): WriteRequest[] {
    const chunk = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return chunk;
  }
}
