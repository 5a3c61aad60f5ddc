/**
 * The oracle of the differential test: DuckDB, in memory, evaluating each view's query from scratch
 * on the tables' current contents. Its views are the same views written in the DuckDB dialect
 * (query.ts), so views over views read each other as in the program.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { renderQuery } from './query.js';
import { createTableSql, type Row, type TableSpec } from './tables.js';
import type { ProgramSpec } from './generate.js';

export class Oracle {
  private constructor(private readonly instance: DuckDBInstance, private readonly connection: DuckDBConnection) {}

  static async open(): Promise<Oracle> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // DuckDB 1.5.6 fails some queries with an aggregate FILTER over joins and a NOT EXISTS with
    // "INTERNAL Error: Failed to bind column reference", depending on the data's statistics; this
    // optimization (a speed-up only) is where it goes wrong.
    await connection.run("SET disabled_optimizers = 'compressed_materialization'");
    return new Oracle(instance, connection);
  }

  /** Replaces whatever an earlier program defined with this program's (empty) tables and views. */
  async define(program: ProgramSpec): Promise<void> {
    const existing = await this.connection.runAndReadAll(
      "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'",
    );
    // Views first: they depend on the tables.
    const relations = existing.getRows().map(([name, type]) => ({ name: String(name), view: type === 'VIEW' }));
    for (const { name } of relations.filter((r) => r.view)) await this.connection.run(`DROP VIEW IF EXISTS ${name} CASCADE`);
    for (const { name } of relations.filter((r) => !r.view)) await this.connection.run(`DROP TABLE IF EXISTS ${name} CASCADE`);
    for (const table of program.tables) await this.connection.run(createTableSql(table, 'duckdb'));
    for (const view of program.views) await this.connection.run(`CREATE VIEW ${view.name} AS ${renderQuery(view.query, 'duckdb')}`);
  }

  /** Makes the table hold exactly these rows. */
  async load(table: TableSpec, rows: readonly Row[]): Promise<void> {
    await this.connection.run(`DELETE FROM ${table.name}`);
    if (rows.length === 0) return;
    const names = table.columns.map((c) => c.name);
    const tuples = rows.map((row) => `(${names.map((name) => sqlLiteral(row[name])).join(', ')})`);
    await this.connection.run(`INSERT INTO ${table.name} (${names.join(', ')}) VALUES ${tuples.join(', ')}`);
  }

  /** The view's rows, each as DuckDB returns its values (columns by position). */
  async rows(view: string): Promise<unknown[][]> {
    try {
      return (await this.connection.runAndReadAll(`SELECT * FROM ${view}`)).getRows();
    } catch (error) {
      // A failure of the oracle is not the engine's: say which query, without DuckDB's native stack.
      throw new Error(`DuckDB cannot evaluate view ${view}: ${String((error as Error).message).split('\n')[0]}`);
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A value of the engine's representation as a DuckDB literal; the column's type does the rest. */
function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}
