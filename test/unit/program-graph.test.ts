import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSource } from '../../src/pipeline/program.js';
import { programGraph } from '../../src/pipeline/program-graph.js';

const FILE_INPUT = `'connectors' = '[{"name": "file", "transport": {"name": "file_input", "config": {"path": "in.json"}}, "format": {"name": "json"}}]'`;
const FILE_OUTPUT = (path: string): string => `'connectors' = '[{"name": "out", "transport": {"name": "file_output", "config": {"path": "${path}"}}}]'`;

test('the graph links input connectors to their tables, each view to the tables and views its query reads, and views to their output connectors', () => {
  const program = compileSource(`
    CREATE TABLE orders (id INT NOT NULL, customer INT NOT NULL, amount INT) WITH (${FILE_INPUT});
    CREATE TABLE customers (id INT NOT NULL, name VARCHAR);
    CREATE LOCAL VIEW named AS SELECT o.id, c.name, o.amount FROM orders o JOIN customers c ON o.customer = c.id;
    CREATE MATERIALIZED VIEW totals WITH (${FILE_OUTPUT('totals.json')}) AS
      WITH big AS (SELECT * FROM named WHERE amount > 10) SELECT name, SUM(amount) AS total FROM big GROUP BY name
      UNION ALL SELECT name, SUM(amount) FROM big WHERE name IS NULL GROUP BY name;
    CREATE VIEW lonely AS SELECT 1 AS one;`, 'p.sql');
  assert.deepEqual(program.problems.map((p) => p.message), []);
  const graph = programGraph(program.catalog, program.endpoints.inputs, program.endpoints.outputs);
  assert.deepEqual(graph.nodes.map((node) => node.id),
    ['input:orders.file', 'table:orders', 'table:customers', 'view:named', 'view:totals', 'view:lonely', 'output:totals.out']);
  assert.deepEqual(graph.nodes.slice(0, -1).map((node) => node.detail), ['file_input', '3 columns', '2 columns', 'local', 'materialized', 'view']);
  assert.match(graph.nodes.at(-1)!.detail, /^file \S*totals\.json$/);
  assert.deepEqual(graph.edges, [
    ['input:orders.file', 'table:orders'],
    ['table:orders', 'view:named'],
    ['table:customers', 'view:named'],
    ['view:named', 'view:totals'],
    ['view:totals', 'output:totals.out'],
  ]);
});
