// How many written items per second `dynaview sim` serves with no latency or capacity limits: the
// simulator must not be the bottleneck of a benchmark. The simulator runs in a worker thread (its
// own core, as `dynaview sim` does); the load is raw HTTP with many concurrent 25-item batch writes.
// Run with: npm run bench:sim
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';

const SERVER_MODULE = new URL('../dist/sim/server.js', import.meta.url).href;
const CONCURRENCY = 64;
const DURATION_MS = Number(process.env.DURATION_MS ?? 5000);
const BATCH = 25;

function post(agent, port, target, body) {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: '/', agent,
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `DynamoDB_20120810.${target}`, 'Content-Length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const worker = new Worker(
  `import(${JSON.stringify(SERVER_MODULE)}).then((m) => m.startSimulator()).then((s) => require('node:worker_threads').parentPort.postMessage(s.port));`,
  { eval: true },
);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
try {
  const port = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  await post(agent, port, 'CreateTable', Buffer.from(JSON.stringify({
    TableName: 'bench', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }, { AttributeName: 'sort', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'sort', KeyType: 'RANGE' }],
  })));
  // About 200-byte items, like the DynamoDB Local measurements; 4,000 distinct batches (100k keys).
  const bodies = Array.from({ length: 4000 }, (_, b) => Buffer.from(JSON.stringify({
    RequestItems: {
      bench: Array.from({ length: BATCH }, (_, i) => ({
        PutRequest: {
          Item: {
            id: { N: String(b * BATCH + i + 1_000_000) }, sort: { S: `sort-${i}` }, payload: { S: 'p'.repeat(150) },
            n: { N: '12345.678' }, ok: { BOOL: true },
          },
        },
      })),
    },
  })));
  let items = 0;
  let failures = 0;
  let next = 0;
  const deadline = performance.now() + DURATION_MS;
  const started = performance.now();
  const serverBefore = worker.performance.eventLoopUtilization();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const status = await post(agent, port, 'BatchWriteItem', bodies[next++ % bodies.length]);
      if (status === 200) items += BATCH;
      else failures += 1;
    }
  }));
  const perSecond = Math.round(items / ((performance.now() - started) / 1000));
  // The load generator shares the machine; the server's busy share says what one core of it sustains.
  const serverBusy = worker.performance.eventLoopUtilization(serverBefore).utilization;
  console.log(JSON.stringify({
    items_per_s: perSecond,
    server_event_loop_busy: Number(serverBusy.toFixed(2)),
    items_per_s_per_busy_core: Math.round(perSecond / serverBusy),
    failed_requests: failures,
    concurrency: CONCURRENCY,
    duration_ms: DURATION_MS,
  }, null, 2));
} finally {
  agent.destroy();
  await worker.terminate();
}
