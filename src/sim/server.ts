/**
 * The simulator's HTTP server on 127.0.0.1: DynamoDB's JSON protocol (POST with
 * `X-Amz-Target: DynamoDB_20120810.<Operation>`; signatures are not checked), plus
 * `GET /sim/stats` and `POST /sim/reset` for the counters. Each request: body read (16 MB limit,
 * HTTP 413 as in DynamoDB Local), parsed once, then a fault and a latency are drawn, and after
 * that delay the operation runs synchronously and its answer is sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynaviewError } from '../errors.js';
import { isPlainObject } from '../util/config-problems.js';
import { drawFault, drawSlow, type Fault } from './faults.js';
import { isOperationName, runOperation, tablesNamedIn, type OperationName } from './operations.js';
import { resolveSimulatorOptions, type SimulatorOptions } from './options.js';
import { ApiError, type RequestBody } from './protocol.js';
import { createState, type SimState } from './state.js';
import type { SimStats } from './stats.js';

export interface Simulator {
  /** `http://127.0.0.1:<port>`: the `endpoint_url` for dynaview or the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  stats(): SimStats;
  resetStats(): void;
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
  if (request.url === '/sim/stats' && request.method === 'GET') {
    sendJson(response, 200, JSON.stringify(state.stats.snapshot()));
    request.resume();
    return;
  }
  if (request.url === '/sim/reset' && request.method === 'POST') {
    // Counters restart, and so does capacity, from empty buckets: what is measured after a reset
    // is what the table sustains, without a burst allowance left over from before.
    state.stats.reset();
    const now = state.now();
    for (const table of state.tables.values()) table.definition.capacity?.drain(now);
    sendJson(response, 200, '{}');
    request.resume();
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
  if (fault !== 'none') state.stats.countRequest(tables, 'faults');
  if (fault === 'connection-reset') {
    request.socket.destroy();
    return;
  }
  const delayMs = state.sampleLatencyMs() + (drawSlow(options, options.random) ? options.slowMs : 0);
  if (delayMs <= 0) respond(state, response, operation, body, fault);
  else setTimeout(respond, delayMs, state, response, operation, body, fault);
}

function respond(state: SimState, response: ServerResponse, operation: OperationName, body: RequestBody, fault: Fault): void {
  if (response.destroyed) return;
  switch (fault) {
    case 'internal-error':
      sendError(response, new ApiError('InternalServerError', 'Internal server error (injected by the simulator)'));
      return;
    case 'unavailable':
      sendError(response, new ApiError('ServiceUnavailable', 'Service unavailable (injected by the simulator)'));
      return;
    case 'connection-reset':
    case 'none':
      break;
    default: {
      const unknown: never = fault;
      throw new Error(`unknown fault ${String(unknown)}`);
    }
  }
  let result: unknown;
  try {
    result = runOperation(state, operation, body);
  } catch (error) {
    if (error instanceof ApiError) {
      sendError(response, error);
      return;
    }
    // A simulator bug: answer like DynamoDB's internal failure rather than dropping the connection.
    sendError(response, new ApiError('InternalServerError', `simulator failure: ${error instanceof Error ? error.message : String(error)}`));
    return;
  }
  sendJson(response, 200, JSON.stringify(result));
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
