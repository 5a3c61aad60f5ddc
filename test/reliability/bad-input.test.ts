/**
 * Every kind of bad input, through the command line as a user meets it: a mistake in the program,
 * a bad record in its data, a refused or missing DynamoDB. Each one is a message that says what is
 * wrong and where (file:line:column, connector, view, column, key), never a stack trace, with the
 * documented exit code: 2 for an invalid program (nothing runs), 1 for a runtime failure, and 0
 * when bad records are skipped and reported, with every other record in the table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { itemSize, MAX_ITEM_SIZE_BYTES } from '../../src/connectors/dynamodb/item-size.js';
import { runCli, writeFiles, type CliResult } from '../support/cli.js';
import { createTable, localConnection, scanAll, useDynamoDB, type Item } from '../support/dynamodb.js';
import { plainItem } from '../support/items.js';
import { positionOf, rawFileInput, viewProgram } from '../support/programs.js';

const ddb = useDynamoDB();

function assertNoStackTrace(result: CliResult): void {
  const output = `${result.stdout}\n${result.stderr}`;
  assert.doesNotMatch(output, /^\s+at .+:\d+(:\d+)?\)?$/m, 'no stack trace');
  assert.doesNotMatch(output, /internal error/);
}

/** A program whose every problem is known: the exact lines `check` and `run` print for it. */
interface InvalidProgram {
  what: string;
  sql: string;
  /** Each problem as `[text it is reported at, message]`; the position is where that text starts. */
  problems: Array<[string, string]>;
}

const region = '"region": "us-east-1"';

const invalidPrograms: InvalidProgram[] = [
  {
    what: 'malformed SQL',
    // The view reads the table whose statement failed: not a second problem.
    sql: 'CREATE TABLE t (id INT NOT NULL, s VARCHAR;\nCREATE VIEW v AS SELECT * FROM t;\nCREATE VIEW w AS SELECT * FROM t WHERE AND;\n',
    problems: [[';\nCREATE VIEW', 'expected "," or ")" but found ";"'], ['AND;', 'expected an expression but found "AND"']],
  },
  {
    what: 'connector JSON that does not parse',
    sql: `CREATE TABLE t (id INT NOT NULL);
CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
  "config": {"table": "things", ${region},}}}]') AS SELECT * FROM t;
CREATE INDEX v_idx ON v(id);
`,
    problems: [['}}}]', "property 'connectors' is not valid JSON: property name expected"]],
  },
  {
    what: 'unknown transport and option names, each with a did-you-mean',
    sql: `CREATE TABLE a (id INT NOT NULL) WITH ('connectors' = '[{"transport": {"name": "datagenn"}}]');
CREATE TABLE b (id INT NOT NULL) WITH ('connectors' = '[{"transport": {"name": "file_input", "config": {"path": "x.json", "paht": "y.json"}},
  "format": {"name": "json", "config": {"update_fromat": "raw"}}}]');
CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_outptu", "config": {"table": "things", ${region}}}}]')
  AS SELECT * FROM a;
CREATE INDEX v_idx ON v(id);
CREATE VIEW w WITH ('connectors' = '[{"index": "w_idx", "max_queued_record": 10,
  "transport": {"name": "dynamodb_output", "config": {"table": "things", ${region}}}}]') AS SELECT * FROM a;
CREATE INDEX w_idx ON w(id);
CREATE VIEW x WITH ('connectors' = '[{"index": "x_idx",
  "transport": {"name": "dynamodb_output", "config": {"table": "things", ${region}, "batchsize": 10}}}]') AS SELECT * FROM a;
CREATE INDEX x_idx ON x(id);
`,
    problems: [
      ['"name": "datagenn"', 'connector a.unnamed-0: name: "datagenn" is not an input transport; did you mean datagen?'],
      ['"paht"', 'connector b.unnamed-0: paht: is not a file_input option; did you mean path?'],
      ['"update_fromat"', 'connector b.unnamed-0: format.config.update_fromat: is not a JSON format option; did you mean update_format?'],
      ['"name": "dynamodb_outptu"', 'connector v.unnamed-0: unknown output transport "dynamodb_outptu"; did you mean "dynamodb_output"?'],
      ['"max_queued_record"', 'connector w.unnamed-0: unknown connector property "max_queued_record"; did you mean max_queued_records?'],
      ['"batchsize"', 'connector x.unnamed-0: batchsize: is not a DynamoDB output option; did you mean batch_size?'],
    ],
  },
  {
    what: 'an index on a missing column, and on a column type DynamoDB cannot key on',
    sql: `CREATE TABLE t (id INT NOT NULL, flag BOOLEAN);
CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output", "config": {"table": "things", ${region}}}}]')
  AS SELECT * FROM t;
CREATE INDEX v_idx ON v(nope);
CREATE VIEW w WITH ('connectors' = '[{"index": "w_idx", "transport": {"name": "dynamodb_output", "config": {"table": "things", ${region}}}}]')
  AS SELECT * FROM t;
CREATE INDEX w_idx ON w(flag);
`,
    problems: [
      // The index is not created; the connector that names it is not reported again.
      ['nope', 'column nope of index v_idx is not a column of view v'],
      ['"index": "w_idx"', 'connector w.unnamed-0: index w_idx of view w: column flag has type BOOLEAN, which cannot be a DynamoDB key attribute (keys must be strings, numbers or binary)'],
    ],
  },
  {
    what: 'a table name with characters DynamoDB does not allow, or too short',
    sql: `CREATE TABLE t (id INT NOT NULL);
CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output", "config": {"table": "my table!", ${region}}}}]')
  AS SELECT * FROM t;
CREATE INDEX v_idx ON v(id);
CREATE VIEW w WITH ('connectors' = '[{"index": "w_idx", "transport": {"name": "dynamodb_output", "config": {"table": "ab", ${region}}}}]')
  AS SELECT * FROM t;
CREATE INDEX w_idx ON w(id);
`,
    problems: [
      ['"table": "my', 'connector v.unnamed-0: table: must be 3 to 255 characters, each a letter, digit, "-", "_" or "." (got "my table!")'],
      ['"table": "ab"', 'connector w.unnamed-0: table: must be 3 to 255 characters, each a letter, digit, "-", "_" or "." (got "ab")'],
    ],
  },
];

for (const { what, sql, problems } of invalidPrograms) {
  test(`${what}: check and run report each problem at its file:line:column and exit 2`, async () => {
    const file = join(writeFiles({ 'program.sql': sql }), 'program.sql');
    const lines = problems.map(([at, message]) => `error: ${file}:${positionOf(sql, at)}: ${message}`);
    const expected = [...lines, `${lines.length} problem${lines.length === 1 ? '' : 's'} found`];
    for (const command of ['check', 'run']) {
      const result = await runCli([command, file]);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.deepEqual(result.stderr.trimEnd().split('\n'), expected, command);
      assert.equal(result.stdout, '', command);
    }
  });
}

test('an unknown DYNAVIEW_LOG_LEVEL is rejected with the valid levels and exit 2', async () => {
  const file = join(writeFiles({ 'program.sql': 'CREATE TABLE t (id INT);\n' }), 'program.sql');
  const result = await runCli(['check', file], { DYNAVIEW_LOG_LEVEL: 'verbose' });
  assert.equal(result.code, 2);
  assert.equal(result.stderr, 'dynaview: DYNAVIEW_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")\n');
});

// One run over a file holding every kind of bad record between good ones.

interface TextRow { k: string; s: string }

/** The item the view writes for a row with only `k` and `s`: the other columns are NULL. */
function itemOf(row: TextRow): Item {
  return { k: { S: row.k }, i: { NULL: true }, d: { NULL: true }, s: { S: row.s } };
}

/** A row whose item is `size` bytes, its text `s` of 2-, 3- and 4-byte characters ending in an emoji. */
function rowOfItemSize(k: string, size: number): TextRow {
  const multiByte = 'é€😀';
  const room = size - itemSize(itemOf({ k, s: '' }));
  const unit = Buffer.byteLength(multiByte);
  const repeats = Math.floor(room / unit);
  const row = { k, s: 'a'.repeat(room - repeats * unit) + multiByte.repeat(repeats) };
  assert.equal(itemSize(itemOf(row)), size);
  return row;
}

const hugeRow: TextRow = { k: 'huge', s: 'x'.repeat(500_000) };

const underLimit = rowOfItemSize('size-under', MAX_ITEM_SIZE_BYTES - 1);
const atLimit = rowOfItemSize('size-at', MAX_ITEM_SIZE_BYTES);
const overLimit = rowOfItemSize('size-over', MAX_ITEM_SIZE_BYTES + 1);

const records: Array<string | object> = [
  { k: 'first', i: 1, d: 1.5, s: 'ok' },
  { k: null, i: 2 },
  { k: '', i: 3 },
  { k: 'nan', d: 'NaN' },
  { k: 'infinity', d: 'Infinity' },
  { k: 'minus-infinity', d: '-inf' },
  { k: 'too-large', d: 1e200 },
  { k: 'too-small', d: 1e-200 },
  { k: 'int-overflow', i: 3_000_000_000 },
  hugeRow,
  underLimit,
  atLimit,
  overLimit,
  'this line is not JSON',
  { k: 'text-for-number', d: 'abc' },
  { k: 42, s: 'a number for a string' },
  ['an', 'array'],
  { k: 'last', i: 2, d: -0.25, s: 'ünïcödé 😀' },
];

let badRecordsRun: Promise<{ result: CliResult; file: string; table: string }> | undefined;
function runBadRecords(): Promise<{ result: CliResult; file: string; table: string }> {
  badRecordsRun ??= (async () => {
    const table = await createTable(ddb.client, { hash: ['k', 'S'] });
    const dir = writeFiles({});
    writeFileSync(join(dir, 'rows.json'), `${records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`);
    const file = join(dir, 'program.sql');
    writeFileSync(file, viewProgram({
      columns: 'k VARCHAR, i INT, d DOUBLE, s VARCHAR',
      input: rawFileInput('rows.json'),
      output: { table, ...localConnection(ddb.endpoint) },
      key: 'k',
    }));
    return { result: await runCli(['run', file]), file, table };
  })();
  return badRecordsRun;
}

/** The run's warnings, one message each. */
async function warnings(): Promise<string[]> {
  const { result } = await runBadRecords();
  return result.stderr.split('\n').filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((entry) => entry.level === 40)
    .map((entry) => entry.msg);
}

test('bad records are skipped and reported, the run completes with exit 0, and the summary counts them', async () => {
  const { result } = await runBadRecords();
  assert.equal(result.code, 0, result.stderr);
  assertNoStackTrace(result);
  assert.match(result.stdout, /input: t\.unnamed-0 13 rows; 5 bad input record\(s\) skipped/);
  assert.match(result.stdout, / 4 written \(4 puts, 0 deletes\), 0 retries, 9 skipped, 0 failed/);
});

test('every accepted record is in the table, multi-byte text intact', async () => {
  const { table } = await runBadRecords();
  const items = (await scanAll(ddb.client, table)).map((item: Item) => plainItem(item));
  const byKey = new Map(items.map((item) => [item['k'], item]));
  assert.deepEqual([...byKey.keys()].sort(), ['first', 'last', 'size-at', 'size-under']);
  assert.deepEqual(byKey.get('last'), { k: 'last', i: 2, d: -0.25, s: 'ünïcödé 😀' });
  assert.equal(byKey.get('size-at')?.['s'], atLimit.s);
  assert.equal(byKey.get('size-under')?.['s'], underLimit.s);
});

test('a NULL or empty-string key value is reported with the column and the record key', async () => {
  const logged = await warnings();
  assert.ok(logged.includes('record skipped (invalid_value): view v, column "k" (VARCHAR): NULL cannot be a DynamoDB key value; record key {"k":null}'), logged.join('\n'));
  assert.ok(logged.includes('record skipped (invalid_value): view v, column "k" (VARCHAR): an empty string cannot be a DynamoDB key value; record key {"k":""}'));
});

test('NaN, infinities and numbers out of DynamoDB\'s or the column type\'s range are reported with the column and key', async () => {
  const logged = await warnings();
  for (const expected of [
    'view v, column "d" (DOUBLE): NaN cannot be stored in DynamoDB; record key {"k":"nan"}',
    'view v, column "d" (DOUBLE): Infinity cannot be stored in DynamoDB; record key {"k":"infinity"}',
    'view v, column "d" (DOUBLE): -Infinity cannot be stored in DynamoDB; record key {"k":"minus-infinity"}',
    'view v, column "d" (DOUBLE): 1e+200 is too large for DynamoDB (numbers must be below 1E+126 in magnitude); record key {"k":"too-large"}',
    'view v, column "d" (DOUBLE): 1e-200 is too small for DynamoDB (non-zero numbers must be at least 1E-130 in magnitude); record key {"k":"too-small"}',
  ]) {
    assert.ok(logged.includes(`record skipped (invalid_value): ${expected}`), `${expected}\n${logged.join('\n')}`);
  }
  assert.ok(logged.includes('rows.json:9:1: record 9: column "i" (INT): 3000000000 is out of range (-2147483648 to 2147483647) (record skipped)'), logged.join('\n'));
});

test('a record over 400 KB is reported with its size and key; at the limit, emoji and all, it is written, one byte over it is not', async () => {
  const logged = await warnings();
  const oversized = (k: string, bytes: number): string => `record skipped (oversized): connector v.unnamed-0, view v: record exceeds `
    + `DynamoDB's 400 KB item-size limit (${bytes} bytes > ${MAX_ITEM_SIZE_BYTES}); dropped; record key {"k":"${k}"}`;
  assert.deepEqual(logged.filter((l) => l.startsWith('record skipped (oversized)')), [
    oversized('huge', itemSize(itemOf(hugeRow))),
    oversized('size-over', MAX_ITEM_SIZE_BYTES + 1),
  ]);
});

test('a file line that is not JSON, or has values of the wrong type, is reported at file:line and skipped', async () => {
  const logged = await warnings();
  assert.ok(logged.includes('rows.json:14:1: record 14: not valid JSON: unexpected character "t" (record skipped)'), logged.join('\n'));
  assert.ok(logged.includes('rows.json:15:1: record 15: column "d" (DOUBLE): expected a number or a numeric string, got "abc" (record skipped)'));
  assert.ok(logged.includes('rows.json:16:1: record 16: column "k" (VARCHAR): expected a string, got 42 (record skipped)'));
  assert.ok(logged.includes('rows.json:17:1: record 17: expected a JSON object, or an array of 4 values, got an array of 2 (record skipped)'));
});

/** A one-row program writing to `table` with the given connection settings. */
async function failingEnvironment(connection: object): Promise<{ file: string; table: string }> {
  const table = await createTable(ddb.client, { hash: ['k', 'S'] });
  const dir = writeFiles({ 'rows.json': '{"k": "a"}\n' });
  const file = join(dir, 'program.sql');
  writeFileSync(file, viewProgram({
    columns: 'k VARCHAR NOT NULL',
    input: rawFileInput('rows.json'),
    output: { table, ...localConnection(ddb.endpoint), ...connection },
    key: 'k',
  }));
  return { file, table };
}

test('credentials DynamoDB rejects: check --describe and run exit 1, saying so without printing them', async () => {
  const rejected = { aws_access_key_id: 'not-alphanumeric!', aws_secret_access_key: 'rejectedSecret123' };
  const { file, table } = await failingEnvironment(rejected);
  for (const args of [['check', file, '--describe'], ['run', file]]) {
    const result = await runCli(args);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^error: connector v\.unnamed-0: DynamoDB rejected the credentials in region us-east-1 at http:\/\/\S+ \(UnrecognizedClientException\); check the access key, secret and region$/m);
    assertNoStackTrace(result);
    for (const secret of Object.values(rejected)) assert.ok(!`${result.stdout}${result.stderr}`.includes(secret), `${args[0]} printed a credential`);
  }
  assert.deepEqual(await scanAll(ddb.client, table), []);
});

test('an unreachable endpoint: check --describe and run exit 1, naming the endpoint', async () => {
  // Nothing listens on port 1 of the loopback address, so the connection is refused at once.
  const { file } = await failingEnvironment({ endpoint_url: 'http://127.0.0.1:1' });
  for (const args of [['check', file, '--describe'], ['run', file]]) {
    const result = await runCli(args);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^error: connector v\.unnamed-0: cannot reach DynamoDB in region us-east-1 at http:\/\/127\.0\.0\.1:1: ECONNREFUSED/m);
    assertNoStackTrace(result);
  }
});
