/**
 * DynamoDB Local for integration tests. `npm test` starts one instance for the whole run and
 * passes its endpoint in DYNAVIEW_TEST_DYNAMODB_ENDPOINT; a test file run on its own starts its own.
 */
import { after, before } from 'node:test';
import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand, DynamoDBClient, type AttributeValue, type ScalarAttributeType,
} from '@aws-sdk/client-dynamodb';
import { scanTable } from '../../src/connectors/dynamodb/local-tables.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDBLocal, type DynamoDBLocal } from '../../src/local/dynamodb-local.js';

export type Item = Record<string, AttributeValue>;

export interface TestDynamoDB {
  /** Available once the file's `before` hooks have run. */
  endpoint: string;
  client: DynamoDBClient;
}

/** Call at the top level of a test file. */
export function useDynamoDB(): TestDynamoDB {
  const handle = {} as TestDynamoDB;
  let local: DynamoDBLocal | undefined;
  before(async () => {
    let endpoint = process.env['DYNAVIEW_TEST_DYNAMODB_ENDPOINT'];
    if (!endpoint) {
      local = await startDynamoDBLocal();
      endpoint = local.endpoint;
    }
    handle.endpoint = endpoint;
    handle.client = localClient(endpoint);
  });
  after(async () => {
    handle.client?.destroy();
    await local?.stop();
  });
  return handle;
}

export function localClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_CREDENTIALS): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials });
}

/** Connector settings that point at the test DynamoDB Local with its dummy credentials. */
export function localConnection(endpoint: string): {
  region: string; endpoint_url: string; aws_access_key_id: string; aws_secret_access_key: string;
} {
  return {
    region: LOCAL_REGION,
    endpoint_url: endpoint,
    aws_access_key_id: LOCAL_CREDENTIALS.accessKeyId,
    aws_secret_access_key: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

export function uniqueTableName(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface KeyDef {
  hash: [string, ScalarAttributeType];
  range?: [string, ScalarAttributeType];
}

export async function createTable(client: DynamoDBClient, keys: KeyDef, name = uniqueTableName()): Promise<string> {
  const defs = [keys.hash, ...(keys.range ? [keys.range] : [])];
  await client.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: defs.map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: keys.hash[0], KeyType: 'HASH' },
      ...(keys.range ? [{ AttributeName: keys.range[0], KeyType: 'RANGE' as const }] : []),
    ],
  }));
  return name;
}

export async function scanAll(client: DynamoDBClient, table: string): Promise<Item[]> {
  return scanTable(client, table);
}
