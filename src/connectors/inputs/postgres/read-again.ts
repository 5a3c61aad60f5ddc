/**
 * What to do with a read (a query's result, a table's snapshot) that was cut short, by a crash or
 * a lost connection, after some of its rows were pushed: the rows already pushed cannot be told
 * apart from the others, so the only way on is to read everything again. That is right only when
 * the SQL table has a primary key (an insert of a key it holds replaces the row); without one
 * every row read twice would count twice.
 */
import type { InputTable } from '../input.js';
import { connectorError, POSTGRES_READ_INTERRUPTED } from './errors.js';

export function assertCanReadAgain(table: InputTable, connector: string, field: string, what: string): void {
  if (table.primaryKey.length > 0) return;
  throw connectorError(POSTGRES_READ_INTERRUPTED, connector, field,
    `${what} was cut short after some of its rows were pushed, and table ${table.name} has no primary key, so reading it again `
      + 'would count those rows twice: start over with an empty state directory (or none), or give the table a PRIMARY KEY');
}
