import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputConnector, InputPosition, InputTransport, ReplayableInputConnector } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import { DynaviewError } from '../../src/errors.js';
import type { Update } from '../../src/schema.js';
import { inputTable, RecordingSink } from '../support/inputs.js';
import { useTempFiles } from '../support/temp-files.js';

/** A sink that stops `connector` once it has taken `pushes` pushes. */
function stoppingSink(connector: InputConnector, pushes: number): RecordingSink {
  return new RecordingSink((sink) => {
    if (sink.pushes.length >= pushes) connector.stop();
  });
}

const TABLE = inputTable('t', [['id', 'BIGINT', false], ['name', 'VARCHAR']]);

const temp = useTempFiles('dynaview-resume-');
const file = (content: string) => temp.file(content);

function fileInput(path: string, formatConfig: unknown = {}): ReplayableInputConnector {
  const transport: InputTransport = { name: 'file_input', config: { path }, format: { name: 'json', config: formatConfig } };
  return replayable(createInputConnector(transport, { connector: 't.file', table: TABLE, baseDir: temp.dir }));
}

function datagen(config: unknown): ReplayableInputConnector {
  return replayable(createInputConnector({ name: 'datagen', config }, { connector: 't.gen', table: TABLE, baseDir: temp.dir }));
}

/** file_input and datagen declare that they can read a range of their input again. */
function replayable(connector: InputConnector): ReplayableInputConnector {
  if (connector.replay !== 'by-position') throw new Error(`${connector.name} does not declare replay by position`);
  return connector;
}

async function runAll(connector: InputConnector, from?: InputPosition): Promise<RecordingSink> {
  const sink = new RecordingSink();
  await connector.run(sink, from);
  return sink;
}

/**
 * Stops a fresh connector after each number of pushes in turn, resumes another fresh one from the
 * last position, and checks that the two together pushed exactly what one uninterrupted run did.
 */
async function checkResumeAfterEveryPush(make: () => InputConnector, ordered = true): Promise<void> {
  const whole = await runAll(make());
  assert.ok(whole.pushes.length > 1, 'the input needs several pushes');
  const key = (update: Update): string => `${String(update.row['id'])}/${String(update.row['name'])}/${update.weight}`;
  const expected = whole.updates.map(key);
  for (let stopAfter = 1; stopAfter < whole.pushes.length; stopAfter += 1) {
    const first = make();
    const stopped = stoppingSink(first, stopAfter);
    await first.run(stopped);
    const resumed = await runAll(make(), stopped.lastPosition);
    const together = [...stopped.updates, ...resumed.updates].map(key);
    assert.deepEqual(ordered ? together : together.sort(), ordered ? expected : [...expected].sort(), `stopped after ${stopAfter} pushes`);
  }
}

/** Every push can be read again from the position before it, with the same changes. */
async function checkReadBetweenPushes(connector: ReplayableInputConnector): Promise<void> {
  const whole = await runAll(connector);
  let from: InputPosition | undefined;
  for (const push of whole.pushes) {
    assert.deepEqual(await connector.read(from, push.position, () => undefined), push.changes);
    from = push.position;
  }
}

describe('file_input positions', () => {
  const lines = (count: number, start = 0): string[] => Array.from({ length: count }, (_, i) => `{"insert": {"id": ${start + i}, "name": "é${i}✓"}}`);

  test('a run stopped after any push and resumed from its last position reads every line once, in order', async () => {
    const name = await file(`\uFEFF${lines(25_000).join('\r\n')}\r\n`);
    await checkResumeAfterEveryPush(() => fileInput(name));
  });

  test('positions are byte offsets after whole lines, and each push can be read again from the one before', async () => {
    const name = await file(`${lines(25_000).join('\n')}`);
    const whole = await runAll(fileInput(name));
    assert.deepEqual(whole.pushes.map((push) => push.changes.length), [10_000, 10_000, 5_000]);
    assert.deepEqual(whole.pushes[0]?.position, { offset: Buffer.byteLength(`${lines(10_000).join('\n')}\n`), line: 10_001, col: 1 });
    await checkReadBetweenPushes(fileInput(name));
  });

  test('after a resume, bad records are still reported at their own line', async () => {
    const name = await file([...lines(10_000), 'not json', '{"insert": {"id": "x"}}', ...lines(2, 10_000)].join('\n'));
    const first = fileInput(name);
    const stopped = stoppingSink(first, 1);
    await first.run(stopped);
    const resumed = await runAll(fileInput(name), stopped.lastPosition);
    assert.deepEqual(resumed.updates.map((u) => u.row['id']), [10_000n, 10_001n]);
    assert.deepEqual(resumed.errors.map((e) => e.context.line), [10_001, 10_002]);
  });

  test('trailing records that are all skipped still move the position to the end', async () => {
    const name = await file(`${lines(1).join('\n')}\nnot json\n`);
    const whole = await runAll(fileInput(name));
    const end = Buffer.byteLength(`${lines(1).join('\n')}\nnot json\n`);
    assert.deepEqual(whole.lastPosition, { offset: end, line: 3, col: 1 });
    assert.deepEqual((await runAll(fileInput(name), whole.lastPosition)).pushes, []);
  });

  test('array: true resumes after the last whole array, at its line and column', async () => {
    const arrays = Array.from({ length: 30 }, (_, a) => `[${Array.from({ length: 500 }, (_, i) => `{"id": ${a * 500 + i}, "name": "ü"}`).join(', ')}]`);
    const name = await file(`${arrays.slice(0, 15).join('\n')}\n  ${arrays.slice(15).join(' ')}\n`);
    await checkResumeAfterEveryPush(() => fileInput(name, { array: true, update_format: 'raw' }));
    await checkReadBetweenPushes(fileInput(name, { array: true, update_format: 'raw' }));
    // 20 arrays of 500 events make the first push; the 20th ends on the second line.
    const whole = await runAll(fileInput(name, { array: true, update_format: 'raw' }));
    const secondLine = `  ${arrays.slice(15, 20).join(' ')}`;
    const offset = Buffer.byteLength(`${arrays.slice(0, 15).join('\n')}\n${secondLine}`);
    assert.deepEqual(whole.pushes[0]?.position, { offset, line: 16, col: secondLine.length + 1 });
  });

  test('a file shorter than the saved position was replaced or truncated, and is not read', async () => {
    const name = await file(lines(20_000).join('\n'));
    const first = fileInput(name);
    const stopped = stoppingSink(first, 1);
    await first.run(stopped);
    await truncate(join(temp.dir, name), 100);
    await assert.rejects(fileInput(name).run(new RecordingSink(), stopped.lastPosition), (error: unknown) => {
      assert.ok(error instanceof DynaviewError);
      assert.equal(error.code, 'INPUT_FILE_CHANGED');
      assert.match(error.message, /holds 100 bytes, fewer than the \d+ already read/);
      return true;
    });
  });

  test('a position that is not a file position is refused', async () => {
    const name = await file(lines(1).join('\n'));
    await assert.rejects(fileInput(name).run(new RecordingSink(), { seed: '1' }), /INPUT_POSITION_INVALID|not one this connector writes/);
  });
});

describe('datagen positions', () => {
  const strings = { name: { strategy: 'word' } };

  test('seeded random rows: a run stopped after any push and resumed produces exactly the rows of an uninterrupted run, in order', async () => {
    await checkResumeAfterEveryPush(() => datagen({ seed: 5, plan: [{ limit: 3_000, rate: 100_000, worker_chunk_size: 700, fields: strings }] }));
  });

  test('several workers and several plans: every row exactly once across a stop', async () => {
    const config = {
      seed: 9, workers: 3,
      plan: [{ limit: 25, worker_chunk_size: 4, rate: 40_000 }, { limit: 0 }, { limit: 30, worker_chunk_size: 3, fields: { id: { scale: 10 } } }],
    };
    // Small batches (min(rate, 10 000) rows) come from the rate; every worker pushes at the end of each chunk.
    await checkResumeAfterEveryPush(() => datagen(config), false);
    await checkReadBetweenPushes(datagen(config));
  });

  test('without a configured seed, the position keeps the seed drawn, so another connector resumes the same sequence', async () => {
    const config = { plan: [{ limit: 2_000, fields: { id: { strategy: 'uniform', range: [0, 1_000_000] }, ...strings } }] };
    const whole = await runAll(datagen(config));
    assert.deepEqual(await datagen(config).read(undefined, whole.lastPosition!, () => undefined), whole.updates);
    const other = await runAll(datagen(config));
    assert.notDeepEqual(other.updates, whole.updates);
  });

  test('a rate-limited plan resumes where it stopped and keeps its rows', async () => {
    const config = { seed: 3, plan: [{ rate: 50, limit: 120, fields: strings }] };
    const first = datagen(config);
    const stopped = stoppingSink(first, 1);
    await first.run(stopped);
    assert.ok(stopped.updates.length < 120);
    const resumed = await runAll(datagen(config), stopped.lastPosition);
    const ids = [...stopped.updates, ...resumed.updates].map((u) => u.row['id']);
    assert.deepEqual(ids, Array.from({ length: 120 }, (_, i) => BigInt(i)));
  });

  test('a position that does not fit the plans is refused', async () => {
    await assert.rejects(datagen({ plan: [{ limit: 5 }] }).run(new RecordingSink(), { seed: '1', plan: 0, next: 6, gaps: [] }),
      /does not fit its generation plans/);
    await assert.rejects(datagen({ plan: [{ limit: 5 }] }).run(new RecordingSink(), { offset: 0 }), /not one this connector writes/);
  });
});
