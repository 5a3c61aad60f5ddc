/**
 * The fuzzer's seed corpus: valid programs (the examples, and small programs that read files with
 * `file_input` and write files with `file_output`), each with the input files it reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Seed {
  /** Where the seed comes from, for failure messages. */
  name: string;
  /** The program text. */
  sql: string;
  /** Input files by path relative to the program, as the program names them. */
  files: Record<string, string>;
  /** Whether the program only reads and writes files, so that `run` needs no DynamoDB or network. */
  filesOnly: boolean;
}

/** A connector list as it is written inside a SQL string literal (a quote written twice). */
function connectors(value: unknown): string {
  return `'${JSON.stringify([value], null, 1).replaceAll("'", "''")}'`;
}

function fileInput(path: string, format: object): string {
  return connectors({ transport: { name: 'file_input', config: { path } }, format });
}

function fileOutput(path: string): string {
  return connectors({
    transport: { name: 'file_output', config: { path } },
    format: { name: 'json', config: { update_format: 'insert_delete' } },
  });
}

const INSERT_DELETE = { name: 'json', config: { update_format: 'insert_delete' } };
const RAW = { name: 'json', config: { update_format: 'raw' } };
const RAW_ARRAY = { name: 'json', config: { update_format: 'raw', array: true } };
const CSV = { name: 'csv', config: { headers: true } };

/** Programs written for the fuzzer: every column type and the main query shapes, over files. */
const FILE_SEEDS: Seed[] = [
  {
    name: 'typed-insert-delete',
    sql: `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR, score DOUBLE, big BIGINT,
  price DECIMAL(10, 2), day DATE, at TIMESTAMP, ok BOOLEAN, tags VARCHAR ARRAY,
  attrs MAP<VARCHAR, INT>, v VARIANT) WITH ('connectors' = ${fileInput('t.json', INSERT_DELETE)});
CREATE VIEW w WITH ('connectors' = ${fileOutput('w.json')})
AS SELECT id, UPPER(name) || '!' AS shout, score * 2 AS doubled, big + 1 AS next, price, day, at,
  CASE WHEN ok THEN 'yes' ELSE 'no' END AS answer, tags[1] AS first_tag, attrs['a'] AS a, v
FROM t WHERE score > 0 AND id < 100;
`,
    files: {
      't.json': [
        '{"insert": {"id": 1, "name": "ann", "score": 1.5, "big": 9007199254740993, "price": "12.50", "day": "2024-01-02", "at": "2024-01-02 03:04:05", "ok": true, "tags": ["x", "y"], "attrs": {"a": 1}, "v": {"k": [1, 2.5, null]}}}',
        '{"insert": {"id": 2, "name": "bob", "score": -1, "ok": false}}',
        '{"insert": {"id": 3, "name": "cy", "score": 2.25, "price": 3.1, "tags": []}}',
        '{"delete": {"id": 2}}',
        '',
      ].join('\n'),
    },
    filesOnly: true,
  },
  {
    name: 'aggregate-join-raw',
    sql: `CREATE TABLE orders (order_id BIGINT NOT NULL, customer_id INT NOT NULL, amount DECIMAL(12, 2))
WITH ('connectors' = ${fileInput('orders.json', RAW)});
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL)
WITH ('connectors' = ${fileInput('customers.json', RAW_ARRAY)});
CREATE VIEW totals AS SELECT customer_id, COUNT(*) AS n, SUM(amount) AS total, MAX(amount) AS top,
  AVG(amount) AS mean FROM orders GROUP BY customer_id HAVING COUNT(*) > 0;
CREATE VIEW named WITH ('connectors' = ${fileOutput('named.json')})
AS SELECT c.name, t.n, t.total, t.top FROM totals t JOIN customers c ON c.id = t.customer_id
WHERE t.total > 1.5 ORDER BY t.total DESC LIMIT 10;
CREATE VIEW lonely WITH ('connectors' = ${fileOutput('lonely.json')})
AS SELECT DISTINCT c.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.order_id IS NULL
UNION SELECT customer_id FROM orders WHERE amount IN (SELECT amount FROM orders WHERE amount < 2);
`,
    files: {
      'orders.json': [
        '{"order_id": 100, "customer_id": 1, "amount": 25.50}',
        '{"order_id": 101, "customer_id": 1, "amount": "10.00"}',
        '{"order_id": 102, "customer_id": 2, "amount": 1}',
        '',
      ].join('\n'),
      'customers.json': '[{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}, {"id": 3, "name": "Linus"}]\n',
    },
    filesOnly: true,
  },
  {
    name: 'csv',
    sql: `CREATE TABLE readings (sensor VARCHAR NOT NULL, at TIMESTAMP, value REAL, n SMALLINT, flag BOOLEAN,
  meta VARIANT, ids INT ARRAY)
WITH ('connectors' = ${fileInput('readings.csv', CSV)});
CREATE VIEW summary WITH ('connectors' = ${fileOutput('summary.json')})
AS SELECT sensor, COUNT(value) AS n, MIN(value) AS low, SUM(n) AS total, CAST(MAX(at) AS DATE) AS last_day,
  COALESCE(MAX(CAST(flag AS INT)), -1) AS any_flag FROM readings GROUP BY sensor;
`,
    files: {
      'readings.csv': [
        'sensor,at,value,n,flag,meta,ids',
        's1,2024-01-01 00:00:00,1.5,3,true,"{""a"": 1}","[1, 2]"',
        's1,2024-01-02 00:00:00,-2e3,4,false,null,[]',
        '"s,2",,NaN,0x10,,,',
        '',
      ].join('\n'),
    },
    filesOnly: true,
  },
];

/** The examples that read files (their other connectors need DynamoDB or Postgres: `check` only). */
function exampleSeeds(examplesDir: string): Seed[] {
  return readdirSync(examplesDir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(examplesDir, name), 'utf8');
      const files: Record<string, string> = {};
      for (const match of sql.matchAll(/"path":\s*"([^"]+)"/g)) {
        const path = match[1]!;
        try {
          files[path] = readFileSync(join(examplesDir, path), 'utf8');
        } catch {
          // An output path, or a file the example does not ship.
        }
      }
      return { name: `examples/${name}`, sql, files, filesOnly: false };
    });
}

export function seedCorpus(examplesDir: string): Seed[] {
  return [...FILE_SEEDS, ...exampleSeeds(examplesDir)];
}
