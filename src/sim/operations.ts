/**
 * The DynamoDB operations the simulator answers, by their X-Amz-Target name, and the tables a
 * request names (for per-table request and fault counters, known before the request runs).
 */
import { isPlainObject } from '../util/config-problems.js';
import type { RequestBody } from './protocol.js';
import type { SimState } from './state.js';
import { createTable, deleteTable, describeTable, getItem, listTables, scan } from './table-operations.js';
import { transactWriteItems } from './transactions.js';
import { batchWriteItem, deleteItem, putItem } from './writes.js';

export const OPERATION_NAMES = [
  'CreateTable', 'DescribeTable', 'DeleteTable', 'ListTables',
  'BatchWriteItem', 'TransactWriteItems', 'PutItem', 'DeleteItem', 'GetItem', 'Scan',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

const KNOWN_OPERATIONS: ReadonlySet<string> = new Set(OPERATION_NAMES);

export function isOperationName(name: string): name is OperationName {
  return KNOWN_OPERATIONS.has(name);
}

/** Runs one operation; throws ApiError for a DynamoDB error answer. */
export function runOperation(state: SimState, operation: OperationName, body: RequestBody): unknown {
  switch (operation) {
    case 'CreateTable': return createTable(state, body);
    case 'DescribeTable': return describeTable(state, body);
    case 'DeleteTable': return deleteTable(state, body);
    case 'ListTables': return listTables(state, body);
    case 'BatchWriteItem': return batchWriteItem(state, body);
    case 'TransactWriteItems': return transactWriteItems(state, body);
    case 'PutItem': return putItem(state, body);
    case 'DeleteItem': return deleteItem(state, body);
    case 'GetItem': return getItem(state, body);
    case 'Scan': return scan(state, body);
    default: {
      const unknown: never = operation;
      throw new Error(`unknown operation ${String(unknown)}`);
    }
  }
}

/** The table names a request mentions, each once. */
export function tablesNamedIn(operation: OperationName, body: RequestBody): string[] {
  switch (operation) {
    case 'ListTables':
      return [];
    case 'BatchWriteItem':
      return isPlainObject(body['RequestItems']) ? Object.keys(body['RequestItems']) : [];
    case 'TransactWriteItems': {
      const items = body['TransactItems'];
      if (!Array.isArray(items)) return [];
      const names = new Set<string>();
      for (const element of items) {
        if (!isPlainObject(element)) continue;
        for (const kind in element) {
          const action = element[kind];
          if (isPlainObject(action) && typeof action['TableName'] === 'string') names.add(action['TableName']);
        }
      }
      return [...names];
    }
    case 'CreateTable':
    case 'DescribeTable':
    case 'DeleteTable':
    case 'PutItem':
    case 'DeleteItem':
    case 'GetItem':
    case 'Scan':
      return typeof body['TableName'] === 'string' ? [body['TableName']] : [];
    default: {
      const unknown: never = operation;
      throw new Error(`unknown operation ${String(unknown)}`);
    }
  }
}
