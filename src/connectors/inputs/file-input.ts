/**
 * The `file_input` connector: reads a file of JSON events once, from start to end. Without
 * `array`, every non-blank line is one event and the file is streamed; with `array`, the file
 * holds JSON arrays of events (one over many lines, or one per line). A record that cannot be read
 * is reported at its `file:line` and skipped; the rest of the file is still ingested.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import { DynaviewError, errorMessage, type ErrorContext } from '../../errors.js';
import type { Update } from '../../schema.js';
import type { SqlField } from '../../sql/sql-type.js';
import { ConfigProblems, parseOptions } from '../../util/config-problems.js';
import { JsonSyntaxError, lineAndColumn, parseJsonLossless } from '../../util/lossless-json.js';
import type { InputConnector, InputContext, InputSink, InputTransport } from './input.js';
import { decodeEvent, parseJsonFormat, type JsonFormat } from './json-format.js';
import { splitJsonValues } from './json-split.js';

export const INPUT_INVALID_JSON = 'INPUT_INVALID_JSON';
export const INPUT_FILE_UNREADABLE = 'INPUT_FILE_UNREADABLE';

/** Changes per push: large enough to amortize a step, small enough to keep memory flat. */
const CHUNK_ROWS = 10_000;

const CONFIG_SHAPE = z.strictObject({
  path: z.string({ error: 'is required: the path of the file to read (relative paths start at the program\'s directory)' })
    .min(1, { error: 'must not be empty' }),
  // Feldera's read buffer size; Node's stream defaults serve as well.
  buffer_size_bytes: z.int({ error: 'must be an integer of at least 1, or null' }).min(1, { error: 'must be an integer of at least 1, or null' }).nullish(),
  follow: z.literal(false, { error: 'is not supported: dynaview reads the file once, to its end' }).optional(),
});

export function createFileInput(transport: InputTransport, context: InputContext): InputConnector {
  const problems = new ConfigProblems();
  const path = parsePath(transport.config, problems);
  const format = parseJsonFormat(transport.format, problems);
  problems.throwIfAny(`connector ${context.connector}`, { connector: context.connector });
  return new FileInput(context, path ?? '', resolve(context.baseDir, path ?? ''), format);
}

function parsePath(raw: unknown, problems: ConfigProblems): string | undefined {
  return parseOptions(CONFIG_SHAPE, raw, [], 'a file_input option', problems)?.path;
}

class FileInput implements InputConnector {
  readonly name: string;
  private readonly table: string;
  private readonly columns: readonly SqlField[];
  private readonly stopping = new AbortController();
  private pending: Update[] = [];

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

  async run(sink: InputSink): Promise<void> {
    if (this.format.array) await this.readArrays(sink);
    else await this.readLines(sink);
    if (!this.stopped) await this.flush(sink);
  }

  stop(): void {
    this.stopping.abort();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** One event per non-blank line, streamed. */
  private async readLines(sink: InputSink): Promise<void> {
    const handle = await this.open();
    const stream = handle.createReadStream({ encoding: 'utf8' });
    const destroy = (): void => {
      stream.destroy();
    };
    this.stopping.signal.addEventListener('abort', destroy, { once: true });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let lineNumber = 0;
    try {
      for await (const line of lines) {
        lineNumber += 1;
        const text = lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line;
        if (text.trim() !== '') this.readMessage(text, lineNumber, 1, sink);
        if (this.pending.length >= CHUNK_ROWS) await this.flush(sink);
        if (this.stopped) break;
      }
    } catch (error) {
      if (!this.stopped) throw this.unreadable(error);
    } finally {
      this.stopping.signal.removeEventListener('abort', destroy);
      lines.close();
      await handle.close();
    }
  }

  /** JSON arrays of events: the whole file at once, split into its top-level values. */
  private async readArrays(sink: InputSink): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.absolutePath, { encoding: 'utf8', signal: this.stopping.signal });
    } catch (error) {
      if (this.stopped) return;
      throw this.unreadable(error);
    }
    for (const value of splitJsonValues(text)) {
      if (this.stopped) return;
      this.readMessage(value.text, value.line, value.col, sink);
      if (this.pending.length >= CHUNK_ROWS) await this.flush(sink);
    }
  }

  private async open(): Promise<FileHandle> {
    try {
      return await open(this.absolutePath, 'r');
    } catch (error) {
      throw this.unreadable(error);
    }
  }

  /** Parses one message (an event, or an array of events) starting at `line`:`col`. */
  private readMessage(text: string, line: number, col: number, sink: InputSink): void {
    let message: unknown;
    try {
      message = parseJsonLossless(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      const at = lineAndColumn(text, error.offset);
      const position = { line: line + at.line - 1, col: at.line === 1 ? col + at.col - 1 : at.col };
      sink.reportError(this.recordError(INPUT_INVALID_JSON, `not valid JSON: ${error.reason}`, position, {}));
      return;
    }
    if (!this.format.array) {
      this.readEvent(message, { line }, '', sink);
      return;
    }
    if (!Array.isArray(message)) {
      sink.reportError(this.recordError(INPUT_INVALID_JSON, 'expected a JSON array of events ("array": true)', { line, col }, {}));
      return;
    }
    message.forEach((event: unknown, i) => this.readEvent(event, { line }, `event ${i} of the array: `, sink));
  }

  private readEvent(event: unknown, position: { line: number }, prefix: string, sink: InputSink): void {
    try {
      this.pending.push(...decodeEvent(event, this.format.updateFormat, this.columns));
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      sink.reportError(this.recordError(error.code, prefix + error.message, position, error.context));
    }
  }

  /** Pushes what was read, in chunks of at most CHUNK_ROWS (one array event can hold more). */
  private async flush(sink: InputSink): Promise<void> {
    const changes = this.pending;
    this.pending = [];
    for (let start = 0; start < changes.length && !this.stopped; start += CHUNK_ROWS) {
      await sink.push(changes.slice(start, start + CHUNK_ROWS));
      // Let timers and I/O run (stop() among them) even when push resolves at once.
      await yieldToEventLoop();
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
