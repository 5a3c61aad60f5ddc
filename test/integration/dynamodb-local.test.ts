// The embedded DynamoDB Local: killed as a crash would kill it, and started again on the same port
// with the same data directory, it answers where its clients expect it, with its data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDBLocal, type DynamoDBLocal } from '../../src/local/dynamodb-local.js';
import { createTable, localClient } from '../support/dynamodb.js';

test('DynamoDB Local killed and started again with the same dbPath and port serves the same endpoint and data', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'dynaview-local-'));
  // A folder that does not exist yet is created.
  const dbPath = join(parent, 'nested', 'data');
  const first = await startDynamoDBLocal({ dbPath });
  const client = localClient(first.endpoint);
  let second: DynamoDBLocal | undefined;
  try {
    const table = await createTable(client, { hash: ['id', 'N'] });
    await client.send(new PutItemCommand({ TableName: table, Item: { id: { N: '1' }, s: { S: 'kept' } } }));
    await first.kill();
    second = await startDynamoDBLocal({ dbPath, port: first.port });
    assert.equal(second.endpoint, first.endpoint);
    // The same client, whose pooled connections died with the first process.
    const item = await client.send(new GetItemCommand({ TableName: table, Key: { id: { N: '1' } } }));
    assert.deepEqual(item.Item, { id: { N: '1' }, s: { S: 'kept' } });
  } finally {
    client.destroy();
    await first.stop();
    await second?.stop();
    await rm(parent, { recursive: true, force: true });
  }
});

test('a dbPath that cannot be a folder is refused with DYNAMODB_LOCAL_DIR_INVALID, naming the path', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'dynaview-local-'));
  try {
    await writeFile(join(parent, 'file'), '');
    const dbPath = join(parent, 'file', 'data');
    await assert.rejects(startDynamoDBLocal({ dbPath }), (error: Error & { code?: string }) =>
      error.code === 'DYNAMODB_LOCAL_DIR_INVALID' && error.message.includes(dbPath));
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});
