/**
 * Secrets never leave dynaview: AWS credentials, written in the program or taken from environment
 * variables with `${env:NAME}`, appear in no output of `check`, `check --describe` or `run`
 * (stdout, stderr at trace level, /status, /metrics, the web console, files written), not even when DynamoDB
 * rejects them. And the metrics server answers only on the loopback address unless told otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { compileSource } from '../../src/pipeline/program.js';
import { runCli, startCli, writeFiles, type CliResult } from '../support/cli.js';
import { createTable, localClient, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { viewProgram } from '../support/programs.js';

const ddb = useDynamoDB();

// DynamoDB Local accepts access key IDs of letters and digits only, and keeps a database per key.
const accepted = { accessKeyId: `AKID${randomBytes(8).toString('hex')}`, secretAccessKey: `Secret${randomBytes(12).toString('hex')}` };
const rejected = { accessKeyId: `AKID-${randomBytes(8).toString('hex')}-refused`, secretAccessKey: `Refused${randomBytes(12).toString('hex')}` };
type Credentials = typeof accepted;
const SECRETS = [accepted.accessKeyId, accepted.secretAccessKey, rejected.accessKeyId, rejected.secretAccessKey];

const KEY_ID_VARIABLE = 'DYNAVIEW_TEST_ACCESS_KEY_ID';
const SECRET_VARIABLE = 'DYNAVIEW_TEST_SECRET_ACCESS_KEY';
const REFERENCES = { aws_access_key_id: `\${env:${KEY_ID_VARIABLE}}`, aws_secret_access_key: `\${env:${SECRET_VARIABLE}}` };

/** The environment of a run: the credentials in the variables the references name, and logs at the most verbose level. */
function environment(credentials: Credentials): Record<string, string> {
  return { [KEY_ID_VARIABLE]: credentials.accessKeyId, [SECRET_VARIABLE]: credentials.secretAccessKey, DYNAVIEW_LOG_LEVEL: 'trace' };
}

function assertNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} shows a secret`);
}

function assertNoSecretIn(result: CliResult, command: string): void {
  assertNoSecret(`stdout of ${command}`, result.stdout);
  assertNoSecret(`stderr of ${command}`, result.stderr);
}

/** Every file under `dir` but the ones the test wrote itself, which hold the inline secrets on purpose. */
function assertNoSecretInFilesWritten(dir: string, ownFiles: readonly string[]): void {
  const written = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !ownFiles.includes(path));
  for (const path of written) assertNoSecret(path, readFileSync(path).toString('latin1'));
}

interface Programs {
  dir: string;
  table: string;
  inline: string;
  byReference: string;
}

/** The same program twice: credentials inline, and by reference to environment variables. */
async function programs(credentials: Credentials, input: object): Promise<Programs> {
  const client = localClient(ddb.endpoint, accepted);
  const table = await createTable(client, { hash: ['id', 'N'] });
  client.destroy();
  const program = (keys: object): string => viewProgram({
    columns: 'id BIGINT NOT NULL, s VARCHAR',
    input,
    output: { table, region: 'us-east-1', endpoint_url: ddb.endpoint, threads: 2, ...keys },
    key: 'id',
  });
  const dir = writeFiles({});
  const inline = join(dir, 'inline.sql');
  const byReference = join(dir, 'by-reference.sql');
  writeFileSync(inline, program({ aws_access_key_id: credentials.accessKeyId, aws_secret_access_key: credentials.secretAccessKey }));
  writeFileSync(byReference, program(REFERENCES));
  return { dir, table, inline, byReference };
}

const unbounded = { transport: { name: 'datagen', config: { plan: [{ rate: 1000 }] } } };
const METRICS_URL = /HTTP API at (http:\/\/[^\s/]+)\//;

interface ServedRun {
  result: CliResult;
  /** The HTTP bodies fetched while it ran, by path. */
  bodies: Record<string, string>;
}

/**
 * Runs an unbounded program with a metrics server on a free port, waits until it has written rows,
 * fetches /status and its history, /metrics, the web console's files (its figures come from those) and an
 * unknown path, lets `whileServing` look at the server, then stops the run with SIGINT.
 */
async function runServingMetrics(args: readonly string[], env: Record<string, string>,
  whileServing: (url: string) => Promise<void> = async () => {}): Promise<ServedRun> {
  const cli = startCli([...args, '--metrics-port', '0'], env);
  try {
    const url = (await cli.waitFor(METRICS_URL))[1]!;
    while (!/^dynamodb_output_records_written_total\{[^}]*\} [1-9]/m.test(await (await fetch(`${url}/metrics`)).text())) await sleep(50);
    const bodies: Record<string, string> = {};
    for (const path of ['/status', '/status/history', '/metrics', '/', '/console/console.js', '/console/console.css', '/nothing-here']) {
      bodies[path] = await (await fetch(`${url}${path}`)).text();
    }
    await whileServing(url);
    cli.child.kill('SIGINT');
    return { result: await cli.result, bodies };
  } finally {
    // A failed assertion must not leave the run behind; after a clean exit this does nothing.
    cli.child.kill('SIGKILL');
  }
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

test('check and check --describe pass with secrets inline and by ${env:} reference, and print neither', async () => {
  const { dir, inline, byReference } = await programs(accepted, unbounded);
  for (const file of [inline, byReference]) {
    for (const args of [['check', file], ['check', file, '--describe']]) {
      const result = await runCli(args, environment(accepted));
      assert.equal(result.code, 0, result.stderr);
      assertNoSecretIn(result, args.join(' '));
    }
  }
  assertNoSecretInFilesWritten(dir, [inline, byReference]);
});

for (const variant of ['inline', 'byReference'] as const) {
  test(`a run with secrets ${variant === 'inline' ? 'inline' : 'by ${env:} reference'} writes with them and shows them nowhere: logs at trace level, /status, /metrics, the console`, async () => {
    const files = await programs(accepted, unbounded);
    const { result, bodies } = await runServingMetrics(['run', files[variant]], environment(accepted));
    assert.equal(result.code, 0, result.stderr);
    assertNoSecretIn(result, 'run');
    for (const [path, body] of Object.entries(bodies)) assertNoSecret(`GET ${path}`, body);
    assert.match(bodies['/']!, /<title>dynaview console<\/title>/, 'the console is served');
    const status = JSON.parse(bodies['/status']!) as { outputs: Record<string, { settings: Record<string, unknown> }> };
    const settings = status.outputs['v.unnamed-0']?.settings;
    assert.equal(settings?.['aws_access_key_id'], '***');
    assert.equal(settings?.['aws_secret_access_key'], '***');
    assertNoSecretInFilesWritten(files.dir, [files.inline, files.byReference]);

    // DynamoDB Local keeps a database per access key: the rows are in the secret key's.
    const client = localClient(ddb.endpoint, accepted);
    assert.ok((await scanAll(client, files.table)).length > 0);
    client.destroy();
  });
}

test('the metrics server listens on 127.0.0.1 unless --metrics-host says otherwise', async () => {
  const { inline } = await programs(accepted, unbounded);
  // Linux answers all of 127.0.0.0/8 on the loopback interface: a server bound to every address
  // answers on 127.0.0.2, one bound to 127.0.0.1 does not.
  const byDefault = await runServingMetrics(['run', inline], {}, async (url) => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await refused(`${url.replace('127.0.0.1', '127.0.0.2')}/status`), true);
  });
  assert.equal(byDefault.result.code, 0, byDefault.result.stderr);

  const everywhere = await runServingMetrics(['run', inline, '--metrics-host', '0.0.0.0'], {}, async (url) => {
    assert.match(url, /^http:\/\/0\.0\.0\.0:\d+$/);
    const response = await fetch(`${url.replace('0.0.0.0', '127.0.0.2')}/status`);
    assert.equal(response.status, 200);
  });
  assert.equal(everywhere.result.code, 0, everywhere.result.stderr);
});

test('credentials DynamoDB rejects, inline or by reference: exit 1, an error that says so, and neither secret shown', async () => {
  const { dir, inline, byReference } = await programs(rejected, unbounded);
  for (const file of [inline, byReference]) {
    for (const args of [['check', file, '--describe'], ['run', file]]) {
      const result = await runCli(args, environment(rejected));
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /error: connector v\.unnamed-0: DynamoDB rejected the credentials in region us-east-1 at http:\/\/\S+ \(UnrecognizedClientException\)/);
      assertNoSecretIn(result, args.join(' '));
    }
  }
  assertNoSecretInFilesWritten(dir, [inline, byReference]);
});

test('a reference to a variable that is not set is an error naming the connector, the option and the variable', async () => {
  const { byReference } = await programs(accepted, unbounded);
  for (const command of ['check', 'run']) {
    const result = await runCli([command, byReference], { [KEY_ID_VARIABLE]: accepted.accessKeyId, DYNAVIEW_LOG_LEVEL: 'trace' });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`^error: ${byReference}:2:\\d+: connector v\\.unnamed-0: aws_secret_access_key: environment variable ${SECRET_VARIABLE} is not set$`, 'm'));
    assertNoSecretIn(result, command);
  }
});

test('a reference that cannot be resolved is reported at its option, and text that may be a secret is not repeated', () => {
  const emptyVariable = 'DYNAVIEW_TEST_EMPTY_VARIABLE';
  process.env[emptyVariable] = ' ';
  try {
    const pastedSecret = `${accepted.secretAccessKey}/+x`;
    const sql = viewProgram({
      columns: 'id BIGINT NOT NULL',
      input: unbounded,
      output: { table: '${env:TABLE}', region: 'us-east-1', aws_access_key_id: `\${env:${emptyVariable}}`, aws_secret_access_key: `\${env:${pastedSecret}}` },
      key: 'id',
    });
    const messages = compileSource(sql, 'p.sql').problems.map((p) => p.message.replace(/^p\.sql:2:\d+: /, ''));
    assert.deepEqual(messages, [
      'connector v.unnamed-0: table: takes no environment reference: "${env:...}" is supported only in aws_access_key_id and aws_secret_access_key',
      `connector v.unnamed-0: aws_access_key_id: environment variable ${emptyVariable} is empty`,
      'connector v.unnamed-0: aws_secret_access_key: the reference does not name an environment variable (letters, digits and "_", not starting with a digit)',
    ]);
  } finally {
    delete process.env[emptyVariable];
  }
});

test('a metrics address this machine does not have is a runtime failure that names it', async () => {
  const { inline } = await programs(accepted, unbounded);
  // 203.0.113.0/24 is reserved for documentation, so it is no address of this machine.
  const result = await runCli(['run', inline, '--metrics-port', '0', '--metrics-host', '203.0.113.1']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^error: cannot serve HTTP on 203\.0\.113\.1 port 0: EADDRNOTAVAIL$/m);
  const withoutPort = await runCli(['run', inline, '--metrics-host', '127.0.0.1']);
  assert.equal(withoutPort.code, 2);
  assert.match(withoutPort.stderr, /--metrics-host needs --metrics-port/);
});

test('with --local and --local-dir, the files DynamoDB Local writes hold no secret', async () => {
  const bounded = { transport: { name: 'datagen', config: { plan: [{ limit: 3 }] } } };
  const { dir, inline, byReference } = await programs(accepted, bounded);
  const result = await runCli(['run', byReference, '--local-dir', dir], environment(accepted));
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\(3 items\)/);
  assertNoSecretIn(result, 'run --local-dir');
  assertNoSecretInFilesWritten(dir, [inline, byReference]);
});
