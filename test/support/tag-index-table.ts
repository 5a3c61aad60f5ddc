/**
 * A table whose global secondary index makes DynamoDB refuse single items that the connector cannot
 * know to be wrong, since only the table knows its indexes.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { uniqueTableName } from './dynamodb.js';

/**
 * Key `id` (N), and an index `by_tag` on `g` (S). DynamoDB Local refuses an item whose `g` is a
 * number (a whole batch with ValidationException, or a transaction's ValidationError for that item)
 * or an empty string (the whole request with ValidationException, in both write modes).
 */
export async function createTableWithTagIndex(client: DynamoDBClient): Promise<string> {
  const name = uniqueTableName('gsi');
  await client.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }, { AttributeName: 'g', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'by_tag', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  }));
  return name;
}
