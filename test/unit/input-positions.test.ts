import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpIngress } from '../../src/connectors/inputs/http/http-ingress.js';
import type { InputConnector, InputPosition } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import { inputTable } from '../support/inputs.js';

const TABLE = inputTable('t', [['id', 'BIGINT', false], ['s', 'VARCHAR']]);
const URI = 'postgres://reader:secret@db.example:5432/shop';

function connector(name: string, config: Record<string, unknown>, format?: { name: string }): InputConnector {
  return createInputConnector({ name, config, ...(format === undefined ? {} : { format }) }, { connector: `t.${name}`, table: TABLE, baseDir: '.' });
}

function describe(input: InputConnector, position: InputPosition): string | undefined {
  return input.describePosition?.(position);
}

test('each input describes its positions as an operator reads them: byte offset, rows generated, pushes, rows of a query, LSN', () => {
  assert.equal(describe(connector('file_input', { path: 'in.json' }, { name: 'json' }), { offset: 1204, line: 31, col: 1 }), 'byte 1204 (line 31)');
  const datagen = connector('datagen', { plan: [{ limit: 100 }, { rate: 10 }] });
  assert.equal(describe(datagen, { seed: '7', plan: 0, next: 60, gaps: [[10, 20], [40, 45]] }), 'plan 1 of 2: 45 rows generated');
  assert.equal(describe(datagen, { seed: '7', plan: 1, next: 3, gaps: [] }), 'plan 2 of 2: 3 rows generated');
  assert.equal(describe(connector('postgres_input', { uri: URI, query: 'SELECT id, s FROM t' }), { rows: 500, done: false }), '500 rows of the query');
  assert.equal(describe(connector('postgres_input', { uri: URI, query: 'SELECT id, s FROM t' }), { rows: 512, done: true }), '512 rows of the query (all)');
  const cdc = connector('postgres_cdc_input', { uri: URI, publication: 'pub', source_table: 'public.t' });
  const slot = (cdc as unknown as { slot: string }).slot;
  assert.equal(describe(cdc, { slot, snapshot: { lsn: '0/16B3748', rows: 20 } }), 'snapshot: 20 rows (stream from LSN 0/16B3748)');
  assert.equal(describe(cdc, { slot, stream: { lsn: '1/A0', changes: 3 } }), 'LSN 1/A0');
  const ingress = new HttpIngress({ connector: 't.api-ingress', table: TABLE, baseDir: '.' });
  assert.equal(describe(ingress, { pushes: 1 }), '1 push (0 written)');
  ingress.written({ pushes: 2 });
  assert.equal(describe(ingress, { pushes: 3 }), '3 pushes (2 written)');
});

test('a position that is not the connector\'s own is refused as a saved position would be', () => {
  assert.throws(() => describe(connector('file_input', { path: 'in.json' }, { name: 'json' }), { pushes: 1 }), { code: 'INPUT_POSITION_INVALID' });
});
