/**
 * The `file_input` connector: reads a file in any input format (JSON or CSV, decoded by the
 * transport-independent `InputDecoder`), once to its end, or with `follow` on and on as the file
 * grows, like `tail -f`. A record that cannot be read is reported at its `file:line:col` and
 * skipped; the rest of the file is still ingested. Positions are byte offsets where a record
 * starts, with its line and column: a run resumes there, and a journaled step reads its range of
 * the file again (`read`).
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { DynaviewError, errorMessage } from '../../errors.js';
import type { Update } from '../../schema.js';
import { ConfigProblems, parseOptions } from '../../util/config-problems.js';
import { createInputDecoder, type Decoded } from '../formats/decoder.js';
import type { InputFormat } from '../formats/format.js';
import { parseInputFormat } from '../formats/registry.js';
import { INPUT_START, type TextPosition } from '../formats/text-position.js';
import {
  parsePosition, type InputContext, type InputPosition, type InputSink, type InputTable, type InputTransport, type ReplayableInputConnector,
} from './input.js';

export const INPUT_FILE_UNREADABLE = 'INPUT_FILE_UNREADABLE';
/** The file no longer holds what a saved position says was read. */
export const INPUT_FILE_CHANGED = 'INPUT_FILE_CHANGED';

/** Changes per push (whole records: one array event can hold more): large enough to amortize a step, small enough to keep memory flat. */
const CHUNK_ROWS = 10_000;
/** Bytes read at a time unless `buffer_size_bytes` says otherwise. */
const DEFAULT_READ_BYTES = 64 * 1024;
/** How often a followed file is looked at for new bytes: polling works on every file system, where change events do not. */
const FOLLOW_POLL_MS = 100;

const CONFIG_SHAPE = z.strictObject({
  path: z.string({ error: 'is required: the path of the file to read (relative paths start at the program\'s directory)' })
    .min(1, { error: 'must not be empty' }),
  buffer_size_bytes: z.int({ error: 'must be an integer of at least 1, or null' }).min(1, { error: 'must be an integer of at least 1, or null' }).nullish(),
  follow: z.boolean({ error: 'must be true or false' }).optional(),
});

interface FileInputOptions {
  /** The path as configured, for messages. */
  readonly shownPath: string;
  readonly absolutePath: string;
  readonly format: InputFormat;
  readonly follow: boolean;
  readonly readBytes: number;
}

export function createFileInput(transport: InputTransport, context: InputContext): ReplayableInputConnector {
  const problems = new ConfigProblems();
  const options = parseOptions(CONFIG_SHAPE, transport.config, [], 'a file_input option', problems);
  const format = parseInputFormat(transport.format, problems);
  problems.throwIfAny(`connector ${context.connector}`, { connector: context.connector });
  const path = options?.path ?? '';
  return new FileInput(context, {
    shownPath: path,
    absolutePath: resolve(context.baseDir, path),
    format,
    follow: options?.follow ?? false,
    readBytes: options?.buffer_size_bytes ?? DEFAULT_READ_BYTES,
  });
}

/** A position in the file, as pushed: where the next record starts. */
const POSITION_SHAPE = z.strictObject({ offset: z.int().min(0), line: z.int().min(1), col: z.int().min(1) });

/** Yielded when a followed file has been read to its current end. */
const CAUGHT_UP = Symbol('caught up');

class FileInput implements ReplayableInputConnector {
  readonly name: string;
  /** A record's changes are read again from where it starts in the file. */
  readonly replay = 'by-position';
  private readonly table: InputTable;
  private readonly stopping = new AbortController();

  constructor(context: InputContext, private readonly options: FileInputOptions) {
    this.name = context.connector;
    this.table = context.table;
  }

  /**
   * Pushes once CHUNK_ROWS changes are read, and whole records only, so that every push ends where
   * a record does; when following, also each time it has caught up with the end of the file.
   */
  async run(sink: InputSink, from?: InputPosition): Promise<void> {
    let position = from === undefined ? INPUT_START : this.position(from);
    let pending: Update[] = [];
    let pushedAt = position.offset;
    const flush = async (): Promise<void> => {
      const changes = pending;
      pending = [];
      const bytes = position.offset - pushedAt;
      pushedAt = position.offset;
      await sink.push(changes, { ...position }, bytes);
      // Let timers and I/O run (stop() among them) even when push resolves at once.
      await yieldToEventLoop();
    };
    try {
      for await (const record of this.records(position, undefined, this.options.follow, (error) => sink.reportError(error))) {
        if (record !== CAUGHT_UP) {
          // One array record can hold more changes than a spread's arguments may.
          for (const change of record.changes) pending.push(change);
          position = record.end;
        }
        // Also when only skipped records were read: the position moves past them.
        if (pending.length >= CHUNK_ROWS || (record === CAUGHT_UP && pushedAt !== position.offset)) await flush();
        if (this.stopped) return;
      }
    } catch (error) {
      if (this.stopped) return;
      throw error;
    }
    if (!this.stopped && pushedAt !== position.offset) await flush();
  }

  async read(from: InputPosition | undefined, to: InputPosition, reportError: (error: DynaviewError) => void): Promise<Update[]> {
    const changes: Update[] = [];
    for await (const record of this.records(from === undefined ? INPUT_START : this.position(from), this.position(to), false, reportError)) {
      if (record !== CAUGHT_UP) for (const change of record.changes) changes.push(change);
    }
    return changes;
  }

  stop(): void {
    this.stopping.abort();
  }

  describePosition(position: InputPosition): string {
    const { offset, line } = this.position(position);
    return `byte ${offset} (line ${line})`;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private position(saved: InputPosition): TextPosition {
    return parsePosition(POSITION_SHAPE, saved, this.name);
  }

  /**
   * The records from `from` on, up to `to` or to the end of the file; with `follow`, on as the
   * file grows (a record is complete only once its terminator is written), with CAUGHT_UP each
   * time the end is reached, until stop().
   */
  private async *records(from: TextPosition, to: TextPosition | undefined, follow: boolean, reportError: (error: DynaviewError) => void): AsyncGenerator<Decoded | typeof CAUGHT_UP> {
    if (to !== undefined && to.offset <= from.offset) return;
    const { shownPath, readBytes } = this.options;
    const handle = await this.open(to?.offset ?? from.offset);
    const decoder = createInputDecoder(this.options.format, this.table, {
      source: shownPath,
      from,
      onError: reportError,
      context: { connector: this.name, table: this.table.name, file: shownPath },
    });
    try {
      let offset = from.offset;
      for (;;) {
        const length = to === undefined ? readBytes : Math.min(readBytes, to.offset - offset);
        if (length === 0) break;
        const chunk = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(chunk, 0, length, offset);
        if (bytesRead > 0) {
          offset += bytesRead;
          yield* decoder.recordsIn(chunk.subarray(0, bytesRead));
          if (this.stopped) return;
          continue;
        }
        if (!follow) break;
        yield CAUGHT_UP;
        if (!(await this.grown(handle, offset))) return;
      }
      yield* decoder.lastRecords();
    } catch (error) {
      throw error instanceof DynaviewError ? error : this.unreadable(error);
    } finally {
      await handle.close();
    }
  }

  /** Opens the file after checking that it still holds the `needed` bytes a saved position says were read. */
  private async open(needed: number): Promise<FileHandle> {
    let handle: FileHandle;
    let size: number;
    try {
      handle = await open(this.options.absolutePath, 'r');
      size = (await handle.stat()).size;
    } catch (error) {
      throw this.unreadable(error);
    }
    if (size < needed) {
      await handle.close();
      throw this.changed(`holds ${size} bytes, fewer than the ${needed} already read when the saved state was written: the file was replaced or truncated since`);
    }
    return handle;
  }

  /** Waits until the followed file holds more than `offset` bytes (true), or stop() (false). */
  private async grown(handle: FileHandle, offset: number): Promise<boolean> {
    for (;;) {
      try {
        await sleep(FOLLOW_POLL_MS, undefined, { signal: this.stopping.signal });
      } catch {
        return false;
      }
      const [followed, atPath] = await Promise.all([handle.stat(), stat(this.options.absolutePath).catch(() => undefined)]);
      if (followed.size < offset) throw this.changed(`was truncated to ${followed.size} bytes while being followed, after ${offset} bytes were read`);
      // Read on from another file and the positions would not fit either file: refuse rotation.
      if (atPath !== undefined && (atPath.ino !== followed.ino || atPath.dev !== followed.dev)) throw this.changed('was replaced by another file while being followed');
      if (followed.size > offset) return true;
    }
  }

  private changed(what: string): DynaviewError {
    const { shownPath } = this.options;
    return new DynaviewError(INPUT_FILE_CHANGED, `connector ${this.name}: ${shownPath} ${what}. Start over with an empty state directory.`,
      { context: { connector: this.name, file: shownPath } });
  }

  private unreadable(error: unknown): DynaviewError {
    const { shownPath } = this.options;
    return new DynaviewError(INPUT_FILE_UNREADABLE, `connector ${this.name}: cannot read ${shownPath}: ${errorMessage(error)}`, {
      context: { connector: this.name, file: shownPath },
      cause: error,
    });
  }
}
