/**
 * The web console's files: `console/` at the package's root holds the page, its style sheet and
 * its browser JavaScript, served as they are (no build step). They are found from this module,
 * wherever the package runs from: `dist/`, the tests' build, or an installed copy.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from './api-error.js';

/** URL path -> file in `console/`, with its content type. */
const ASSETS: ReadonlyMap<string, { readonly file: string; readonly type: string }> = new Map([
  ['/', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/console/console.js', { file: 'console.js', type: 'text/javascript; charset=utf-8' }],
  ['/console/console.css', { file: 'console.css', type: 'text/css; charset=utf-8' }],
]);

// Everything the page loads comes from this server; nothing inline can run, nothing else is fetched.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

export function isConsoleAsset(path: string): boolean {
  return ASSETS.has(path);
}

export async function serveConsoleAsset(path: string, response: ServerResponse): Promise<void> {
  const asset = ASSETS.get(path);
  if (asset === undefined) throw new ApiError(404, 'NotFound', `no such console file: ${path}`);
  const body = await readFile(join(consoleDir(), asset.file));
  response.writeHead(200, { 'content-type': asset.type, 'content-length': body.length, ...SECURITY_HEADERS });
  response.end(body);
}

let found: string | undefined;

/** `console/` next to the nearest package.json above this module. */
function consoleDir(): string {
  if (found !== undefined) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return (found = join(dir, 'console'));
    if (dirname(dir) === dir) throw new ApiError(500, 'ConsoleMissing', 'the web console\'s files are not installed with this copy of dynaview');
  }
}
