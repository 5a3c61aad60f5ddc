// Feldera's CSV input format: fields in column order, inserts only, the csv crate's quoting rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInputDecoder } from '../../src/connectors/formats/decoder.js';
import type { InputRecordError } from '../../src/connectors/formats/record-error.js';
import { parseInputFormat } from '../../src/connectors/formats/registry.js';
import type { InputTable } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import type { Update } from '../../src/schema.js';
import { ConfigProblems } from '../../src/util/config-problems.js';
import { formatProblems, inputTable, RecordingSink } from '../support/inputs.js';
import { useTempFiles } from '../support/temp-files.js';

const TABLE = inputTable('t', [['id', 'BIGINT', false], ['name', 'VARCHAR']]);

const TYPES = inputTable('types', [
  ['flag', 'BOOLEAN'], ['n', 'INT'], ['x', 'DOUBLE'], ['amount', 'DECIMAL(10, 2)'], ['s', 'VARCHAR'], ['c', 'CHAR(3)'],
  ['ts', 'TIMESTAMP'], ['tags', 'VARCHAR ARRAY'], ['v', 'VARIANT'], ['b', 'VARBINARY'], ['m', 'MAP<VARCHAR, INT>'],
]);

function decode(text: string, config: Record<string, unknown> = {}, table: InputTable = TABLE): { rows: Update['row'][]; errors: string[] } {
  const problems = new ConfigProblems();
  const format = parseInputFormat({ name: 'csv', config }, problems);
  problems.throwIfAny('test format');
  const errors: InputRecordError[] = [];
  const decoder = createInputDecoder(format, table, { source: 'in.csv', onError: (error) => errors.push(error) });
  const changes = [...decoder.write(Buffer.from(text)).changes, ...decoder.end().changes];
  assert.ok(changes.every((c) => c.weight === 1), 'CSV records are inserts');
  return { rows: changes.map((c) => c.row), errors: errors.map((e) => e.message) };
}

describe('values', () => {
  test('NULL is NULL or null, or an empty field except in a string column, where it is the empty string', () => {
    const { rows, errors } = decode('NULL,null,null,null,null,null,null,null,null,null,null\n,,,,,,,,,,\n', {}, TYPES);
    assert.deepEqual(errors, []);
    const nulls = Object.fromEntries(TYPES.columns.map((c) => [c.name, null]));
    assert.deepEqual(rows, [nulls, { ...nulls, s: '', c: '   ' }]);
  });

  test('booleans, integers (also 0x hexadecimal), floats (also NaN and inf), decimals, strings, timestamps', () => {
    const { rows, errors } = decode('true,0x1F,-inf,12.345,"a, ""b""",ab,2024-02-25 12:12:33,,,,\nfalse,-7,NaN,1e2,plain,,2024-02-25T12:12:33+01:00,,,,\n', {}, TYPES);
    assert.deepEqual(errors, []);
    assert.deepEqual(rows.map((r) => [r['flag'], r['n'], r['x'], r['amount'], r['s'], r['c'], r['ts']]), [
      [true, 31, -Infinity, '12.35', 'a, "b"', 'ab ', '2024-02-25 12:12:33'],
      [false, -7, Number.NaN, '100', 'plain', '   ', '2024-02-25 11:12:33'],
    ]);
  });

  test('ARRAY, VARIANT, binary and MAP fields are JSON text', () => {
    const { rows, errors } = decode(',,,,,,,"[""a"", null]","{""foo"": ""bar""}","[1, 2]","{""k"": 1}"\n', {}, TYPES);
    assert.deepEqual(errors, []);
    assert.deepEqual([rows[0]?.['tags'], rows[0]?.['v'], rows[0]?.['b'], rows[0]?.['m']], [['a', null], { foo: 'bar' }, new Uint8Array([1, 2]), { k: 1 }]);
  });

  test('a value that does not fit is reported at its field, with the column', () => {
    const { rows, errors } = decode('1,ok\n"2","x"\nthree,z\n4,"multi\nline"\n  5,y\n');
    assert.deepEqual(rows, [{ id: 1n, name: 'ok' }, { id: 2n, name: 'x' }, { id: 4n, name: 'multi\nline' }]);
    assert.deepEqual(errors, [
      'in.csv:3:1: record 3: column "id" (BIGINT): expected an integer, got "three" (record skipped)',
      'in.csv:6:1: record 5: column "id" (BIGINT): expected an integer, got "  5" (record skipped)',
    ]);
    assert.deepEqual(decode('  5 ,  y \n', { trim: 'fields' }).rows, [{ id: 5n, name: 'y' }]);
  });

  test('a variant field that is not JSON text is an error, as Feldera reads a VARIANT from a JSON string', () => {
    assert.match(decode(',,,,,,,,{oops,,\n', {}, TYPES).errors[0] ?? '', /in\.csv:1:9: record 1: column "v" \(VARIANT\): "\{oops" is not JSON text/);
  });
});

describe('records', () => {
  test('fields beyond the table\'s columns are ignored; fewer fields than columns is an error', () => {
    const { rows, errors } = decode('1,a,extra,more\n2\n');
    assert.deepEqual(rows, [{ id: 1n, name: 'a' }]);
    assert.deepEqual(errors, ['in.csv:2:1: record 2: has 1 field(s), and table t has 2 column(s) (id, name) (record skipped)']);
    assert.match(decode('1,a,extra\n', { flexible: false }).errors[0] ?? '', /has 3 field\(s\).*"flexible": false wants exactly one field per column/);
  });

  test('blank lines and comment lines are skipped; CR LF line ends are read as LF', () => {
    const { rows, errors } = decode('# a comment\r\n1,a\r\n\r\n#2,b\r\n3,"#c"\r\n', { comment: '#' });
    assert.deepEqual(errors, []);
    assert.deepEqual(rows, [{ id: 1n, name: 'a' }, { id: 3n, name: '#c' }]);
  });

  test('headers: the first line is skipped, and only it', () => {
    assert.deepEqual(decode('id,name\n1,a\n2,b', { headers: true }).rows, [{ id: 1n, name: 'a' }, { id: 2n, name: 'b' }]);
  });

  test('delimiter, quote, escape, double_quote and quoting change the dialect', () => {
    assert.deepEqual(decode("1;'a;b'\n", { delimiter: ';', quote: "'" }).rows, [{ id: 1n, name: 'a;b' }]);
    assert.deepEqual(decode('1,"a\\"b"\n', { escape: '\\' }).rows, [{ id: 1n, name: 'a"b' }]);
    assert.deepEqual(decode('1,"a""b"\n', { double_quote: false }).rows, [{ id: 1n, name: 'a"b"' }]);
    assert.deepEqual(decode('1,"a\n2,b"\n', { quoting: false }).rows, [{ id: 1n, name: '"a' }, { id: 2n, name: 'b"' }]);
  });

  test('an input that ends inside a quoted field reports the field', () => {
    const { rows, errors } = decode('1,a\n2,"open\nstill open');
    assert.deepEqual(rows, [{ id: 1n, name: 'a' }]);
    assert.deepEqual(errors, ['in.csv:2:3: record 2: the input ends inside a quoted field: its closing quote is missing (record skipped)']);
  });
});

describe('configuration', () => {
  const problemsOf = (config: unknown): string[] => formatProblems('csv', config);

  test('every option is checked, and unknown options are named', () => {
    assert.deepEqual(problemsOf({ delimiter: '\t', headers: true, quote: "'", escape: null, double_quote: true, quoting: true, comment: '#', flexible: false, trim: 'all' }), []);
    assert.deepEqual(problemsOf({ delimiter: ';;', headers: 'yes', trim: 'both', header: true }), [
      'format.config.delimiter: must be a single ASCII character (the field delimiter) (got ";;")',
      'format.config.headers: must be true or false (got "yes")',
      'format.config.trim: must be "none", "headers", "fields" or "all" (got "both")',
      'format.config.header: is not a CSV format option; did you mean headers?',
    ]);
    assert.deepEqual(problemsOf({ delimiter: 'é' }), ['format.config.delimiter: must be a single ASCII character (the field delimiter) (got "é")']);
    assert.deepEqual(problemsOf({ delimiter: '"' }), ['format.config.quote: cannot be the delimiter "\\""']);
  });
});

describe('file_input', () => {
  const temp = useTempFiles('dynaview-csv-input-');

  test('file_input reads CSV, and a run resumed after the header does not skip a record', async () => {
    const name = await temp.file(`id,name\n${Array.from({ length: 15_000 }, (_, i) => `${i},"n${i}"`).join('\n')}\n`);
    const transport = { name: 'file_input', config: { path: name }, format: { name: 'csv', config: { headers: true } } };
    const make = () => createInputConnector(transport, { connector: 't.csv', table: TABLE, baseDir: temp.dir });
    const whole = new RecordingSink();
    await make().run(whole);
    assert.deepEqual(whole.errors, []);
    assert.deepEqual(whole.pushes.map((p) => p.changes.length), [10_000, 5_000]);
    const resumed = new RecordingSink();
    await make().run(resumed, whole.pushes[0]!.position);
    assert.deepEqual(resumed.updates, whole.pushes[1]!.changes);
  });
});
