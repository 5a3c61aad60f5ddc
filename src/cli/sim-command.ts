/**
 * `dynaview sim`: runs the DynamoDB capacity simulator on 127.0.0.1 until SIGINT or SIGTERM.
 */
import { ConfigProblems } from '../util/config-problems.js';
import type { SimulatorOptions } from '../sim/options.js';
import { startSimulator } from '../sim/server.js';

/** The command's flags, for the command line's parseArgs. */
export const SIM_ARG_OPTIONS = {
  port: { type: 'string' },
  wcu: { type: 'string' },
  'latency-median': { type: 'string' },
  'latency-p99': { type: 'string' },
  'error-rate': { type: 'string' },
  'reset-rate': { type: 'string' },
  'fault-after-apply-share': { type: 'string' },
  'slow-rate': { type: 'string' },
  'slow-ms': { type: 'string' },
} as const;

export type SimArgs = Partial<Record<keyof typeof SIM_ARG_OPTIONS, string>>;

export const SIM_USAGE = `  dynaview sim [--port N] [--wcu N] [--latency-median MS] [--latency-p99 MS]
               [--error-rate X] [--reset-rate X] [--fault-after-apply-share X]
               [--slow-rate X] [--slow-ms MS]`;

export const SIM_HELP = `sim     serves an in-memory DynamoDB (JSON protocol) on 127.0.0.1 that simulates write capacity
        (--wcu per table, 1,000 WCU/s per partition), latency (log-normal, --latency-median and
        --latency-p99) and faults (--error-rate of 500/503, --reset-rate, --fault-after-apply-share
        of those striking after the write was applied, --slow-rate of answers --slow-ms late);
        GET /sim/stats and POST /sim/reset serve its counters, GET and POST /sim/config its settings.`;

const FLAG_TO_OPTION: Record<keyof typeof SIM_ARG_OPTIONS, keyof SimulatorOptions> = {
  port: 'port',
  wcu: 'writeCapacityUnits',
  'latency-median': 'latencyMedianMs',
  'latency-p99': 'latencyP99Ms',
  'error-rate': 'errorRate',
  'reset-rate': 'resetRate',
  'fault-after-apply-share': 'faultAfterApplyShare',
  'slow-rate': 'slowRate',
  'slow-ms': 'slowMs',
};

/** Flags to options; the option values themselves are checked by startSimulator. */
export function simulatorOptionsFromArgs(args: SimArgs): SimulatorOptions {
  const problems = new ConfigProblems();
  const options: Record<string, number> = {};
  for (const flag of Object.keys(FLAG_TO_OPTION) as Array<keyof typeof SIM_ARG_OPTIONS>) {
    const text = args[flag];
    if (text === undefined) continue;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) problems.add(`--${flag}`, `must be a number (got "${text}")`);
    else options[FLAG_TO_OPTION[flag]] = value;
  }
  problems.throwIfAny('dynaview sim');
  return options as SimulatorOptions;
}

export async function simCommand(args: SimArgs, out: NodeJS.WritableStream): Promise<void> {
  const simulator = await startSimulator(simulatorOptionsFromArgs(args));
  out.write(`DynamoDB simulator listening on ${simulator.endpoint} (counters: GET ${simulator.endpoint}/sim/stats, reset: POST ${simulator.endpoint}/sim/reset); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.stop();
}
