/**
 * Checks, before the first write, that the DynamoDB table exists and that its key schema is
 * exactly the view's index: same attribute names (partition key plus optional sort key) and
 * matching attribute types. Also turns connection and credential failures into clear errors.
 */
import { DescribeTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { DynaviewError, SchemaMismatchError, TableNotFoundError, type ErrorContext } from '../../errors.js';
import { formatSqlType } from '../../sql/parse-type.js';
import { billingOf, type TableBilling } from './capacity-cost.js';
import type { RowEncoder } from './encode.js';
import { describeAwsError } from './retry.js';

export type KeyRole = 'HASH' | 'RANGE';
export type KeyRoles = Readonly<Record<string, KeyRole>>;

export interface KeySchemaSubject {
  connector: string;
  table: string;
  region: string;
  endpoint?: string;
  index: string;
  view: string;
  encoder: RowEncoder;
}

export interface CheckedTable {
  /** Which index column is the table's partition key and which its sort key. */
  keyRoles: KeyRoles;
  /** The table's billing mode and provisioned write capacity, for the cost estimate. */
  billing: TableBilling;
}

/** Describes the table (one DescribeTable call) and checks its key schema against the index. */
export async function checkTableKeySchema(client: DynamoDBClient, subject: KeySchemaSubject): Promise<CheckedTable> {
  let table: TableDescription | undefined;
  try {
    table = (await client.send(new DescribeTableCommand({ TableName: subject.table }))).Table;
  } catch (error) {
    throw describeTableError(error, subject);
  }
  return { keyRoles: compareKeySchema(table ?? {}, subject), billing: billingOf(table ?? {}) };
}

export function compareKeySchema(table: TableDescription, subject: KeySchemaSubject): KeyRoles {
  const attributeTypes = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  // Locate key attributes by KeyType: DynamoDB does not promise the order of KeySchema.
  const tableKey = (table.KeySchema ?? [])
    .map((k) => ({ name: k.AttributeName ?? '', role: k.KeyType as KeyRole, type: attributeTypes.get(k.AttributeName) ?? '?' }))
    .sort((a, b) => (a.role === b.role ? 0 : a.role === 'HASH' ? -1 : 1));
  const indexKey = subject.encoder.keyColumns;

  const problems: string[] = [];
  if (tableKey.length !== indexKey.length) {
    problems.push(`the index has ${indexKey.length} column(s), the table key ${tableKey.length} attribute(s)`);
  }
  for (const column of indexKey) {
    const attribute = tableKey.find((k) => k.name === column.name);
    if (!attribute) {
      const caseOnly = tableKey.find((k) => k.name.toLowerCase() === column.name.toLowerCase());
      problems.push(caseOnly
        ? `column ${column.name} matches key attribute ${caseOnly.name} only when ignoring case; names must match exactly`
        : `column ${column.name} is not a key attribute of the table`);
    } else if (attribute.type !== column.attributeType) {
      problems.push(`column ${column.name} (${formatSqlType(column.type)}) is stored as ${column.attributeType}, but key attribute ${attribute.name} has type ${attribute.type}`);
    }
  }
  for (const attribute of tableKey) {
    if (!indexKey.some((c) => c.name === attribute.name) && !problems.some((p) => p.includes(`attribute ${attribute.name} only`))) {
      problems.push(`key attribute ${attribute.name} is not an index column`);
    }
  }
  if (problems.length > 0) {
    const indexText = indexKey.map((c) => `${c.name} ${formatSqlType(c.type)}`).join(', ');
    const tableText = tableKey.map((k) => `${k.name} ${k.type} ${k.role}`).join(', ');
    throw new SchemaMismatchError(
      `connector ${subject.connector}: index ${subject.index} (${indexText}) does not match table ${subject.table} key (${tableText}): ${problems.join('; ')}`,
      contextOf(subject),
    );
  }
  return Object.fromEntries(tableKey.map((k) => [k.name, k.role]));
}

function describeTableError(error: unknown, subject: KeySchemaSubject): DynaviewError {
  const name = (error as { name?: string } | null)?.name ?? '';
  const where = `in region ${subject.region}${subject.endpoint ? ` at ${subject.endpoint}` : ''}`;
  const context = contextOf(subject);
  if (name === 'ResourceNotFoundException') {
    const wanted = subject.encoder.keyColumns
      .map((c, i) => `${c.name} ${c.attributeType} ${i === 0 ? 'HASH' : 'RANGE'}`).join(', ');
    return new TableNotFoundError(
      `connector ${subject.connector}: table ${subject.table} does not exist ${where}; create it with key (${wanted}) to match index ${subject.index}`,
      context,
    );
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new DynaviewError('DYNAMODB_CREDENTIALS_REJECTED',
      `connector ${subject.connector}: DynamoDB rejected the credentials ${where} (${name}); check the access key, secret and region`,
      { context });
  }
  if (name === 'CredentialsProviderError') {
    return new DynaviewError('DYNAMODB_CREDENTIALS_MISSING',
      `connector ${subject.connector}: no AWS credentials found; set aws_access_key_id and aws_secret_access_key, `
        + 'the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, or a profile in ~/.aws/credentials',
      { context });
  }
  if (name === 'AccessDeniedException') {
    return new DynaviewError('DYNAMODB_ACCESS_DENIED',
      `connector ${subject.connector}: access denied to table ${subject.table} ${where}; the connector needs dynamodb:DescribeTable, `
        + 'dynamodb:BatchWriteItem (batch mode) or dynamodb:PutItem/DeleteItem via TransactWriteItems (transactional mode)',
      { context });
  }
  const code = (error as { code?: string } | null)?.code;
  if (code || name === 'TimeoutError') {
    return new DynaviewError('DYNAMODB_UNREACHABLE',
      `connector ${subject.connector}: cannot reach DynamoDB ${where}: ${describeAwsError(error)}`, { context, retriable: true });
  }
  return new DynaviewError('DYNAMODB_DESCRIBE_FAILED',
    `connector ${subject.connector}: DescribeTable ${subject.table} failed ${where}: ${describeAwsError(error)}`, { context });
}

const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId',
  'MissingAuthenticationTokenException', 'IncompleteSignatureException',
]);

function contextOf(subject: KeySchemaSubject): ErrorContext {
  return { connector: subject.connector, table: subject.table, index: subject.index, view: subject.view };
}
