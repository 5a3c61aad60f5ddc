// `npm run demo:postgres` (which builds, then runs examples/postgres-demo.mjs: the build is done
// here already) runs the PostgreSQL example end to end and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';

test('the PostgreSQL demo replicates the example shop into DynamoDB Local, follows changes made in PostgreSQL, and exits 0', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, [join(ROOT, 'examples/postgres-demo.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /== the snapshot of customers and orders arrived in DynamoDB table customer_totals after \d+ ms/);
  assert.match(output, /== the changes arrived in DynamoDB table customer_totals after \d+ ms/);
  assert.match(output, /DynamoDB table customer_totals \(4 items\):\n\| customer_id \| city +\| largest \| name +\| orders \| total \|/);
  assert.match(output, /\| 3 +\| NULL +\| 7\.25 +\| Linus +\| 1 +\| 7\.25 +\|/);
});
