/**
 * Everything one simulator instance holds: its tables, counters, idempotency tokens and settings.
 * Operations run synchronously on it, one request at a time, so they need no locking.
 */
import { TableCapacity } from './capacity.js';
import { IdempotencyTokens } from './idempotency.js';
import { latencySampler } from './latency.js';
import { updateSimulatorOptions, type ResolvedSimulatorOptions } from './options.js';
import { tableNotFound } from './protocol.js';
import { StatsRecorder } from './stats.js';
import type { SimTable } from './tables.js';

export interface SimState {
  readonly tables: Map<string, SimTable>;
  readonly stats: StatsRecorder;
  readonly tokens: IdempotencyTokens;
  /** Replaced as a whole by `applySettings`; read afresh for every request. */
  options: ResolvedSimulatorOptions;
  /** The latency to add to the next request, in ms. */
  readonly sampleLatencyMs: () => number;
  /** Milliseconds on a monotonic clock, for token buckets and token lifetimes. */
  now(): number;
}

export function createState(options: ResolvedSimulatorOptions, now: () => number = () => performance.now()): SimState {
  return {
    tables: new Map(),
    stats: new StatsRecorder(),
    tokens: new IdempotencyTokens(),
    options,
    sampleLatencyMs: latencySampler(options.latencyMedianMs, options.latencyP99Ms, options.random),
    now,
  };
}

export function requireTable(state: SimState, name: unknown): SimTable {
  const table = typeof name === 'string' ? state.tables.get(name) : undefined;
  if (!table) throw tableNotFound();
  return table;
}

/** The option overrides the table's own provisioned capacity; on-demand tables are unlimited without it. */
export function capacityFor(state: SimState, provisionedWcu: number | undefined): TableCapacity | undefined {
  const wcu = state.options.writeCapacityUnits ?? provisionedWcu;
  return wcu === undefined || wcu <= 0 ? undefined : new TableCapacity(wcu, state.options.burstSeconds, state.now());
}

/**
 * Changes runtime settings (validated; nothing changes if any is invalid). A new write capacity
 * takes effect at once on every table, starting with a full burst's worth of it.
 */
export function applySettings(state: SimState, update: unknown): void {
  const before = state.options.writeCapacityUnits;
  state.options = updateSimulatorOptions(state.options, update);
  if (state.options.writeCapacityUnits === before) return;
  for (const table of state.tables.values()) {
    // An on-demand table's provisioned WCU is 0, which capacityFor reads as unlimited.
    table.definition.capacity = capacityFor(state, table.definition.writeCapacityUnits);
  }
}
