/**
 * The `file_output` connector: appends the view's changes to a file as Feldera's JSON
 * `insert_delete` events, one per line, batch after batch, so that a reader applying the lines
 * in order ends with the view's contents.
 *
 * The file is truncated when the connector opens: to empty on a fresh start, or, when the run
 * resumes from a checkpoint, to the length it had after the last batch that checkpoint covers.
 * Writes made after that point are cut off, partial last line included, and the steps after it
 * are written again, so that a restart neither loses nor repeats an event. A checkpoint records
 * the file's length after the last batch written, once that length is on disk (fsync).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DynaviewError, errorMessage } from '../../errors.js';
import { consolidate } from '../../engine/zset.js';
import type { Update } from '../../schema.js';
import { ConfigProblems, parseOptions } from '../../util/config-problems.js';
import { FileOutputMetrics } from './file-output-metrics.js';
import { compileJsonRowEncoder, type JsonRowEncoder } from './json-encode.js';
import { checkJsonOutputFormat, insertDeleteLines, MAX_RECORD_WEIGHT } from './json-format.js';
import type {
  OutputBatchResult, OutputCheckpoint, OutputConnector, OutputContext, OutputDefinition, OutputOpenOptions, OutputStatus,
  OutputTransport, OutputTransportEntry, OutputView,
} from './output.js';

export const OUTPUT_FILE_UNWRITABLE = 'OUTPUT_FILE_UNWRITABLE';
/** The file is shorter than a checkpoint says it was written to. */
export const OUTPUT_FILE_CHANGED = 'OUTPUT_FILE_CHANGED';
export const OUTPUT_RECORD_WEIGHT_TOO_LARGE = 'OUTPUT_RECORD_WEIGHT_TOO_LARGE';
export const OUTPUT_POSITION_INVALID = 'OUTPUT_POSITION_INVALID';

const CONFIG_SHAPE = z.strictObject({
  path: z.string({ error: 'is required: the path of the file to write (relative paths start at the program\'s directory)' })
    .min(1, { error: 'must not be empty' }),
});

/** The options of the transport's `config`. */
export const FILE_OUTPUT_OPTION_NAMES: readonly string[] = Object.keys(CONFIG_SHAPE.shape);

/** Text gathered before it is appended: large enough for few system calls, small enough to keep memory flat. */
const WRITE_CHUNK_CHARS = 1 << 20;

/** The file's length after the batches of every step up to the checkpoint's. */
const POSITION_SHAPE = z.strictObject({ bytes: z.int().min(0) });

export const fileOutputTransport: OutputTransportEntry = {
  title: 'file output',
  requiresIndex: false,
  define: defineFileOutput,
};

function defineFileOutput(transport: OutputTransport, context: OutputContext): OutputDefinition {
  const problems = new ConfigProblems();
  const path = parseOptions(CONFIG_SHAPE, transport.config ?? {}, [], 'a file_output option', problems)?.path;
  if (context.index !== undefined) {
    problems.add('index', 'is not allowed: file_output writes every change of the view as it comes, not updates by key');
  }
  checkJsonOutputFormat(transport.format, 'file_output', problems);
  problems.throwIfAny(`connector ${context.connector}`, { connector: context.connector });
  return new FileOutputDefinition(context.connector, context.view, resolve(context.baseDir, path ?? ''));
}

class FileOutputDefinition implements OutputDefinition {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly target: string;

  constructor(private readonly connector: string, private readonly view: OutputView, private readonly path: string) {
    this.settings = { path, format: 'json', update_format: 'insert_delete' };
    this.target = `file ${path}`;
  }

  open(options: OutputOpenOptions): Promise<OutputConnector> {
    return FileOutput.open(this.connector, this.path, this.view, options);
  }
}

class FileOutput implements OutputConnector {
  readonly pipelined = false;
  /** Every operation on the file, in order: batches must not interleave, and a checkpoint sees whole batches. */
  private operations: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly name: string,
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly columns: readonly string[],
    private readonly encodeRow: JsonRowEncoder,
    private readonly metrics: FileOutputMetrics,
    /** After the last batch written. */
    private written: { step: number; bytes: number },
  ) {}

  static async open(name: string, path: string, view: OutputView, options: OutputOpenOptions): Promise<FileOutput> {
    const from = { step: options.resume?.step ?? 0, bytes: options.resume ? savedLength(options.resume, name) : 0 };
    let handle: FileHandle;
    try {
      handle = await open(path, 'a');
    } catch (error) {
      throw unwritable(name, path, 'open', error);
    }
    try {
      const size = await cutBack(handle, from.bytes, name, path);
      if (options.resume && size > from.bytes) {
        logResume(options.logger, name, path, from, size);
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    const columns = view.columns.map((c) => c.name);
    return new FileOutput(name, path, handle, columns, compileJsonRowEncoder(view.columns), new FileOutputMetrics(name, options.registry), from);
  }

  writeStep(changes: readonly Update[], step: number): Promise<OutputBatchResult> {
    return this.serialized(() => this.write(changes, step));
  }

  status(): OutputStatus {
    const m = this.metrics.snapshot();
    return {
      written: m.records_written,
      retries: 0,
      dropped: m.failed_records,
      summary: `${m.records_written} written (${m.inserts_written} inserts, ${m.deletes_written} deletes), ${m.failed_records} failed`,
      metrics: m,
    };
  }

  checkpoint(): Promise<OutputCheckpoint> {
    return this.serialized(async () => {
      const { step, bytes } = this.written;
      try {
        await this.handle.datasync();
      } catch (error) {
        throw unwritable(this.name, this.path, 'flush', error);
      }
      return { step, position: { bytes } };
    });
  }

  async close(): Promise<void> {
    await this.operations;
    await this.handle.close();
  }

  private async write(batch: readonly Update[], step: number): Promise<OutputBatchResult> {
    // Deletes are written before inserts, which is right only when a row's changes have been
    // summed: a row inserted and deleted again in the batch must leave no line at all.
    const changes = consolidate([...batch], this.columns);
    const tooHeavy: number[] = [];
    let bytes = this.written.bytes;
    let text = '';
    const append = async (): Promise<void> => {
      try {
        await this.handle.appendFile(text);
      } catch (error) {
        throw unwritable(this.name, this.path, 'append to', error);
      }
      bytes += Buffer.byteLength(text);
      text = '';
    };
    for (const line of insertDeleteLines(changes, this.encodeRow, (change) => tooHeavy.push(change.weight))) {
      text += line;
      if (text.length >= WRITE_CHUNK_CHARS) await append();
    }
    await append();
    const { inserts, deletes } = eventCounts(changes);
    this.metrics.count('inserts_written', inserts);
    this.metrics.count('deletes_written', deletes);
    this.metrics.count('records_written', inserts + deletes);
    this.metrics.count('bytes_written', bytes - this.written.bytes);
    this.metrics.count('failed_records', tooHeavy.length);
    this.metrics.count('steps', 1);
    this.written = { step, bytes };
    if (tooHeavy.length === 0) return { written: inserts + deletes, failed: 0 };
    const failure = new DynaviewError(OUTPUT_RECORD_WEIGHT_TOO_LARGE, `connector ${this.name}: ${tooHeavy.length} record(s) of step ${step} `
      + `were not written to ${this.path}: their weights (${tooHeavy.slice(0, 10).join(', ')}${tooHeavy.length > 10 ? ', ...' : ''}) are beyond `
      + `±${MAX_RECORD_WEIGHT}, the most times Feldera's JSON encoder repeats a record`,
    { context: { connector: this.name, file: this.path } });
    return { written: inserts + deletes, failed: tooHeavy.length, failure };
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.operations.then(operation);
    // A failed operation fails its caller; the next ones still run.
    this.operations = result.catch(() => undefined);
    return result;
  }
}

/** Insert and delete events the batch's records make, those over the weight limit left out. */
function eventCounts(changes: readonly Update[]): { inserts: number; deletes: number } {
  let inserts = 0;
  let deletes = 0;
  for (const { weight } of changes) {
    if (Math.abs(weight) > MAX_RECORD_WEIGHT) continue;
    if (weight > 0) inserts += weight;
    else deletes -= weight;
  }
  return { inserts, deletes };
}

function savedLength(saved: OutputCheckpoint, name: string): number {
  const position = POSITION_SHAPE.safeParse(saved.position);
  if (position.success) return position.data.bytes;
  throw new DynaviewError(OUTPUT_POSITION_INVALID, `connector ${name}: the saved output position ${JSON.stringify(saved.position)} is not one this connector writes`,
    { context: { connector: name } });
}

/** Truncates the file to `length` bytes, which it must hold; returns the length it had. */
async function cutBack(handle: FileHandle, length: number, name: string, path: string): Promise<number> {
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    throw unwritable(name, path, 'read the size of', error);
  }
  if (size < length) {
    throw new DynaviewError(OUTPUT_FILE_CHANGED, `connector ${name}: ${path} holds ${size} bytes, fewer than the ${length} the saved state `
      + 'says were written: the file was replaced or truncated since. Start over with an empty state directory.',
    { context: { connector: name, file: path } });
  }
  try {
    await handle.truncate(length);
  } catch (error) {
    throw unwritable(name, path, 'truncate', error);
  }
  return size;
}

function logResume(logger: Logger, name: string, path: string, from: { step: number; bytes: number }, size: number): void {
  logger.info({ connector: name, file: path, step: from.step, bytes: from.bytes, dropped_bytes: size - from.bytes },
    `${path}: kept the ${from.bytes} bytes written up to step ${from.step}; the ${size - from.bytes} bytes written after it are removed and written again`);
}

function unwritable(name: string, path: string, action: string, error: unknown): DynaviewError {
  return new DynaviewError(OUTPUT_FILE_UNWRITABLE, `connector ${name}: cannot ${action} ${path}: ${errorMessage(error)}`, {
    context: { connector: name, file: path },
    cause: error,
  });
}
