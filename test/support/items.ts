/** Turning scanned DynamoDB items into plain rows that tests can compare. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from './dynamodb.js';

export type Plain = null | boolean | number | string | number[] | Plain[] | { [name: string]: Plain };

/** N becomes a JS number, B an array of bytes; everything else maps to its natural JS form. */
export function plain(value: AttributeValue): Plain {
  if (value.NULL) return null;
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.N !== undefined) return Number(value.N);
  if (value.S !== undefined) return value.S;
  if (value.B !== undefined) return Array.from(value.B);
  if (value.L !== undefined) return value.L.map(plain);
  if (value.M !== undefined) return plainItem(value.M);
  throw new Error(`unexpected attribute value ${JSON.stringify(value)}`);
}

export function plainItem(item: Item): { [name: string]: Plain } {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plain(value)]));
}

/** Plain rows sorted by the given key columns, for order-independent comparison. */
export function sortedRows(items: readonly Item[], ...keys: string[]): Array<{ [name: string]: Plain }> {
  return items.map(plainItem).sort((a, b) => {
    for (const key of keys) {
      const x = a[key] as number | string;
      const y = b[key] as number | string;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  });
}
