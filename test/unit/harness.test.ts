import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paginateListTables } from '@aws-sdk/client-dynamodb';
import { useDynamoDB, createTable } from '../support/dynamodb.js';

const ddb = useDynamoDB();

test('DynamoDB Local answers and creates tables', async () => {
  const name = await createTable(ddb.client, { hash: ['id', 'N'] });
  // Other tests share this DynamoDB Local: its tables come 100 to a page.
  const names: string[] = [];
  for await (const page of paginateListTables({ client: ddb.client }, {})) names.push(...(page.TableNames ?? []));
  assert.ok(names.includes(name));
});
