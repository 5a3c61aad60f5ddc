#!/usr/bin/env node
/**
 * The `dynaview` command: `run` a program, `check` it, `explain` its views' plans, or run the
 * capacity simulator (`sim`).
 */
// First: silences the SDK's Node version warning before any client is created.
import '../sdk-warning.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { DynaviewError } from '../errors.js';
import { checkCommand } from './check-command.js';
import { explainCommand } from './explain-command.js';
import { cliLogger } from './logger.js';
import { EXIT_INVALID, EXIT_OK, EXIT_RUNTIME_FAILURE, ProgramInvalid, RunFailed } from './outcome.js';
import { runCommand } from './run-command.js';
import { SIM_ARG_OPTIONS, SIM_HELP, SIM_USAGE, simCommand } from './sim-command.js';

const RUN_USAGE = `  dynaview run <program.sql> [--local] [--local-dir DIR] [--http-port N [--http-host HOST]]
               [--allow-write-failures] [--state-dir DIR] [--runtime-error-dead-letter-path FILE]`;
const RUN_HELP = `run     runs the program until its inputs are exhausted (or SIGINT/SIGTERM) and writes its views
        through their output connectors (dynamodb_output, file_output). --local starts an
        embedded DynamoDB Local (reachable from this machine only, and ended with dynaview),
        points every dynamodb_output at it, creates missing tables from their index, and prints
        the tables at the end;
        --local-dir keeps DynamoDB Local's data in DIR between runs (default: in memory).
        --http-port serves Feldera's HTTP API for the program (push to tables at
        /v0/pipelines/<name>/ingress/<table>, completion_status, stream views at
        /egress/<view>) with /metrics (Prometheus) and /status (JSON), on 127.0.0.1, or on the
        address given with --http-host (0.0.0.0: every interface); port 0 picks a free one and
        logs it. A program without input connectors then runs until SIGINT/SIGTERM.
        --metrics-port and --metrics-host are other names for --http-port and --http-host.
        --allow-write-failures reports items that could not be written but exits 0 for them.
        --state-dir saves checkpoints in DIR as the writes complete; running the same command
        again after a stop or a crash goes on from the last one.
        --runtime-error-dead-letter-path: a row on which an expression of a view fails (division
        by zero, overflow, a bad cast) is left out of that view and appended to FILE as a line of
        JSON, and the run goes on; without it such an error stops the run (exit code 1).
        A second SIGINT/SIGTERM aborts at once (exit code 130) without writing what is queued.`;
const CHECK_USAGE = '  dynaview check <program.sql> [--describe]';
const CHECK_HELP = `check   parses and validates the program and every connector, reporting all problems;
        --describe also checks each target table's key schema against its index.`;
const EXPLAIN_USAGE = '  dynaview explain <program.sql>';
const EXPLAIN_HELP = "explain prints each view's columns and query plan (joins, aggregates, ...) as the engine runs it.";
const FOOTER = `Exit codes: 0 success, 2 invalid program or configuration, 1 runtime failure, 130 aborted by a second signal.
Log level: DYNAVIEW_LOG_LEVEL (default info).`;

/** `dynaview help <command>`: each command's usage and description. */
const COMMAND_HELP: Record<string, string> = {
  run: `usage:\n${RUN_USAGE}\n\n${RUN_HELP}`,
  check: `usage:\n${CHECK_USAGE}\n\n${CHECK_HELP}`,
  explain: `usage:\n${EXPLAIN_USAGE}\n\n${EXPLAIN_HELP}`,
  sim: `usage:\n${SIM_USAGE}\n\n${SIM_HELP}`,
};

const USAGE = `usage:
${RUN_USAGE}
${CHECK_USAGE}
${EXPLAIN_USAGE}
${SIM_USAGE}
  dynaview help [command]
  dynaview --version

${RUN_HELP}
${CHECK_HELP}
${EXPLAIN_HELP}
${SIM_HELP}

${FOOTER}`;

/** The version in dynaview's package.json (two folders up from dist/cli/). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        local: { type: 'boolean', default: false },
        'local-dir': { type: 'string' },
        'http-port': { type: 'string' },
        'http-host': { type: 'string' },
        'metrics-port': { type: 'string' },
        'metrics-host': { type: 'string' },
        'allow-write-failures': { type: 'boolean', default: false },
        'state-dir': { type: 'string' },
        'runtime-error-dead-letter-path': { type: 'string' },
        describe: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
        ...SIM_ARG_OPTIONS,
      },
    });
  } catch (error) {
    process.stderr.write(`dynaview: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const { values, positionals } = parsed;
  const [command, file, ...extra] = positionals;
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (values.help || command === 'help') {
    // `help run` and `run --help` both print run's help.
    const topic = command === 'help' ? file : command;
    if (command === 'help' && extra.length > 0) {
      process.stderr.write(`dynaview: help takes one command name\n${USAGE}\n`);
      return EXIT_INVALID;
    }
    if (topic === undefined) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    const help = COMMAND_HELP[topic];
    if (help === undefined) {
      process.stderr.write(`dynaview: no help for "${topic}"; commands: ${Object.keys(COMMAND_HELP).join(', ')}\n`);
      return EXIT_INVALID;
    }
    process.stdout.write(`${help}\n`);
    return EXIT_OK;
  }
  if (command === 'sim' && positionals.length === 1) {
    try {
      await simCommand(values, process.stdout);
      return EXIT_OK;
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      return RunFailed.from(error).exitCode;
    }
  }
  const known = command === 'run' || command === 'check' || command === 'explain';
  if (!known || !file || extra.length > 0) {
    process.stderr.write(`dynaview: ${command && !known ? `unknown command "${command}"` : 'expected a command and one program file'}\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const port = aliased(values, 'http-port', 'metrics-port');
  const host = aliased(values, 'http-host', 'metrics-host');
  if (typeof port === 'number' || typeof host === 'number') return EXIT_INVALID;
  let httpPort: number | undefined;
  if (port !== undefined) {
    httpPort = Number(port.value);
    if (port.value.trim() === '' || !Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) {
      process.stderr.write(`dynaview: --${port.name} must be a port number (got "${port.value}")\n`);
      return EXIT_INVALID;
    }
  }
  if (host !== undefined && httpPort === undefined) {
    process.stderr.write(`dynaview: --${host.name} needs --${host.name === 'http-host' ? 'http-port' : 'metrics-port'}\n`);
    return EXIT_INVALID;
  }
  if (values['state-dir'] !== undefined && values.local && values['local-dir'] === undefined) {
    // The saved state says what the tables hold; an in-memory DynamoDB Local forgets it.
    process.stderr.write('dynaview: --state-dir with --local needs --local-dir, so that the tables outlive the run\n');
    return EXIT_INVALID;
  }

  const logLevel = process.env['DYNAVIEW_LOG_LEVEL'] ?? 'info';
  const logLevels = [...Object.keys(pino.levels.values), 'silent'];
  if (!logLevels.includes(logLevel)) {
    process.stderr.write(`dynaview: DYNAVIEW_LOG_LEVEL must be one of ${logLevels.join(', ')} (got "${logLevel}")\n`);
    return EXIT_INVALID;
  }
  const logger = cliLogger(logLevel);
  try {
    if (command === 'check') {
      await checkCommand({ file: resolve(file), describe: values.describe, out: process.stdout, err: process.stderr });
    } else if (command === 'explain') {
      await explainCommand({ file: resolve(file), out: process.stdout });
    } else {
      await runCommand({
        file: resolve(file),
        local: values.local || values['local-dir'] !== undefined,
        ...(values['local-dir'] ? { localDir: resolve(values['local-dir']) } : {}),
        ...(values['state-dir'] ? { stateDir: resolve(values['state-dir']) } : {}),
        ...(values['runtime-error-dead-letter-path'] ? { runtimeErrorDeadLetterPath: resolve(values['runtime-error-dead-letter-path']) } : {}),
        ...(httpPort === undefined ? {} : { httpPort }),
        ...(host === undefined ? {} : { httpHost: host.value }),
        allowWriteFailures: values['allow-write-failures'],
        logger,
        out: process.stdout,
      });
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ProgramInvalid) {
      for (const problem of error.problems) process.stderr.write(`error: ${problem.message}\n`);
      process.stderr.write(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} found\n`);
      return error.exitCode;
    }
    if (error instanceof RunFailed) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof DynaviewError) {
      process.stderr.write(`error: ${error.message}\n`);
      return RunFailed.from(error).exitCode;
    }
    process.stderr.write(`internal error (please report it): ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return EXIT_RUNTIME_FAILURE;
  }
}

/**
 * The value of an option that has two names; EXIT_INVALID (after saying why) when both are given.
 */
function aliased(values: Record<string, unknown>, name: string, alias: string): { name: string; value: string } | undefined | typeof EXIT_INVALID {
  const given = [name, alias].filter((option) => typeof values[option] === 'string');
  if (given.length === 2) {
    process.stderr.write(`dynaview: --${name} and --${alias} are two names of one option; give one\n`);
    return EXIT_INVALID;
  }
  const [option] = given;
  return option === undefined ? undefined : { name: option, value: values[option] as string };
}

// Exit explicitly: idle keep-alive sockets and timers must not keep a finished run alive.
process.exit(await main(process.argv.slice(2)));
