/**
 * `POST /egress/{view}`: a never-ending stream of a view's changes in Feldera's chunks, each
 * `{"sequence_number": N, "snapshot": bool, "json_data": [{"insert": row}, {"delete": row}, ...]}`
 * followed by `\r\n`; a step's deletes come before its inserts, a chunk holds one step's changes
 * at most and at most `buffer_size_records` events, and an empty keep-alive chunk goes out after
 * 3 s without data. With `send_snapshot=true` the stream starts with the view's contents (a
 * MATERIALIZED view's). With `backpressure=true` steps wait for a slow client; without it (the
 * default, as in Feldera) chunks beyond a queue of 100 are dropped, and the drops are logged.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { compileJsonRowEncoder, type JsonRowEncoder } from '../connectors/outputs/json-encode.js';
import { insertDeleteLines } from '../connectors/outputs/json-format.js';
import type { ViewDef } from '../engine/catalog.js';
import type { ZSet } from '../engine/zset.js';
import type { StepObserver } from '../pipeline/controller.js';
import { ApiError } from './api-error.js';

const KEEP_ALIVE_MS = 3_000;
const DEFAULT_CHUNK_RECORDS = 10_000;
/** Chunks queued for a client that is not reading, without backpressure, before chunks are dropped. */
const MAX_QUEUED_CHUNKS = 100;

export interface EgressOptions {
  readonly backpressure: boolean;
  readonly chunkRecords: number;
}

/** The egress options of a request's query; a 400 for anything else. */
export function egressOptions(query: URLSearchParams): EgressOptions & { sendSnapshot: boolean } {
  const format = query.get('format') ?? 'json';
  if (format !== 'json') {
    throw new ApiError(400, 'UnknownOutputFormat', `format=${format}: egress streams JSON only (format=json)`);
  }
  const updateFormat = query.get('update_format') ?? 'insert_delete';
  if (updateFormat !== 'insert_delete') {
    throw new ApiError(400, 'InvalidEncoderConfig', `update_format=${updateFormat}: egress streams insert_delete events only`);
  }
  const chunkText = query.get('buffer_size_records');
  const chunkRecords = chunkText === null ? DEFAULT_CHUNK_RECORDS : Number(chunkText);
  if (!Number.isSafeInteger(chunkRecords) || chunkRecords < 1) {
    throw new ApiError(400, 'InvalidEncoderConfig', `buffer_size_records=${chunkText ?? ''}: must be an integer of at least 1`);
  }
  return { backpressure: flag(query, 'backpressure'), sendSnapshot: flag(query, 'send_snapshot'), chunkRecords };
}

function flag(query: URLSearchParams, name: string): boolean {
  const text = query.get(name);
  if (text === null || text === 'false') return false;
  if (text === 'true') return true;
  throw new ApiError(400, 'InvalidParam', `${name}=${text}: must be true or false`);
}

/** One client's stream of one view: an observer of the pipeline's steps. */
export class EgressStream implements StepObserver {
  private sequence = 0;
  private readonly encodeRow: JsonRowEncoder;
  private queued = 0;
  private dropped = 0;
  private tooHeavy = 0;
  private keepAlive: NodeJS.Timeout;
  private drained: Promise<void> | null = null;

  constructor(
    private readonly view: ViewDef,
    private readonly response: ServerResponse,
    private readonly options: EgressOptions,
    private readonly logger: Logger,
  ) {
    this.encodeRow = compileJsonRowEncoder(view.columns);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
    this.keepAlive = setInterval(() => this.send(`{"sequence_number":${this.sequence},"snapshot":false}`, false), KEEP_ALIVE_MS);
    response.on('close', () => clearInterval(this.keepAlive));
  }

  /** Sends the view's contents first, as chunks marked `"snapshot": true`. */
  sendSnapshot(contents: ZSet): void {
    this.sendChanges(contents, true);
  }

  stepped(_step: number, deltas: ReadonlyMap<string, ZSet>): void {
    const delta = deltas.get(this.view.name);
    if (delta !== undefined) this.sendChanges(delta, false);
  }

  whenReady(): Promise<void> | undefined {
    return this.options.backpressure ? this.drained ?? undefined : undefined;
  }

  close(): void {
    clearInterval(this.keepAlive);
    if (this.tooHeavy > 0) this.logger.warn(`egress of ${this.view.name}: ${this.tooHeavy} record(s) with a weight beyond a million not sent`);
    if (this.dropped > 0) this.logger.warn(`egress of ${this.view.name}: ${this.dropped} chunk(s) dropped for a slow client (ask with backpressure=true to slow the pipeline down instead)`);
  }

  private sendChanges(changes: ZSet, snapshot: boolean): void {
    let events: string[] = [];
    const flush = (): void => {
      if (events.length === 0) return;
      this.send(`{"sequence_number":${this.sequence},"snapshot":${snapshot},"json_data":[${events.join(',')}]}`, true);
      events = [];
    };
    // As Feldera's encoder, a record repeated more than a million times is not sent.
    const tooHeavy = (): void => {
      this.tooHeavy += 1;
    };
    for (const line of insertDeleteLines(changes, this.encodeRow, tooHeavy)) {
      events.push(line.slice(0, -1));
      if (events.length >= this.options.chunkRecords) flush();
    }
    flush();
  }

  /** A keep-alive (`carriesData` false) repeats the next sequence number; a chunk with data takes it. */
  private send(chunk: string, carriesData: boolean): void {
    if (this.response.destroyed) return;
    if (carriesData) this.sequence += 1;
    if (!this.options.backpressure && this.queued >= MAX_QUEUED_CHUNKS) {
      this.dropped += 1;
      return;
    }
    this.queued += 1;
    const flushed = this.response.write(`${chunk}\r\n`, () => { this.queued -= 1; });
    if (!flushed && this.drained === null) {
      this.drained = new Promise((resolve) => {
        const done = (): void => {
          this.drained = null;
          resolve();
        };
        this.response.once('drain', done);
        this.response.once('close', done);
      });
    }
  }
}
