// DynamoDB Local keeps one database per access key, so where the rows land shows which
// credentials the connector used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { openDynamoDBOutput } from '../../src/index.js';
import { LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { createTable, localClient, scanAll, useDynamoDB } from '../support/dynamodb.js';

const ddb = useDynamoDB();

const view = { name: 'v', columns: [{ name: 'id', type: 'INT', nullable: false }, { name: 'x', type: 'VARCHAR', nullable: true }] };
const index = { name: 'v_idx', columns: ['id'] };

const fileCredentials = { accessKeyId: 'AKIDFROMFILE', secretAccessKey: 'secretfromfile' };
const envCredentials = { accessKeyId: 'AKIDFROMENV', secretAccessKey: 'secretfromenv' };

function useCredentialsFile(): void {
  const dir = mkdtempSync(join(tmpdir(), 'dynaview-creds-'));
  const file = join(dir, 'credentials');
  writeFileSync(file, [
    '[default]', 'aws_access_key_id = AKIDDEFAULTUNUSED', 'aws_secret_access_key = unused', '',
    '[dynaview-test]', `aws_access_key_id = ${fileCredentials.accessKeyId}`, `aws_secret_access_key = ${fileCredentials.secretAccessKey}`, '',
  ].join('\n'));
  delete process.env['AWS_ACCESS_KEY_ID'];
  delete process.env['AWS_SECRET_ACCESS_KEY'];
  delete process.env['AWS_SESSION_TOKEN'];
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = file;
  process.env['AWS_CONFIG_FILE'] = join(dir, 'config-that-does-not-exist');
  process.env['AWS_PROFILE'] = 'dynaview-test';
}

async function tableExistsFor(credentials: { accessKeyId: string; secretAccessKey: string }, table: string): Promise<boolean> {
  const client = localClient(ddb.endpoint, credentials);
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  } finally {
    client.destroy();
  }
}

for (const threads of [1, 2]) {
  test(`without static keys the default chain reads a profile from the shared credentials file (threads ${threads})`, async () => {
    useCredentialsFile();
    const fileClient = localClient(ddb.endpoint, fileCredentials);
    try {
      const table = await createTable(fileClient, { hash: ['id', 'N'] });
      assert.equal(await tableExistsFor(envCredentials, table), false, 'the table lives only in the file key\'s database');
      const out = await openDynamoDBOutput({
        name: 'creds', view, index,
        config: { table, region: LOCAL_REGION, endpoint_url: ddb.endpoint, threads },
      });
      try {
        const result = await out.writeStep([{ row: { id: 1, x: 'a' }, weight: 1 }, { row: { id: 2, x: 'b' }, weight: 1 }]);
        assert.equal(result.puts, 2);
      } finally {
        await out.close();
      }
      assert.equal((await scanAll(fileClient, table)).length, 2);
    } finally {
      fileClient.destroy();
    }
  });
}

test('environment variables come before the default profile of the credentials file, and static keys before both', async () => {
  useCredentialsFile();
  // An explicitly chosen profile (AWS_PROFILE) would take precedence over the environment keys.
  delete process.env['AWS_PROFILE'];
  process.env['AWS_ACCESS_KEY_ID'] = envCredentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = envCredentials.secretAccessKey;
  const envClient = localClient(ddb.endpoint, envCredentials);
  const staticCredentials = { accessKeyId: 'AKIDSTATIC', secretAccessKey: 'secretstatic' };
  const staticClient = localClient(ddb.endpoint, staticCredentials);
  try {
    const envTable = await createTable(envClient, { hash: ['id', 'N'] });
    const fromEnv = await openDynamoDBOutput({ name: 'env', view, index, config: { table: envTable, region: LOCAL_REGION, endpoint_url: ddb.endpoint } });
    await fromEnv.writeStep([{ row: { id: 1, x: 'env' }, weight: 1 }]);
    await fromEnv.close();
    assert.equal((await scanAll(envClient, envTable)).length, 1);

    const staticTable = await createTable(staticClient, { hash: ['id', 'N'] });
    const fromStatic = await openDynamoDBOutput({
      name: 'static', view, index,
      config: {
        table: staticTable, region: LOCAL_REGION, endpoint_url: ddb.endpoint,
        aws_access_key_id: staticCredentials.accessKeyId, aws_secret_access_key: staticCredentials.secretAccessKey,
      },
    });
    await fromStatic.writeStep([{ row: { id: 1, x: 'static' }, weight: 1 }]);
    await fromStatic.close();
    assert.equal((await scanAll(staticClient, staticTable)).length, 1);
    assert.equal(await tableExistsFor(envCredentials, staticTable), false);
  } finally {
    envClient.destroy();
    staticClient.destroy();
  }
});
