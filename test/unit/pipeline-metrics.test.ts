import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { DynaviewError } from '../../src/errors.js';
import type { OutputBatchResult, OutputConnector } from '../../src/connectors/outputs/output.js';
import type { OutputEndpoint } from '../../src/pipeline/endpoints.js';
import { OutputRunner } from '../../src/pipeline/output-runner.js';
import { registerPipelineMetrics } from '../../src/pipeline/pipeline-metrics.js';
import { PipelineStats } from '../../src/pipeline/pipeline-stats.js';

/** A connector whose writes never complete: what is handed to it stays in flight. */
const stuck = { pipelined: false, writeStep: (): Promise<OutputBatchResult> => new Promise(() => {}) } as unknown as OutputConnector;

function runner(name: string, buffered: boolean): OutputRunner {
  const endpoint = {
    name,
    view: { name: 'v', columns: [{ name: 'id' }] },
    buffer: { enabled: buffered, maxTimeMillis: null, maxRecords: 1_000 },
    maxQueuedRecords: 1_000,
  } as unknown as OutputEndpoint;
  return new OutputRunner(endpoint, stuck, pino({ level: 'silent' }));
}

/** `name{labels} value` lines of a scrape, by series. */
async function scrape(registry: Registry): Promise<Map<string, number>> {
  const series = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match) series.set(match[1]!, Number(match[2]));
  }
  return series;
}

test('the pipeline series read the pipeline\'s figures: steps, step durations, input rows, bytes and errors, queued and buffered records, stall time', async () => {
  const registry = new Registry();
  const stats = new PipelineStats(['t.file', 't.gen'], ['v']);
  const direct = runner('v.direct', false);
  const buffered = runner('v.buffered', true);
  registerPipelineMetrics(registry, stats, [direct, buffered], false);

  const before = await scrape(registry);
  assert.equal(before.get('pipeline_steps_total'), 0);
  assert.equal(before.get('pipeline_input_rows_total{endpoint="t.gen"}'), 0, 'every input is visible before its first push');
  assert.equal(before.get('pipeline_output_queued_records{endpoint="v.direct"}'), 0);

  stats.input('t.file').rows += 7;
  stats.input('t.file').bytes += 312;
  stats.input('t.gen').rows += 40;
  stats.inputError('t.file', new DynaviewError('INPUT_INVALID_JSON', 'bad record'));
  stats.stepped(3, new Map([['v', [1, 2, 3]]]));
  stats.stepped(40, new Map());
  // The first delta goes to the connector and stays in flight; the next two wait in the queue.
  for (const step of [1, 2, 3]) direct.enqueue([{ row: { id: step }, weight: 1 }, { row: { id: -step }, weight: 1 }], step);
  buffered.enqueue([{ row: { id: 1 }, weight: 1 }, { row: { id: 2 }, weight: 1 }, { row: { id: 1 }, weight: -1 }], 1);
  await sleep(10);
  stats.stalled(['v.direct']);
  await sleep(60);

  const during = await scrape(registry);
  assert.equal(during.get('pipeline_steps_total'), 2);
  assert.equal(during.get('pipeline_step_duration_seconds_count'), 2);
  assert.equal(during.get('pipeline_step_duration_seconds_sum'), 0.003 + 0.04);
  assert.equal(during.get('pipeline_step_duration_seconds_bucket{le="0.005"}'), 1);
  assert.equal(during.get('pipeline_step_duration_seconds_bucket{le="0.05"}'), 2);
  assert.equal(during.get('pipeline_input_rows_total{endpoint="t.file"}'), 7);
  assert.equal(during.get('pipeline_input_rows_total{endpoint="t.gen"}'), 40);
  assert.equal(during.get('pipeline_input_bytes_total{endpoint="t.file"}'), 312);
  assert.equal(during.get('pipeline_input_errors_total{endpoint="t.file"}'), 1);
  assert.equal(during.get('pipeline_input_errors_total{endpoint="t.gen"}'), 0);
  assert.equal(during.get('pipeline_output_queued_records{endpoint="v.direct"}'), 4);
  assert.equal(during.get('pipeline_output_buffered_records{endpoint="v.buffered"}'), 1, 'an insert and a delete of one row leave one row buffered');
  assert.equal(during.get('pipeline_output_buffered_records{endpoint="v.direct"}'), 0);
  const stalled = during.get('pipeline_stalled_seconds_total')!;
  assert.ok(stalled >= 0.05 && stalled < 5, `the stall in progress counts: ${stalled}`);

  stats.resumed();
  await sleep(30);
  const after = await scrape(registry);
  assert.equal(after.get('pipeline_stalled_seconds_total'), stats.stalledMs / 1000, 'a stall that ended stops counting');
  assert.ok(stats.stalledMs / 1000 >= stalled);
});

test('a registry takes one pipeline\'s series; the process series only when asked for', async () => {
  const registry = new Registry();
  registerPipelineMetrics(registry, new PipelineStats([], []), [], false);
  assert.equal((await scrape(registry)).has('process_resident_memory_bytes'), false);
  assert.throws(() => registerPipelineMetrics(registry, new PipelineStats([], []), [], false), { code: 'METRICS_REGISTRY_SHARED' });

  const withProcess = new Registry();
  registerPipelineMetrics(withProcess, new PipelineStats([], []), [], true);
  const series = await scrape(withProcess);
  assert.ok(series.get('process_resident_memory_bytes')! > 0);
  assert.ok(series.get('nodejs_heap_size_used_bytes')! > 0);
});
