// The README's reference tables must list exactly what the code has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DYNAMODB_OUTPUT_OPTIONS } from '../../src/connectors/dynamodb/config.js';
import { COUNTERS, GAUGES, HISTOGRAMS } from '../../src/connectors/dynamodb/metrics.js';
import { FILE_OUTPUT_OPTION_NAMES } from '../../src/connectors/outputs/file-output.js';
import { FILE_OUTPUT_COUNTERS } from '../../src/connectors/outputs/file-output-metrics.js';
import { JSON_OUTPUT_OPTION_NAMES } from '../../src/connectors/outputs/json-format.js';
import { RUNTIME_ERROR_DEAD_LETTERS_METRIC } from '../../src/pipeline/runtime-dead-letters.js';
import { Registry } from 'prom-client';
import { INPUT_COUNTERS, OUTPUT_GAUGES, PIPELINE_COUNTERS, PIPELINE_HISTOGRAMS, registerPipelineMetrics } from '../../src/pipeline/pipeline-metrics.js';
import { PipelineStats } from '../../src/pipeline/pipeline-stats.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function tableUnder(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "${heading}" section`);
  const section = readme.slice(start + 1).split('\n## ')[0]!;
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

test('the README documents every connector option with its default, and no option that does not exist', () => {
  const rows = tableUnder('Configuration');
  const documented = new Map(rows.map(([name, , defaultText]) => [name!.replaceAll('`', ''), defaultText!.replaceAll('`', '')]));
  assert.deepEqual([...documented.keys()].sort(), DYNAMODB_OUTPUT_OPTIONS.map((o) => o.name).sort());
  for (const option of DYNAMODB_OUTPUT_OPTIONS) {
    const expected = option.required ? 'required' : option.default;
    assert.equal(documented.get(option.name), expected, option.name);
  }
});

test('the README lists every metric with its type, and no metric that does not exist', async () => {
  const rows = tableUnder('Metrics');
  const documented = Object.fromEntries(rows.map(([name, type]) => [name!.replaceAll('`', ''), type]));
  // prom-client's default process series are documented as a group, by their prefixes.
  const defaults = 'process_*, nodejs_*';
  const prefixes = defaults.split(', ').map((prefix) => prefix.replace('*', ''));
  const registry = new Registry();
  registerPipelineMetrics(registry, new PipelineStats([], []), [], true);
  const pipelineNames = new Set<string>([...Object.values(PIPELINE_COUNTERS), ...Object.values(PIPELINE_HISTOGRAMS), ...Object.values(INPUT_COUNTERS), ...Object.values(OUTPUT_GAUGES)].map((m) => m.name));
  const processNames = (await registry.getMetricsAsJSON()).map((m) => m.name).filter((name) => !pipelineNames.has(name));
  assert.ok(processNames.length > 0 && processNames.every((name) => prefixes.some((prefix) => name.startsWith(prefix))), processNames.join(', '));
  const actual = {
    ...Object.fromEntries(Object.values(COUNTERS).map((m) => [m.name, 'counter'])),
    ...Object.fromEntries(Object.values(GAUGES).map((m) => [m.name, 'gauge'])),
    ...Object.fromEntries(Object.values(HISTOGRAMS).map((m) => [m.name, 'histogram'])),
    ...Object.fromEntries(Object.values(FILE_OUTPUT_COUNTERS).map((m) => [m.name, 'counter'])),
    [RUNTIME_ERROR_DEAD_LETTERS_METRIC.name]: 'counter',
    ...Object.fromEntries([...Object.values(PIPELINE_COUNTERS), ...Object.values(INPUT_COUNTERS)].map((m) => [m.name, 'counter'])),
    ...Object.fromEntries(Object.values(OUTPUT_GAUGES).map((m) => [m.name, 'gauge'])),
    ...Object.fromEntries(Object.values(PIPELINE_HISTOGRAMS).map((m) => [m.name, 'histogram'])),
    [defaults]: 'prom-client defaults',
  };
  assert.deepEqual(documented, actual);
});

test('the README documents every file_output option, in the transport config and in the format config, and no other', () => {
  const rows = tableUnder('File output');
  const documented = rows.map(([name, where]) => `${where!.replaceAll('`', '')}.${name!.replaceAll('`', '')}`);
  const actual = [...FILE_OUTPUT_OPTION_NAMES.map((n) => `transport.config.${n}`), ...JSON_OUTPUT_OPTION_NAMES.map((n) => `format.config.${n}`)];
  assert.deepEqual(documented.sort(), actual.sort());
});
