// A million rows through a view into DynamoDB Local with bounded memory. Takes a few minutes, so it
// runs only with DYNAVIEW_LARGE_TESTS=1 (`npm run test:large`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

const enabled = process.env['DYNAVIEW_LARGE_TESTS'] === '1';
const MAX_PEAK_MEMORY_MB = 500;

test('a datagen table of 1,000,000 rows flows to DynamoDB Local with peak memory under 500 MB', { skip: !enabled && 'set DYNAVIEW_LARGE_TESTS=1', timeout: 20 * 60_000 }, async () => {
  const { code, stdout, stderr } = await runCli(['run', 'examples/million.sql', '--local'], { DYNAVIEW_LOG_LEVEL: 'warn' });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /big_events\.unnamed-0 -> DynamoDB table big_events: 1000000 written \(1000000 puts, 0 deletes\), \d+ retries, 0 skipped, 0 failed/);
  assert.match(stdout, /DynamoDB table big_events \(1000000 items; the first 100 scanned are shown\)/);
  const peak = Number(/peak memory (\d+) MB/.exec(stdout)?.[1]);
  process.stdout.write(`# ${/done in .*/.exec(stdout)?.[0] ?? ''}\n`);
  assert.ok(peak < MAX_PEAK_MEMORY_MB, `peak memory ${peak} MB`);
});
