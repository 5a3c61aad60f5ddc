/**
 * The one HTTP server of a running program (as Feldera has one port per pipeline): the web console
 * at /, Prometheus metrics at /metrics, a JSON status at /status (and its last minutes at
 * /status/history), and Feldera's data API under
 * `/v0/pipelines/{pipeline}/` (also served without that prefix, as a Feldera pipeline process
 * does): `ingress/{table}`, `completion_status`, `egress/{view}`. It listens before the pipeline
 * runs, answering 503 until it does and 410 once it stops. By default only this machine can
 * reach it (`--http-host` widens that).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DynaviewError } from '../errors.js';
import type { Catalog, ViewDef } from '../engine/catalog.js';
import type { PipelineRun } from '../pipeline/run.js';
import { ApiError, sendError, sendJson } from './api-error.js';
import { decodeToken, RUN_ID } from './completion-token.js';
import { isConsoleAsset, serveConsoleAsset } from './console-assets.js';
import { EgressStream, egressOptions } from './egress.js';
import { ingest } from './ingress.js';

export const DEFAULT_HTTP_HOST = '127.0.0.1';

export interface ApiServerOptions {
  readonly host: string;
  readonly port: number;
  /** The program's pipeline name: its file name without `.sql`. */
  readonly pipeline: string;
  readonly catalog: Catalog;
  readonly logger: Logger;
}

/** What /status and /status/history serve while the pipeline runs. */
export interface StatusSource {
  status(): unknown;
  history(): unknown;
}

type Phase = { readonly name: 'starting' } | { readonly name: 'running'; readonly run: PipelineRun; readonly status: StatusSource } | { readonly name: 'stopped' };

const DATA_ROUTE = /^\/(?:v0\/pipelines\/([^/]+)\/)?(ingress|egress|completion_status)(?:\/([^/]+))?$/;

export class ApiServer {
  private phase: Phase = { name: 'starting' };
  private readonly otherNames = new Set<string>();
  private readonly streams = new Set<EgressStream>();

  private constructor(private readonly server: Server, private readonly options: ApiServerOptions) {}

  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const server = createServer();
    const api = new ApiServer(server, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      api.handle(request, response).catch((error: unknown) => {
        sendError(response, error instanceof ApiError ? error : new ApiError(500, 'InternalError', error instanceof Error ? error.message : String(error)));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(new DynaviewError('HTTP_SERVER_FAILED',
        `cannot serve HTTP on ${options.host} port ${options.port}: ${error.code ?? error.message}`, { cause: error })));
      server.listen(options.port, options.host, () => resolve());
    });
    return api;
  }

  /** `http://host:port`, with the port it got when asked for port 0. */
  get url(): string {
    return serverUrl(this.server);
  }

  /** The pipeline runs: serve it. */
  running(run: PipelineRun, status: StatusSource): void {
    this.phase = { name: 'running', run, status };
  }

  /** The pipeline stops: data requests get 410 from now on. */
  stopping(): void {
    if (this.phase.name === 'running') this.phase = { name: 'stopped' };
    for (const stream of this.streams) stream.close();
  }

  async close(): Promise<void> {
    this.stopping();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/metrics' || url.pathname === '/status' || url.pathname === '/status/history') {
      await this.serveObservability(url.pathname, response);
      return;
    }
    if (isConsoleAsset(url.pathname)) {
      await serveConsoleAsset(url.pathname, response);
      return;
    }
    const route = DATA_ROUTE.exec(url.pathname);
    if (route === null) throw new ApiError(404, 'NotFound', `no such endpoint: ${url.pathname} (try / for the console, /metrics, /status, or /v0/pipelines/${this.options.pipeline}/ingress/<table>)`);
    const [, pipeline, action, name] = route;
    this.checkPipelineName(pipeline === undefined ? undefined : decodeURIComponent(pipeline));
    const run = this.runningPipeline();
    switch (action) {
      case 'ingress':
        return this.ingress(request, response, run, decodeURIComponent(requireName(name, 'ingress', 'table')), url.searchParams);
      case 'egress':
        return this.egress(request, response, run, decodeURIComponent(requireName(name, 'egress', 'view')), url.searchParams);
      default:
        return this.completionStatus(request, response, run, url.searchParams);
    }
  }

  private async serveObservability(path: string, response: ServerResponse): Promise<void> {
    const { phase } = this;
    if (path !== '/metrics') {
      const body = phase.name !== 'running' ? { state: phase.name } : path === '/status' ? phase.status.status() : { samples: phase.status.history() };
      sendJson(response, 200, { pipeline: this.options.pipeline, ...body as object });
      return;
    }
    if (phase.name !== 'running') {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end(`# the pipeline is ${phase.name}\n`);
      return;
    }
    const text = await phase.run.registry.metrics();
    response.writeHead(200, { 'content-type': phase.run.registry.contentType });
    response.end(text);
  }

  private async ingress(request: IncomingMessage, response: ServerResponse, run: PipelineRun, name: string, query: URLSearchParams): Promise<void> {
    requireMethod(request, 'POST');
    const table = resolveName(name, [...run.ingress.keys()]);
    const ingress = table === undefined ? undefined : run.ingress.get(table);
    if (ingress === undefined) {
      const isView = resolveName(name, this.viewNames()) !== undefined;
      throw new ApiError(404, 'UnknownInputStream', `no table named ${name}${isView ? ` (${name} is a view: views cannot be pushed to)` : ''}`, { stream_name: name });
    }
    const answer = await ingest(request, ingress, query);
    sendJson(response, answer.status, answer.body);
  }

  private async completionStatus(request: IncomingMessage, response: ServerResponse, run: PipelineRun, query: URLSearchParams): Promise<void> {
    requireMethod(request, 'GET');
    const text = query.get('token');
    const token = text === null ? undefined : decodeToken(text);
    if (token === undefined) throw new ApiError(400, 'InvalidParam', `invalid completion token: ${text === null ? 'the token query parameter is missing' : 'not a token this pipeline issued'}`);
    if (token.run !== RUN_ID) {
      throw new ApiError(410, 'InvalidCompletionToken', 'the completion token was issued before the pipeline restarted; with --state-dir its data was journaled and is written after the restart');
    }
    const ingress = run.ingress.get(token.table);
    if (ingress === undefined) throw new ApiError(400, 'InvalidParam', `invalid completion token: no table ${token.table}`);
    const complete = ingress.isWritten(token.pushes);
    sendJson(response, complete ? 200 : 202, { status: complete ? 'complete' : 'inprogress' });
  }

  private async egress(request: IncomingMessage, response: ServerResponse, run: PipelineRun, name: string, query: URLSearchParams): Promise<void> {
    requireMethod(request, 'POST');
    const viewName = resolveName(name, this.viewNames());
    const view = viewName === undefined ? undefined : this.options.catalog.relations.get(viewName) as ViewDef;
    if (view === undefined) {
      const isTable = resolveName(name, [...run.ingress.keys()]) !== undefined;
      throw new ApiError(404, 'UnknownOutputStream', `no view named ${name}${isTable ? ` (${name} is a table: read a view over it)` : ''}`, { stream_name: name });
    }
    const { sendSnapshot, ...options } = egressOptions(query);
    if (sendSnapshot && view.statement.modifier !== 'materialized') {
      throw new ApiError(400, 'NotMaterialized', `send_snapshot=true needs the view's contents, which are kept for materialized views only: declare CREATE MATERIALIZED VIEW ${view.name}`);
    }
    const stream = new EgressStream(view, response, options, this.options.logger);
    this.streams.add(stream);
    if (sendSnapshot) stream.sendSnapshot(run.contents(view.name));
    const unobserve = run.observe(stream);
    response.on('close', () => {
      unobserve();
      stream.close();
      this.streams.delete(stream);
    });
  }

  private runningPipeline(): PipelineRun {
    const { phase } = this;
    if (phase.name === 'starting') throw new ApiError(503, 'Initializing', 'the pipeline is starting; try again shortly');
    if (phase.name === 'stopped' || phase.run.stopping) throw new ApiError(410, 'Terminating', 'the pipeline is shutting down');
    return phase.run;
  }

  /** Any pipeline name is served (there is one); a name other than the program's is warned about once. */
  private checkPipelineName(name: string | undefined): void {
    if (name === undefined || name === this.options.pipeline || this.otherNames.has(name)) return;
    this.otherNames.add(name);
    this.options.logger.warn(`HTTP request for pipeline "${name}": serving program ${this.options.pipeline}, the only pipeline here`);
  }

  private viewNames(): string[] {
    return [...this.options.catalog.relations.values()].filter((relation) => relation.kind === 'view' && relation.statement.modifier !== 'local').map((relation) => relation.name);
  }
}

/**
 * The relation `name` in a URL stands for, with SQL's rules: a name in double quotes matches
 * exactly; otherwise an exact match, then a case-insensitive match of an unquoted (lower-case) name.
 */
export function resolveName(name: string, names: readonly string[]): string | undefined {
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    const quoted = name.slice(1, -1);
    return names.includes(quoted) ? quoted : undefined;
  }
  if (names.includes(name)) return name;
  const lower = name.toLowerCase();
  return names.includes(lower) ? lower : undefined;
}

function requireName(name: string | undefined, action: string, what: string): string {
  if (name === undefined) throw new ApiError(404, 'NotFound', `/${action} needs a ${what} name: /${action}/<${what}>`);
  return name;
}

function requireMethod(request: IncomingMessage, method: string): void {
  if (request.method !== method) throw new ApiError(405, 'MethodNotAllowed', `use ${method} for ${request.url ?? ''}`);
}

/** `http://host:port` of a listening server, with the port it got when asked for port 0. */
export function serverUrl(server: Server): string {
  const { address, family, port } = server.address() as AddressInfo;
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}
