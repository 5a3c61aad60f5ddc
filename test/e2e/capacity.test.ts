// What `dynaview run` shows of a DynamoDB output's capacity: /status carries its `capacity` and
// `hot_keys` objects while it runs, and the final summary line ends with the consumed write units
// and the estimated cost, all without the connector's secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS } from '../../src/local/dynamodb-local.js';
import { startCli, writeFiles } from '../support/cli.js';
import { createTable, scanAll, useDynamoDB } from '../support/dynamodb.js';

const ddb = useDynamoDB();
// DynamoDB Local does not check the secret, so a recognisable one can be looked for in the output.
const SECRET = 'capacity-e2e-secret-5b1d';

interface OutputStatus {
  metrics: Record<string, number>;
  capacity: { billing_mode: string | null; consumed_wcu_total: number; provisioned_wcu: number | null; estimated_cost_usd: number; price_basis: string };
  hot_keys: { window_seconds: number; writes: Array<{ key: string; count: number }>; throttled: Array<{ key: string; count: number }> };
}

test('/status shows capacity and hot keys of a DynamoDB output, and the final summary its consumed WCU and estimated cost', { timeout: 120_000 }, async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'] });
  const config = {
    table, region: 'us-east-1', endpoint_url: ddb.endpoint, aws_access_key_id: LOCAL_CREDENTIALS.accessKeyId, aws_secret_access_key: SECRET,
    // A dollar per write unit makes the estimate easy to check in the summary.
    price_per_million_write_units: 1_000_000,
  };
  const dir = writeFiles({
    'cost.sql': `
      CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR) WITH ('connectors' = '[{
        "transport": {"name": "datagen", "config": {"plan": [{"rate": 500}]}}}]');
      CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
        "config": ${JSON.stringify(config)}}}]') AS SELECT * FROM t;
      CREATE INDEX v_idx ON v(id);`,
  });
  const cli = startCli(['run', join(dir, 'cost.sql'), '--http-port', '0']);
  try {
    const [, url] = await cli.waitFor(/HTTP API at (http:\/\/[^/\s]+)/);
    let statusText = '';
    let status: OutputStatus | undefined;
    for (;;) {
      statusText = await (await fetch(`${url}/status`)).text();
      status = (JSON.parse(statusText) as { outputs?: Record<string, OutputStatus> }).outputs?.['v.unnamed-0'];
      if ((status?.metrics['records_written'] ?? 0) >= 100) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(status);
    assert.ok(!statusText.includes(SECRET), 'the secret is not in /status');
    const { capacity, hot_keys: hotKeys } = status;
    assert.equal(capacity.billing_mode, 'PAY_PER_REQUEST');
    assert.equal(capacity.provisioned_wcu, null);
    // Every row is a new item under 1 KB: one write unit each, however many were written by the time of the snapshot.
    assert.ok(capacity.consumed_wcu_total >= 100, JSON.stringify(capacity));
    assert.equal(capacity.estimated_cost_usd, capacity.consumed_wcu_total);
    assert.equal(capacity.price_basis, `on-demand: ${capacity.consumed_wcu_total} write request units x $1000000 per million`);
    assert.ok(hotKeys.window_seconds > 0, JSON.stringify(hotKeys));
    assert.equal(hotKeys.writes.length, 10);
    for (const { key, count } of hotKeys.writes) {
      assert.match(key, /^\d+$/);
      assert.equal(count, 1, JSON.stringify(hotKeys));
    }
    assert.deepEqual(hotKeys.throttled, []);

    cli.child.kill('SIGINT');
    const { code, stdout, stderr } = await cli.result;
    assert.equal(code, 0, stderr);
    const summary = new RegExp(`v\\.unnamed-0 -> DynamoDB table ${table}: (\\d+) written .*; (\\d+) WCU consumed, est\\. \\$([0-9.]+) \\(on-demand\\)$`, 'm')
      .exec(stdout);
    assert.ok(summary, stdout);
    const [, written, consumed, cost] = summary;
    assert.equal(Number(consumed), Number(written));
    assert.equal(Number(cost), Number(consumed));
    assert.equal((await scanAll(ddb.client, table)).length, Number(written));
    assert.ok(!stdout.includes(SECRET) && !stderr.includes(SECRET), 'the secret is not in the output');
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});
