/**
 * The services dynaview starts for a user (DynamoDB Local for `run --local`, the simulator for
 * `dynaview sim`) are reachable from this machine only, and none outlives the dynaview that
 * started it, even one killed with SIGKILL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDBLocal } from '../../src/local/dynamodb-local.js';
import { startSimulator } from '../../src/sim/server.js';
import { localConnection } from '../support/dynamodb.js';
import { startCli, writeFiles } from '../support/cli.js';

/** This machine's addresses other than loopback (link-local IPv6 left out: it needs a zone). */
function otherAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal && !entry.address.startsWith('fe80:'))
    .map((entry) => entry.address);
}

const OTHER_ADDRESSES = otherAddresses();
const NO_OTHER_ADDRESS = OTHER_ADDRESSES.length === 0
  ? 'this machine has no network address besides loopback, so there is nothing to connect from' : false;

/** 'refused' when nothing listens on address:port, 'connected' when something answers the connection. */
function tryConnect(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 3_000 });
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('timeout', () => { socket.destroy(); resolve('timed out'); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : `error ${error.code}`));
  });
}

function client(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

test('DynamoDB Local answers on 127.0.0.1 and refuses connections to the machine\'s other addresses', { skip: NO_OTHER_ADDRESS, timeout: 120_000 }, async () => {
  const local = await startDynamoDBLocal();
  const ddb = client(local.endpoint);
  try {
    assert.ok(Array.isArray((await ddb.send(new ListTablesCommand({}))).TableNames));
    for (const address of OTHER_ADDRESSES) assert.equal(await tryConnect(address, local.port), 'refused', `${address}:${local.port}`);
  } finally {
    ddb.destroy();
    await local.stop();
  }
});

test('the simulator answers on 127.0.0.1 and refuses connections to the machine\'s other addresses', { skip: NO_OTHER_ADDRESS }, async () => {
  const simulator = await startSimulator();
  const ddb = client(simulator.endpoint);
  try {
    assert.ok(Array.isArray((await ddb.send(new ListTablesCommand({}))).TableNames));
    for (const address of OTHER_ADDRESSES) assert.equal(await tryConnect(address, simulator.port), 'refused', `${address}:${simulator.port}`);
  } finally {
    ddb.destroy();
    await simulator.stop();
  }
});

test('`dynaview sim` listens on 127.0.0.1 only', { skip: NO_OTHER_ADDRESS }, async () => {
  const cli = startCli(['sim', '--port', '0']);
  try {
    const port = Number((await cli.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    assert.equal(await tryConnect('127.0.0.1', port), 'connected');
    for (const address of OTHER_ADDRESSES) assert.equal(await tryConnect(address, port), 'refused', `${address}:${port}`);
  } finally {
    cli.child.kill('SIGKILL');
  }
});

/** The process ids of a process's children (Linux: /proc/<pid>/task/<tid>/children). */
function childPids(pid: number): number[] {
  const tasks = join('/proc', String(pid), 'task');
  return readdirSync(tasks).flatMap((tid) => readFileSync(join(tasks, tid, 'children'), 'utf8').trim().split(/\s+/))
    .filter((text) => text !== '').map(Number);
}

/** Gone, or a zombie waiting to be reaped by whoever adopted it. */
function isGone(pid: number): boolean {
  const stat = join('/proc', String(pid), 'stat');
  if (!existsSync(stat)) return true;
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
  } catch {
    return true;
  }
}

const UNBOUNDED_TO_LOCAL = `
  CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR) WITH ('connectors' = '[{
    "transport": {"name": "datagen", "config": {"plan": [{"rate": 200}]}}}]');
  CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
    "config": {"table": "embedded_services_kill", "region": "us-east-1"}}}]') AS SELECT * FROM t;
  CREATE INDEX v_idx ON v(id);`;

test('after kill -9 of `dynaview run --local`, the DynamoDB Local it started is gone too', { skip: process.platform !== 'linux' ? 'reads /proc' : false, timeout: 120_000 }, async () => {
  const dir = writeFiles({ 'forever.sql': UNBOUNDED_TO_LOCAL });
  const cli = startCli(['run', join(dir, 'forever.sql'), '--local']);
  let started: number[] = [];
  try {
    const endpoint = (await cli.waitFor(/"endpoint":"(http:\/\/127\.0\.0\.1:\d+)".*DynamoDB Local started/))[1]!;
    started = childPids(cli.child.pid!);
    assert.ok(started.length > 0, 'dynaview run --local has started no process');
    assert.ok(started.every((pid) => /java/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))), 'expected only the JVM');
    // Answering before the kill, so that "gone" below means the kill ended it.
    const ddb = client(endpoint);
    await ddb.send(new ListTablesCommand({}));
    ddb.destroy();

    cli.child.kill('SIGKILL');
    assert.equal((await cli.result).code, null);
    const deadline = Date.now() + 15_000;
    while (!started.every(isGone) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(started.filter((pid) => !isGone(pid)), [], 'processes still running 15 s after dynaview was killed');
  } finally {
    cli.child.kill('SIGKILL');
    for (const pid of started) if (!isGone(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('Ctrl-C in a terminal stops `dynaview run --local` in order: DynamoDB Local outlives the writing of what is queued', { skip: process.platform !== 'linux' ? 'reads /proc' : false, timeout: 120_000 }, async () => {
  const dir = writeFiles({ 'forever.sql': UNBOUNDED_TO_LOCAL.replace('embedded_services_kill', 'embedded_services_ctrl_c') });
  const cli = startCli(['run', join(dir, 'forever.sql'), '--local'], {}, { processGroup: true });
  let started: number[] = [];
  try {
    await cli.waitFor(/DynamoDB Local started/);
    started = childPids(cli.child.pid!);
    await cli.waitFor(/"written":\{"v\.unnamed-0":[1-9]/);
    // A terminal sends SIGINT to every process of the foreground job's group.
    process.kill(-cli.child.pid!, 'SIGINT');
    const { code, stdout, stderr } = await cli.result;
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /internal error|ECONNREFUSED/);
    assert.match(stdout, /v\.unnamed-0 -> DynamoDB table embedded_services_ctrl_c: \d+ written/);
    const deadline = Date.now() + 15_000;
    while (!started.every(isGone) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(started.filter((pid) => !isGone(pid)), [], 'DynamoDB Local still running 15 s after dynaview ended');
  } finally {
    cli.child.kill('SIGKILL');
    for (const pid of started) if (!isGone(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('a second SIGINT aborts at once, says why, and exits 130', { timeout: 120_000 }, async () => {
  const simulator = await startSimulator();
  const ddb = client(simulator.endpoint);
  const table = 'embedded_services_abort';
  await ddb.send(new CreateTableCommand({
    TableName: table, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  ddb.destroy();
  const connection = Object.entries(localConnection(simulator.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
  const dir = writeFiles({
    'forever.sql': `
      CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR) WITH ('connectors' = '[{
        "transport": {"name": "datagen", "config": {"plan": [{"rate": 200}]}}}]');
      CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
        "config": {"table": "${table}", ${connection}}}}]') AS SELECT * FROM t;
      CREATE INDEX v_idx ON v(id);`,
  });
  const cli = startCli(['run', join(dir, 'forever.sql')]);
  try {
    const stats = (): { written_items: number; requests: number } => simulator.stats().total;
    while (stats().written_items === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    // From now on every write is answered a minute late, so "writing what is queued" cannot finish.
    simulator.configure({ slowRate: 1, slowMs: 60_000 });
    const before = stats().requests;
    while (stats().requests === before) await new Promise((resolve) => setTimeout(resolve, 50));
    cli.child.kill('SIGINT');
    await cli.waitFor(/stopping: finishing the current step/);
    cli.child.kill('SIGINT');
    const { code, stderr } = await cli.result;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /second signal \(SIGINT\): aborting without writing what is queued; exit code 130/);
  } finally {
    cli.child.kill('SIGKILL');
    await simulator.stop();
  }
});
