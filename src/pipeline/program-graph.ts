/**
 * The program as a graph, for /status and the web console: input connectors feed tables, tables
 * and views feed the views whose queries read them, and views feed their output connectors.
 */
import type { Catalog } from '../engine/catalog.js';
import { planInputs, type PlanNode } from '../plan/plan.js';
import type { InputEndpoint, OutputEndpoint } from './endpoints.js';

export type GraphNodeKind = 'input' | 'table' | 'view' | 'output';

export interface GraphNode {
  /** `<kind>:<name>`: a table and a connector may share a name. */
  readonly id: string;
  readonly kind: GraphNodeKind;
  readonly name: string;
  /** What an operator wants to see under the name: the transport, or what an output writes to. */
  readonly detail: string;
}

export interface ProgramGraph {
  readonly nodes: readonly GraphNode[];
  /** `[from, to]` by node id. */
  readonly edges: readonly (readonly [string, string])[];
}

export function nodeId(kind: GraphNodeKind, name: string): string {
  return `${kind}:${name}`;
}

export function programGraph(catalog: Catalog, inputs: readonly InputEndpoint[], outputs: readonly OutputEndpoint[]): ProgramGraph {
  const nodes: GraphNode[] = [];
  const edges: Array<readonly [string, string]> = [];
  for (const input of inputs) {
    nodes.push({ id: nodeId('input', input.name), kind: 'input', name: input.name, detail: input.transport });
    edges.push([nodeId('input', input.name), nodeId('table', input.table.name)]);
  }
  for (const relation of catalog.relations.values()) {
    if (relation.kind === 'table') {
      nodes.push({ id: nodeId('table', relation.name), kind: 'table', name: relation.name, detail: `${relation.columns.length} columns` });
      continue;
    }
    nodes.push({ id: nodeId('view', relation.name), kind: 'view', name: relation.name, detail: relation.statement.modifier ?? 'view' });
    for (const read of scannedRelations(relation.plan)) {
      const source = catalog.relations.get(read);
      if (source !== undefined) edges.push([nodeId(source.kind, read), nodeId('view', relation.name)]);
    }
  }
  for (const output of outputs) {
    nodes.push({ id: nodeId('output', output.name), kind: 'output', name: output.name, detail: output.connector.target });
    edges.push([nodeId('view', output.view.name), nodeId('output', output.name)]);
  }
  return { nodes, edges };
}

/** The tables and views a plan reads, each once (a node read twice, as a WITH item can be, is visited once). */
function scannedRelations(plan: PlanNode): Set<string> {
  const found = new Set<string>();
  const visited = new Set<PlanNode>();
  const visit = (node: PlanNode): void => {
    if (visited.has(node)) return;
    visited.add(node);
    if (node.kind === 'Scan') found.add(node.relation);
    for (const input of planInputs(node)) visit(input);
  };
  visit(plan);
  return found;
}
