/** SQL programs built from their connectors, for tests that run the command line. */

export interface ViewProgram {
  /** Column definitions of table t, e.g. `id INT NOT NULL, s VARCHAR`. */
  columns: string;
  /** The input connector of t. */
  input: object;
  /** The `config` of the dynamodb_output connector of view v (`SELECT * FROM t`). */
  output: object;
  /** The columns of v_idx, the index the connector writes by. */
  key: string;
}

/** Table t fed by one input connector, view v over it written to DynamoDB, and its index v_idx. */
export function viewProgram(program: ViewProgram): string {
  const output = { index: 'v_idx', transport: { name: 'dynamodb_output', config: program.output } };
  return [
    `CREATE TABLE t (${program.columns}) WITH ('connectors' = '${sqlJson([program.input])}');`,
    `CREATE VIEW v WITH ('connectors' = '${sqlJson([output])}') AS SELECT * FROM t;`,
    `CREATE INDEX v_idx ON v(${program.key});`,
    '',
  ].join('\n');
}

/** A file_input connector reading one raw JSON row per line. */
export function rawFileInput(path: string): object {
  return { transport: { name: 'file_input', config: { path } }, format: { name: 'json', config: { update_format: 'raw' } } };
}

/** JSON text inside a SQL string literal, where a quote is written twice. */
function sqlJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("'", "''");
}

/** `line:column` of the first occurrence of `needle` in `text`, as dynaview reports positions. */
export function positionOf(text: string, needle: string): string {
  const offset = text.indexOf(needle);
  if (offset === -1) throw new Error(`${JSON.stringify(needle)} is not in the program`);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/**
 * Table t (id, a, b) read from `rows.json`, and view v = `SELECT id, a / b AS ratio FROM t`
 * written to `out.json`: a row with b = 0 is a runtime error (division by zero) in v.
 */
export const DIVIDING_PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b INT) WITH ('connectors' = '[{
  "transport": {"name": "file_input", "config": {"path": "rows.json"}},
  "format": {"name": "json", "config": {"update_format": "insert_delete"}}
}]');
CREATE VIEW v WITH ('connectors' = '[{"transport": {"name": "file_output", "config": {"path": "out.json"}}}]')
AS SELECT id, a / b AS ratio FROM t;
`;
