/**
 * The single-item and batch writes: PutItem, DeleteItem and BatchWriteItem. A batch is validated
 * whole before anything is written (one bad request rejects all of it, as in DynamoDB), then each
 * item is charged against capacity in order; items that do not fit come back in UnprocessedItems,
 * and if none fits the call fails with ProvisionedThroughputExceededException.
 */
import { isPlainObject } from '../util/config-problems.js';
import { writeUnits } from './capacity.js';
import { conditionHolds, conditionOf } from './conditions.js';
import { itemKey, partitionKeyOf } from './keys.js';
import { ApiError, throughputExceeded, validationError, type RequestBody, type WireItem } from './protocol.js';
import { requireTable, type SimState } from './state.js';
import type { SimTable } from './tables.js';
import { measureItem, measureKey } from './validate.js';

const MAX_BATCH_REQUESTS = 25;

/**
 * Parallel arrays describing the writes of the request being handled, reused by every request:
 * requests are handled one at a time, and this keeps the hot path free of per-item objects.
 */
class PreparedWrites {
  readonly tables: SimTable[] = [];
  readonly keys: string[] = [];
  /** The item of a put; undefined for a delete. */
  readonly items: Array<WireItem | undefined> = [];
  /** The Key of a delete, or the item of a put: either holds the partition key. */
  readonly keyAttributes: WireItem[] = [];
  readonly sizes: number[] = [];
  readonly requests: unknown[] = [];
  length = 0;

  clear(): void {
    this.length = 0;
  }

  add(table: SimTable, key: string, item: WireItem | undefined, keyAttributes: WireItem, size: number, request: unknown): void {
    const i = this.length;
    this.tables[i] = table;
    this.keys[i] = key;
    this.items[i] = item;
    this.keyAttributes[i] = keyAttributes;
    this.sizes[i] = size;
    this.requests[i] = request;
    this.length += 1;
  }
}

const batch = new PreparedWrites();
const seenKeys = new Set<string>();

export function batchWriteItem(state: SimState, body: RequestBody): unknown {
  const requestItems = body['RequestItems'];
  if (!isPlainObject(requestItems) || Object.keys(requestItems).length === 0) {
    throw validationError("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
  }
  let requestCount = 0;
  for (const name in requestItems) {
    const requests = requestItems[name];
    if (!Array.isArray(requests) || requests.length === 0) {
      throw validationError(`The batch write request list for a table cannot be null or empty: ${name}`);
    }
    requestCount += requests.length;
  }
  if (requestCount > MAX_BATCH_REQUESTS) throw validationError('Too many items requested for the BatchWriteItem call');

  batch.clear();
  for (const name in requestItems) {
    const table = requireTable(state, name);
    seenKeys.clear();
    for (const request of requestItems[name] as unknown[]) {
      prepareBatchRequest(table, request);
      const key = batch.keys[batch.length - 1] as string;
      if (seenKeys.has(key)) throw validationError('Provided list of item keys contains duplicates');
      seenKeys.add(key);
    }
  }

  const nowMs = state.now();
  let written = 0;
  let countedTable: SimTable | undefined;
  let countedItems = 0;
  let countedUnits = 0;
  let unprocessed: Record<string, unknown[]> | undefined;
  const consumed = wantsConsumedCapacity(body) ? new Map<string, number>() : undefined;
  for (let i = 0; i < batch.length; i += 1) {
    const table = batch.tables[i] as SimTable;
    const key = batch.keys[i] as string;
    const item = batch.items[i];
    const existing = table.items.get(key);
    const units = writeUnits(Math.max(batch.sizes[i] as number, existing?.size ?? 0));
    const capacity = table.definition.capacity;
    if (capacity && !capacity.tryConsume(partitionKeyOf(table.schema, batch.keyAttributes[i] as WireItem), units, nowMs)) {
      unprocessed ??= {};
      (unprocessed[table.name] ??= []).push(batch.requests[i]);
      state.stats.add(table.name, 'throttled_items', 1);
      continue;
    }
    if (item) table.put(key, item, batch.sizes[i] as number, existing);
    else table.delete(key, existing);
    written += 1;
    // Counted per table run rather than per item: almost every batch writes to one table.
    if (table !== countedTable) {
      flushCounts(state, countedTable, countedItems, countedUnits);
      countedTable = table;
      countedItems = 0;
      countedUnits = 0;
    }
    countedItems += 1;
    countedUnits += units;
    if (consumed) consumed.set(table.name, (consumed.get(table.name) ?? 0) + units);
  }
  flushCounts(state, countedTable, countedItems, countedUnits);
  if (unprocessed) {
    for (const name in unprocessed) state.stats.add(name, 'throttled_requests', 1);
    if (written === 0) throw throughputExceeded();
  }
  return {
    UnprocessedItems: unprocessed ?? {},
    ...(consumed ? { ConsumedCapacity: consumedCapacityOf(consumed) } : {}),
  };
}

function flushCounts(state: SimState, table: SimTable | undefined, items: number, units: number): void {
  if (!table || items === 0) return;
  state.stats.add(table.name, 'written_items', items);
  state.stats.add(table.name, 'consumed_wcu', units);
}

function prepareBatchRequest(table: SimTable, request: unknown): void {
  const put = isPlainObject(request) ? request['PutRequest'] : undefined;
  const del = isPlainObject(request) ? request['DeleteRequest'] : undefined;
  if (isPlainObject(put) && del === undefined) {
    const item = put['Item'];
    const size = measureItem(item);
    batch.add(table, itemKey(table.schema, item as WireItem, false), item as WireItem, item as WireItem, size, request);
    return;
  }
  if (isPlainObject(del) && put === undefined) {
    const key = del['Key'];
    measureKey(key);
    batch.add(table, itemKey(table.schema, key as WireItem, true), undefined, key as WireItem, 0, request);
    return;
  }
  throw validationError('Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest');
}

export function putItem(state: SimState, body: RequestBody): unknown {
  const table = requireTable(state, body['TableName']);
  const item = body['Item'];
  const size = measureItem(item);
  const key = itemKey(table.schema, item as WireItem, false);
  const condition = conditionOf(body);
  const existing = table.items.get(key);
  const units = writeUnits(Math.max(size, existing?.size ?? 0));
  chargeSingleWrite(state, table, item as WireItem, units);
  const oldItem = existing?.item;
  if (condition && !conditionHolds(condition, oldItem)) throw conditionalCheckFailed(body, oldItem);
  table.put(key, item as WireItem, size, existing);
  state.stats.add(table.name, 'written_items', 1);
  return singleWriteResult(body, table, oldItem, units);
}

export function deleteItem(state: SimState, body: RequestBody): unknown {
  const table = requireTable(state, body['TableName']);
  const keyAttributes = body['Key'];
  measureKey(keyAttributes);
  const key = itemKey(table.schema, keyAttributes as WireItem, true);
  const condition = conditionOf(body);
  const existing = table.items.get(key);
  const units = writeUnits(existing?.size ?? 0);
  chargeSingleWrite(state, table, keyAttributes as WireItem, units);
  const oldItem = existing?.item;
  if (condition && !conditionHolds(condition, oldItem)) throw conditionalCheckFailed(body, oldItem);
  table.delete(key, existing);
  state.stats.add(table.name, 'written_items', 1);
  return singleWriteResult(body, table, oldItem, units);
}

/** A write is charged before its condition is evaluated: a failed conditional write still costs capacity. */
function chargeSingleWrite(state: SimState, table: SimTable, keyAttributes: WireItem, units: number): void {
  const capacity = table.definition.capacity;
  if (capacity && !capacity.tryConsume(partitionKeyOf(table.schema, keyAttributes), units, state.now())) {
    state.stats.add(table.name, 'throttled_items', 1);
    state.stats.add(table.name, 'throttled_requests', 1);
    throw throughputExceeded();
  }
  state.stats.add(table.name, 'consumed_wcu', units);
}

function conditionalCheckFailed(body: RequestBody, oldItem: WireItem | undefined): ApiError {
  const withItem = body['ReturnValuesOnConditionCheckFailure'] === 'ALL_OLD' && oldItem;
  return new ApiError('ConditionalCheckFailedException', 'The conditional request failed', withItem ? { Item: oldItem } : {});
}

function singleWriteResult(body: RequestBody, table: SimTable, oldItem: WireItem | undefined, units: number): unknown {
  return {
    ...(body['ReturnValues'] === 'ALL_OLD' && oldItem ? { Attributes: oldItem } : {}),
    ...(wantsConsumedCapacity(body) ? { ConsumedCapacity: { TableName: table.name, CapacityUnits: units } } : {}),
  };
}

/** The ConsumedCapacity of a multi-table call, as DynamoDB returns it for TOTAL: one entry per table written. */
export function consumedCapacityOf(unitsByTable: ReadonlyMap<string, number>): Array<{ TableName: string; CapacityUnits: number }> {
  return [...unitsByTable].map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits }));
}

export function wantsConsumedCapacity(body: RequestBody): boolean {
  const mode = body['ReturnConsumedCapacity'];
  return mode === 'TOTAL' || mode === 'INDEXES';
}
