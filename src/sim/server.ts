/**
 * The simulator's HTTP server on 127.0.0.1: DynamoDB's JSON protocol (POST with
 * `X-Amz-Target: DynamoDB_20120810.<Operation>`; signatures are not checked), plus
 * `GET /sim/stats` and `POST /sim/reset` for the counters and `GET`/`POST /sim/config` for the
 * runtime settings. Each request: body read (16 MB limit, HTTP 413 as in DynamoDB Local), parsed
 * once, then a fault, a latency and a slowness are drawn; after the latency the operation runs
 * synchronously (unless a fault strikes before it), and its answer, or the fault that replaces it,
 * is sent after the slowness.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, DynaviewError, errorMessage } from '../errors.js';
import { isPlainObject } from '../util/config-problems.js';
import { drawAfterApply, drawFault, drawSlow, type Fault } from './faults.js';
import { isOperationName, runOperation, tablesNamedIn, type OperationName } from './operations.js';
import {
  resolveSimulatorOptions, runtimeSettingsOf, type SimulatorOptions, type SimulatorSettings, type SimulatorSettingsUpdate,
} from './options.js';
import { ApiError, type RequestBody } from './protocol.js';
import { applySettings, createState, type SimState } from './state.js';
import type { SimStats } from './stats.js';

export interface Simulator {
  /** `http://127.0.0.1:<port>`: the `endpoint_url` for dynaview or the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  stats(): SimStats;
  resetStats(): void;
  /**
   * Changes runtime settings from the next request on (requests already waiting out their latency
   * keep what was drawn for them) and returns them all. Throws a ConfigError (CONFIG_INVALID)
   * listing every invalid setting, and then changes nothing.
   */
  configure(update: SimulatorSettingsUpdate): SimulatorSettings;
  stop(): Promise<void>;
}

/** DynamoDB Local's (and DynamoDB's) limit on a request body. */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;
const TARGET_PREFIX = 'DynamoDB_20120810.';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveSimulatorOptions(options);
  const state = createState(resolved);
  const server = createServer((request, response) => handleRequest(state, request, response));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new DynaviewError('SIM_START_FAILED',
      `the DynamoDB simulator cannot listen on 127.0.0.1:${resolved.port}: ${error.code ?? error.message}`, { cause: error })));
    server.listen(resolved.port, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats: () => state.stats.snapshot(),
    resetStats: () => state.stats.reset(),
    configure: (update) => {
      applySettings(state, update);
      return runtimeSettingsOf(state.options);
    },
    stop: () => (stopping ??= closeServer(server)),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

let requestCounter = 0;

function handleRequest(state: SimState, request: IncomingMessage, response: ServerResponse): void {
  if (request.url?.startsWith('/sim/')) {
    handleControl(state, request, response);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let tooLarge = false;
  request.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    received += chunk.length;
    if (received > MAX_REQUEST_BODY_BYTES) {
      // Answer at once and keep draining, so a client still uploading does not hit EPIPE.
      tooLarge = true;
      chunks.length = 0;
      response.setHeader('Connection', 'close');
      sendJson(response, 413, '{"Message":""}');
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (tooLarge) return;
    const body = chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks);
    answer(state, request, response, body);
  });
}

/** The /sim/ endpoints: counters, their reset, and the runtime settings. */
function handleControl(state: SimState, request: IncomingMessage, response: ServerResponse): void {
  const route = `${request.method ?? ''} ${request.url ?? ''}`;
  if (route === 'POST /sim/config') {
    readText(request).then((text) => {
      try {
        applySettings(state, parseSettings(text));
        sendJson(response, 200, JSON.stringify(runtimeSettingsOf(state.options)));
      } catch (error) {
        if (error instanceof ConfigError) sendJson(response, 400, JSON.stringify({ message: error.message, problems: error.problems }));
        else sendJson(response, 500, JSON.stringify({ message: `simulator failure: ${errorMessage(error)}` }));
      }
    }, () => response.destroy());
    return;
  }
  request.resume();
  switch (route) {
    case 'GET /sim/stats':
      sendJson(response, 200, JSON.stringify(state.stats.snapshot()));
      return;
    case 'POST /sim/reset': {
      // Counters restart, and so does capacity, from empty buckets: what is measured after a reset
      // is what the table sustains, without a burst allowance left over from before.
      state.stats.reset();
      const now = state.now();
      for (const table of state.tables.values()) table.definition.capacity?.drain(now);
      sendJson(response, 200, '{}');
      return;
    }
    case 'GET /sim/config':
      sendJson(response, 200, JSON.stringify(runtimeSettingsOf(state.options)));
      return;
    default:
      sendJson(response, 404, JSON.stringify({ message: `no ${route}: the simulator serves GET /sim/stats, POST /sim/reset, GET and POST /sim/config` }));
  }
}

function readText(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.once('error', reject);
    request.once('end', () => resolve(text));
  });
}

/** Text that is not JSON is a settings problem like any other. */
function parseSettings(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError('the DynamoDB simulator settings', [{ field: '', message: 'the body must be a JSON object such as {"errorRate": 0.5}' }]);
  }
}

/** What a request gets back: an HTTP answer, or its connection destroyed. */
type Reply = { status: number; text: string } | 'reset';

function answer(state: SimState, request: IncomingMessage, response: ServerResponse, rawBody: Buffer): void {
  const target = request.headers['x-amz-target'];
  const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (request.method !== 'POST' || !isOperationName(operation)) {
    sendError(response, new ApiError('UnknownOperationException', `Unsupported operation: ${String(target)}`));
    return;
  }
  let body: RequestBody;
  try {
    const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
    if (!isPlainObject(parsed)) throw new Error('not an object');
    body = parsed;
  } catch {
    sendError(response, new ApiError('SerializationException', 'Start of structure or map found where not expected'));
    return;
  }
  const tables = tablesNamedIn(operation, body);
  state.stats.countRequest(tables, 'requests');

  const { options } = state;
  const fault = drawFault(options, options.random);
  const afterApply = fault !== 'none' && drawAfterApply(options.faultAfterApplyShare, options.random);
  if (fault !== 'none') state.stats.countRequest(tables, 'faults');
  if (fault === 'connection-reset' && !afterApply) {
    request.socket.destroy();
    return;
  }
  const slowMs = drawSlow(options, options.random) ? options.slowMs : 0;
  after(state.sampleLatencyMs(), () => {
    // A client that gave up during the latency never reached the table.
    if (response.destroyed) return;
    const applied = fault === 'none' || afterApply ? run(state, operation, body) : undefined;
    const reply = fault === 'none' ? applied as Reply : faultReply(fault);
    after(slowMs, () => deliver(response, reply));
  });
}

function after(delayMs: number, action: () => void): void {
  if (delayMs <= 0) action();
  else setTimeout(action, delayMs);
}

function run(state: SimState, operation: OperationName, body: RequestBody): Reply {
  try {
    return { status: 200, text: JSON.stringify(runOperation(state, operation, body)) };
  } catch (error) {
    if (error instanceof ApiError) return errorReply(error);
    // A simulator bug: answer like DynamoDB's internal failure rather than dropping the connection.
    return errorReply(new ApiError('InternalServerError', `simulator failure: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function faultReply(fault: Exclude<Fault, 'none'>): Reply {
  switch (fault) {
    case 'internal-error':
      return errorReply(new ApiError('InternalServerError', 'Internal server error (injected by the simulator)'));
    case 'unavailable':
      return errorReply(new ApiError('ServiceUnavailable', 'Service unavailable (injected by the simulator)'));
    case 'connection-reset':
      return 'reset';
    default: {
      const unknown: never = fault;
      throw new Error(`unknown fault ${String(unknown)}`);
    }
  }
}

function deliver(response: ServerResponse, reply: Reply): void {
  if (response.destroyed) return;
  if (reply === 'reset') response.socket?.destroy();
  else sendJson(response, reply.status, reply.text);
}

function errorReply(error: ApiError): Reply {
  return { status: error.status, text: error.toBody() };
}

function sendError(response: ServerResponse, error: ApiError): void {
  sendJson(response, error.status, error.toBody());
}

function sendJson(response: ServerResponse, status: number, text: string): void {
  requestCounter += 1;
  response.writeHead(status, {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': String(requestCounter),
  });
  response.end(text);
}
