// The push journal keeps every push of a journaled input durable until a checkpoint covers it: it
// survives a reopen, a crash that tore its last entry, and drops only whole covered segments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PushJournal } from '../../src/pipeline/push-journal.js';
import { useTempFiles } from '../support/temp-files.js';

const temp = useTempFiles('dynaview-push-journal-');

const change = (id: number | bigint) => ({ row: { id, bytes: new Uint8Array([1, 2]) }, weight: 1 });

test('pushes come back after a reopen, in order, with their values and positions, and numbering goes on after them', async () => {
  const dir = join(temp.dir, 'reopen');
  const first = await PushJournal.open(dir);
  assert.deepEqual(first.pushes, []);
  const seqs = await Promise.all([
    first.journal.append('t.a', { offset: 10 }, [change(1)]),
    first.journal.append('t.b', null, [change(2n), change(3)]),
    first.journal.append('t.a', { offset: 20 }, []),
  ]);
  assert.deepEqual(seqs, [1, 2, 3]);
  await first.journal.close();
  const second = await PushJournal.open(dir);
  assert.deepEqual(second.pushes.map((p) => [p.seq, p.endpoint, p.position, p.changes.length]),
    [[1, 't.a', { offset: 10 }, 1], [2, 't.b', null, 2], [3, 't.a', { offset: 20 }, 0]]);
  assert.deepEqual(second.pushes[1]!.changes[0], change(2n));
  assert.equal(await second.journal.append('t.a', { offset: 30 }, [change(4)]), 4);
  await second.journal.close();
});

test('an entry torn by a crash is dropped, and what follows it after the restart is kept', async () => {
  const dir = join(temp.dir, 'torn');
  const { journal } = await PushJournal.open(dir);
  await journal.append('t.a', 1, [change(1)]);
  await journal.close();
  const [segment] = await readdir(dir);
  await appendFile(join(dir, segment!), Buffer.from([200, 0, 0, 0, 1, 2, 3]));
  const reopened = await PushJournal.open(dir);
  assert.deepEqual(reopened.pushes.map((p) => p.seq), [1]);
  await reopened.journal.append('t.a', 2, [change(2)]);
  await reopened.journal.close();
  assert.deepEqual((await PushJournal.open(dir)).pushes.map((p) => p.seq), [1, 2]);
});

test('a checkpoint deletes the segments it covers whole, and keeps a segment that holds later pushes', async () => {
  const dir = join(temp.dir, 'drop');
  const { journal } = await PushJournal.open(dir);
  await journal.append('t.a', 1, [change(1)]);
  await journal.append('t.a', 2, [change(2)]);
  await journal.dropThrough(1);
  assert.equal((await readdir(dir)).length, 2, 'pushes 1-2 stay (2 is not covered); a new segment starts');
  await journal.append('t.a', 3, [change(3)]);
  await journal.dropThrough(2);
  await journal.close();
  const { pushes } = await PushJournal.open(dir);
  assert.deepEqual(pushes.map((p) => p.seq), [3]);
});
