// The connector's own JSON-protocol path for BatchWriteItem and TransactWriteItems, checked against
// DynamoDB Local (what it writes, how errors look), the simulator (throttling, retried 5xx), a
// recording transport (endpoint, signature) and servers that misbehave (clock skew, no answer, no
// connection, no listener).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { HttpTransport, type OutgoingRequest } from '../../src/connectors/dynamodb/http-transport.js';
import { wireApiOf } from '../../src/connectors/dynamodb/wire-api.js';
import { startSimulator } from '../../src/sim/server.js';
import { sleep } from '../../src/util/sleep.js';
import { createTable, useDynamoDB } from '../support/dynamodb.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';

const db = useDynamoDB();
const transport = new HttpTransport({ maxSockets: 4, connectionTimeoutMs: 5_000, requestTimeoutMs: 10_000 });
after(() => transport.destroy());

function clientFor(endpoint: string, maxAttempts = 1): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, retryMode: 'standard', maxAttempts });
}

async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  assert.fail('expected an error');
}

const bytes = (...values: number[]) => new Uint8Array(values);

test('every attribute kind, binary included, is written as the SDK would write it (DynamoDB Local)', async () => {
  const table = await createTable(db.client, { hash: ['bin', 'B'] });
  const client = clientFor(db.endpoint);
  const item: Record<string, AttributeValue> = {
    bin: { B: bytes(0, 1, 254, 255) },
    s: { S: 'héllo "quoted" \\ \u{1F600}' }, n: { N: '-12.5' }, bool: { BOOL: false }, nul: { NULL: true },
    l: { L: [{ S: 'a' }, { B: bytes(7) }, { M: { deep: { BS: [bytes(1), bytes(2, 3)] } } }] },
    m: { M: { x: { N: '1' }, y: { SS: ['p', 'q'] }, z: { NS: ['1', '2.5'] } } },
    bs: { BS: [bytes(9), bytes(10, 11)] },
  };
  try {
    const api = wireApiOf(client, { binaryValues: true, transport });
    const output = await api.batchWrite({ RequestItems: { [table]: [{ PutRequest: { Item: item } }] } });
    assert.deepEqual(output.UnprocessedItems, {});
    assert.equal(output.$metadata.httpStatusCode, 200);
    const stored = await db.client.send(new GetItemCommand({ TableName: table, Key: { bin: item['bin']! } }));
    assert.deepEqual(normalize(stored.Item), normalize(item));
  } finally {
    client.destroy();
  }
});

test('a transaction is written once and DynamoDB errors keep their SDK shape (DynamoDB Local)', async () => {
  const table = await createTable(db.client, { hash: ['id', 'S'] });
  const client = clientFor(db.endpoint);
  try {
    const api = wireApiOf(client, { binaryValues: false, transport });
    await api.transactWrite({
      ClientRequestToken: 'token-1',
      TransactItems: [{ Put: { TableName: table, Item: { id: { S: 'a' }, v: { N: '1' } } } }],
    });
    const stored = await db.client.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'a' } } }));
    assert.deepEqual(stored.Item, { id: { S: 'a' }, v: { N: '1' } });

    const cancelled = await errorOf(api.transactWrite({
      TransactItems: [
        { Put: { TableName: table, Item: { id: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(id)' } },
        { Put: { TableName: table, Item: { id: { S: 'b' } } } },
      ],
    }));
    assert.equal(cancelled['name'], 'TransactionCanceledException');
    assert.deepEqual((cancelled['CancellationReasons'] as Array<{ Code: string }>).map((r) => r.Code), ['ConditionalCheckFailed', 'None']);

    const invalid = await errorOf(api.batchWrite({ RequestItems: { [table]: [{ PutRequest: { Item: { id: { N: '1' } } } }] } }));
    assert.equal(invalid['name'], 'ValidationException');
    assert.equal(invalid['$fault'], 'client');
    assert.match(String(invalid['message']), /key/i);
    assert.equal((invalid['$metadata'] as { httpStatusCode: number }).httpStatusCode, 400);

    const missing = await errorOf(api.batchWrite({ RequestItems: { no_such_table: [{ PutRequest: { Item: { id: { S: 'x' } } } }] } }));
    assert.equal(missing['name'], 'ResourceNotFoundException');
  } finally {
    client.destroy();
  }
});

test('throttled items come back as UnprocessedItems with binary keys as bytes again (simulator)', async () => {
  const sim = await startSimulator({ writeCapacityUnits: 10 });
  const client = clientFor(sim.endpoint);
  try {
    const table = await createTable(client, { hash: ['bin', 'B'] });
    const requests = Array.from({ length: 15 }, (_, i) => ({ PutRequest: { Item: { bin: { B: bytes(i, 200) }, s: { S: `item ${i}` } } } }));
    const output = await wireApiOf(client, { binaryValues: true, transport }).batchWrite({ RequestItems: { [table]: requests } });
    const unprocessed = output.UnprocessedItems?.[table] ?? [];
    assert.equal(unprocessed.length, 5);
    assert.deepEqual(unprocessed.map(normalize), requests.slice(10).map(normalize));
    assert.ok(unprocessed[0]?.PutRequest?.Item?.['bin']?.B instanceof Uint8Array);
  } finally {
    client.destroy();
    await sim.stop();
  }
});

test("5xx answers are retried by the client's retry strategy, then surface with the attempts made (simulator)", async () => {
  const sim = await startSimulator({ errorRate: 1 });
  const client = clientFor(sim.endpoint, 3);
  try {
    const error = await errorOf(wireApiOf(client, { binaryValues: false, transport }).batchWrite({
      RequestItems: { t_any: [{ PutRequest: { Item: { id: { S: 'x' } } } }] },
    }));
    assert.match(String(error['name']), /^(InternalServerError|ServiceUnavailable)$/);
    assert.equal(error['$fault'], 'server');
    assert.equal((error['$metadata'] as { attempts: number }).attempts, 3);
    assert.equal(sim.stats().total.faults, 3);
  } finally {
    client.destroy();
    await sim.stop();
  }
});

test('requests go to the regional endpoint, signed for dynamodb in that region', async () => {
  const seen: OutgoingRequest[] = [];
  const recording = {
    send: async (request: OutgoingRequest) => {
      seen.push(request);
      return { statusCode: 200, headers: {}, body: '{}' };
    },
  };
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  });
  try {
    await wireApiOf(client, { binaryValues: false, transport: recording }).batchWrite({ RequestItems: { t_any: [{ PutRequest: { Item: { id: { S: 'x' } } } }] } });
    const [request] = seen;
    assert.equal(request?.protocol, 'https:');
    assert.equal(request?.hostname, 'dynamodb.eu-west-1.amazonaws.com');
    assert.equal(request?.headers['x-amz-target'], 'DynamoDB_20120810.BatchWriteItem');
    assert.equal(request?.headers['content-type'], 'application/x-amz-json-1.0');
    assert.match(request?.headers['authorization'] ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, /);
    assert.ok(!JSON.stringify(seen).includes('wJalrXUtnFEMI'), 'the secret key is never sent');
  } finally {
    client.destroy();
  }
});

test('a clock skew error makes the retry be signed with the server clock', async () => {
  const hourAhead = new Date(Date.now() + 3_600_000);
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    requests.push(request.headers);
    request.resume();
    if (requests.length === 1) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', date: hourAhead.toUTCString() });
      response.end(JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'Signature expired' }));
    } else {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 2);
  try {
    const output = await wireApiOf(client, { binaryValues: false, transport }).transactWrite({ TransactItems: [] });
    assert.equal(output.$metadata.attempts, 2);
    const signedAt = (headers: IncomingHttpHeaders) => Date.parse(String(headers['x-amz-date']).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const skew = signedAt(requests[1]!) - signedAt(requests[0]!);
    assert.ok(skew > 3_500_000 && skew < 3_700_000, `retry signed ${skew} ms later`);
  } finally {
    client.destroy();
    server.close();
  }
});

test('sockets are kept alive between calls; an answer that does not come in time is a TimeoutError, retried', async () => {
  let connections = 0;
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    // From the fourth request on, no answer ever comes.
    if (requests <= 3) response.end('{}');
  });
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 2);
  const impatient = new HttpTransport({ maxSockets: 4, connectionTimeoutMs: 5_000, requestTimeoutMs: 300 });
  try {
    const api = wireApiOf(client, { binaryValues: false, transport: impatient });
    for (let i = 0; i < 3; i += 1) await api.transactWrite({ TransactItems: [] });
    assert.equal(connections, 1, 'one socket served the three calls');
    const error = await errorOf(api.transactWrite({ TransactItems: [] }));
    assert.equal(error['name'], 'TimeoutError');
    assert.match(String(error['message']), /300 ms timeout \(request_timeout_millis\)/);
    assert.equal((error['$metadata'] as { attempts: number }).attempts, 2, 'the retry strategy took it for transient');
    assert.equal(requests, 5);
  } finally {
    impatient.destroy();
    client.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test('a socket that cannot connect is a TimeoutError after connectionTimeoutMs, retried', async (t) => {
  // A listener whose process has stopped accepting: once its accept queue (backlog 1) is full, the
  // kernel drops further connection attempts, which then stay "connecting" until the client gives up.
  const listener = spawn(process.execPath, ['-e', `
    const server = require('node:net').createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
    });`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => listener.kill('SIGKILL'));
  const [line] = await once(createInterface({ input: listener.stdout! }), 'line') as [string];
  const port = Number(line);
  const fillers = Array.from({ length: 3 }, () => connect(port, '127.0.0.1').on('error', () => {}));
  t.after(() => { for (const socket of fillers) socket.destroy(); });
  await sleep(200);
  const client = clientFor(`http://127.0.0.1:${port}`, 2);
  const hasty = new HttpTransport({ maxSockets: 4, connectionTimeoutMs: 300, requestTimeoutMs: 30_000 });
  try {
    const started = performance.now();
    const error = await errorOf(wireApiOf(client, { binaryValues: false, transport: hasty }).transactWrite({ TransactItems: [] }));
    assert.equal(error['name'], 'TimeoutError');
    assert.match(String(error['message']), /did not connect to 127\.0\.0\.1 within 300 ms/);
    assert.equal((error['$metadata'] as { attempts: number }).attempts, 2, 'the retry strategy took it for transient');
    assert.ok(performance.now() - started < 10_000, 'given up on long before the request timeout');
  } finally {
    hasty.destroy();
    client.destroy();
  }
});

test('an endpoint nobody listens on fails with Node\'s error code, after the retries', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const client = clientFor(`http://127.0.0.1:${port}`, 2);
  try {
    const error = await errorOf(wireApiOf(client, { binaryValues: false, transport }).transactWrite({ TransactItems: [] }));
    assert.equal(error['code'], 'ECONNREFUSED');
    assert.equal((error['$metadata'] as { attempts: number }).attempts, 2);
  } finally {
    client.destroy();
  }
});

/** Attribute values with every byte array as a plain array, for deep comparison. */
function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}
