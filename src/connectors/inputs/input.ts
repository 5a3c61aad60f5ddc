/**
 * The contract between input connectors and the pipeline: a connector produces changes for one
 * table and hands them to an `InputSink`, waiting on it for backpressure. `createInputConnector`
 * picks the transport by name (Feldera's `transport.name`) and validates its configuration.
 */
import { ConfigError, type DynaviewError } from '../../errors.js';
import type { Update } from '../../schema.js';
import type { SqlType } from '../../sql/sql-type.js';
import { unknownNameMessage } from '../../util/config-problems.js';
import { createDatagenInput } from './datagen.js';
import { createFileInput } from './file-input.js';

export interface InputTable {
  name: string;
  /** Types are resolved: no 'user' kinds. */
  columns: readonly { name: string; type: SqlType; nullable: boolean }[];
}

export interface InputSink {
  /** Hands a chunk of changes (weight +1 insert, -1 delete) to the table. Resolves when the pipeline can take more: await it (backpressure). */
  push(changes: Update[]): Promise<void>;
  /** A record that was skipped; the rest of the input goes on. */
  reportError(error: DynaviewError): void;
}

export interface InputConnector {
  readonly name: string;
  /** Produces input until it is exhausted (resolves) or stop() was called (resolves soon after). Rejects only on a fatal error (e.g. the file cannot be opened). */
  run(sink: InputSink): Promise<void>;
  stop(): void;
}

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

const TRANSPORTS: Readonly<Record<string, (transport: InputTransport, context: InputContext) => InputConnector>> = {
  datagen: createDatagenInput,
  file_input: createFileInput,
};

/** Throws ConfigError for an unknown transport or an invalid configuration. */
export function createInputConnector(transport: InputTransport, context: InputContext): InputConnector {
  const create = Object.hasOwn(TRANSPORTS, transport.name) ? TRANSPORTS[transport.name] : undefined;
  if (create === undefined) {
    throw new ConfigError(`connector ${context.connector}`, [
      { field: 'name', message: `"${transport.name}" ${unknownNameMessage(transport.name, Object.keys(TRANSPORTS), 'an input transport')}` },
    ], { connector: context.connector });
  }
  return create(transport, context);
}
