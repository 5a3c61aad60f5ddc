// Feldera's HTTP API on a running program: pushes into tables with completion tokens that mean
// "written to DynamoDB", per-record parse errors that keep the good records, egress streams with
// a snapshot, the answers for unknown names, and no acknowledged push lost to a SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTable, localConnection, scanAll, useDynamoDB, type Item } from '../support/dynamodb.js';
import { startCli, writeFiles, type RunningCli } from '../support/cli.js';

const ddb = useDynamoDB();

function connection(): string {
  return Object.entries(localConnection(ddb.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
}

function program(table: string): string {
  return `
    CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer VARCHAR NOT NULL, amount DECIMAL(10, 2));
    CREATE MATERIALIZED VIEW totals WITH ('connectors' = '[{"index": "totals_idx", "transport": {"name": "dynamodb_output",
      "config": {"table": "${table}", ${connection()}}}}]') AS
      SELECT customer, SUM(amount) AS total, COUNT(*) AS n FROM orders GROUP BY customer;
    CREATE INDEX totals_idx ON totals(customer);`;
}

async function start(args: string[]): Promise<{ cli: RunningCli; base: string }> {
  const cli = startCli(args);
  const [, url] = await cli.waitFor(/HTTP API at (http:\/\/[^/]+)\//);
  // The server answers 503 until the pipeline runs (DynamoDB reached, state restored).
  while (((await (await fetch(`${url!}/status`)).json()) as { state?: string }).state === 'starting') {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { cli, base: `${url!}/v0/pipelines/shop` };
}

async function push(base: string, table: string, query: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/ingress/${table}?${query}`, { method: 'POST', body });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

/** Waits for a completion token's data to be written; returns the statuses seen. */
async function complete(base: string, token: string): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    const response = await fetch(`${base}/completion_status?token=${encodeURIComponent(token)}`);
    seen.push(response.status);
    if (response.status !== 202) {
      assert.deepEqual(await response.json(), { status: 'complete' });
      return seen;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function totals(items: readonly Item[]): Record<string, string> {
  return Object.fromEntries(items.map((item) => [item['customer']!.S!, `${item['total']!.N!}/${item['n']!.N!}`]));
}

test('pushes reach DynamoDB by the time completion_status says complete; bad records are listed and the rest ingested; egress streams a snapshot then changes', { timeout: 120_000 }, async () => {
  const table = await createTable(ddb.client, { hash: ['customer', 'S'] });
  const dir = writeFiles({ 'shop.sql': program(table) });
  const { cli, base } = await start(['run', join(dir, 'shop.sql'), '--http-port', '0']);
  try {
    const first = await push(base, 'ORDERS', 'format=json&update_format=insert_delete',
      '{"insert": {"id": 1, "customer": "ann", "amount": 10.5}}\n{"insert": {"id": 2, "customer": "bob", "amount": 3}}\n');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    await complete(base, first.body['token'] as string);
    assert.deepEqual(totals(await scanAll(ddb.client, table)), { ann: '10.5/1', bob: '3/1' }, 'written once complete');

    const bad = await push(base, 'orders', 'format=json&update_format=raw',
      '{"id": 3, "customer": "ann", "amount": 1}\n{"id": 4, "customer": "cy", "amount": "lots"}\n{"id": 5, "customer": "bob", "amount": 2}\n');
    assert.equal(bad.status, 400);
    assert.equal(bad.body['error_code'], 'ParseErrors');
    const details = bad.body['details'] as { num_errors: number; errors: Array<Record<string, unknown>>; token: string };
    assert.equal(details.num_errors, 1);
    assert.equal(details.errors[0]!['line'], 2);
    assert.equal(details.errors[0]!['field'], 'amount');
    assert.match(String(details.errors[0]!['description']), /amount/);
    await complete(base, details.token);
    assert.deepEqual(totals(await scanAll(ddb.client, table)), { ann: '11.5/2', bob: '5/2' }, 'the records that parsed were ingested');

    const csv = await push(base, 'orders', 'format=csv', '6,dee,4.25\n');
    assert.equal(csv.status, 200, JSON.stringify(csv.body));

    const closeEgress = new AbortController();
    const egress = await fetch(`${base}/egress/totals?format=json&send_snapshot=true&backpressure=true`, { method: 'POST', signal: closeEgress.signal });
    assert.equal(egress.status, 200);
    const reader = chunks(egress.body!);
    await complete(base, csv.body['token'] as string);
    const snapshot = await nextData(reader);
    assert.equal(snapshot['snapshot'], true);
    assert.equal(snapshot['sequence_number'], 0);
    const moved = await push(base, 'orders', 'format=json&update_format=insert_delete', '{"delete": {"id": 6, "customer": "dee", "amount": 4.25}}\n');
    assert.equal(moved.status, 200);
    // The snapshot may or may not have held dee's row yet; the stream ends with it gone either way.
    const contents = new Map<string, unknown>();
    const apply = (chunk: Record<string, unknown>): void => {
      for (const event of chunk['json_data'] as Array<Record<string, { customer: string }>>) {
        if (event['delete']) contents.delete(event['delete'].customer);
        if (event['insert']) contents.set(event['insert'].customer, event['insert']);
      }
    };
    apply(snapshot);
    while (contents.has('dee') || contents.size < 2) apply(await nextData(reader));
    assert.deepEqual([...contents.keys()].sort(), ['ann', 'bob']);
    closeEgress.abort();

    assert.equal((await push(base, 'nothing', 'format=json', '')).status, 404);
    const view = await push(base, 'totals', 'format=json', '');
    assert.equal(view.status, 404);
    assert.match(String(view.body['message']), /totals is a view/);
    const badFormat = await push(base, 'orders', 'format=json&update_format=snowflake', '');
    assert.equal(badFormat.status, 400);
    assert.match(String(badFormat.body['message']), /update_format/);
    const token = await fetch(`${base}/completion_status?token=nonsense`);
    assert.equal(token.status, 400);

    cli.child.kill('SIGINT');
    const result = await cli.result;
    assert.equal(result.code, 0, result.stderr);
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});

test('with --state-dir, every push answered 200 survives a SIGKILL: the restarted run writes it', { timeout: 120_000 }, async () => {
  const table = await createTable(ddb.client, { hash: ['customer', 'S'] });
  const dir = writeFiles({ 'shop.sql': program(table) });
  const args = ['run', join(dir, 'shop.sql'), '--http-port', '0', '--state-dir', join(dir, 'state')];
  const first = await start(args);
  const expected = new Map<string, number>();
  try {
    for (let batch = 0; batch < 20; batch += 1) {
      const lines = Array.from({ length: 50 }, (_, i) => {
        const customer = `c${(batch * 50 + i) % 7}`;
        expected.set(customer, (expected.get(customer) ?? 0) + 1);
        return JSON.stringify({ id: batch * 50 + i, customer, amount: 1 });
      });
      const answer = await push(first.base, 'orders', 'format=json&update_format=raw', `${lines.join('\n')}\n`);
      assert.equal(answer.status, 200);
    }
  } finally {
    first.cli.child.kill('SIGKILL');
  }
  await first.cli.result;
  const second = await start(args);
  try {
    // An empty push completes once everything pushed before it is written.
    const answer = await push(second.base, 'orders', 'format=json', '');
    assert.equal(answer.status, 200);
    await complete(second.base, answer.body['token'] as string);
    const want = Object.fromEntries([...expected].map(([customer, n]) => [customer, `${n}/${n}`]));
    assert.deepEqual(totals(await scanAll(ddb.client, table)), want);
  } finally {
    second.cli.child.kill('SIGINT');
    await second.cli.result;
  }
});

type ChunkReader = AsyncIterator<Record<string, unknown>>;

/** Feldera's egress chunks, one JSON object per `\r\n`-terminated line. */
async function* chunkObjects(body: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const bytes of body) {
    text += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = text.indexOf('\r\n')) !== -1) {
      yield JSON.parse(text.slice(0, end)) as Record<string, unknown>;
      text = text.slice(end + 2);
    }
  }
}

function chunks(body: ReadableStream<Uint8Array>): ChunkReader {
  return chunkObjects(body)[Symbol.asyncIterator]();
}

/** The next chunk with data, skipping keep-alives. */
async function nextData(reader: ChunkReader): Promise<Record<string, unknown>> {
  for (;;) {
    const { value, done } = await reader.next();
    assert.ok(!done, 'the egress stream ended');
    if (value['json_data'] !== undefined) return value;
  }
}

test('the server answers before the pipeline runs: 503 for data and "starting" in /status, then serves it; format defaults to CSV', { timeout: 120_000 }, async () => {
  const dir = writeFiles({
    'shop.sql': `
      CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer VARCHAR NOT NULL, amount DECIMAL(10, 2));
      CREATE VIEW totals WITH ('connectors' = '[{"index": "totals_idx", "transport": {"name": "dynamodb_output", "config": {"table": "shop_totals", "region": "us-east-1"}}}]')
        AS SELECT customer, COUNT(*) AS n FROM orders GROUP BY customer;
      CREATE INDEX totals_idx ON totals(customer);`,
  });
  // --local starts DynamoDB Local first, which takes a while: the server listens meanwhile.
  const cli = startCli(['run', join(dir, 'shop.sql'), '--local', '--http-port', '0']);
  try {
    const [, url] = await cli.waitFor(/HTTP API at (http:\/\/[^/]+)\//);
    const early = await fetch(`${url!}/v0/pipelines/shop/ingress/orders?format=json`, { method: 'POST', body: '' });
    assert.equal(early.status, 503);
    assert.equal((await early.json() as { error_code: string }).error_code, 'Initializing');
    assert.deepEqual(await (await fetch(`${url!}/status`)).json(), { pipeline: 'shop', state: 'starting' });
    while (((await (await fetch(`${url!}/status`)).json()) as { state?: string }).state === 'starting') {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const pushed = await push(`${url!}/v0/pipelines/shop`, 'orders', '', '1,ann,2.50\n2,ann,1\n');
    assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
    await complete(`${url!}/v0/pipelines/shop`, pushed.body['token'] as string);
    cli.child.kill('SIGTERM');
    const result = await cli.result;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /totals\.unnamed-0 -> DynamoDB table shop_totals: 1 written/);
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});
