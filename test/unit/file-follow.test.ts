// file_input with "follow": true reads what is appended to the file while it runs, like tail -f.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputPosition, ReplayableInputConnector } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import { DynaviewError } from '../../src/errors.js';
import { inputTable, RecordingSink } from '../support/inputs.js';
import { useTempFiles } from '../support/temp-files.js';

const TABLE = inputTable('t', [['id', 'BIGINT', false]]);

const temp = useTempFiles('dynaview-follow-');

/** The ids of the rows `sink` was pushed, in order. */
const ids = (sink: RecordingSink): unknown[] => sink.rows.map((row) => row['id']);

function follower(name: string, format: { name: string; config?: unknown } = { name: 'json', config: { update_format: 'raw' } }): ReplayableInputConnector {
  const connector = createInputConnector({ name: 'file_input', config: { path: name, follow: true }, format }, { connector: 't.tail', table: TABLE, baseDir: temp.dir });
  assert.equal(connector.replay, 'by-position');
  return connector as ReplayableInputConnector;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const lines = (from: number, count: number): string => Array.from({ length: count }, (_, i) => `{"id": ${from + i}}\n`).join('');

describe('follow', () => {
  test('lines appended while it runs are read as they arrive; a partly written last line waits for its newline', async () => {
    const name = await temp.file(lines(1, 3));
    const path = join(temp.dir, name);
    const input = follower(name);
    const sink = new RecordingSink();
    const running = input.run(sink);
    await until(() => ids(sink).length === 3, 'the first three lines');
    await appendFile(path, `${lines(4, 2)}{"id": `);
    await until(() => ids(sink).length === 5, 'the appended lines');
    // Give it time to (wrongly) read the partial line.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(ids(sink), [1n, 2n, 3n, 4n, 5n]);
    await appendFile(path, '6}\n');
    await until(() => ids(sink).length === 6, 'the completed line');
    const stoppedAt = Date.now();
    input.stop();
    await running;
    assert.ok(Date.now() - stoppedAt < 1_000, 'stop() ends following promptly');
    assert.deepEqual(ids(sink), [1n, 2n, 3n, 4n, 5n, 6n]);
    assert.deepEqual(sink.pushes.at(-1)?.position, { offset: Buffer.byteLength(lines(1, 6)), line: 7, col: 1 });
  });

  test('what a followed run pushed reads again by position, and a restart goes on where it stopped', async () => {
    const name = await temp.file('');
    const path = join(temp.dir, name);
    const input = follower(name);
    const sink = new RecordingSink();
    const running = input.run(sink);
    for (let batch = 0; batch < 4; batch += 1) {
      await appendFile(path, `${lines(batch * 10, 10)}not json\n`);
      await until(() => ids(sink).length === (batch + 1) * 10, `batch ${batch}`);
    }
    input.stop();
    await running;
    assert.equal(sink.errors.length, 4);
    let from: InputPosition | undefined;
    for (const push of sink.pushes) {
      assert.deepEqual(await input.read(from, push.position, () => undefined), push.changes);
      from = push.position;
    }
    await appendFile(path, lines(40, 2));
    const restarted = follower(name);
    const more = new RecordingSink();
    const again = restarted.run(more, from);
    await until(() => ids(more).length === 2, 'the lines after the restart');
    restarted.stop();
    await again;
    assert.deepEqual(ids(more), [40n, 41n]);
  });

  test('CSV and JSON arrays are followed too: a record is read once it is complete', async () => {
    const csv = await temp.file('1\n2');
    const csvInput = follower(csv, { name: 'csv' });
    const csvSink = new RecordingSink();
    const csvRun = csvInput.run(csvSink);
    await until(() => ids(csvSink).length === 1, 'the first CSV line');
    await appendFile(join(temp.dir, csv), '2\n3\n');
    await until(() => ids(csvSink).length === 3, 'the rest of the CSV');
    csvInput.stop();
    await csvRun;
    assert.deepEqual(ids(csvSink), [1n, 22n, 3n]);

    const arrays = await temp.file('[{"id": 1}, {"id": 2}]\n[{"id": 3},');
    const arrayInput = follower(arrays, { name: 'json', config: { update_format: 'raw', array: true } });
    const arraySink = new RecordingSink();
    const arrayRun = arrayInput.run(arraySink);
    await until(() => ids(arraySink).length === 2, 'the first array');
    await appendFile(join(temp.dir, arrays), '\n {"id": 4}]');
    await until(() => ids(arraySink).length === 4, 'the second array');
    arrayInput.stop();
    await arrayRun;
    assert.deepEqual(ids(arraySink), [1n, 2n, 3n, 4n]);
  });

  test('a followed file that is truncated, or replaced by another file, fails the connector', async () => {
    const name = await temp.file(lines(1, 5));
    const input = follower(name);
    const sink = new RecordingSink();
    const running = input.run(sink);
    await until(() => ids(sink).length === 5, 'the lines');
    await truncate(join(temp.dir, name), 3);
    await assert.rejects(running, (error: unknown) => {
      assert.ok(error instanceof DynaviewError);
      assert.equal(error.code, 'INPUT_FILE_CHANGED');
      assert.match(error.message, /was truncated to 3 bytes while being followed/);
      return true;
    });

    const other = await temp.file(lines(1, 1));
    const replaced = follower(other);
    const replacedRun = replaced.run(new RecordingSink());
    await writeFile(join(temp.dir, 'next.json'), lines(1, 9));
    await rename(join(temp.dir, 'next.json'), join(temp.dir, other));
    await assert.rejects(replacedRun, /was replaced by another file while being followed/);
  });
});
