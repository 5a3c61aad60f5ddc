/**
 * `dynaview run program.sql`: loads the program, opens its output connectors (against an embedded
 * DynamoDB Local with --local), runs it until the inputs are exhausted or a signal arrives, and
 * reports what was written.
 */
import type { Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DynaviewError } from '../errors.js';
import { openDynamoDBOutput, type DynamoDBOutput } from '../connectors/dynamodb/output.js';
import { columnSpec } from '../engine/catalog.js';
import { LOCAL_CREDENTIALS, startDynamoDBLocal, type DynamoDBLocal } from '../local/dynamodb-local.js';
import { programIdentity } from '../pipeline/checkpoint.js';
import { Pipeline } from '../pipeline/controller.js';
import type { OutputEndpoint } from '../pipeline/endpoints.js';
import { ensureTable, sampleTable } from '../pipeline/local-tables.js';
import { OutputRunner } from '../pipeline/output-runner.js';
import { loadProgram } from '../pipeline/program.js';
import { StateDir } from '../pipeline/state-dir.js';
import { ProgramInvalid, RunFailed } from './outcome.js';
import { Progress } from './progress.js';
import { renderItems } from './render-table.js';
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

  let local: DynamoDBLocal | undefined;
  let endpoints = program.endpoints.outputs;
  const outputs: DynamoDBOutput[] = [];
  let server: Server | undefined;
  let removeSignalHandlers = (): void => {};
  let state: StateDir | undefined;
  try {
    if (options.stateDir) state = await StateDir.open(options.stateDir, programIdentity(options.file, program.source));
    if (options.local) {
      local = await startDynamoDBLocal({ sharedDb: true, ...(options.localDir ? { dbPath: options.localDir } : {}) });
      logger.info({ endpoint: local.endpoint, dataDir: options.localDir ?? 'in memory' }, 'DynamoDB Local started');
      endpoints = await pointAtLocal(endpoints, local, logger);
    }
    const registry = new Registry();
    for (const endpoint of endpoints) {
      outputs.push(await openOutput(endpoint, registry, logger, dirname(options.file)));
    }
    const runners = endpoints.map((endpoint, i) => new OutputRunner(endpoint, outputs[i]!, logger));
    const pipeline = new Pipeline(program.catalog, program.endpoints, runners, logger, state);
    const progress = new Progress(pipeline, runners, logger);

    if (options.metricsPort !== undefined) {
      server = await startStatusServer(options.metricsHost ?? DEFAULT_METRICS_HOST, options.metricsPort, registry, () => progress.status());
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
    if (local) await printTables(endpoints, local, options.out);
    const failed = runners.reduce((n, r) => n + r.failedItems, 0);
    if (failed > 0) {
      const message = `${failed} item(s) could not be written to DynamoDB; see the errors above`;
      if (!options.allowWriteFailures) throw new RunFailed(new DynaviewError('DYNAMODB_WRITE_FAILED', message));
      logger.warn(`${message} (exit code 0 with --allow-write-failures)`);
    }
  } catch (error) {
    if (error instanceof ProgramInvalid || error instanceof RunFailed) throw error;
    throw RunFailed.from(error);
  } finally {
    removeSignalHandlers();
    await Promise.all(outputs.map((o) => o.close()));
    server?.close();
    await local?.stop();
    await state?.close();
  }
}

async function openOutput(endpoint: OutputEndpoint, registry: Registry, logger: Logger, programDir: string): Promise<DynamoDBOutput> {
  const deadLetterPath = endpoint.config.dead_letter_path;
  try {
    return await openDynamoDBOutput({
      name: endpoint.name,
      // Like input files, a relative dead-letter file belongs next to the program, wherever it is run from.
      config: deadLetterPath === undefined ? endpoint.config : { ...endpoint.config, dead_letter_path: resolve(programDir, deadLetterPath) },
      view: { name: endpoint.view.name, columns: endpoint.view.columns.map(columnSpec) },
      index: { name: endpoint.index.name, columns: endpoint.index.columns },
      registry,
      logger,
    });
  } catch (error) {
    throw RunFailed.from(error);
  }
}

/** Every DynamoDB output goes to the embedded DynamoDB Local, with its tables created when missing. */
async function pointAtLocal(endpoints: readonly OutputEndpoint[], local: DynamoDBLocal, logger: Logger): Promise<OutputEndpoint[]> {
  const client = localClient(local);
  try {
    const pointed: OutputEndpoint[] = [];
    for (const endpoint of endpoints) {
      const moved: OutputEndpoint = {
        ...endpoint,
        config: {
          ...endpoint.config,
          endpoint_url: local.endpoint,
          aws_access_key_id: LOCAL_CREDENTIALS.accessKeyId,
          aws_secret_access_key: LOCAL_CREDENTIALS.secretAccessKey,
        },
      };
      if (await ensureTable(client, moved)) logger.info({ table: moved.config.table }, `created table ${moved.config.table} in DynamoDB Local`);
      pointed.push(moved);
    }
    return pointed;
  } finally {
    client.destroy();
  }
}

/** More rows than fit on a few screens are not worth printing; the count is printed instead. */
const MAX_ITEMS_SHOWN = 100;

async function printTables(endpoints: readonly OutputEndpoint[], local: DynamoDBLocal, out: NodeJS.WriteStream): Promise<void> {
  const client = localClient(local);
  try {
    const shown = new Set<string>();
    for (const endpoint of endpoints) {
      if (shown.has(endpoint.config.table)) continue;
      shown.add(endpoint.config.table);
      const { items, total } = await sampleTable(client, endpoint.config.table, MAX_ITEMS_SHOWN);
      out.write(`\nDynamoDB table ${endpoint.config.table} (${total} item${total === 1 ? '' : 's'}`
        + `${total > items.length ? `; the first ${items.length} scanned are shown` : ''}):\n`);
      out.write(`${renderItems(items, endpoint.index.columns)}\n`);
    }
  } finally {
    client.destroy();
  }
}

function localClient(local: DynamoDBLocal): DynamoDBClient {
  return new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
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
