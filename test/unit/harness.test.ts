import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { useDynamoDB, createTable } from '../support/dynamodb.js';

const ddb = useDynamoDB();

test('DynamoDB Local answers and creates tables', async () => {
  const name = await createTable(ddb.client, { hash: ['id', 'N'] });
  const tables = await ddb.client.send(new ListTablesCommand({}));
  assert.ok(tables.TableNames?.includes(name));
});
