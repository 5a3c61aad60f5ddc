/**
 * The source table's changes in the replication stream (pgoutput messages) as changes of the SQL
 * table. An insert inserts the new row; a delete deletes the old row; an update deletes the old
 * row and inserts the new one. The old row comes whole with REPLICA IDENTITY FULL; otherwise only
 * its key comes (or nothing, when an update kept the key), and a table with a primary key deletes
 * by key, which is all it needs. An update whose new row lacks a value the table reads (an
 * unchanged TOASTed value, which PostgreSQL leaves out unless the old row is FULL, when it is
 * taken from there) is skipped and reported, as Feldera does. A TRUNCATE stops the run: the rows
 * to delete are not known.
 */
import type { Pgoutput } from 'pg-logical-replication';
import { DynaviewError } from '../../../errors.js';
import type { Update } from '../../../schema.js';
import type { InputTable } from '../input.js';
import { RowReader, type SourceValues } from './columns.js';
import type { SourceTable } from './cdc-source.js';
import { connectorError, POSTGRES_CHANGE_SKIPPED, POSTGRES_COLUMNS_MISSING, POSTGRES_TRUNCATE_NOT_SUPPORTED } from './errors.js';
import type { TypeDecoders } from './values.js';

type Tuple = Record<string, string | null | undefined>;
export type RowChange = Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete;

export class ChangeDecoder {
  private reader: RowReader;

  constructor(
    private readonly table: InputTable,
    private readonly source: SourceTable,
    private readonly types: TypeDecoders,
    private readonly connector: string,
  ) {
    this.reader = source.reader;
  }

  isSource(relation: Pgoutput.MessageRelation): boolean {
    return relation.schema === this.source.schema && relation.name === this.source.name;
  }

  /**
   * The table's columns as the stream describes them (sent before its first change, and again
   * after the table changed). `learn` fetches the decoders of types not seen before.
   */
  async relation(relation: Pgoutput.MessageRelation, learn: (oids: number[]) => Promise<void>): Promise<void> {
    const columns = relation.columns.map((column) => ({ name: column.name, typeOid: column.typeOid }));
    await learn(columns.map((column) => column.typeOid));
    const reader = RowReader.match(this.table, columns, this.types);
    const missing = reader.missingNotNull;
    if (missing.length > 0) {
      throw connectorError(POSTGRES_COLUMNS_MISSING, this.connector, 'source_table',
        `${this.source.qualified} no longer has column ${missing.join(', ')}, NOT NULL in table ${this.table.name}: put it back, or make it nullable in the SQL table`);
    }
    this.reader = reader;
  }

  truncate(message: Pgoutput.MessageTruncate, publication: string): void {
    if (!message.relations.some((relation) => this.isSource(relation))) return;
    throw connectorError(POSTGRES_TRUNCATE_NOT_SUPPORTED, this.connector, 'source_table',
      `${this.source.qualified} was truncated, and a TRUNCATE cannot be replicated: the replication stream does not say which rows it deleted. `
        + 'Start over with an empty state directory (or none) to take a new snapshot; to have TRUNCATE ignored instead, '
        + `run ALTER PUBLICATION ${publication} SET (publish = 'insert, update, delete')`);
  }

  /** The changes one message stands for; a change that cannot be applied is reported (`where` says which) and skipped. */
  changes(message: RowChange, where: string, report: (error: DynaviewError) => void): Update[] {
    try {
      switch (message.tag) {
        case 'insert':
          return [{ row: this.reader.row(values(message.new)), weight: 1 }];
        case 'delete':
          return [{ row: this.oldRow(message.old, message.key, undefined), weight: -1 }];
        case 'update': {
          const unsent = this.reader.unsent(values(message.new));
          if (unsent.length > 0) {
            throw this.skipped(`the new row leaves out the unchanged TOASTed value of ${unsent.join(', ')}, which PostgreSQL sends only with `
              + `REPLICA IDENTITY FULL: run ALTER TABLE ${this.source.qualified} REPLICA IDENTITY FULL`);
          }
          return [{ row: this.oldRow(message.old, message.key, message.new), weight: -1 }, { row: this.reader.row(values(message.new)), weight: 1 }];
        }
        default:
          return unreachable(message);
      }
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      report(new DynaviewError(error.code,
        `connector ${this.connector}: ${message.tag} in ${this.source.qualified} (${where}): ${error.message} (change skipped)`,
        { context: { ...error.context, connector: this.connector, table: this.table.name } }));
      return [];
    }
  }

  /**
   * The row to delete: by key when the table has a primary key (from the old row, the old key,
   * or, when an update kept the key, the new row), else the whole old row, which only REPLICA
   * IDENTITY FULL sends.
   */
  private oldRow(old: Tuple | null, key: Tuple | null, updated: Tuple | undefined): Update['row'] {
    if (this.table.primaryKey.length > 0) {
      const keyed = old ?? key ?? updated;
      if (keyed !== undefined) return this.reader.keyRow(values(keyed));
    } else if (old !== null) {
      return this.reader.row(values(old));
    }
    throw this.skipped(`PostgreSQL sent no old row, and table ${this.table.name} has no primary key to find it by: `
      + `run ALTER TABLE ${this.source.qualified} REPLICA IDENTITY FULL`);
  }

  private skipped(reason: string): DynaviewError {
    return new DynaviewError(POSTGRES_CHANGE_SKIPPED, reason);
  }
}

function values(tuple: Tuple): SourceValues {
  return (column) => tuple[column];
}

function unreachable(message: never): never {
  throw new Error(`internal error: unexpected change ${JSON.stringify(message)}`);
}
