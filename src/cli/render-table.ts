/** DynamoDB items as a plain-text table for a terminal, key columns first, rows sorted by key. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export function renderItems(items: ReadonlyArray<Record<string, AttributeValue>>, keyColumns: readonly string[]): string {
  const others = [...new Set(items.flatMap((item) => Object.keys(item)))].filter((c) => !keyColumns.includes(c)).sort();
  const columns = [...keyColumns, ...others];
  const rows = items.map((item) => columns.map((c) => (item[c] === undefined ? '' : attributeText(item[c]))));
  rows.sort((a, b) => {
    for (let i = 0; i < keyColumns.length; i += 1) {
      const order = compareCells(a[i]!, b[i]!, items[0]?.[keyColumns[i]!]?.N !== undefined);
      if (order !== 0) return order;
    }
    return 0;
  });
  const widths = columns.map((c, i) => rows.reduce((width, row) => Math.max(width, row[i]!.length), c.length));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(columns), rule, ...rows.map(line)].join('\n');
}

function compareCells(a: string, b: string, numeric: boolean): number {
  if (numeric) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A readable rendering of one attribute value: numbers and strings bare, NULL as NULL, the rest as JSON. */
export function attributeText(value: AttributeValue): string {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  if (value.BOOL !== undefined) return String(value.BOOL);
  if (value.NULL) return 'NULL';
  return JSON.stringify(plainValue(value));
}

function plainValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL) return null;
  if (value.B !== undefined) return `0x${Buffer.from(value.B).toString('hex')}`;
  if (value.L !== undefined) return value.L.map(plainValue);
  if (value.M !== undefined) return Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, plainValue(v)]));
  return null;
}
