/**
 * The simulator's settings, their defaults, and their validation (every problem at once, as a
 * ConfigError with code CONFIG_INVALID). Some settings can also change while the simulator runs,
 * so that a test can start and stop faults in the middle of a workload; changes are checked by
 * the same rules as the options at start-up.
 */
import { ConfigProblems, isPlainObject, showValue } from '../util/config-problems.js';
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
  /**
   * Share (0..1) of those errors and resets that strike after the request was applied, so the
   * client cannot tell whether its write took effect. Default 0: before anything is applied.
   */
  faultAfterApplyShare?: number;
  /** Share of requests (0..1) applied after the latency but answered `slowMs` later. Default 0. */
  slowRate?: number;
  /** Extra delay of a slow request's answer, in ms. Default 2000. */
  slowMs?: number;
  /** Random numbers in [0, 1) for latency and faults. Default Math.random; tests pass a seeded one. */
  random?: RandomSource;
}

export type ResolvedSimulatorOptions = Required<Omit<SimulatorOptions, 'writeCapacityUnits'>>
  & Pick<SimulatorOptions, 'writeCapacityUnits'>;

/** The options that can change while the simulator runs (`Simulator.configure`, `POST /sim/config`). */
export const RUNTIME_SETTINGS = ['writeCapacityUnits', 'errorRate', 'resetRate', 'faultAfterApplyShare', 'slowRate', 'slowMs'] as const;

export type RuntimeSettingName = (typeof RUNTIME_SETTINGS)[number];

/** The current runtime settings; `writeCapacityUnits` is absent while unset. */
export type SimulatorSettings = Pick<ResolvedSimulatorOptions, RuntimeSettingName>;

/** Settings to change; the others keep their values. `writeCapacityUnits: null` unsets the override. */
export type SimulatorSettingsUpdate = Partial<Omit<SimulatorSettings, 'writeCapacityUnits'>> & { writeCapacityUnits?: number | null };

export function resolveSimulatorOptions(options: SimulatorOptions): ResolvedSimulatorOptions {
  const problems = new ConfigProblems();
  const resolved = checkOptions(options, problems);
  problems.throwIfAny('the DynamoDB simulator');
  return resolved;
}

/**
 * The options after `update` (an untrusted object, e.g. a JSON body), checked as a whole: a change
 * that conflicts with a setting it leaves alone (errorRate + resetRate over 1) is refused too.
 */
export function updateSimulatorOptions(current: ResolvedSimulatorOptions, update: unknown): ResolvedSimulatorOptions {
  const problems = new ConfigProblems();
  if (!isPlainObject(update)) {
    problems.add('', `the settings must be an object such as {"errorRate": 0.5} (got ${showValue(update)})`);
    problems.throwIfAny('the DynamoDB simulator settings');
  }
  const merged: SimulatorOptions = { ...current };
  const settable: ReadonlySet<string> = new Set(RUNTIME_SETTINGS);
  for (const [name, value] of Object.entries(update as Record<string, unknown>)) {
    if (!settable.has(name)) {
      problems.add(name, `cannot be changed while the simulator runs (the settings that can are ${RUNTIME_SETTINGS.join(', ')})`);
    } else if (name === 'writeCapacityUnits' && value === null) {
      delete merged.writeCapacityUnits;
    } else if (typeof value !== 'number') {
      problems.add(name, `must be a number${name === 'writeCapacityUnits' ? ', or null to unset it' : ''} (got ${showValue(value)})`);
    } else {
      merged[name as RuntimeSettingName] = value;
    }
  }
  const resolved = checkOptions(merged, problems);
  problems.throwIfAny('the DynamoDB simulator settings');
  return resolved;
}

export function runtimeSettingsOf(options: ResolvedSimulatorOptions): SimulatorSettings {
  const { writeCapacityUnits, errorRate, resetRate, faultAfterApplyShare, slowRate, slowMs } = options;
  return { ...(writeCapacityUnits === undefined ? {} : { writeCapacityUnits }), errorRate, resetRate, faultAfterApplyShare, slowRate, slowMs };
}

function checkOptions(options: SimulatorOptions, problems: ConfigProblems): ResolvedSimulatorOptions {
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
  const faultAfterApplyShare = options.faultAfterApplyShare ?? 0;
  const slowRate = options.slowRate ?? 0;
  for (const [field, value] of [['errorRate', errorRate], ['resetRate', resetRate], ['faultAfterApplyShare', faultAfterApplyShare], ['slowRate', slowRate]] as const) {
    if (!(value >= 0 && value <= 1)) problems.add(field, `must be a rate between 0 and 1 (got ${value})`);
  }
  if (errorRate + resetRate > 1) problems.add('resetRate', `errorRate + resetRate must not exceed 1 (got ${errorRate + resetRate})`);
  return {
    port,
    ...(options.writeCapacityUnits === undefined ? {} : { writeCapacityUnits: options.writeCapacityUnits }),
    burstSeconds,
    latencyMedianMs,
    latencyP99Ms,
    errorRate,
    resetRate,
    faultAfterApplyShare,
    slowRate,
    slowMs: options.slowMs ?? 2000,
    random: options.random ?? Math.random,
  };
}
