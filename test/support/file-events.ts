/** Reading what a file_output connector wrote: JSON insert_delete events, one per line. */
import assert from 'node:assert/strict';

export interface Event {
  action: 'insert' | 'delete';
  /** The row's JSON text exactly as written. */
  row: string;
}

const EVENT_LINE = /^\{"(insert|delete)":(\{.*\})\}$/;

/** The events of `text`, which must be whole lines of events. */
export function events(text: string): Event[] {
  assert.ok(text === '' || text.endsWith('\n'), 'the file ends with a whole line');
  return text.split('\n').slice(0, -1).map((line) => {
    const match = EVENT_LINE.exec(line);
    assert.ok(match, `not an insert_delete event: ${line}`);
    return { action: match[1] as Event['action'], row: match[2]! };
  });
}

/**
 * What a reader ends with after applying the events in order: each row's text, sorted, as often
 * as it is there. A delete of a row that is not there means a change was lost or written twice.
 */
export function replay(text: string): string[] {
  const counts = new Map<string, number>();
  for (const [i, { action, row }] of events(text).entries()) {
    const count = (counts.get(row) ?? 0) + (action === 'insert' ? 1 : -1);
    assert.ok(count >= 0, `event ${i + 1} deletes ${row}, which is not there`);
    if (count === 0) counts.delete(row);
    else counts.set(row, count);
  }
  return [...counts].flatMap(([row, count]) => Array.from({ length: count }, () => row)).sort();
}

/**
 * The lines of a batch, checked to hold every delete before every insert, and each part sorted:
 * the order of the rows within a part is the engine's.
 */
export function batchLines(text: string): { deletes: string[]; inserts: string[] } {
  const all = events(text);
  const firstInsert = all.findIndex((e) => e.action === 'insert');
  const deletes = firstInsert === -1 ? all : all.slice(0, firstInsert);
  const inserts = firstInsert === -1 ? [] : all.slice(firstInsert);
  assert.ok(deletes.every((e) => e.action === 'delete') && inserts.every((e) => e.action === 'insert'), `deletes come first:\n${text}`);
  return { deletes: deletes.map((e) => e.row).sort(), inserts: inserts.map((e) => e.row).sort() };
}
