/**
 * The `file_input` connector: reads a file of JSON events once, from start to end, or from where
 * a previous run stopped. Without `array`, every non-blank line is one event and the file is
 * streamed; with `array`, the file holds JSON arrays of events (one over many lines, or one per
 * line). A record that cannot be read is reported at its `file:line` and skipped; the rest of the
 * file is still ingested. Positions are byte offsets where a record starts, with its line and
 * column for messages.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import { DynaviewError, errorMessage, type ErrorContext } from '../../errors.js';
import type { Update } from '../../schema.js';
import type { SqlField } from '../../sql/sql-type.js';
import { ConfigProblems, parseOptions } from '../../util/config-problems.js';
import { JsonSyntaxError, lineAndColumn, parseJsonLossless } from '../../util/lossless-json.js';
import type { JsonFormat } from '../formats/format.js';
import { decodeEvent } from '../formats/json/json-format.js';
import { splitJsonValues } from '../formats/json/json-split.js';
import { FILE_START, splitLines, type TextPosition } from '../formats/line-split.js';
import { parseInputFormat } from '../formats/registry.js';
import { parsePosition, type InputContext, type InputPosition, type InputSink, type InputTransport, type ReplayableInputConnector } from './input.js';

export const INPUT_INVALID_JSON = 'INPUT_INVALID_JSON';
export const INPUT_FILE_UNREADABLE = 'INPUT_FILE_UNREADABLE';
/** The file no longer holds what a saved position says was read. */
export const INPUT_FILE_CHANGED = 'INPUT_FILE_CHANGED';

/** Changes per push (whole records: one array event can hold more): large enough to amortize a step, small enough to keep memory flat. */
const CHUNK_ROWS = 10_000;

const CONFIG_SHAPE = z.strictObject({
  path: z.string({ error: 'is required: the path of the file to read (relative paths start at the program\'s directory)' })
    .min(1, { error: 'must not be empty' }),
  // Feldera's read buffer size; Node's stream defaults serve as well.
  buffer_size_bytes: z.int({ error: 'must be an integer of at least 1, or null' }).min(1, { error: 'must be an integer of at least 1, or null' }).nullish(),
  follow: z.literal(false, { error: 'is not supported: dynaview reads the file once, to its end' }).optional(),
});

export function createFileInput(transport: InputTransport, context: InputContext): ReplayableInputConnector {
  const problems = new ConfigProblems();
  const path = parsePath(transport.config, problems);
  const format = parseInputFormat(transport.format, problems);
  problems.throwIfAny(`connector ${context.connector}`, { connector: context.connector });
  return new FileInput(context, path ?? '', resolve(context.baseDir, path ?? ''), format);
}

function parsePath(raw: unknown, problems: ConfigProblems): string | undefined {
  return parseOptions(CONFIG_SHAPE, raw, [], 'a file_input option', problems)?.path;
}

/** A position in the file, as pushed: where the next record starts. */
const POSITION_SHAPE = z.strictObject({ offset: z.int().min(0), line: z.int().min(1), col: z.int().min(1) });

/** One record (a line, or a JSON value with `array`) and where the next one starts. */
interface FileRecord {
  readonly changes: Update[];
  readonly end: TextPosition;
}

class FileInput implements ReplayableInputConnector {
  readonly name: string;
  /** A record's changes are read again from where it starts in the file. */
  readonly replay = 'by-position';
  private readonly table: string;
  private readonly columns: readonly SqlField[];
  private readonly stopping = new AbortController();

  constructor(
    context: InputContext,
    /** The path as configured, for messages. */
    private readonly shownPath: string,
    private readonly absolutePath: string,
    private readonly format: JsonFormat,
  ) {
    this.name = context.connector;
    this.table = context.table.name;
    this.columns = context.table.columns;
  }

  /** Pushes once CHUNK_ROWS changes are read, and whole records only, so that every push ends where a record does. */
  async run(sink: InputSink, from?: InputPosition): Promise<void> {
    let position = from === undefined ? FILE_START : this.position(from);
    let pending: Update[] = [];
    let pushedAt = position.offset;
    const flush = async (): Promise<void> => {
      const changes = pending;
      pending = [];
      pushedAt = position.offset;
      await sink.push(changes, { ...position });
      // Let timers and I/O run (stop() among them) even when push resolves at once.
      await yieldToEventLoop();
    };
    try {
      for await (const record of this.records(position, undefined, sink)) {
        // One array record can hold more changes than a spread's arguments may.
        for (const change of record.changes) pending.push(change);
        position = record.end;
        if (pending.length >= CHUNK_ROWS) await flush();
        if (this.stopped) return;
      }
    } catch (error) {
      if (this.stopped) return;
      throw error;
    }
    // Also when only skipped records are left: the position moves past them.
    if (pushedAt !== position.offset) await flush();
  }

  async read(from: InputPosition | undefined, to: InputPosition, reportError: (error: DynaviewError) => void): Promise<Update[]> {
    const changes: Update[] = [];
    for await (const record of this.records(from === undefined ? FILE_START : this.position(from), this.position(to), { reportError })) {
      for (const change of record.changes) changes.push(change);
    }
    return changes;
  }

  stop(): void {
    this.stopping.abort();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private position(saved: InputPosition): TextPosition {
    return parsePosition(POSITION_SHAPE, saved, this.name);
  }

  /** The records from `from` on, up to `to` or to the end of the file. */
  private async *records(from: TextPosition, to: TextPosition | undefined, sink: Pick<InputSink, 'reportError'>): AsyncGenerator<FileRecord> {
    if (to !== undefined && to.offset <= from.offset) return;
    const chunks = await this.bytesFrom(from, to);
    try {
      if (this.format.array) {
        const parts: Buffer[] = [];
        for await (const chunk of chunks) parts.push(chunk);
        const bytes = Buffer.concat(parts);
        for (const value of splitJsonValues(bytes, from)) {
          yield { changes: this.readMessage(value.text, value.line, value.col, sink), end: value.end };
        }
        return;
      }
      // One event per non-blank line.
      for await (const line of splitLines(chunks, from)) {
        yield { changes: line.text.trim() === '' ? [] : this.readMessage(line.text, line.line, 1, sink), end: line.end };
      }
    } catch (error) {
      throw error instanceof DynaviewError ? error : this.unreadable(error);
    }
  }

  /** The file's bytes from `from` to `to` (or its end), after checking that it still holds them. */
  private async bytesFrom(from: TextPosition, to: TextPosition | undefined): Promise<AsyncIterable<Buffer>> {
    const needed = to?.offset ?? from.offset;
    let size: number;
    try {
      size = (await stat(this.absolutePath)).size;
    } catch (error) {
      throw this.unreadable(error);
    }
    if (size < needed) {
      throw new DynaviewError(INPUT_FILE_CHANGED, `connector ${this.name}: ${this.shownPath} holds ${size} bytes, fewer than the ${needed} `
        + 'already read when the saved state was written: the file was replaced or truncated since. Start over with an empty state directory.',
      { context: { connector: this.name, file: this.shownPath } });
    }
    return createReadStream(this.absolutePath, { start: from.offset, ...(to === undefined ? {} : { end: to.offset - 1 }) });
  }

  /** Decodes one message (an event, or an array of events) starting at `line`:`col`; what cannot be read is reported and skipped. */
  private readMessage(text: string, line: number, col: number, sink: Pick<InputSink, 'reportError'>): Update[] {
    let message: unknown;
    try {
      message = parseJsonLossless(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      const at = lineAndColumn(text, error.offset);
      const position = { line: line + at.line - 1, col: at.line === 1 ? col + at.col - 1 : at.col };
      sink.reportError(this.recordError(INPUT_INVALID_JSON, `not valid JSON: ${error.reason}`, position, {}));
      return [];
    }
    if (!this.format.array) return this.readEvent(message, { line }, '', sink);
    if (!Array.isArray(message)) {
      sink.reportError(this.recordError(INPUT_INVALID_JSON, 'expected a JSON array of events ("array": true)', { line, col }, {}));
      return [];
    }
    return message.flatMap((event: unknown, i) => this.readEvent(event, { line }, `event ${i} of the array: `, sink));
  }

  private readEvent(event: unknown, position: { line: number }, prefix: string, sink: Pick<InputSink, 'reportError'>): Update[] {
    try {
      return decodeEvent(event, this.format.updateFormat, this.columns);
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      sink.reportError(this.recordError(error.code, prefix + error.message, position, error.context));
      return [];
    }
  }

  private recordError(code: string, message: string, position: { line: number; col?: number }, context: ErrorContext): DynaviewError {
    const where = `${this.shownPath}:${position.line}${position.col === undefined ? '' : `:${position.col}`}`;
    return new DynaviewError(code, `${where}: ${message} (record skipped)`, {
      context: { ...context, connector: this.name, table: this.table, file: this.shownPath, ...position },
    });
  }

  private unreadable(error: unknown): DynaviewError {
    return new DynaviewError(INPUT_FILE_UNREADABLE, `connector ${this.name}: cannot read ${this.shownPath}: ${errorMessage(error)}`, {
      context: { connector: this.name, file: this.shownPath },
      cause: error,
    });
  }
}
