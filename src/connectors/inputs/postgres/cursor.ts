/**
 * Reads a query's rows a batch at a time through a cursor, so that memory stays bounded whatever
 * the result's size. Runs inside the caller's transaction, which fixes the snapshot every batch
 * sees.
 */
import type { Client, FieldDef, QueryConfig } from 'pg';

const CURSOR_BATCH_ROWS = 10_000;

export interface RowBatch {
  readonly fields: readonly FieldDef[];
  readonly rows: readonly Record<string, string | null>[];
  /** True on the last batch (which may be empty). */
  readonly last: boolean;
}

/** The text before the query in the cursor declaration, so that positions in server errors can be mapped back to the query. */
export const CURSOR_PREFIX = 'DECLARE dynaview_rows NO SCROLL CURSOR FOR ';

export async function* readInBatches(client: Client, query: string): AsyncGenerator<RowBatch> {
  // The extended protocol takes one statement: a query cannot smuggle in a second one after a `;`.
  // (pg takes `queryMode`; its type declarations do not list it yet.)
  await client.query({ text: CURSOR_PREFIX + query, queryMode: 'extended' } as QueryConfig);
  for (;;) {
    const result = await client.query<Record<string, string | null>>(`FETCH FORWARD ${CURSOR_BATCH_ROWS} FROM dynaview_rows`);
    const last = result.rows.length < CURSOR_BATCH_ROWS;
    yield { fields: result.fields, rows: result.rows, last };
    // The cursor goes when the transaction ends.
    if (last) return;
  }
}
