/**
 * What a running pipeline has done, as plain figures: the progress line, the summary, /status,
 * the web console and the Prometheus series all read them from here, so they never disagree.
 */
import type { DynaviewError } from '../errors.js';
import type { InputPosition } from '../connectors/inputs/input.js';

/** Problems kept per connector: enough to see what goes wrong, in bounded memory. */
export const KEPT_ERRORS = 5;

/** A problem as /status shows it: when, what, and the key it concerns when there is one. */
export interface RecentError {
  /** ISO 8601. */
  readonly time: string;
  readonly code: string;
  /** The first line only: a write failure lists one line per failed request below it. */
  readonly message: string;
  readonly key: string | null;
}

/** Appends `error` to `list`, dropping the oldest beyond the few kept. */
export function keepError(list: RecentError[], error: DynaviewError): void {
  list.push({ time: new Date().toISOString(), code: error.code, message: error.message.split('\n')[0]!, key: error.context.key ?? null });
  if (list.length > KEPT_ERRORS) list.shift();
}

export interface InputStats {
  /** Changes pushed. */
  rows: number;
  /** Bytes of the source they were read from (0 for a source that reads no bytes: a generator, Postgres rows). */
  bytes: number;
  /** Records skipped because they could not be read. */
  errors: number;
  /** Where the input stands after its last push (its connector describes it); null before the first push. */
  position: InputPosition | null;
  readonly lastErrors: RecentError[];
}

/** Steps wait because these outputs' queues are full, since `since` (epoch ms). */
export interface Stall {
  readonly since: number;
  readonly outputs: readonly string[];
}

export class PipelineStats {
  steps = 0;
  readonly inputs: Record<string, InputStats> = {};
  /** Changes the steps produced per view whose changes leave the engine (every view with the HTTP API). */
  readonly viewChanges: Record<string, number> = {};
  /** How long the last step took, and all of them together. */
  lastStepMs = 0;
  totalStepMs = 0;
  /** Time steps spent waiting for full outputs, stalls that ended. */
  stalledMs = 0;
  stall: Stall | null = null;
  /** Rows left out of a view after a runtime error, written to the runtime-error dead-letter file. */
  deadLetteredRows = 0;
  readonly startedAt = Date.now();
  private readonly stepListeners: Array<(ms: number) => void> = [];

  constructor(inputs: readonly string[], views: readonly string[]) {
    for (const name of inputs) this.inputs[name] = { rows: 0, bytes: 0, errors: 0, position: null, lastErrors: [] };
    for (const name of views) this.viewChanges[name] = 0;
  }

  /** Changes pushed per input. */
  get inputRows(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.inputs).map(([name, input]) => [name, input.rows]));
  }

  /** Bad input records skipped, over every input. */
  get inputErrors(): number {
    return Object.values(this.inputs).reduce((n, input) => n + input.errors, 0);
  }

  /** Stall time so far, the stall in progress included. */
  stalledMsAt(now: number): number {
    return this.stalledMs + (this.stall === null ? 0 : now - this.stall.since);
  }

  input(name: string): InputStats {
    const input = this.inputs[name];
    if (input === undefined) throw new Error(`internal error: no input named ${name}`);
    return input;
  }

  inputError(name: string, error: DynaviewError): void {
    const input = this.input(name);
    input.errors += 1;
    keepError(input.lastErrors, error);
  }

  stepped(ms: number, changes: ReadonlyMap<string, readonly unknown[]>): void {
    this.steps += 1;
    this.lastStepMs = ms;
    this.totalStepMs += ms;
    for (const [name, delta] of changes) if (Object.hasOwn(this.viewChanges, name)) this.viewChanges[name]! += delta.length;
    for (const listener of this.stepListeners) listener(ms);
  }

  /** Calls `listener` with the duration of every step from now on. */
  onStep(listener: (ms: number) => void): void {
    this.stepListeners.push(listener);
  }

  stalled(outputs: readonly string[]): void {
    this.stall = { since: Date.now(), outputs };
  }

  resumed(): void {
    if (this.stall === null) return;
    this.stalledMs += Date.now() - this.stall.since;
    this.stall = null;
  }
}
