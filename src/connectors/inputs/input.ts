/**
 * The contract between input connectors and the pipeline: a connector produces changes for one
 * table and hands them to an `InputSink`, waiting on it for backpressure. Every push carries the
 * connector's position after it, so that a restarted run can go on from where the changes a
 * checkpoint covers end. How a restart gets the changes after that again is a capability it
 * declares (`replay`): read them again by position, or have the pipeline journal its pushes.
 * A transport's factory (see `registry.ts`) validates its configuration into a connector.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { DynaviewError } from '../../errors.js';
import type { Update } from '../../schema.js';
import type { SqlType } from '../../sql/sql-type.js';

export interface InputTable {
  name: string;
  /** Types are resolved: no 'user' kinds. */
  columns: readonly { name: string; type: SqlType; nullable: boolean }[];
  /** Names of the primary key columns; empty when the table has none. */
  primaryKey: readonly string[];
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where a connector stands in its input, after the changes it has pushed: JSON data that the
 * pipeline saves and hands back, and that only the connector that made it reads.
 */
export type InputPosition = JsonValue;

export const INPUT_POSITION_INVALID = 'INPUT_POSITION_INVALID';

export interface InputSink {
  /**
   * Hands a chunk of changes (weight +1 insert, -1 delete) to the table, with the connector's
   * position after them (a chunk may be empty when only the position moved, past records that
   * were skipped). Resolves when the pipeline can take more: await it (backpressure). `bytes`:
   * how many bytes of the source were read since the previous push, for the input's byte count;
   * a source that reads no bytes of its own (a generator, rows of a Postgres driver) leaves it out.
   */
  push(changes: Update[], position: InputPosition, bytes?: number): Promise<void>;
  /** A record that was skipped; the rest of the input goes on. */
  reportError(error: DynaviewError): void;
  /**
   * Where to tell the operator what does not stop the input (a lost connection being retried),
   * already naming the connector; a sink without one (a test's) hears nothing.
   */
  readonly logger?: Logger;
}

/**
 * How a restarted run gets again what a connector pushed after the last checkpoint:
 * `by-position` when the connector can read the changes between two positions it pushed (a file,
 * a generator); `journal` when what it pushed is gone once pushed (a push source such as HTTP, a
 * replication stream): with a state directory the pipeline then writes every push to a durable
 * journal before accepting it, and replays from there.
 */
export type InputReplay = InputConnector['replay'];

interface InputConnectorBase {
  readonly name: string;
  /**
   * Produces input, from the start or from a position it pushed before, until it is exhausted
   * (resolves) or stop() was called (resolves soon after). Rejects only on a fatal error (e.g. the
   * file cannot be opened).
   */
  run(sink: InputSink, from?: InputPosition): Promise<void>;
  stop(): void;
  /**
   * Called, in order, with a position this connector pushed once every change up to it is written
   * to every output (e.g. to tell a client its data has arrived).
   */
  written?(position: InputPosition): void;
  /**
   * Called, in order, with a position this connector pushed once nothing up to it will ever be
   * asked of the source again: every change up to it is written to every output and, with a state
   * directory, covered by a saved checkpoint. A source that keeps its own read position (a
   * replication slot) advances it here; before this it must be able to send those changes again.
   */
  committed?(position: InputPosition): void;
  /** A position it pushed, as an operator reads it (`byte 1204 (line 31)`, `LSN 0/16B3748`), for /status. */
  describePosition?(position: InputPosition): string;
}

/** A connector that can read a range of its input again: a restarted run replays its journaled steps with it. */
export interface ReplayableInputConnector extends InputConnectorBase {
  readonly replay: 'by-position';
  /**
   * The changes between two positions it pushed (`from` undefined: the start), the same and in the
   * same order as run() pushed them, at once: no rate limit applies.
   */
  read(from: InputPosition | undefined, to: InputPosition, reportError: (error: DynaviewError) => void): Promise<Update[]>;
}

/**
 * A connector that cannot produce its input again: with a state directory the pipeline journals
 * its pushes durably before accepting them (a push resolves only once journaled), and replays them
 * from that journal. After a restart, run() gets the position of the last push the journal holds.
 */
export interface JournaledInputConnector extends InputConnectorBase {
  readonly replay: 'journal';
}

export type InputConnector = ReplayableInputConnector | JournaledInputConnector;

export interface InputContext {
  /** The endpoint name, `<table>.<connector>`. */
  connector: string;
  table: InputTable;
  /** Directory relative file paths are resolved against (the program's). */
  baseDir: string;
}

/** A connector's `transport`, with its sibling `format` section (Feldera keeps them side by side). */
export interface InputTransport {
  name: string;
  config: unknown;
  format?: { name: string; config?: unknown };
}

/**
 * Validates a transport's configuration (with its `format`) into a connector. Throws ConfigError
 * (fields relative to `config`, except `name` and `format...`, which are the connector's own).
 */
export type InputTransportFactory = (transport: InputTransport, context: InputContext) => InputConnector;

/** Input transports by Feldera's `transport.name`. */
export type InputTransports = Readonly<Record<string, InputTransportFactory>>;

/** Reads back a position a connector pushed; anything else is a saved state that does not belong to it. */
export function parsePosition<S extends z.ZodType>(schema: S, position: InputPosition, connector: string): z.output<S> {
  const result = schema.safeParse(position);
  if (result.success) return result.data;
  throw new DynaviewError(INPUT_POSITION_INVALID, `connector ${connector}: the saved input position ${JSON.stringify(position)} is not one this connector writes`,
    { context: { connector } });
}
