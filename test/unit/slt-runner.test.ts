// The sqllogictest runner's parser, value rendering, sort modes, hashing and SQL translation
// (scripts/slt/*.mjs), on inline snippets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

type Expected = { kind: 'values'; values: string[] } | { kind: 'hash'; count: number; hash: string };
interface SltRecord {
  kind: string;
  line: number;
  skipped: boolean;
  conditions: string[];
  sql?: string;
  expect?: string;
  types?: string;
  sortMode?: string;
  label?: string | null;
  expected?: Expected;
  value?: number;
}
interface QueryRecord { sql: string; types: string; sortMode: string; expected: Expected }
interface Comparison { pass: boolean; actual: string; expected: string; note: string | null; ordering: string }
interface SltLib {
  parseSlt(text: string, engine?: string): SltRecord[];
  renderValue(value: unknown, type: string): string;
  renderRows(rows: unknown[][], types: string): string[];
  sortValues(values: string[], sortMode: string, columns: number): string[];
  hashValues(values: string[]): string;
  compareResult(record: QueryRecord, rows: unknown[][], hashThreshold: number): Comparison;
  outerOrderBy(sql: string): { terms: null | { unsupported: string } | { column: number; desc: boolean }[]; limit: boolean };
  replayChanges(text: string, columns: string[]): unknown[][];
  parseJsonLossless(text: string): unknown;
  JsonNumber: new (text: string) => { text: string };
}
interface Column { name: string; type: string; notNull: boolean; primaryKey: boolean; defaultSql: string | null }
interface Rewrite {
  parseCreateTable(sql: string): { name: string; columns: Column[]; primaryKey: string[] | null; notes: string[] };
  tableDdl(table: { name: string; columns: Column[]; primaryKey: string[] | null }, connectors: string): string;
  parseInsert(sql: string): { table: string; columns: string[] | null; rows: { kind: string }[][] };
  jsonValue(literal: { kind: string; text?: string; value?: unknown }, type: string): string;
  nullSafeDivision(sql: string): string | null;
  sentinelDivision(sql: string): string | null;
  avgAsDouble(sql: string): string | null;
  buildProgram(header: string, tables: { ddl: string }[], views: { name: string; columnCount: number; sql: string; outPath: string }[]):
    { text: string; spans: { name: string; start: number; end: number }[] };
}

// Compiled to .test-build/test/unit/, the scripts stay at the project root.
const scripts = new URL('../../../scripts/slt/', import.meta.url);
const lib = (await import(new URL('slt-lib.mjs', scripts).href)) as SltLib;
const rewrite = (await import(new URL('sql-rewrite.mjs', scripts).href)) as Rewrite;

const SNIPPET = [
  '# a comment',
  'hash-threshold 8',
  '',
  'statement ok',
  'CREATE TABLE tab0(col0 INTEGER, col1 INTEGER, col2 INTEGER)',
  '',
  'statement ok',
  'INSERT INTO tab0 VALUES(89,91,82)',
  '',
  'query III rowsort',
  'SELECT * FROM tab0 AS cor0',
  '----',
  '9 values hashing to 38a1673e2e09d694c8cec45c797034a7',
  '',
  'skipif mysql # not compatible',
  'query I rowsort label-7',
  'SELECT - col2 / - col0',
  '# comment lines inside a record are dropped',
  '  FROM tab1',
  '----',
  '-51',
  '-68',
  '',
  'onlyif sqlite',
  'query I nosort',
  'SELECT 1',
  '----',
  '1',
  '',
  'skipif DynaView',
  'statement ok',
  'DROP TABLE tab0',
  '',
  'query T valuesort',
  'SELECT 1',
  '',
  'halt',
  '',
].join('\r\n');

test('slt records: statements, queries, hashes, labels, comments, CRLF and conditions for the engine "dynaview"', () => {
  const records = lib.parseSlt(SNIPPET);
  assert.deepEqual(records.map((r) => [r.kind, r.skipped]), [
    ['hash-threshold', false], ['statement', false], ['statement', false], ['query', false], ['query', false],
    ['query', true], ['statement', true], ['query', false], ['halt', false],
  ]);
  assert.equal(records[0]!.value, 8);
  assert.equal(records[1]!.sql, 'CREATE TABLE tab0(col0 INTEGER, col1 INTEGER, col2 INTEGER)');
  const hashed = records[3]!;
  assert.deepEqual([hashed.types, hashed.sortMode, hashed.label], ['III', 'rowsort', null]);
  assert.deepEqual(hashed.expected, { kind: 'hash', count: 9, hash: '38a1673e2e09d694c8cec45c797034a7' });
  const labelled = records[4]!;
  assert.deepEqual(labelled.conditions, ['skipif mysql']);
  assert.equal(labelled.label, 'label-7');
  assert.equal(labelled.sql, 'SELECT - col2 / - col0\n  FROM tab1');
  assert.deepEqual(labelled.expected, { kind: 'values', values: ['-51', '-68'] });
  assert.equal(records[5]!.line, 25); // onlyif sqlite: not us
  assert.deepEqual(records[7]!.expected, { kind: 'values', values: [] }); // no ---- : an empty result
  assert.equal(lib.parseSlt('onlyif dynaview\nquery I nosort\nSELECT 1\n')[0]!.skipped, false);
});

test('values render as sqllogictest\'s SQLite driver renders them', () => {
  const { renderValue: r, JsonNumber } = lib;
  assert.equal(r(null, 'I'), 'NULL');
  assert.equal(r(null, 'T'), 'NULL');
  assert.equal(r(42, 'I'), '42');
  assert.equal(r(new JsonNumber('-2.7'), 'I'), '-2'); // truncated toward zero
  assert.equal(r('12.9', 'I'), '12'); // a DECIMAL written as a string
  assert.equal(r(new JsonNumber('5000000000'), 'I'), '705032704'); // sqlite3_column_int keeps the low 32 bits
  assert.equal(r(true, 'I'), '1');
  assert.equal(r(new JsonNumber('45.6666'), 'R'), '45.667');
  assert.equal(r(3, 'R'), '3.000');
  assert.equal(r(new JsonNumber('-0.0001'), 'R'), '-0.000');
  assert.equal(r('', 'T'), '(empty)');
  assert.equal(r('tab\there é', 'T'), 'tab@here @@');
  assert.equal(r(new JsonNumber('7'), 'T'), '7');
  assert.equal(r(new JsonNumber('1.5'), 'T'), '1.5');
  assert.equal(r(new JsonNumber('100.0'), 'T'), '100.0');
});

test('sort modes and the MD5 of the values', () => {
  const values = ['9', '10', 'x', '1', '2', 'a'];
  assert.deepEqual(lib.sortValues(values, 'rowsort', 3), ['1', '2', 'a', '9', '10', 'x']); // rows compared as strings
  assert.deepEqual(lib.sortValues(values, 'valuesort', 3), ['1', '10', '2', '9', 'a', 'x']);
  assert.deepEqual(lib.sortValues(values, 'nosort', 3), values);
  assert.equal(lib.hashValues(['1', '2']), createHash('md5').update('1\n2\n').digest('hex'));
  // The corpus's own hash of tab0 (random/select/slt_good_0.test): rows 89 91 82, 35 97 1, 24 86 33.
  const rows = [[89, 91, 82], [35, 97, 1], [24, 86, 33]];
  const sorted = lib.sortValues(lib.renderRows(rows, 'III'), 'rowsort', 3);
  assert.equal(lib.hashValues(sorted), '38a1673e2e09d694c8cec45c797034a7');
  const record: QueryRecord = { sql: 'SELECT * FROM tab0 AS cor0', types: 'III', sortMode: 'rowsort', expected: { kind: 'hash', count: 9, hash: '38a1673e2e09d694c8cec45c797034a7' } };
  assert.equal(lib.compareResult(record, rows, 8).pass, true);
  assert.equal(lib.compareResult(record, rows.slice(1), 8).pass, false);
});

test('nosort: the view is unordered, so the runner applies ORDER BY ordinals (SQLite order: NULLs first, numbers numerically)', () => {
  assert.deepEqual(lib.outerOrderBy('SELECT a, b FROM t ORDER BY 2 DESC, 1').terms, [
    { column: 1, desc: true, nullsFirst: false }, { column: 0, desc: false, nullsFirst: true },
  ]);
  assert.deepEqual(lib.outerOrderBy('SELECT (SELECT x FROM u ORDER BY 1) FROM t').terms, null);
  assert.deepEqual(lib.outerOrderBy('SELECT a FROM t ORDER BY a + 1 LIMIT 3'), { terms: { unsupported: 'a + 1' }, limit: true });
  const record: QueryRecord = { sql: 'SELECT a, b FROM t1 ORDER BY 1', types: 'IT', sortMode: 'nosort', expected: { kind: 'values', values: ['NULL', 'n', '2', 'b', '10', 'a'] } };
  const rows = [[10, 'a'], [null, 'n'], [2, 'b']];
  const result = lib.compareResult(record, rows, 8);
  assert.equal(result.pass, true, result.actual);
  assert.equal(result.ordering, 'nosort: ORDER BY applied by the runner');
  // Without an ORDER BY it can apply, a nosort record is compared as rowsort.
  const unordered: QueryRecord = { ...record, sql: 'SELECT a, b FROM t1', expected: { kind: 'values', values: ['10', 'a', '2', 'b', 'NULL', 'n'] } };
  const r2 = lib.compareResult(unordered, rows, 8);
  assert.equal(r2.pass, true);
  assert.equal(r2.ordering, 'nosort compared as rowsort');
  assert.equal(lib.compareResult({ ...record, expected: { kind: 'values', values: ['2', 'b', '10', 'a', 'NULL', 'n'] } }, rows, 8).pass, false);
});

test('a view\'s insert_delete output replays into its rows, numbers kept as written', () => {
  const text = [
    '{"insert": {"c0": 1, "c1": "a"}}',
    '{"insert": {"c0": 1, "c1": "a"}}',
    '{"insert": {"c0": 2.50, "c1": null}}',
    '{"delete": {"c0": 1, "c1": "a"}}',
    '',
  ].join('\n');
  const rows = lib.replayChanges(text, ['c0', 'c1']);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => lib.renderRows([r], 'IT').join(' ')), ['1 a', '2 NULL']);
  assert.equal((rows[1]![0] as { text: string }).text, '2.50');
  assert.throws(() => lib.replayChanges('{"delete": {"c0": 1, "c1": "a"}}\n', ['c0', 'c1']), /weight -1/);
  assert.throws(() => lib.replayChanges('{"insert": {"c0": 1}}\n', ['c0', 'c1']), /no column c1/);
  assert.equal((lib.parseJsonLossless('{"n": 9007199254740993}') as { n: { text: string } }).n.text, '9007199254740993');
});

test('SQLite DDL and INSERTs become Feldera DDL and JSON values by SQLite\'s type affinity', () => {
  const table = rewrite.parseCreateTable('CREATE TABLE t1(\n  a1 INTEGER PRIMARY KEY,\n  b1 INTEGER NOT NULL,\n  x1 VARCHAR(40) UNIQUE,\n  r REAL\n)');
  assert.deepEqual(table.columns.map((c) => [c.name, c.type, c.notNull, c.primaryKey]), [
    ['a1', 'INT', false, true], ['b1', 'INT', true, false], ['x1', 'VARCHAR', false, false], ['r', 'DOUBLE', false, false],
  ]);
  assert.deepEqual(table.notes, ['x1: dropped UNIQUE']);
  assert.equal(rewrite.tableDdl(table, '[]'), "CREATE TABLE t1 (a1 INT PRIMARY KEY, b1 INT NOT NULL, x1 VARCHAR, r DOUBLE) WITH ('connectors' = '[]');");
  const insert = rewrite.parseInsert("INSERT INTO t1(b1,a1,x1) VALUES(-3,NULL,'it''s'), (+4, 5, 6)");
  assert.deepEqual(insert.columns, ['b1', 'a1', 'x1']);
  assert.deepEqual(insert.rows[0], [{ kind: 'number', text: '-3' }, { kind: 'null' }, { kind: 'string', value: "it's" }]);
  assert.equal(rewrite.jsonValue({ kind: 'number', text: '+4' }, 'INT'), '4');
  assert.equal(rewrite.jsonValue({ kind: 'number', text: '6' }, 'VARCHAR'), '"6"');
  assert.equal(rewrite.jsonValue({ kind: 'string', value: '12' }, 'INT'), '12');
  assert.equal(rewrite.jsonValue({ kind: 'number', text: '.5' }, 'DOUBLE'), '0.5');
  assert.throws(() => rewrite.parseInsert('INSERT INTO t1 SELECT * FROM t2'), /INSERT without VALUES/);
});

test('queries become views with numbered columns; SQLite\'s rules can be made explicit in a re-run', () => {
  const { text, spans } = rewrite.buildProgram('test', [{ ddl: 'CREATE TABLE t (a INT);' }], [
    { name: 'q_1', columnCount: 2, sql: 'SELECT a,\n a FROM t;', outPath: "/tmp/it's.json" },
  ]);
  assert.match(text, /^CREATE VIEW q_1 \(c0, c1\) WITH \('connectors' = '\[\{"transport":\{"name":"file_output","config":\{"path":"\/tmp\/it''s.json"\}\},"format":\{"name":"json","config":\{"update_format":"insert_delete"\}\}\}\]'\) AS$/m);
  assert.deepEqual(spans, [{ name: 'q_1', start: 3, end: 5 }]);
  assert.equal(rewrite.nullSafeDivision('SELECT - col2 / - col0 % (a / b) FROM t'), 'SELECT - col2 / NULLIF(- col0, 0) % NULLIF((a / NULLIF(b, 0)), 0) FROM t');
  assert.equal(rewrite.nullSafeDivision('SELECT x / CASE WHEN a THEN 0 END, y / f(z) / t.c FROM t'),
    'SELECT x / NULLIF(CASE WHEN a THEN 0 END, 0), y / NULLIF(f(z), 0) / NULLIF(t.c, 0) FROM t');
  assert.equal(rewrite.nullSafeDivision('SELECT a FROM t'), null);
  assert.equal(rewrite.sentinelDivision('SELECT 45 / - COUNT ( * ) FROM t'), 'SELECT 45 / CASE WHEN (- COUNT ( * )) = 0 THEN 7 ELSE (- COUNT ( * )) END FROM t');
  assert.equal(rewrite.avgAsDouble('SELECT AVG ( DISTINCT + col0 ) FROM t'), 'SELECT AVG ( DISTINCT CAST(+ col0 AS DOUBLE) ) FROM t');
  assert.equal(rewrite.avgAsDouble('SELECT 1 FROM t'), null);
});
