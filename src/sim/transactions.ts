/**
 * TransactWriteItems: up to 100 Put, Delete and ConditionCheck actions on distinct items, applied
 * all or none. Order of checks: request shape, item validation and the 4 MB aggregate (top-level
 * ValidationException, as DynamoDB Local answers), duplicate items, wrongly typed or too long keys (a
 * ValidationError cancellation reason, as Local gives), the idempotency token, capacity (ThrottlingError reasons,
 * at 2 WCU per KB), then conditions (ConditionalCheckFailed reasons).
 */
import { MAX_TRANSACTION_BYTES } from '../connectors/dynamodb/item-size.js';
import { isPlainObject } from '../util/config-problems.js';
import { writeUnits } from './capacity.js';
import { conditionHolds, conditionOf, type BoundCondition } from './conditions.js';
import { itemKey, KeyValueError, partitionKeyOf } from './keys.js';
import {
  transactionCanceled, validationError, type CancellationReason, type RequestBody, type WireItem,
} from './protocol.js';
import { requireTable, type SimState } from './state.js';
import type { SimTable, StoredItem } from './tables.js';
import { measureItem, measureKey } from './validate.js';
import { consumedCapacityOf, wantsConsumedCapacity } from './writes.js';

const MAX_TRANSACTION_ACTIONS = 100;
const TRANSACTION_COST_FACTOR = 2;

type ActionKind = 'Put' | 'Delete' | 'ConditionCheck';

interface PreparedAction {
  kind: ActionKind;
  table: SimTable;
  /** Undefined when the key was invalid: the action is cancelled with a ValidationError reason. */
  key: string | undefined;
  keyError: string | undefined;
  keyAttributes: WireItem;
  item: WireItem | undefined;
  size: number;
  condition: BoundCondition | undefined;
  /** ReturnValuesOnConditionCheckFailure ALL_OLD: a failed condition's reason carries the old item. */
  returnOldItemOnFailure: boolean;
  existing: StoredItem | undefined;
  units: number;
}

const THROTTLING_MESSAGE = 'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling '
  + 'your table or index so please try again shortly. If exceptions persist, check if you have a hot partition.';

export function transactWriteItems(state: SimState, body: RequestBody): unknown {
  const transactItems = body['TransactItems'];
  if (!Array.isArray(transactItems) || transactItems.length === 0) {
    throw validationError("1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  if (transactItems.length > MAX_TRANSACTION_ACTIONS) {
    throw validationError(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ACTIONS}`);
  }
  const token = body['ClientRequestToken'];

  const actions = transactItems.map(prepareAction(state));
  const payloadBytes = actions.reduce((sum, action) => sum + action.size, 0);
  if (payloadBytes > MAX_TRANSACTION_BYTES) {
    throw validationError(`Transaction payload size cannot exceed 4MB. Payload Size: ${payloadBytes}`);
  }
  const seen = new Set<string>();
  for (const action of actions) {
    if (action.key === undefined) continue;
    const identity = `${action.table.name}\u0000${action.key}`;
    if (seen.has(identity)) throw validationError('Transaction request cannot include multiple operations on one item');
    seen.add(identity);
  }
  if (actions.some((a) => a.keyError !== undefined)) {
    throw transactionCanceled(actions.map((a) => (a.keyError === undefined ? { Code: 'None' } : { Code: 'ValidationError', Message: a.keyError })));
  }

  let fingerprint: string | undefined;
  if (token !== undefined) {
    const use = state.tokens.check(token, transactItems, state.now());
    if (use.use === 'replay') {
      state.stats.countRequest([...new Set(actions.map((action) => action.table.name))], 'idempotent_replays');
      return {};
    }
    fingerprint = use.fingerprint;
  }

  chargeCapacity(state, actions);
  const reasons = conditionReasons(actions);
  if (reasons) throw transactionCanceled(reasons);

  for (const action of actions) {
    const key = action.key as string;
    if (action.kind === 'Put') action.table.put(key, action.item as WireItem, action.size, action.existing);
    else if (action.kind === 'Delete') action.table.delete(key, action.existing);
    if (action.kind !== 'ConditionCheck') state.stats.add(action.table.name, 'written_items', 1);
  }
  if (typeof token === 'string' && fingerprint !== undefined) state.tokens.remember(token, fingerprint, state.now());
  return wantsConsumedCapacity(body) ? { ConsumedCapacity: consumedCapacityOf(unitsByTable(actions)) } : {};
}

/** Write units by table, in the order the tables first appear among the writes. */
function unitsByTable(actions: readonly PreparedAction[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const action of actions) {
    if (action.kind !== 'ConditionCheck') units.set(action.table.name, (units.get(action.table.name) ?? 0) + action.units);
  }
  return units;
}

function prepareAction(state: SimState): (element: unknown) => PreparedAction {
  return (element) => {
    if (!isPlainObject(element)) throw validationError('TransactItem must be an object');
    const kinds = Object.keys(element);
    const kind = kinds[0];
    if (kinds.length !== 1 || (kind !== 'Put' && kind !== 'Delete' && kind !== 'ConditionCheck')) {
      if (kind === 'Update') throw validationError('Update actions in TransactWriteItems are not supported by the simulator');
      throw validationError('TransactItems can only contain one of Check, Put, Update or Delete');
    }
    const action = element[kind];
    if (!isPlainObject(action)) throw validationError(`${kind} must be an object`);
    const table = requireTable(state, action['TableName']);
    const keyAttributes = (kind === 'Put' ? action['Item'] : action['Key']) as WireItem;
    const size = kind === 'Put' ? measureItem(keyAttributes) : measureKey(keyAttributes);
    const condition = conditionOf(action);
    if (kind === 'ConditionCheck' && !condition) throw validationError('The ConditionExpression of a ConditionCheck must be specified');
    let key: string | undefined;
    let keyError: string | undefined;
    try {
      key = itemKey(table.schema, keyAttributes, kind !== 'Put');
    } catch (error) {
      if (!(error instanceof KeyValueError)) throw error;
      keyError = error.message;
    }
    return {
      kind, table, key, keyError, keyAttributes, item: kind === 'Put' ? keyAttributes : undefined, size, condition,
      returnOldItemOnFailure: action['ReturnValuesOnConditionCheckFailure'] === 'ALL_OLD', existing: undefined, units: 0,
    };
  };
}

/** Takes every write's units or none: a transaction that does not fit is cancelled whole. */
function chargeCapacity(state: SimState, actions: PreparedAction[]): void {
  const nowMs = state.now();
  let throttled = false;
  const fits: boolean[] = [];
  for (const action of actions) {
    action.existing = action.table.items.get(action.key as string);
    if (action.kind === 'ConditionCheck') {
      fits.push(true);
      continue;
    }
    action.units = TRANSACTION_COST_FACTOR * writeUnits(Math.max(action.size, action.existing?.size ?? 0));
    const capacity = action.table.definition.capacity;
    const fit = !capacity || capacity.tryConsume(partitionKeyOf(action.table.schema, action.keyAttributes), action.units, nowMs);
    fits.push(fit);
    throttled ||= !fit;
  }
  if (throttled) {
    const tables = new Set<string>();
    actions.forEach((action, i) => {
      if (action.kind === 'ConditionCheck') return;
      tables.add(action.table.name);
      state.stats.add(action.table.name, 'throttled_items', 1);
      if (fits[i]) action.table.definition.capacity?.refund(partitionKeyOf(action.table.schema, action.keyAttributes), action.units);
    });
    for (const name of tables) state.stats.add(name, 'throttled_requests', 1);
    throw transactionCanceled(actions.map((_, i) => (fits[i] ? { Code: 'None' } : { Code: 'ThrottlingError', Message: THROTTLING_MESSAGE })));
  }
  for (const action of actions) state.stats.add(action.table.name, 'consumed_wcu', action.units);
}

function conditionReasons(actions: PreparedAction[]): CancellationReason[] | undefined {
  let failed = false;
  const reasons = actions.map((action): CancellationReason => {
    if (!action.condition || conditionHolds(action.condition, action.existing?.item)) return { Code: 'None' };
    failed = true;
    return {
      Code: 'ConditionalCheckFailed',
      Message: action.kind === 'ConditionCheck' ? 'The conditional request failed.' : 'The conditional request failed',
      ...(action.returnOldItemOnFailure && action.existing ? { Item: action.existing.item } : {}),
    };
  });
  return failed ? reasons : undefined;
}
