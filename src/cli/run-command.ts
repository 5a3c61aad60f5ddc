/**
 * `dynaview run program.sql`: loads the program, opens the pipeline (its DynamoDB outputs against
 * an embedded DynamoDB Local with --local), runs it until the inputs are exhausted or a signal
 * arrives, and reports what was written.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { DynaviewError } from '../errors.js';
import { loadProgram } from '../pipeline/program.js';
import { openPipeline, type PipelineRun } from '../pipeline/run.js';
import { LocalDynamoDB } from './local-dynamodb.js';
import { ProgramInvalid, RunFailed } from './outcome.js';
import { Progress } from './progress.js';
import { DEFAULT_METRICS_HOST, serverUrl, startStatusServer } from './status-server.js';

export interface RunOptions {
  file: string;
  local: boolean;
  localDir?: string;
  /** Checkpoints go here, and a run starts from the one found here (--state-dir). */
  stateDir?: string;
  metricsPort?: number;
  /** Address the metrics server listens on; 127.0.0.1 when not given. */
  metricsHost?: string;
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
  let server: Server | undefined;
  let removeSignalHandlers = (): void => {};
  try {
    if (options.local) local = await LocalDynamoDB.start(program.endpoints.outputs, options.localDir, logger);
    run = await openPipeline(program, {
      logger,
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(local ? { outputs: local.outputs } : {}),
    });
    const pipeline = run;
    const progress = new Progress(pipeline, logger);

    if (options.metricsPort !== undefined) {
      server = await startStatusServer(options.metricsHost ?? DEFAULT_METRICS_HOST, options.metricsPort, pipeline.registry, () => progress.status());
      logger.info(`metrics at ${serverUrl(server)}/metrics, status at /status`);
    }
    removeSignalHandlers = onSignals(() => {
      logger.warn('stopping: finishing the current step and writing what is queued (signal again to abort)');
      pipeline.stop();
    }, () => {
      local?.kill();
      process.exit(130);
    });

    progress.start();
    try {
      await pipeline.run();
    } finally {
      progress.stop();
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
    server?.close();
    await local?.stop();
  }
}

function onSignals(first: () => void, second: () => void): () => void {
  let received = 0;
  const handler = (): void => {
    received += 1;
    if (received === 1) first();
    else second();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
