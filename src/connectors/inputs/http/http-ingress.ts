/**
 * HTTP ingress into one table (Feldera's `/ingress/{table}`): each request body is decoded as it
 * streams in, with the format its query names, and pushed in chunks, each push waiting for the
 * pipeline to take it (backpressure reaches the client as a request that takes longer, never as
 * dropped data). A record that cannot be read is skipped and reported back; the others are still
 * ingested. Nothing can be read again, so with a state directory the pipeline journals every push
 * before it is accepted: when `ingest` resolves, the body is journaled or applied.
 *
 * Positions count the pushes that carried changes; a request's completion is the count after its
 * last push, and `whenWritten` tells when every change up to a count is written to every output.
 */
import { createInputDecoder } from '../../formats/decoder.js';
import type { InputFormat } from '../../formats/format.js';
import type { InputRecordError } from '../../formats/record-error.js';
import { z } from 'zod';
import { DynaviewError } from '../../../errors.js';
import type { Update } from '../../../schema.js';
import { parsePosition, type InputContext, type InputPosition, type InputSink, type JournaledInputConnector } from '../input.js';

/** The pipeline stopped in the middle of a request: what was pushed before is ingested, the rest is not. */
export const INGRESS_STOPPED = 'INGRESS_STOPPED';

/** Changes per push: large enough to amortize a step, small enough that a huge body streams. */
const CHUNK_ROWS = 10_000;

const POSITION_SHAPE = z.strictObject({ pushes: z.int().min(0) });

export interface IngestResult {
  /** The push count once the request's changes are all pushed: its completion position. */
  readonly completion: number;
  readonly rows: number;
  readonly errors: readonly InputRecordError[];
  /** Errors beyond those kept in `errors`. */
  readonly moreErrors: number;
}

export class HttpIngress implements JournaledInputConnector {
  readonly replay = 'journal';
  readonly name: string;
  private sink: InputSink | null = null;
  private pushes = 0;
  private writtenPushes = 0;
  private waiters: Array<{ pushes: number; resolve: () => void }> = [];
  private stopped: (() => void) | null = null;
  private readonly ready: Promise<InputSink>;
  private becomeReady!: (sink: InputSink) => void;

  constructor(private readonly context: InputContext) {
    this.name = context.connector;
    this.ready = new Promise((resolve) => { this.becomeReady = resolve; });
  }

  get table(): string {
    return this.context.table.name;
  }

  async run(sink: InputSink, from?: InputPosition): Promise<void> {
    if (from !== undefined) this.pushes = parsePosition(POSITION_SHAPE, from, this.name).pushes;
    this.sink = sink;
    this.becomeReady(sink);
    await new Promise<void>((resolve) => { this.stopped = resolve; });
  }

  stop(): void {
    this.stopped?.();
    this.sink = null;
  }

  written(position: InputPosition): void {
    this.writtenPushes = Math.max(this.writtenPushes, parsePosition(POSITION_SHAPE, position, this.name).pushes);
    const done = this.waiters.filter((waiter) => waiter.pushes <= this.writtenPushes);
    this.waiters = this.waiters.filter((waiter) => waiter.pushes > this.writtenPushes);
    for (const waiter of done) waiter.resolve();
  }

  describePosition(position: InputPosition): string {
    const { pushes } = parsePosition(POSITION_SHAPE, position, this.name);
    return `${pushes} push${pushes === 1 ? '' : 'es'} (${this.writtenPushes} written)`;
  }

  /** Whether every change up to push count `pushes` is written to every output. */
  isWritten(pushes: number): boolean {
    return pushes <= this.writtenPushes;
  }

  /**
   * Decodes `body` in `format` and pushes its changes; resolves once all are accepted (journaled,
   * with a state directory). At most `keepErrors` skipped records are kept for the answer.
   */
  async ingest(body: AsyncIterable<Buffer>, format: InputFormat, source: string, keepErrors: number): Promise<IngestResult> {
    const sink = await this.ready;
    const errors: InputRecordError[] = [];
    let moreErrors = 0;
    const decoder = createInputDecoder(format, this.context.table, {
      source,
      context: { connector: this.name, table: this.table },
      onError: (error) => {
        if (errors.length < keepErrors) errors.push(error);
        else moreErrors += 1;
        sink.reportError(error);
      },
    });
    let pending: Update[] = [];
    let rows = 0;
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      if (this.sink === null) {
        throw new DynaviewError(INGRESS_STOPPED, `the pipeline stopped while the request was being read; ${rows} change(s) of it were ingested, the rest were not`);
      }
      const changes = pending;
      pending = [];
      rows += changes.length;
      this.pushes += 1;
      const read = bytes;
      bytes = 0;
      await sink.push(changes, { pushes: this.pushes }, read);
    };
    for await (const chunk of body) {
      bytes += chunk.length;
      for (const change of decoder.write(chunk).changes) pending.push(change);
      if (pending.length >= CHUNK_ROWS) await flush();
    }
    for (const change of decoder.end().changes) pending.push(change);
    await flush();
    return { completion: this.pushes, rows, errors, moreErrors };
  }
}
