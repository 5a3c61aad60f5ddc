/**
 * `dynaview run program.sql`: loads the program, opens the pipeline (its DynamoDB outputs against
 * an embedded DynamoDB Local with --local), runs it until the inputs are exhausted or a signal
 * arrives, and reports what was written.
 */
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { DynaviewError } from '../errors.js';
import { loadProgram } from '../pipeline/program.js';
import { openPipeline, type PipelineRun } from '../pipeline/run.js';
import { LocalDynamoDB } from './local-dynamodb.js';
import { ProgramInvalid, RunFailed } from './outcome.js';
import { Progress } from './progress.js';
import { StatusHistory } from './status-history.js';
import { ApiServer, DEFAULT_HTTP_HOST } from '../server/api-server.js';

export interface RunOptions {
  file: string;
  local: boolean;
  localDir?: string;
  /** Checkpoints go here, and a run starts from the one found here (--state-dir). */
  stateDir?: string;
  /** Serve the HTTP API (with metrics and status) on this port; 0 picks a free one. */
  httpPort?: number;
  /** Address the HTTP server listens on; 127.0.0.1 when not given. */
  httpHost?: string;
  /** Rows a view's expression fails on go to this file and the run goes on (--runtime-error-dead-letter-path). */
  runtimeErrorDeadLetterPath?: string;
  /** Items that could not be written are reported but do not fail the run. */
  allowWriteFailures?: boolean;
  logger: Logger;
  out: NodeJS.WriteStream;
}

export async function runCommand(options: RunOptions): Promise<void> {
  const { logger } = options;
  const program = await loadProgram(options.file);
  if (program.problems.length > 0) throw new ProgramInvalid(program.problems);

  let local: LocalDynamoDB | undefined;
  let run: PipelineRun | undefined;
  let server: ApiServer | undefined;
  let removeSignalHandlers = (): void => {};
  try {
    if (options.httpPort !== undefined) {
      // Listening before the pipeline opens: clients get 503 (starting) rather than a refused connection.
      server = await ApiServer.start({
        host: options.httpHost ?? DEFAULT_HTTP_HOST, port: options.httpPort, pipeline: basename(options.file, '.sql'), catalog: program.catalog, logger,
      });
      logger.info(`HTTP API at ${server.url}/v0/pipelines/${basename(options.file, '.sql')}/ (ingress, egress, completion_status), metrics at /metrics, status at /status, console at ${server.url}/`);
    }
    if (options.local) local = await LocalDynamoDB.start(program.endpoints.outputs, options.localDir, logger);
    run = await openPipeline(program, {
      logger,
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.runtimeErrorDeadLetterPath ? { runtimeErrorDeadLetterPath: options.runtimeErrorDeadLetterPath } : {}),
      ...(local ? { outputs: local.outputs } : {}),
      httpApi: server !== undefined,
      processMetrics: true,
    });
    const pipeline = run;
    const progress = new Progress(pipeline, logger);
    const history = new StatusHistory(() => progress.status());

    server?.running(pipeline, { status: () => progress.status(), history: () => history.list() });
    removeSignalHandlers = onSignals(() => {
      logger.warn('stopping: finishing the current step and writing what is queued (signal again to abort)');
      server?.stopping();
      pipeline.stop();
    }, (signal) => {
      // Written synchronously: process.exit does not wait for a pending log line.
      process.stderr.write(`second signal (${signal}): aborting without writing what is queued; exit code 130\n`);
      local?.kill();
      process.exit(130);
    });

    progress.start();
    if (server) history.start();
    try {
      await pipeline.run();
    } finally {
      progress.stop();
      history.stop();
      server?.stopping();
    }
    options.out.write(`${progress.summary()}\n`);
    if (local) await local.printTables(options.out);
    const failed = pipeline.outputs.filter((output) => output.failedItems > 0);
    if (failed.length > 0) {
      const message = `${pipeline.failedItems} item(s) could not be written to ${failed.map((o) => o.endpoint.connector.target).join(', ')}; see the errors above`;
      if (!options.allowWriteFailures) throw new RunFailed(new DynaviewError('OUTPUT_WRITE_FAILED', message));
      logger.warn(`${message} (exit code 0 with --allow-write-failures)`);
    }
  } catch (error) {
    if (error instanceof ProgramInvalid || error instanceof RunFailed) throw error;
    throw RunFailed.from(error);
  } finally {
    removeSignalHandlers();
    await run?.close();
    await server?.close();
    await local?.stop();
  }
}

function onSignals(first: () => void, second: (signal: NodeJS.Signals) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) first();
    else second(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
