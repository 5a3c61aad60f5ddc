/**
 * For `--local`: DynamoDB tables that match the program's `dynamodb_output` connectors, created
 * when missing, and read back at the end for display.
 */
import {
  CreateTableCommand, DescribeTableCommand, ScanCommand, type AttributeValue, type DynamoDBClient, type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBOutputDefinition } from './connector.js';
import { keyAttributeType } from './encode.js';

/** Creates the connector's table unless it exists: first index column as partition key, second as sort key. */
export async function ensureTable(client: DynamoDBClient, output: DynamoDBOutputDefinition): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: output.config.table }));
    return false;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const keys = output.index.columns.map((name) => {
    const column = output.view.columns.find((c) => c.name === name)!;
    return { name, type: keyAttributeType(column.type) ?? 'S' };
  });
  await client.send(new CreateTableCommand({
    TableName: output.config.table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
  }));
  return true;
}

export async function scanTable(client: DynamoDBClient, table: string): Promise<Array<Record<string, AttributeValue>>> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface TableSample {
  /** Up to the requested number of items, in scan order. */
  items: Array<Record<string, AttributeValue>>;
  /** How many items the table holds. */
  total: number;
}

/** The first items of a table and its item count (as DescribeTable reports it), without holding a large table in memory. */
export async function sampleTable(client: DynamoDBClient, table: string, limit: number): Promise<TableSample> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page: ScanCommandOutput = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, Limit: limit - items.length }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit);
  if (!start) return { items, total: items.length };
  // Counting by a full scan is slow on a large table; DynamoDB Local keeps ItemCount exact.
  const description = await client.send(new DescribeTableCommand({ TableName: table }));
  return { items, total: description.Table?.ItemCount ?? items.length };
}
