// Hot keys against the capacity simulator, which throttles as DynamoDB does (DynamoDB Local never
// does): a table with little provisioned capacity and a skewed partition key distribution shows the
// hot key first among the writes and the throttled items, and the connector warns of it once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import { openDynamoDBOutput, type DynamoDBOutput, type Update } from '../../src/index.js';
import { startSimulator } from '../../src/sim/server.js';
import { localClient, uniqueTableName } from '../support/dynamodb.js';
import { seededRandom } from '../support/random.js';

const view = {
  name: 'v_hot',
  columns: [
    { name: 'p', type: 'VARCHAR', nullable: false },
    { name: 's', type: 'INT', nullable: false },
  ],
};
const index = { name: 'v_hot_idx', columns: ['p', 's'] };

/** Half of the rows under partition key "hot", the rest spread over 50 others. */
function skewedStep(rows: number, firstSort: number, random: () => number): Update[] {
  return Array.from({ length: rows }, (_, i) => ({
    row: { p: random() < 0.5 ? 'hot' : `cold-${Math.floor(random() * 50)}`, s: firstSort + i },
    weight: 1,
  }));
}

interface Run {
  out: DynamoDBOutput;
  table: string;
  /** The connector's log lines at warn level and above, as JSON objects. */
  logged: () => Array<Record<string, unknown>>;
  throttledItems: () => number;
}

/**
 * Runs `body` with a connector writing to a simulated table keyed (p HASH, s RANGE) with 100 WCU/s
 * and one second of burst, so that a few hundred one-WCU items are mostly throttled at least once.
 */
async function withThrottledTable(threads: number, body: (run: Run) => Promise<void>): Promise<void> {
  const sim = await startSimulator({});
  const client = localClient(sim.endpoint);
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => { lines.push(line); } });
  try {
    const table = uniqueTableName('hot');
    await client.send(new CreateTableCommand({
      TableName: table, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 100 },
      AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }, { AttributeName: 's', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }, { AttributeName: 's', KeyType: 'RANGE' }],
    }));
    const out = await openDynamoDBOutput({
      name: 'hot_out', view, index, logger,
      config: { table, region: 'us-east-1', endpoint_url: sim.endpoint, aws_access_key_id: 'sim', aws_secret_access_key: 'sim', threads, max_retries: null },
    });
    await body({
      out, table,
      logged: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
      throttledItems: () => sim.stats().tables[table]?.throttled_items ?? 0,
    });
  } finally {
    client.destroy();
    await sim.stop();
  }
}

async function writeAll(out: DynamoDBOutput, steps: readonly Update[][]): Promise<void> {
  try {
    for (const step of steps) await out.writeStep(step);
  } finally {
    await out.close();
  }
}

const hotKeyWarnings = (run: Run) => run.logged().filter((l) => String(l['msg']).startsWith('hot partition key'));

for (const threads of [1, 2] as const) {
  test(`${threads} thread(s): the hot partition key of a throttled table leads the writes and the throttled items`
    + `${threads === 1 ? ', and is warned about once per window' : ''}`, async () => {
    await withThrottledTable(threads, async (run) => {
      const random = seededRandom(7);
      const steps = [skewedStep(200, 0, random), skewedStep(100, 200, random)];
      await writeAll(run.out, steps);
      const hotWrites = steps.flat().filter((u) => u.row['p'] === 'hot').length;
      assert.ok(run.throttledItems() > 0, 'the simulator throttled the table');
      const hotKeys = run.out.hotKeys();
      assert.ok(hotKeys.window_seconds > 0, JSON.stringify(hotKeys));
      assert.deepEqual(hotKeys.writes[0], { key: 'hot', count: hotWrites });
      assert.equal(hotKeys.writes.length, 10);
      assert.equal(hotKeys.throttled[0]?.key, 'hot', JSON.stringify(hotKeys.throttled));
      assert.ok(hotKeys.throttled[0]!.count > hotKeys.throttled[1]!.count, JSON.stringify(hotKeys.throttled));
      if (threads > 1) return;
      const warnings = hotKeyWarnings(run);
      assert.equal(warnings.length, 1, JSON.stringify(run.logged()));
      const [warning] = warnings;
      assert.equal(warning!['key'], 'hot');
      assert.equal(warning!['table'], run.table);
      assert.ok((warning!['share'] as number) >= 0.2, String(warning!['share']));
      assert.match(String(warning!['msg']),
        new RegExp(`^hot partition key hot: \\d+% of the \\d+ writes to table ${run.table} in the last \\d+s while DynamoDB throttled \\d+ item`));
    });
  });
}

test('the warning comes while a long step is still being written, not at its end', async () => {
  await withThrottledTable(1, async (run) => {
    // 600 WCU at 100 WCU/s: the step takes about five seconds.
    await writeAll(run.out, [skewedStep(600, 0, seededRandom(3))]);
    const stepEnded = Date.now();
    const [warning] = hotKeyWarnings(run);
    assert.ok(warning, JSON.stringify(run.logged()));
    assert.ok((warning['time'] as number) < stepEnded - 1_000, `warned at ${String(warning['time'])}, step ended at ${stepEnded}`);
  });
});

test('an evenly written table that is throttled gets no hot key warning', async () => {
  await withThrottledTable(1, async (run) => {
    await writeAll(run.out, [Array.from({ length: 300 }, (_, i) => ({ row: { p: `k-${i % 20}`, s: i }, weight: 1 }))]);
    assert.ok(run.throttledItems() > 0);
    assert.equal(run.out.hotKeys().writes[0]?.count, 15);
    assert.deepEqual(hotKeyWarnings(run), []);
  });
});
