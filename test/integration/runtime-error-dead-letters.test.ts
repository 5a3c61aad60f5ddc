/**
 * `openPipeline`'s `runtimeErrorDeadLetterPath` with a state directory: a step replayed after a
 * stop leaves out the same rows again, and the dead-letter file holds each of them once; the rows
 * are counted in the run's stats, metrics and status.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { DynaviewError, loadProgram, openPipeline } from '../../src/index.js';
import { Progress } from '../../src/cli/progress.js';
import type { OutputEndpoint } from '../../src/pipeline/endpoints.js';
import { writeFiles } from '../support/cli.js';
import { DIVIDING_PROGRAM } from '../support/programs.js';

const silent = pino({ level: 'silent' });

const ROWS = '{"insert": {"id": 1, "a": 10, "b": 2}}\n{"insert": {"id": 7, "a": 100, "b": 0}}\n{"insert": {"id": 8, "a": 1, "b": 0}}\n';

/** The endpoint with a connector that opens as the real one but cannot write: the run stops after journaling its step. */
function unwritable(endpoint: OutputEndpoint): OutputEndpoint {
  return {
    ...endpoint,
    connector: {
      settings: endpoint.connector.settings,
      target: endpoint.connector.target,
      open: async (options) => {
        const real = await endpoint.connector.open(options);
        return {
          pipelined: false,
          writeStep: () => Promise.reject(new DynaviewError('OUTPUT_FILE_UNWRITABLE', 'the disk is gone')),
          status: () => real.status(),
          checkpoint: () => real.checkpoint(),
          close: () => real.close(),
        };
      },
    },
  };
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
}

test('a step replayed after a stop dead-letters the same rows, and the file holds each once', async () => {
  const dir = writeFiles({ 'program.sql': DIVIDING_PROGRAM, 'rows.json': ROWS });
  const program = await loadProgram(join(dir, 'program.sql'));
  const options = { logger: silent, stateDir: join(dir, 'state'), runtimeErrorDeadLetterPath: join(dir, 'dead.jsonl') };

  const stopped = await openPipeline(program, { ...options, outputs: program.endpoints.outputs.map(unwritable) });
  try {
    await assert.rejects(stopped.run(), { code: 'OUTPUT_FILE_UNWRITABLE' });
  } finally {
    await stopped.close();
  }
  const first = lines(join(dir, 'dead.jsonl'));
  assert.deepEqual(first.map((line) => (JSON.parse(line) as { row: unknown }).row), [{ id: 7, a: 100, b: 0 }, { id: 8, a: 1, b: 0 }]);

  const resumed = await openPipeline(program, options);
  try {
    await resumed.run();
  } finally {
    await resumed.close();
  }
  // Counted in the run's stats, its metrics (by view) and the command line's /status.
  assert.equal(resumed.stats.deadLetteredRows, 2);
  assert.match(await resumed.registry.metrics(), /^runtime_error_dead_letters_total\{view="v"\} 2$/m);
  assert.equal((new Progress(resumed, silent).status() as { dead_lettered_rows: number }).dead_lettered_rows, 2);
  const again = lines(join(dir, 'dead.jsonl'));
  assert.deepEqual(again.map((line) => JSON.parse(line) as { step: number; row: unknown }).map(({ step, row }) => ({ step, row })),
    [{ step: 1, row: { id: 7, a: 100, b: 0 } }, { step: 1, row: { id: 8, a: 1, b: 0 } }]);
  assert.deepEqual(lines(join(dir, 'out.json')), ['{"insert":{"id":1,"ratio":5}}']);

  // A completed run's state is its end: running again reads nothing new and appends nothing.
  const idle = await openPipeline(program, options);
  try {
    await idle.run();
  } finally {
    await idle.close();
  }
  assert.deepEqual(lines(join(dir, 'dead.jsonl')), again);
});
