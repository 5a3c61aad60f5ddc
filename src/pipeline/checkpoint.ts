/**
 * The checkpoint file of a state directory: which program wrote it, how many steps it covers,
 * each input's position and row count after them, the positions of the outputs that append, and
 * the engine's state. One JSON header line,
 * checked against a schema with a version, then the engine state as V8 serialized bytes with
 * their length and SHA-256 in the header.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DynaviewError } from '../errors.js';
import type { InputPosition, JsonValue } from '../connectors/inputs/input.js';
import type { OutputCheckpoint } from '../connectors/outputs/output.js';
import type { EngineSnapshot } from '../engine/circuit.js';

export const STATE_DIR_INVALID = 'STATE_DIR_INVALID';
export const STATE_DIR_PROGRAM_MISMATCH = 'STATE_DIR_PROGRAM_MISMATCH';
export const STATE_DIR_UNUSABLE = 'STATE_DIR_UNUSABLE';

/**
 * A state directory that cannot be used: unreadable or unwritable (STATE_DIR_UNUSABLE), written by
 * a different program (STATE_DIR_PROGRAM_MISMATCH), or holding files dynaview cannot read back
 * (STATE_DIR_INVALID).
 */
export class StateDirError extends DynaviewError {
  constructor(code: typeof STATE_DIR_INVALID | typeof STATE_DIR_PROGRAM_MISMATCH | typeof STATE_DIR_UNUSABLE, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
  }
}

export const CHECKPOINT_FORMAT = 'dynaview-checkpoint';
export const CHECKPOINT_VERSION = 2;

/** A program by its file and the SHA-256 of its text (SQL and connector configurations). */
export interface ProgramIdentity {
  readonly file: string;
  readonly sha256: string;
}

export interface ConsumedInput {
  readonly position: InputPosition;
  /** Rows pushed up to the position, over every run. */
  readonly rows: number;
}

export interface Checkpoint {
  readonly program: ProgramIdentity;
  /** Steps covered, counted over every run: their changes are all written. */
  readonly step: number;
  /** By input endpoint name; an input that has pushed nothing yet is absent. */
  readonly inputs: Readonly<Record<string, ConsumedInput>>;
  /**
   * By output endpoint name, where each output stands that needs a position to resume from (one
   * that appends, such as a file); absent when none does.
   */
  readonly outputs?: Readonly<Record<string, OutputCheckpoint>>;
  /** Opaque engine state; null before the first step. */
  readonly engine: EngineSnapshot | null;
}

export function programIdentity(file: string, source: string): ProgramIdentity {
  return { file, sha256: createHash('sha256').update(source).digest('hex') };
}

/** Input positions are JSON data. */
export const JSON_VALUE_SHAPE: z.ZodType<JsonValue> = z.lazy(() => z.union([
  z.null(), z.boolean(), z.number(), z.string(), z.array(JSON_VALUE_SHAPE), z.record(z.string(), JSON_VALUE_SHAPE),
]));

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const HEADER_SHAPE = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  program: z.strictObject({ file: z.string(), sha256: sha256Hex }),
  step: z.int().min(0),
  saved_at: z.string(),
  inputs: z.record(z.string(), z.strictObject({ position: JSON_VALUE_SHAPE, rows: z.int().min(0) })),
  outputs: z.record(z.string(), z.strictObject({ step: z.int().min(0), position: JSON_VALUE_SHAPE })).optional(),
  engine_state: z.strictObject({ bytes: z.int().min(0), sha256: sha256Hex }),
});

/** The file's bytes: the header line, then the engine state. */
export function encodeCheckpoint(checkpoint: Checkpoint): Buffer[] {
  const engine = checkpoint.engine ?? new Uint8Array(0);
  const header: z.input<typeof HEADER_SHAPE> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    program: checkpoint.program,
    step: checkpoint.step,
    saved_at: new Date().toISOString(),
    inputs: checkpoint.inputs,
    ...(checkpoint.outputs === undefined ? {} : { outputs: checkpoint.outputs }),
    engine_state: { bytes: engine.length, sha256: sha256(engine) },
  };
  return [Buffer.from(`${JSON.stringify(header)}\n`), Buffer.from(engine)];
}

/** Reads a checkpoint file's bytes; `file` names it in errors. */
export function decodeCheckpoint(bytes: Buffer, file: string): Checkpoint {
  const invalid = (why: string): StateDirError => new StateDirError(STATE_DIR_INVALID,
    `${file} is not a checkpoint dynaview can read (${why}); delete the state directory to start over`);
  const newline = bytes.indexOf(0x0a);
  if (newline === -1) throw invalid('no header line');
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8', 0, newline));
  } catch {
    throw invalid('the header is not JSON');
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== CHECKPOINT_VERSION && (raw as { format?: unknown } | null)?.format === CHECKPOINT_FORMAT) {
    throw invalid(`format version ${JSON.stringify(version)}; this dynaview reads version ${CHECKPOINT_VERSION}`);
  }
  const header = HEADER_SHAPE.safeParse(raw);
  if (!header.success) throw invalid(`header field ${header.error.issues[0]?.path.join('.') || '(header)'}: ${header.error.issues[0]?.message ?? 'invalid'}`);
  const engineBytes = bytes.subarray(newline + 1);
  const { engine_state: expected } = header.data;
  if (engineBytes.length !== expected.bytes || sha256(engineBytes) !== expected.sha256) throw invalid('the engine state does not match its checksum');
  // The engine checks its own state when it restores it.
  const engine = engineBytes.length === 0 ? null : new Uint8Array(engineBytes);
  const { program, step, inputs, outputs } = header.data;
  return { program, step, inputs, ...(outputs === undefined ? {} : { outputs }), engine };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
