/**
 * The control-plane and read operations: CreateTable, DescribeTable, DeleteTable, ListTables,
 * GetItem and Scan. Tables are ACTIVE as soon as they are created, as in DynamoDB Local.
 */
import { isPlainObject } from '../util/config-problems.js';
import { itemKey, type KeyAttribute, type KeySchema, type KeyType } from './keys.js';
import { ApiError, validationError, type RequestBody, type WireItem } from './protocol.js';
import { capacityFor, requireTable, type SimState } from './state.js';
import { SimTable, type BillingMode } from './tables.js';
import { measureKey } from './validate.js';

const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;
const SCAN_LIMIT_MAX = Number.MAX_SAFE_INTEGER;

export function createTable(state: SimState, body: RequestBody): unknown {
  const name = body['TableName'];
  if (typeof name !== 'string' || !TABLE_NAME_PATTERN.test(name)) {
    throw validationError(`TableName must be 3 to 255 letters, digits, '_', '-' or '.' (got ${JSON.stringify(name)})`);
  }
  const schema = keySchemaOf(body['KeySchema'], body['AttributeDefinitions']);
  const billingMode: BillingMode = body['BillingMode'] === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
  const throughput = body['ProvisionedThroughput'];
  let readCapacityUnits = 0;
  let writeCapacityUnits = 0;
  if (billingMode === 'PROVISIONED') {
    const read = isPlainObject(throughput) ? throughput['ReadCapacityUnits'] : undefined;
    const write = isPlainObject(throughput) ? throughput['WriteCapacityUnits'] : undefined;
    if (typeof read !== 'number' || typeof write !== 'number' || read < 1 || write < 1) {
      throw validationError('One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
    }
    readCapacityUnits = read;
    writeCapacityUnits = write;
  } else if (throughput !== undefined) {
    throw validationError('One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
  }
  if (state.tables.has(name)) throw new ApiError('ResourceInUseException', `Cannot create preexisting table: ${name}`);
  const table = new SimTable({
    name, schema, billingMode, readCapacityUnits, writeCapacityUnits,
    capacity: capacityFor(state, billingMode === 'PROVISIONED' ? writeCapacityUnits : undefined),
  });
  state.tables.set(name, table);
  return { TableDescription: describe(table, 'ACTIVE') };
}

export function describeTable(state: SimState, body: RequestBody): unknown {
  return { Table: describe(requireTable(state, body['TableName']), 'ACTIVE') };
}

export function deleteTable(state: SimState, body: RequestBody): unknown {
  const table = requireTable(state, body['TableName']);
  state.tables.delete(table.name);
  return { TableDescription: describe(table, 'DELETING') };
}

export function listTables(state: SimState, body: RequestBody): unknown {
  const limit = typeof body['Limit'] === 'number' ? body['Limit'] : 100;
  const after = typeof body['ExclusiveStartTableName'] === 'string' ? body['ExclusiveStartTableName'] : undefined;
  const names = [...state.tables.keys()].sort().filter((n) => after === undefined || n > after);
  const page = names.slice(0, limit);
  return { TableNames: page, ...(names.length > limit ? { LastEvaluatedTableName: page[page.length - 1] } : {}) };
}

export function getItem(state: SimState, body: RequestBody): unknown {
  const table = requireTable(state, body['TableName']);
  const key = body['Key'];
  measureKey(key);
  const stored = table.items.get(itemKey(table.schema, key as WireItem, true));
  return stored ? { Item: stored.item } : {};
}

export function scan(state: SimState, body: RequestBody): unknown {
  const table = requireTable(state, body['TableName']);
  const limit = body['Limit'];
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    throw validationError(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  }
  const select = body['Select'] ?? 'ALL_ATTRIBUTES';
  if (select !== 'ALL_ATTRIBUTES' && select !== 'COUNT') {
    throw validationError(`Select ${String(select)} is not supported by the simulator (ALL_ATTRIBUTES or COUNT)`);
  }
  const start = body['ExclusiveStartKey'];
  if (start !== undefined) measureKey(start);
  const page = table.scan(start as WireItem | undefined, limit ?? SCAN_LIMIT_MAX, select !== 'COUNT');
  return {
    ...(select === 'COUNT' ? {} : { Items: page.items }),
    Count: page.count,
    ScannedCount: page.count,
    ...(page.lastEvaluatedKey ? { LastEvaluatedKey: page.lastEvaluatedKey } : {}),
  };
}

function keySchemaOf(keySchema: unknown, definitions: unknown): KeySchema {
  if (!Array.isArray(keySchema) || keySchema.length < 1 || keySchema.length > 2) {
    throw validationError('1 validation error detected: Value at \'keySchema\' failed to satisfy constraint: Member must have length between 1 and 2');
  }
  if (!Array.isArray(definitions) || definitions.length !== keySchema.length) {
    throw validationError('One or more parameter values were invalid: The number of attributes in key schema must match the number of attributes defined in attribute definitions.');
  }
  const types = new Map<string, KeyType>();
  for (const definition of definitions) {
    const type = isPlainObject(definition) ? definition['AttributeType'] : undefined;
    const name = isPlainObject(definition) ? definition['AttributeName'] : undefined;
    if (type !== 'S' && type !== 'N' && type !== 'B') {
      throw validationError(`1 validation error detected: Value '${String(type)}' at 'attributeDefinitions.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]`);
    }
    if (typeof name !== 'string' || name.length === 0) throw validationError('One or more parameter values were invalid: Empty attribute name');
    types.set(name, type);
  }
  const attributeOf = (element: unknown, role: 'HASH' | 'RANGE'): KeyAttribute => {
    const name = isPlainObject(element) ? element['AttributeName'] : undefined;
    if (!isPlainObject(element) || element['KeyType'] !== role) {
      throw validationError(`Invalid KeySchema: The ${role === 'HASH' ? 'first' : 'second'} KeySchemaElement is not a ${role} key type`);
    }
    const type = typeof name === 'string' ? types.get(name) : undefined;
    if (type === undefined) {
      throw validationError('One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions.');
    }
    return { name: name as string, type };
  };
  const hash = attributeOf(keySchema[0], 'HASH');
  return keySchema.length === 2 ? { hash, range: attributeOf(keySchema[1], 'RANGE') } : { hash };
}

function describe(table: SimTable, status: 'ACTIVE' | 'DELETING'): unknown {
  const { schema, billingMode, readCapacityUnits, writeCapacityUnits } = table.definition;
  const keys = schema.range ? [schema.hash, schema.range] : [schema.hash];
  return {
    TableName: table.name,
    TableStatus: status,
    TableArn: `arn:aws:dynamodb:ddblocal:000000000000:table/${table.name}`,
    CreationDateTime: table.createdAtSeconds,
    KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    ItemCount: table.items.size,
    TableSizeBytes: table.sizeBytes,
    ProvisionedThroughput: { ReadCapacityUnits: readCapacityUnits, WriteCapacityUnits: writeCapacityUnits, NumberOfDecreasesToday: 0 },
    ...(billingMode === 'PAY_PER_REQUEST'
      ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: table.createdAtSeconds } }
      : {}),
    DeletionProtectionEnabled: false,
  };
}
