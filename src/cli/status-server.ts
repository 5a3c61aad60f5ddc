/**
 * `--metrics-port`: Prometheus metrics at /metrics and a JSON status at /status, on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export async function startStatusServer(port: number, registry: Registry, status: () => unknown): Promise<Server> {
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
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
