// The web console in a real browser (Chromium driven by playwright-core), on a real run: the page
// draws the program's graph, shows the pipeline's own figures (read back against /status fetched
// around them), follows them as rows flow, renders capacity, hot keys and banners when /status
// has them, and logs no error. Not part of `npm test`: run it with `npm run test:browser`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startCli, writeFiles, type RunningCli } from '../support/cli.js';
import { createTable, localConnection, useDynamoDB } from '../support/dynamodb.js';

const ddb = useDynamoDB();
const CHROMIUM = '/usr/bin/chromium';
/** Where the test leaves what it saw. */
const OUTPUT_DIR = join(ROOT, 'test-output', 'browser');
/** With this variable set, the screenshot also replaces the README's. */
const UPDATE_DOCS = process.env['DYNAVIEW_UPDATE_DOCS_SCREENSHOT'] === '1';

interface Status {
  steps: number;
  inputs: Record<string, { rows: number }>;
  graph: { nodes: Array<{ id: string; total: number }> };
  outputs: Record<string, Record<string, unknown> & { written: number }>;
}

function program(ordersTable: string, totalsTable: string): string {
  const connection = localConnection(ddb.endpoint);
  const orders = [{
    name: 'gen',
    transport: { name: 'datagen', config: { seed: 7, plan: [{ rate: 60, fields: { customer: { values: ['ann', 'bob', 'cyd', 'dee', 'eve'] }, amount: { range: [1, 100] } } }] } },
  }];
  const big = [{ name: 'ddb', index: 'big_idx', transport: { name: 'dynamodb_output', config: { table: ordersTable, ...connection } } }];
  const totals = [{
    name: 'ddb', index: 'totals_idx', enable_output_buffer: true, max_output_buffer_time_millis: 3000,
    transport: { name: 'dynamodb_output', config: { table: totalsTable, ...connection } },
  }];
  return `
    CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer VARCHAR NOT NULL, amount INT NOT NULL)
      WITH ('connectors' = '${JSON.stringify(orders)}');
    CREATE VIEW big_orders WITH ('connectors' = '${JSON.stringify(big)}') AS SELECT id, customer, amount FROM orders WHERE amount > 20;
    CREATE INDEX big_idx ON big_orders(id);
    CREATE MATERIALIZED VIEW totals WITH ('connectors' = '${JSON.stringify(totals)}') AS
      SELECT customer, SUM(amount) AS total, COUNT(*) AS n FROM big_orders GROUP BY customer;
    CREATE INDEX totals_idx ON totals(customer);`;
}

let browser: Browser;
let cli: RunningCli;
let url: string;
const problems: string[] = [];

before(async () => {
  const ordersTable = await createTable(ddb.client, { hash: ['id', 'N'] });
  const totalsTable = await createTable(ddb.client, { hash: ['customer', 'S'] });
  const dir = writeFiles({ 'shop.sql': program(ordersTable, totalsTable) });
  cli = startCli(['run', join(dir, 'shop.sql'), '--http-port', '0']);
  url = (await cli.waitFor(/HTTP API at (http:\/\/[^\s/]+)\//))[1]!;
  // Chromium refuses to run as root inside its sandbox.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  mkdirSync(OUTPUT_DIR, { recursive: true });
});

after(async () => {
  await browser?.close();
  cli?.child.kill('SIGKILL');
});

async function status(): Promise<Status> {
  return await (await fetch(`${url}/status`)).json() as Status;
}

/** A page on the console that records every console error and uncaught exception; `prepare` runs before it loads. */
async function openConsole(prepare: (page: Page) => Promise<unknown> = async () => {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await prepare(page);
  await page.goto(`${url}/`);
  return page;
}

async function updates(page: Page): Promise<number> {
  return Number(await page.locator('body').getAttribute('data-updates') ?? 0);
}

/** Waits until the page has drawn `count` statuses since it was loaded. */
async function drawn(page: Page, count: number, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (await updates(page) < count) {
    if (Date.now() > deadline) throw new Error(`the page drew ${await updates(page)} statuses in ${timeout} ms, not ${count}`);
    await sleep(50);
  }
}

/** Waits until the page has drawn `n` more statuses than now: everything shown was fetched after this call. */
async function redrawn(page: Page, n = 2): Promise<void> {
  const from = await updates(page);
  await drawn(page, from + n, 20_000);
}

function number(text: string | null): number {
  return Number((text ?? '').replaceAll(',', ''));
}

/** The page's figures for a few things /status also has. */
async function shown(page: Page): Promise<{ steps: number; generated: number; written: number; chartPoints: number; writtenRate: number }> {
  return {
    steps: number(await page.locator('[data-value="steps"]').textContent()),
    generated: number(await page.locator('[data-node="input:orders.gen"]').getAttribute('data-total')),
    written: number(await page.locator('[data-output="big_orders.ddb"] [data-figure="written"]').textContent()),
    chartPoints: number(await page.locator('[data-chart="big_orders.ddb"]').getAttribute('data-points')),
    writtenRate: number(await page.locator('[data-chart="big_orders.ddb"] [data-rate="written"]').textContent()),
  };
}

function between(what: string, low: number, value: number, high: number): void {
  assert.ok(low <= value && value <= high, `${what}: ${value} is not between ${low} and ${high} (/status before and after)`);
}

test('the console draws the program and the run\'s own figures, follows them as rows flow, and logs no error', { timeout: 240_000 }, async () => {
  const page = await openConsole();
  await drawn(page, 3, 60_000);
  // Rows are flowing: the page has drawn at least a few seconds of them.
  while ((await status()).outputs['big_orders.ddb']!.written === 0) await sleep(200);

  assert.equal(await page.title(), 'shop · dynaview');
  const nodes = await page.locator('#graph [data-node]').evaluateAll((list) => list.map((node) => node.getAttribute('data-node')));
  assert.deepEqual(nodes.sort(), [
    'input:orders.api-ingress', 'input:orders.gen', 'output:big_orders.ddb', 'output:totals.ddb', 'table:orders', 'view:big_orders', 'view:totals',
  ]);
  for (const edge of ['input:orders.gen->table:orders', 'table:orders->view:big_orders', 'view:big_orders->view:totals', 'view:totals->output:totals.ddb']) {
    assert.equal(await page.locator(`[data-edge="${edge}"]`).count(), 1, edge);
  }

  // A push through the HTTP API, besides the generator.
  const body = '{"insert": {"id": 1000000001, "customer": "zed", "amount": 99}}\n{"insert": {"id": 1000000002, "customer": "zed", "amount": 42}}\n';
  const pushed = await fetch(`${url}/v0/pipelines/shop/ingress/orders?format=json`, { method: 'POST', body });
  assert.equal(pushed.status, 200, await pushed.text());

  const before = await status();
  await redrawn(page);
  const first = await shown(page);
  const afterFirst = await status();
  between('steps', before.steps, first.steps, afterFirst.steps);
  between('rows generated', before.inputs['orders.gen']!.rows, first.generated, afterFirst.inputs['orders.gen']!.rows);
  between('items written', before.outputs['big_orders.ddb']!.written, first.written, afterFirst.outputs['big_orders.ddb']!.written);
  assert.match(await page.locator('[data-figures="input:orders.gen"]').textContent() ?? '', new RegExp(`^${first.generated.toLocaleString('en-US')} rows · [\\d.,]+/s$`));
  assert.match(await page.locator('[data-input="orders.gen"] [data-figure="position"]').textContent() ?? '', /^plan 1 of 1: [\d]+ rows generated$/);
  assert.match(await page.locator('[data-value="memory"]').textContent() ?? '', /^[\d.,]+ MB$/);
  const ingress = page.locator('[data-input="orders.api-ingress"]');
  assert.equal(await ingress.locator('[data-figure="rows"]').textContent(), '2');
  assert.match(await ingress.locator('[data-figure="position"]').textContent() ?? '', /^1 push \([01] written\)$/);
  assert.equal(await ingress.locator('[data-figure="bytes"]').textContent(), `${Buffer.byteLength(body)} B`);
  assert.match(await page.locator('[data-output="totals.ddb"] [data-figure="buffered"]').textContent() ?? '', /^\d[\d,]* \/ 10,000,000$/);

  // Seconds later, every figure has moved on with the run, and the chart has grown.
  await sleep(4_000);
  const beforeSecond = await status();
  await redrawn(page);
  const second = await shown(page);
  const afterSecond = await status();
  between('steps', beforeSecond.steps, second.steps, afterSecond.steps);
  between('items written', beforeSecond.outputs['big_orders.ddb']!.written, second.written, afterSecond.outputs['big_orders.ddb']!.written);
  assert.ok(second.steps > first.steps && second.generated > first.generated && second.written > first.written, JSON.stringify({ first, second }));
  assert.ok(second.chartPoints >= first.chartPoints + 4, `the chart has ${second.chartPoints} points, had ${first.chartPoints}`);
  // The rate of writes the run sustained over those seconds, measured from /status, and the chart's latest rate.
  const seconds = 4 + 2;
  const sustained = (second.written - first.written) / seconds;
  assert.ok(second.writtenRate > 0 && second.writtenRate < 4 * sustained + 20, `chart says ${second.writtenRate}/s, the run wrote ${sustained.toFixed(1)}/s`);
  assert.ok(await page.locator('[data-chart="big_orders.ddb"] polyline[data-series="written"]').getAttribute('points').then((p) => (p ?? '').split(' ').length >= 5));

  // The README's picture shows a minute of history.
  if (UPDATE_DOCS) await sleep(60_000);
  await page.screenshot({ path: join(OUTPUT_DIR, 'console.png'), fullPage: true });
  if (UPDATE_DOCS) copyFileSync(join(OUTPUT_DIR, 'console.png'), join(ROOT, 'docs', 'console.png'));
  await page.close();
  assert.deepEqual(problems, []);
});

test('capacity, hot keys and banners are drawn when /status has them, and nothing in their place when it has not', { timeout: 60_000 }, async () => {
  let wcu = 0;
  // The run's own status, with what a connector reporting capacity and hot keys adds to it, a stall and a failure.
  const page = await openConsole(async (opening) => {
    // totals.ddb reports no capacity here, in its history as in its status.
    await opening.route('**/status/history', async (route) => {
      const history = await (await route.fetch()).json() as { samples: Array<{ outputs: Record<string, Record<string, unknown>> }> };
      for (const sample of history.samples) delete sample.outputs['totals.ddb']?.['capacity'];
      await route.fulfill({ json: history });
    });
    await opening.route('**/status', async (route) => {
      const real = await (await route.fetch()).json() as Status & Record<string, unknown>;
      wcu += 50;
      real.outputs['big_orders.ddb'] = {
        ...real.outputs['big_orders.ddb']!,
        failed_items: wcu / 50,
        last_errors: [{ time: '2026-01-02T03:04:05.000Z', code: 'DYNAMODB_ITEM_TOO_LARGE', message: 'connector big_orders.ddb: item over 400 KB', key: '{"id":42}' }],
        capacity: { billing_mode: 'PAY_PER_REQUEST', consumed_wcu_total: wcu, provisioned_wcu: null, estimated_cost_usd: 0.0125, price_basis: 'on-demand, $0.625 per million WRU (us-east-1)' },
        hot_keys: { window_seconds: 60, writes: [{ key: '{"id":7}', count: 12 }, { key: '{"id":9}', count: 4 }], throttled: [] },
      };
      for (const field of ['capacity', 'hot_keys']) delete real.outputs['totals.ddb']![field];
      real.outputs['totals.ddb'] = { ...real.outputs['totals.ddb']!, fatal: 'connector totals.ddb: DynamoDB rejected the credentials' };
      real['stalled'] = { since: new Date().toISOString(), seconds: 12, outputs: ['big_orders.ddb'] };
      await route.fulfill({ json: real });
    });
  });
  // Opened well into the run, the page starts its charts from the server's last minutes.
  await drawn(page, 1, 20_000);
  assert.ok(number(await page.locator('[data-chart="big_orders.ddb"]').getAttribute('data-points')) >= 10, 'the chart starts with the samples of the run so far');
  await drawn(page, 5, 20_000);

  const capacity = page.locator('[data-output="big_orders.ddb"] [data-capacity]');
  assert.equal(await capacity.locator('[data-figure="billing-mode"]').textContent(), 'on demand');
  assert.equal(await capacity.locator('[data-figure="cost"]').textContent(), '$0.0125');
  assert.equal(await capacity.locator('[data-figure="price-basis"]').textContent(), 'on-demand, $0.625 per million WRU (us-east-1)');
  assert.equal(number(await capacity.locator('[data-figure="consumed-wcu"]').textContent()) % 50, 0);
  const hot = page.locator('[data-output="big_orders.ddb"] [data-hot-keys="writes"] tr');
  assert.deepEqual(await hot.evaluateAll((rows) => rows.map((row) => row.textContent)), ['most written keyscount', '{"id":7}12', '{"id":9}4']);
  assert.equal(await page.locator('[data-output="big_orders.ddb"] [data-hot-keys="throttled"] td').textContent(), 'none');
  assert.ok(number(await page.locator('[data-chart="big_orders.ddb"] [data-rate="wcu"]').textContent()) > 0, 'the consumed WCU/s line is drawn');
  assert.equal(await page.locator('[data-chart="big_orders.ddb"] polyline[data-series="wcu"]').count(), 1);

  assert.equal(await page.locator('[data-output="totals.ddb"] [data-capacity], [data-output="totals.ddb"] [data-hot-keys-window]').count(), 0);
  assert.equal(await page.locator('[data-chart="totals.ddb"] [data-rate="wcu"]').textContent(), 'not reported');
  assert.equal(await page.locator('[data-chart="totals.ddb"] polyline[data-series="wcu"]').count(), 0);

  const banners = await page.locator('[data-banner]').evaluateAll((list) => list.map((banner) => [banner.getAttribute('data-banner'), banner.textContent]));
  assert.deepEqual(banners.map(([kind]) => kind), ['failing', 'failing', 'stalled']);
  assert.match(banners[0]![1]!, /^Output big_orders\.ddb is failing: [1-9]\d* record\(s\) could not be written in the last minute/);
  assert.match(banners[1]![1]!, /^Output totals\.ddb has failed and writes nothing more: connector totals\.ddb: DynamoDB rejected the credentials$/);
  assert.match(banners[2]![1]!, /^Stalled on backpressure for 12 s: .*big_orders\.ddb/);
  const errors = await page.locator('[data-output="big_orders.ddb"] [data-errors] tr').evaluateAll((rows) => rows.map((row) => row.textContent));
  assert.equal(errors.length, 2);
  assert.match(errors[1]!, /^\d\d:\d\d:\d\dDYNAMODB_ITEM_TOO_LARGE\{"id":42\}connector big_orders\.ddb: item over 400 KB$/);
  assert.equal(await page.locator('#state').textContent(), 'failing');
  await page.screenshot({ path: join(OUTPUT_DIR, 'console-capacity-and-banners.png'), fullPage: true });
  await page.close();
  assert.deepEqual(problems, []);

  cli.child.kill('SIGINT');
  const result = await cli.result;
  assert.equal(result.code, 0, result.stderr);
});
