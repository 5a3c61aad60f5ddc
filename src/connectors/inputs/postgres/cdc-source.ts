/**
 * What `postgres_cdc_input` checks on the server before it reads anything, each failure one error
 * that names the option and says what to run: logical decoding is on (`wal_level`), the source
 * table exists, the publication exists and carries the table's inserts, updates and deletes, the
 * table has every NOT NULL column of the SQL table, and its replica identity lets a delete or
 * update say which row it removes.
 */
import type { Client } from 'pg';
import { errorMessage } from '../../../errors.js';
import type { InputTable } from '../input.js';
import { parseArrayLiteral } from './array-literal.js';
import { RowReader, sourceColumnFor, type SourceColumn } from './columns.js';
import type { CdcInputConfig } from './config.js';
import {
  connectorError, POSTGRES_COLUMNS_MISSING, POSTGRES_PUBLICATION_MISSING, POSTGRES_REPLICA_IDENTITY_INSUFFICIENT,
  POSTGRES_TABLE_NOT_FOUND, POSTGRES_TABLE_NOT_PUBLISHED, POSTGRES_WAL_LEVEL_NOT_LOGICAL, quoteIdentifier, sqlState,
} from './errors.js';
import type { TypeDecoders } from './values.js';

export interface SourceTable {
  readonly schema: string;
  readonly name: string;
  /** `schema.name`, quoted where SQL needs it. */
  readonly qualified: string;
  readonly columns: readonly SourceColumn[];
  /** With REPLICA IDENTITY FULL a delete or update carries the whole old row; otherwise only the identity key. */
  readonly fullIdentity: boolean;
  readonly reader: RowReader;
}

const REPLICA_IDENTITY_NAMES: Readonly<Record<string, string>> = { d: 'DEFAULT', n: 'NOTHING', i: 'USING INDEX', f: 'FULL' };

export class SourceChecks {
  constructor(
    private readonly client: Client,
    private readonly config: CdcInputConfig,
    private readonly table: InputTable,
    private readonly connector: string,
  ) {}

  /** Runs every check; throws the first problem found. */
  async describe(types: TypeDecoders): Promise<SourceTable> {
    await this.checkWalLevel();
    const { oid, schema, name, replicaIdentity } = await this.findTable();
    const qualified = `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
    const published = await this.checkPublication(schema, name, qualified);
    const all = (await this.client.query<{ name: string; type: string }>(
      'SELECT attname AS name, atttypid AS type FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum', [oid],
    )).rows.map((column) => ({ name: column.name, typeOid: Number(column.type) }));
    const columns = all.filter((column) => published === undefined || published.includes(column.name));
    await types.learn(this.client, columns.map((column) => column.typeOid));
    const reader = RowReader.match(this.table, columns, types);
    this.checkColumns(reader, qualified, columns.length < all.length);
    await this.checkReplicaIdentity(oid, replicaIdentity, qualified, columns);
    return { schema, name, qualified, columns, fullIdentity: replicaIdentity === 'f', reader };
  }

  private async checkWalLevel(): Promise<void> {
    const level = (await this.client.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level;
    if (level === 'logical') return;
    throw connectorError(POSTGRES_WAL_LEVEL_NOT_LOGICAL, this.connector, 'uri',
      `PostgreSQL at ${this.config.server.shownUri} has wal_level = ${level ?? 'unknown'}, and change data capture needs logical: `
        + 'run ALTER SYSTEM SET wal_level = logical; and restart the server');
  }

  private async findTable(): Promise<{ oid: string; schema: string; name: string; replicaIdentity: string }> {
    const missing = (detail: string): Error => connectorError(POSTGRES_TABLE_NOT_FOUND, this.connector, 'source_table',
      `${detail}: name an existing table, schema-qualified, e.g. "public.orders" (and GRANT SELECT on it to the user of uri)`);
    let rows: { oid: string; schema: string; name: string; kind: string; replica_identity: string }[];
    try {
      rows = (await this.client.query<{ oid: string; schema: string; name: string; kind: string; replica_identity: string }>(
        `SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.relreplident AS replica_identity
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`, [this.config.sourceTable])).rows;
    } catch (error) {
      // to_regclass refuses a name that is not one (e.g. too many dots).
      if (sqlState(error) === undefined || sqlState(error)!.startsWith('08')) throw error;
      throw missing(`"${this.config.sourceTable}" is not a table name (${errorMessage(error)})`);
    }
    const row = rows[0];
    if (row === undefined) throw missing(`table "${this.config.sourceTable}" does not exist in database ${this.config.server.database}`);
    if (row.kind !== 'r' && row.kind !== 'p') throw missing(`"${this.config.sourceTable}" is not a table`);
    return { oid: row.oid, schema: row.schema, name: row.name, replicaIdentity: row.replica_identity };
  }

  /** Checks that the publication carries the table's changes; returns the columns it publishes when it has a column list. */
  private async checkPublication(schema: string, name: string, qualified: string): Promise<string[] | undefined> {
    const { publication } = this.config;
    const pub = quoteIdentifier(publication);
    const flags = (await this.client.query<Record<string, string>>(
      'SELECT pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = $1', [publication])).rows[0];
    if (flags === undefined) {
      throw connectorError(POSTGRES_PUBLICATION_MISSING, this.connector, 'publication',
        `publication "${publication}" does not exist in database ${this.config.server.database}: run CREATE PUBLICATION ${pub} FOR TABLE ${qualified}`);
    }
    const actions = ['insert', 'update', 'delete', 'truncate'];
    const missing = actions.slice(0, 3).filter((action) => flags[`pub${action}`] !== 't');
    if (missing.length > 0) {
      const wanted = actions.filter((action) => flags[`pub${action}`] === 't' || missing.includes(action));
      throw connectorError(POSTGRES_TABLE_NOT_PUBLISHED, this.connector, 'publication',
        `publication "${publication}" does not publish ${missing.join(', ')}, so the table's ${missing.join(' and ')}s would be lost: `
          + `run ALTER PUBLICATION ${pub} SET (publish = '${wanted.join(', ')}')`);
    }
    const row = (await this.client.query<Record<string, string | null>>(
      'SELECT * FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3', [publication, schema, name])).rows[0];
    if (row === undefined) {
      throw connectorError(POSTGRES_TABLE_NOT_PUBLISHED, this.connector, 'publication',
        `publication "${publication}" does not carry table ${qualified}: run ALTER PUBLICATION ${pub} ADD TABLE ${qualified}`);
    }
    // PostgreSQL 15 and later list the published columns (all of them without a column list).
    const columns = row['attnames'];
    return typeof columns === 'string' ? parseArrayLiteral(columns).filter((column): column is string => typeof column === 'string') : undefined;
  }

  private checkColumns(reader: RowReader, qualified: string, columnList: boolean): void {
    const missing = reader.missingNotNull;
    if (missing.length === 0) return;
    throw connectorError(POSTGRES_COLUMNS_MISSING, this.connector, 'source_table',
      `${qualified} has no${columnList ? ' published' : ''} column ${missing.join(', ')}, NOT NULL in table ${this.table.name}: `
        + `add ${missing.length === 1 ? 'it' : 'them'} to ${qualified}${columnList ? ` and to the publication's column list` : ''}, or make ${missing.length === 1 ? 'it' : 'them'} nullable in the SQL table`);
  }

  /**
   * Without REPLICA IDENTITY FULL, a delete or update names the old row by the identity key
   * only: enough when the SQL table's primary key is among those columns (the row with that key
   * goes), not otherwise.
   */
  private async checkReplicaIdentity(oid: string, identity: string, qualified: string, columns: readonly SourceColumn[]): Promise<void> {
    if (identity === 'f') return;
    const fix = `run ALTER TABLE ${qualified} REPLICA IDENTITY FULL`;
    const { primaryKey } = this.table;
    if (primaryKey.length === 0) {
      throw connectorError(POSTGRES_REPLICA_IDENTITY_INSUFFICIENT, this.connector, 'source_table',
        `${qualified} has REPLICA IDENTITY ${REPLICA_IDENTITY_NAMES[identity] ?? identity}, so its deletes and updates carry at most a key, `
          + `and table ${this.table.name} has no primary key to find the old row by: ${fix} (or give the SQL table a PRIMARY KEY that is the source's key)`);
    }
    const keyColumns = identity === 'n' ? [] : (await this.client.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1 AND ${identity === 'd' ? 'i.indisprimary' : 'i.indisreplident'}`, [oid])).rows.map((row) => row.name);
    const identityColumns = columns.filter((column) => keyColumns.includes(column.name));
    if (primaryKey.every((key) => sourceColumnFor(key, identityColumns) !== undefined)) return;
    throw connectorError(POSTGRES_REPLICA_IDENTITY_INSUFFICIENT, this.connector, 'source_table',
      `the primary key of table ${this.table.name} (${primaryKey.join(', ')}) is not within the replica identity of ${qualified} `
        + `(${keyColumns.length === 0 ? 'none' : keyColumns.join(', ')}), so a delete would not say which row goes: ${fix}`);
  }
}
