/**
 * The simulator's settings, their defaults, and their validation (every problem at once, as a
 * ConfigError with code CONFIG_INVALID).
 */
import { ConfigProblems } from '../util/config-problems.js';
import type { RandomSource } from './latency.js';

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1. Default 0: a free port. */
  port?: number;
  /**
   * Write capacity of every table in WCU/s. Default: unset, so a table created with
   * ProvisionedThroughput gets its WriteCapacityUnits and an on-demand table is unlimited.
   */
  writeCapacityUnits?: number;
  /** Seconds of capacity a table or partition can save up and spend at once. Default 1. */
  burstSeconds?: number;
  /** Median latency added to every request, in ms. Default 0: none. */
  latencyMedianMs?: number;
  /** 99th percentile of that latency, in ms. Default 3 × the median. */
  latencyP99Ms?: number;
  /** Share of requests (0..1) answered with HTTP 500 InternalServerError or 503 ServiceUnavailable, half each. Default 0. */
  errorRate?: number;
  /** Share of requests (0..1) whose connection is destroyed before an answer. Default 0. */
  resetRate?: number;
  /** Share of requests (0..1) delayed by `slowMs` on top of the latency. Default 0. */
  slowRate?: number;
  /** Extra delay of a slow request, in ms. Default 2000. */
  slowMs?: number;
  /** Random numbers in [0, 1) for latency and faults. Default Math.random; tests pass a seeded one. */
  random?: RandomSource;
}

export type ResolvedSimulatorOptions = Required<Omit<SimulatorOptions, 'writeCapacityUnits'>>
  & Pick<SimulatorOptions, 'writeCapacityUnits'>;

export function resolveSimulatorOptions(options: SimulatorOptions): ResolvedSimulatorOptions {
  const problems = new ConfigProblems();
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.add('port', `must be a port number 0..65535 (got ${port})`);
  if (options.writeCapacityUnits !== undefined && !(options.writeCapacityUnits > 0 && Number.isFinite(options.writeCapacityUnits))) {
    problems.add('writeCapacityUnits', `must be a positive number of WCU/s (got ${options.writeCapacityUnits})`);
  }
  const burstSeconds = options.burstSeconds ?? 1;
  if (!(burstSeconds > 0 && Number.isFinite(burstSeconds))) problems.add('burstSeconds', `must be a positive number (got ${burstSeconds})`);
  const latencyMedianMs = options.latencyMedianMs ?? 0;
  const latencyP99Ms = options.latencyP99Ms ?? latencyMedianMs * 3;
  for (const [field, value] of [['latencyMedianMs', latencyMedianMs], ['latencyP99Ms', latencyP99Ms], ['slowMs', options.slowMs ?? 0]] as const) {
    if (!(value >= 0 && Number.isFinite(value))) problems.add(field, `must be a number of milliseconds >= 0 (got ${value})`);
  }
  if (latencyP99Ms < latencyMedianMs) problems.add('latencyP99Ms', `must be at least the median (${latencyMedianMs}), got ${latencyP99Ms}`);
  const errorRate = options.errorRate ?? 0;
  const resetRate = options.resetRate ?? 0;
  const slowRate = options.slowRate ?? 0;
  for (const [field, value] of [['errorRate', errorRate], ['resetRate', resetRate], ['slowRate', slowRate]] as const) {
    if (!(value >= 0 && value <= 1)) problems.add(field, `must be a rate between 0 and 1 (got ${value})`);
  }
  if (errorRate + resetRate > 1) problems.add('resetRate', `errorRate + resetRate must not exceed 1 (got ${errorRate + resetRate})`);
  problems.throwIfAny('the DynamoDB simulator');
  return {
    port,
    ...(options.writeCapacityUnits === undefined ? {} : { writeCapacityUnits: options.writeCapacityUnits }),
    burstSeconds,
    latencyMedianMs,
    latencyP99Ms,
    errorRate,
    resetRate,
    slowRate,
    slowMs: options.slowMs ?? 2000,
    random: options.random ?? Math.random,
  };
}
