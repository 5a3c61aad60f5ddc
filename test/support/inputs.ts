/**
 * What tests of input connectors and decoders share: a table to read into, written as a list of
 * columns; the problems a format's configuration has; and a sink that keeps what a connector
 * pushes and reports, which a test can wait on.
 */
import assert from 'node:assert/strict';
import { parseInputFormat } from '../../src/connectors/formats/registry.js';
import type { InputPosition, InputSink, InputTable } from '../../src/connectors/inputs/input.js';
import { ConfigError, type DynaviewError } from '../../src/errors.js';
import type { Row, Update } from '../../src/schema.js';
import { parseSqlType } from '../../src/sql/parse-type.js';
import { ConfigProblems } from '../../src/util/config-problems.js';

/** A column as SQL writes it: name, type, and whether it takes NULL (by default: unless it is in the primary key). */
export type ColumnSpec = [name: string, type: string, nullable?: boolean];

export function inputTable(name: string, columns: readonly ColumnSpec[], primaryKey: string[] = []): InputTable {
  return {
    name,
    primaryKey,
    columns: columns.map(([column, type, nullable = !primaryKey.includes(column)]) => ({ name: column, type: parseSqlType(type), nullable })),
  };
}

/** The problems of input format `name` with `config`, as `field: message`; none when it is valid. */
export function formatProblems(name: string, config: unknown): string[] {
  const problems = new ConfigProblems();
  parseInputFormat({ name, config }, problems);
  try {
    problems.throwIfAny('test format');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${p.field}: ${p.message}`);
  }
  return [];
}

/** What an input connector pushed, with the position after it. */
export interface Pushed {
  readonly changes: Update[];
  readonly position: InputPosition;
}

const WAIT_TIMEOUT_MS = 20_000;

/**
 * A sink that keeps what a connector pushes and reports, and lets a test wait for a condition on
 * it (checked after every push and report) instead of sleeping.
 */
export class RecordingSink implements InputSink {
  readonly pushes: Pushed[] = [];
  readonly errors: DynaviewError[] = [];
  private readonly waiters: Array<() => void> = [];

  /** `onPush` is called after each push is kept, before it resolves, e.g. to stop the connector at a given point. */
  constructor(public onPush: ((sink: RecordingSink) => void) | undefined = undefined) {}

  push(changes: Update[], position: InputPosition): Promise<void> {
    this.pushes.push({ changes, position });
    this.onPush?.(this);
    this.wake();
    return Promise.resolve();
  }

  reportError(error: DynaviewError): void {
    this.errors.push(error);
    this.wake();
  }

  /** Every change pushed, in order. */
  get updates(): Update[] {
    return this.pushes.flatMap((pushed) => pushed.changes);
  }

  /** The row of every change pushed, in order. */
  get rows(): Row[] {
    return this.updates.map((update) => update.row);
  }

  get lastPosition(): InputPosition | undefined {
    return this.pushes.at(-1)?.position;
  }

  /** Resolves once `condition` holds; fails the test after WAIT_TIMEOUT_MS. */
  async until(condition: (sink: this) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    while (!condition(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; pushes: ${JSON.stringify(this.pushes.map((p) => p.position))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100).unref();
      });
    }
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
