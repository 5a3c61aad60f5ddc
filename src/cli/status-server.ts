/**
 * `--metrics-port`: Prometheus metrics at /metrics and a JSON status at /status. They describe the
 * pipeline and its connectors, so by default only this machine can reach them (`--metrics-host`
 * widens that).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { DynaviewError } from '../errors.js';

export const DEFAULT_METRICS_HOST = '127.0.0.1';

export async function startStatusServer(host: string, port: number, registry: Registry, status: () => unknown): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(text);
      }, (error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
      return;
    }
    if (path === '/status') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status(), null, 2));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found: try /metrics or /status\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new DynaviewError('METRICS_SERVER_FAILED',
      `cannot serve metrics on ${host} port ${port}: ${error.code ?? error.message}`, { cause: error })));
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** `http://host:port` of a listening server, with the port it got when asked for port 0. */
export function serverUrl(server: Server): string {
  const { address, family, port } = server.address() as AddressInfo;
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}
