import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { pino } from 'pino';
import type { OutputBatchResult, OutputConnector } from '../../src/connectors/outputs/output.js';
import type { ZSet } from '../../src/engine/zset.js';
import type { OutputEndpoint } from '../../src/pipeline/endpoints.js';
import { OutputRunner } from '../../src/pipeline/output-runner.js';

/** A connector whose writes complete when the test says so. */
class ControlledOutput {
  readonly writes: Array<{ delta: ZSet; step: number; done: (failed?: number) => void }> = [];

  constructor(readonly pipelined: boolean) {}

  writeStep(delta: ZSet, step: number): Promise<OutputBatchResult> {
    return new Promise((resolve) => {
      this.writes.push({ delta, step, done: (failed = 0) => resolve({ written: delta.length - failed, failed }) });
    });
  }
}

interface Settings {
  pipelined?: boolean;
  buffer?: { maxTimeMillis: number | null };
}

function runner({ pipelined = false, buffer, writtenThrough = 0 }: Settings & { writtenThrough?: number }): {
  runner: OutputRunner; output: ControlledOutput; progress: () => number;
} {
  const endpoint = {
    name: 'v.out',
    view: { name: 'v', columns: [{ name: 'id' }, { name: 'n' }] },
    buffer: { enabled: buffer !== undefined, maxTimeMillis: buffer?.maxTimeMillis ?? null, maxRecords: 1_000_000 },
    maxQueuedRecords: 1_000_000,
  } as unknown as OutputEndpoint;
  const output = new ControlledOutput(pipelined);
  const created = new OutputRunner(endpoint, output as unknown as OutputConnector, pino({ level: 'silent' }), writtenThrough);
  let calls = 0;
  created.onProgress(() => { calls += 1; });
  return { runner: created, output, progress: () => calls };
}

const insert = (id: number, n = 0): ZSet => [{ row: { id, n }, weight: 1 }];

describe('which steps an output has written', () => {
  test('with pipelined_steps, a step counts as written once it and every step before it are', async () => {
    const { runner: out, output, progress } = runner({ pipelined: true });
    for (let step = 1; step <= 3; step += 1) out.enqueue(insert(step), step);
    await tick();
    assert.equal(output.writes.length, 3, 'three batches in flight');
    assert.equal(out.unwrittenFrom, 1);
    output.writes[1]!.done();
    await tick();
    assert.equal(out.unwrittenFrom, 1, 'step 2 is written, step 1 is not');
    output.writes[0]!.done();
    await tick();
    assert.equal(out.unwrittenFrom, 3);
    output.writes[2]!.done();
    await out.finish();
    assert.equal(out.unwrittenFrom, Infinity);
    assert.equal(progress(), 3);
  });

  test('with the step barrier, queued steps are unwritten until their own batch completes', async () => {
    const { runner: out, output } = runner({});
    out.enqueue(insert(1), 4);
    out.enqueue(insert(2), 7);
    await tick();
    assert.equal(output.writes.length, 1);
    output.writes[0]!.done();
    await tick();
    assert.equal(out.unwrittenFrom, 7);
    output.writes[1]!.done();
    await out.finish();
    assert.equal(out.unwrittenFrom, Infinity);
  });

  test('changes held in the output buffer are unwritten until the buffer is handed over and written', async () => {
    const { runner: out, output } = runner({ buffer: { maxTimeMillis: 100 } });
    out.enqueue(insert(1, 1), 1);
    out.enqueue([{ row: { id: 1, n: 1 }, weight: -1 }, { row: { id: 1, n: 2 }, weight: 1 }], 2);
    await tick();
    assert.equal(output.writes.length, 0, 'buffered');
    assert.equal(out.unwrittenFrom, 1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual(output.writes.map((w) => w.delta), [[{ row: { id: 1, n: 2 }, weight: 1 }]], 'one consolidated batch');
    assert.equal(out.unwrittenFrom, 1);
    output.writes[0]!.done();
    await out.finish();
    assert.equal(out.unwrittenFrom, Infinity);
  });

  test('a step enqueued with flush is handed over at once, whatever the buffer would wait for', async () => {
    const { runner: out, output } = runner({ buffer: { maxTimeMillis: null } });
    out.enqueue(insert(1), 1, true);
    out.enqueue(insert(2), 2, true);
    await tick();
    output.writes[0]?.done();
    await tick();
    assert.deepEqual(output.writes.map((w) => w.delta), [insert(1), insert(2)]);
    output.writes[1]!.done();
    await out.finish();
  });

  test('a batch with items that could not be written keeps its step unwritten for good', async () => {
    const { runner: out, output } = runner({ pipelined: true });
    out.enqueue(insert(1), 1);
    out.enqueue(insert(2), 2);
    await tick();
    output.writes[0]!.done(1);
    output.writes[1]!.done();
    await out.finish();
    assert.equal(out.unwrittenFrom, 1);
    assert.equal(out.failedItems, 1);
  });

  test('each batch carries the last step it holds: a step of its own, or the last step merged into a buffer', async () => {
    const plain = runner({});
    plain.runner.enqueue(insert(1), 3);
    await tick();
    plain.output.writes[0]!.done();
    await plain.runner.finish();
    assert.deepEqual(plain.output.writes.map((w) => w.step), [3]);

    const buffered = runner({ buffer: { maxTimeMillis: null } });
    buffered.runner.enqueue(insert(1), 4);
    buffered.runner.enqueue(insert(2), 5);
    buffered.runner.enqueue(insert(3), 6);
    const finished = buffered.runner.finish();
    await tick();
    buffered.output.writes[0]!.done();
    await finished;
    assert.deepEqual(buffered.output.writes.map((w) => w.step), [6]);
  });

  test('steps the output already holds (a checkpoint says so) are dropped, later ones written', async () => {
    const { runner: out, output } = runner({ writtenThrough: 2 });
    for (let step = 1; step <= 3; step += 1) out.enqueue(insert(step), step, true);
    await tick();
    output.writes[0]?.done();
    await out.finish();
    assert.deepEqual(output.writes.map((w) => [w.step, w.delta]), [[3, insert(3)]]);
    assert.equal(out.unwrittenFrom, Infinity);
  });
});
