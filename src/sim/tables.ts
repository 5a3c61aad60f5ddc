/**
 * Table storage: items in a Map keyed by their key string (insertion order is the scan order),
 * each with its size so overwrites and deletes can be charged without measuring the old item
 * again; Scan pages of at most 1 MB, resumed from LastEvaluatedKey.
 */
import type { TableCapacity } from './capacity.js';
import { itemKey, keyAttributesOf, type KeySchema } from './keys.js';
import type { WireItem } from './protocol.js';

export interface StoredItem {
  item: WireItem;
  size: number;
}

export type BillingMode = 'PROVISIONED' | 'PAY_PER_REQUEST';

export interface TableDefinition {
  name: string;
  schema: KeySchema;
  billingMode: BillingMode;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  /** Undefined: unlimited. */
  capacity: TableCapacity | undefined;
}

/** DynamoDB ends a Scan page once it has read 1 MB. */
const SCAN_PAGE_BYTES = 1024 * 1024;
/** Open scan cursors kept for resuming; beyond that a resumed scan walks to its start key. */
const MAX_SCAN_CURSORS = 64;

export interface ScanPage {
  items: WireItem[];
  count: number;
  lastEvaluatedKey: WireItem | undefined;
}

export class SimTable {
  readonly items = new Map<string, StoredItem>();
  readonly createdAtSeconds = Date.now() / 1000;
  sizeBytes = 0;
  // Map iterators stay valid while the Map changes, so a later page continues where the last ended.
  private readonly cursors = new Map<string, Iterator<[string, StoredItem]>>();

  constructor(readonly definition: TableDefinition) {}

  get name(): string {
    return this.definition.name;
  }

  get schema(): KeySchema {
    return this.definition.schema;
  }

  put(key: string, item: WireItem, size: number, existing: StoredItem | undefined): void {
    if (existing) {
      this.sizeBytes += size - existing.size;
      existing.item = item;
      existing.size = size;
    } else {
      this.sizeBytes += size;
      this.items.set(key, { item, size });
    }
  }

  delete(key: string, existing: StoredItem | undefined): void {
    if (!existing) return;
    this.sizeBytes -= existing.size;
    this.items.delete(key);
  }

  /** One page of a Scan after `exclusiveStartKey` (a Key map), of at most `limit` items and 1 MB. */
  scan(exclusiveStartKey: WireItem | undefined, limit: number, withItems: boolean): ScanPage {
    const cursor = exclusiveStartKey === undefined ? this.items.entries() : this.resume(itemKey(this.schema, exclusiveStartKey, true));
    const items: WireItem[] = [];
    let count = 0;
    let bytes = 0;
    let last: [string, StoredItem] | undefined;
    while (count < limit && bytes < SCAN_PAGE_BYTES) {
      const next = cursor.next();
      if (next.done) return { items, count, lastEvaluatedKey: undefined };
      last = next.value;
      if (withItems) items.push(last[1].item);
      count += 1;
      bytes += last[1].size;
    }
    if (!last) return { items, count, lastEvaluatedKey: undefined };
    this.rememberCursor(last[0], cursor);
    return { items, count, lastEvaluatedKey: keyAttributesOf(this.schema, last[1].item) };
  }

  private resume(startKey: string): Iterator<[string, StoredItem]> {
    const cached = this.cursors.get(startKey);
    if (cached) {
      this.cursors.delete(startKey);
      return cached;
    }
    const cursor = this.items.entries();
    for (let next = cursor.next(); !next.done; next = cursor.next()) {
      if (next.value[0] === startKey) return cursor;
    }
    // The start item is gone and its cursor forgotten: nothing is known to follow it.
    return cursor;
  }

  private rememberCursor(lastKey: string, cursor: Iterator<[string, StoredItem]>): void {
    if (this.cursors.size >= MAX_SCAN_CURSORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest !== undefined) this.cursors.delete(oldest);
    }
    this.cursors.set(lastKey, cursor);
  }
}
