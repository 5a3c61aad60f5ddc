/**
 * The parts of /status the web console draws: the program's graph with each node's total, each
 * input's figures, step timing, memory and the stall in progress; and, per output, its queue,
 * buffer and latest errors. Like the rest of /status, nothing here holds a secret: connector
 * settings are not repeated, and error messages never contain one.
 */
import type { OutputRunner } from '../pipeline/output-runner.js';
import type { GraphNodeKind } from '../pipeline/program-graph.js';
import type { PipelineRun } from '../pipeline/run.js';

export function pipelineStatus(run: PipelineRun, now = Date.now()): Record<string, unknown> {
  const { stats } = run;
  const memory = process.memoryUsage();
  return {
    // The server's clock: the console times its samples by it, whatever the browser's clock says.
    time: new Date(now).toISOString(),
    stalled: stats.stall === null ? null : {
      since: new Date(stats.stall.since).toISOString(),
      seconds: (now - stats.stall.since) / 1000,
      outputs: stats.stall.outputs,
    },
    step_ms: { last: stats.lastStepMs, total: stats.totalStepMs },
    memory: { rss_bytes: memory.rss, heap_used_bytes: memory.heapUsed, heap_total_bytes: memory.heapTotal },
    inputs: Object.fromEntries(run.inputs.map((endpoint) => {
      const input = stats.input(endpoint.name);
      return [endpoint.name, {
        table: endpoint.table.name,
        transport: endpoint.transport,
        rows: input.rows,
        bytes: input.bytes,
        errors: input.errors,
        // Described now, not at the push: a description may tell what has happened since (HTTP pushes written).
        position: input.position === null ? null : endpoint.connector.describePosition?.(input.position) ?? null,
        last_errors: input.lastErrors,
      }];
    })),
    graph: {
      nodes: run.graph.nodes.map((node) => ({ ...node, total: nodeTotal(run, node.kind, node.name) })),
      edges: run.graph.edges,
    },
  };
}

/** What the console shows of an output besides its connector's own counters. */
export function outputRunnerStatus(runner: OutputRunner): Record<string, unknown> {
  const { buffer } = runner.endpoint;
  return {
    written: runner.output.status().written,
    max_queued_records: runner.endpoint.maxQueuedRecords,
    buffered_records: runner.bufferedRecords,
    buffer_limit: buffer.enabled ? buffer.maxRecords : null,
    failed_items: runner.failedItems,
    fatal: runner.fatal?.message ?? null,
    last_errors: runner.lastErrors,
  };
}

/** Rows pushed into an input or a table, changes out of a view, records an output wrote. */
function nodeTotal(run: PipelineRun, kind: GraphNodeKind, name: string): number {
  const { stats } = run;
  switch (kind) {
    case 'input':
      return stats.input(name).rows;
    case 'table':
      return run.inputs.filter((input) => input.table.name === name).reduce((n, input) => n + stats.input(input.name).rows, 0);
    case 'view':
      return stats.viewChanges[name] ?? 0;
    case 'output':
      return run.outputs.find((output) => output.endpoint.name === name)?.output.status().written ?? 0;
    default: {
      const unknown: never = kind;
      throw new Error(`internal error: graph node kind ${String(unknown)}`);
    }
  }
}
