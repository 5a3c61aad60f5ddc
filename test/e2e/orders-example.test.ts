import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, writeFiles } from '../support/cli.js';

/** The rows of a table `--local` printed, as arrays of cell text. */
function printedTable(stdout: string, table: string): string[][] {
  const start = stdout.indexOf(`DynamoDB table ${table} (`);
  assert.ok(start >= 0, `no table ${table} in:\n${stdout}`);
  const lines = stdout.slice(start).split('\n').slice(3);
  const end = lines.findIndex((line) => !line.startsWith('|'));
  return lines.slice(0, end).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

test('the orders example joins and aggregates into DynamoDB Local, following updates and deletes', async () => {
  const { code, stdout, stderr } = await runCli(['run', 'examples/orders.sql', '--local']);
  assert.equal(code, 0, stderr);
  // Columns as printed: the key first, then the others by name.
  assert.deepEqual(printedTable(stdout, 'customer_totals'), [
    ['1', '25.5', 'Ada', '2', '38'],
    ['2', '99.99', 'Grace', '2', '141.99'],
    ['3', 'NULL', 'Linus', '0', '0'],
  ]);
  assert.deepEqual(printedTable(stdout, 'top_orders'), [
    ['100', '25.5', 'London'],
    ['102', '99.99', 'New York'],
    ['104', '42', 'New York'],
  ]);
});

test('explain prints the example views plans', async () => {
  const { code, stdout, stderr } = await runCli(['explain', 'examples/orders.sql']);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^view customer_totals \(customer_id INT NOT NULL, name VARCHAR NOT NULL, orders BIGINT NOT NULL, total DECIMAL\(38, 2\) NOT NULL, largest DECIMAL\(10, 2\)\)\n {2}Project /);
  assert.match(stdout, / {6}Join LEFT ON c\.id = o\.customer_id\n {8}Scan customers AS c\n/);
  assert.match(stdout, /\n {2}TopK 3 ORDER BY o\.amount DESC\n/);
  assert.doesNotMatch(stdout, /warning/);
});

test('check warns, naming view and index, when an index is not known to be unique, and still exits 0', async () => {
  const dir = writeFiles({
    'amounts.sql': `CREATE TABLE orders (oid INT NOT NULL PRIMARY KEY, cid INT, amount INT);
CREATE VIEW amounts WITH ('connectors' = '[{"index": "amounts_idx", "transport": {"name": "dynamodb_output", "config": {"table": "amounts", "region": "us-east-1"}}}]')
  AS SELECT cid, amount FROM orders;
CREATE INDEX amounts_idx ON amounts(cid);
CREATE VIEW per_customer WITH ('connectors' = '[{"index": "per_customer_idx", "transport": {"name": "dynamodb_output", "config": {"table": "per_customer", "region": "us-east-1"}}}]')
  AS SELECT cid, SUM(amount) AS total FROM orders GROUP BY cid;
CREATE INDEX per_customer_idx ON per_customer(cid);
`,
  });
  const file = join(dir, 'amounts.sql');
  const { code, stdout, stderr } = await runCli(['check', file]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /: ok \(1 table, 2 views/);
  assert.deepEqual(stderr.trim().split('\n'), [
    `warning: ${file}:4:1: index amounts_idx on view amounts (cid) is not known to be unique: rows of the view may share a key, `
    + 'and an output writes only one of them per key (index a primary key kept by the view, its GROUP BY columns, or the keys of both sides of a join)',
  ]);
});
