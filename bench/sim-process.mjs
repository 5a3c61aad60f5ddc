// The simulated DynamoDB table both benchmarks write to: a fresh `dynaview sim` in its own process,
// so that the simulator never shares the writer's event loop and every case starts with a full
// capacity bucket. Import it after setting the AWS SDK's environment variables (it loads the SDK).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const TABLE = 'bench';
export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
export const LATENCY_MEDIAN_MS = 10;
export const LATENCY_P99_MS = 30;
export const CAPACITY_WCU = 40_000;

const POLL_MS = 20;
const now = () => performance.timeOrigin + performance.now();

/**
 * Starts `dynaview sim` on a free port and creates table TABLE with the key `keys` (attribute name
 * and type, the hash key first, then the range key if any). Resolves once the table exists.
 */
export async function startSim({ capacityWcu = CAPACITY_WCU, keys = [['id', 'N']] } = {}) {
  const child = spawn(process.execPath, [
    CLI, 'sim', '--port', '0', '--wcu', String(capacityWcu),
    '--latency-median', String(LATENCY_MEDIAN_MS), '--latency-p99', String(LATENCY_P99_MS),
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`dynaview sim exited with ${code} before listening: ${text}`)));
    child.once('error', reject);
  });
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  await client.send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map(([name, type]) => ({ AttributeName: name, AttributeType: type })),
    KeySchema: keys.map(([name], i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
  }));
  client.destroy();
  return {
    endpoint,
    /** The simulator's counters for the table (written_items, throttled_items, ...). */
    async stats() {
      return (await (await fetch(`${endpoint}/sim/stats`)).json()).tables[TABLE] ?? { written_items: 0, throttled_items: 0 };
    },
    /** Zeroes the counters and empties the capacity buckets: no burst allowance inflates what follows. */
    async reset() {
      await fetch(`${endpoint}/sim/reset`, { method: 'POST' });
    },
    /** Resolves with the time (ms since the epoch) the table holds `items` written items; fails after 30 s without a new write. */
    async until(items) {
      let last = -1;
      let lastChange = now();
      for (;;) {
        const { written_items: written } = await this.stats();
        if (written >= items) return now();
        if (written !== last) [last, lastChange] = [written, now()];
        if (now() - lastChange > 30_000) throw new Error(`the simulator holds ${written} of ${items} items and received none for 30 s`);
        await sleep(POLL_MS);
      }
    },
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
