// The streaming input decoder that every transport uses: bytes in any chunks -> the changes of the
// complete records, bad records reported with their place and skipped.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInputDecoder, type DecoderOptions, type InputDecoder } from '../../src/connectors/formats/decoder.js';
import type { InputFormat } from '../../src/connectors/formats/format.js';
import { InputRecordError } from '../../src/connectors/formats/record-error.js';
import { parseInputFormat } from '../../src/connectors/formats/registry.js';
import type { InputTable } from '../../src/connectors/inputs/input.js';
import type { Update } from '../../src/schema.js';
import { parseSqlType } from '../../src/sql/parse-type.js';
import { ConfigProblems } from '../../src/util/config-problems.js';

const TABLE: InputTable = {
  name: 't',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: parseSqlType('BIGINT'), nullable: false },
    { name: 'name', type: parseSqlType('VARCHAR'), nullable: true },
  ],
};

function format(name: string, config: unknown = {}): InputFormat {
  const problems = new ConfigProblems();
  const parsed = parseInputFormat({ name, config }, problems);
  problems.throwIfAny('test format');
  return parsed;
}

function decoder(inputFormat: InputFormat, errors: InputRecordError[] = [], options: Partial<DecoderOptions> = {}): InputDecoder {
  return createInputDecoder(inputFormat, TABLE, { source: 'body', onError: (error) => errors.push(error), ...options });
}

/** Everything `bytes` decodes to when written in pieces of `size` bytes. */
function decodeInPieces(inputFormat: InputFormat, bytes: Buffer, size: number): { changes: Update[]; errors: string[] } {
  const errors: InputRecordError[] = [];
  const d = decoder(inputFormat, errors);
  const changes: Update[] = [];
  for (let i = 0; i < bytes.length; i += size) changes.push(...d.write(bytes.subarray(i, i + size)).changes);
  changes.push(...d.end().changes);
  return { changes, errors: errors.map((e) => e.message) };
}

const ids = (changes: readonly Update[]): unknown[] => changes.map((c) => c.row['id']);

describe('streaming', () => {
  test('write() returns the changes of the records a chunk completes, and the position just after the last of them', () => {
    const d = decoder(format('json', { update_format: 'raw' }));
    const first = d.write(Buffer.from('{"id": 1}\n{"id": 2}\n{"id": '));
    assert.deepEqual(ids(first.changes), [1n, 2n]);
    assert.deepEqual(first.end, { offset: 20, line: 3, col: 1 });
    // The incomplete third record is held until its line ends.
    const second = d.write(Buffer.from('3}'));
    assert.deepEqual(second, { changes: [], end: { offset: 20, line: 3, col: 1 } });
    const last = d.end();
    assert.deepEqual(ids(last.changes), [3n]);
    assert.deepEqual(last.end, { offset: 29, line: 4, col: 1 });
    assert.deepEqual(d.position, last.end);
  });

  test('the same bytes decode to the same changes and errors however they are cut, even inside a character', () => {
    const inputs: [InputFormat, string][] = [
      [format('json'), '\uFEFF{"insert": {"id": 1, "name": "é✓"}}\r\n\n{"delete": {"id": 1}}\nnot json\n{"insert": {"id": 2, "name": "😀"}}'],
      [format('json', { array: true, update_format: 'raw' }), '\uFEFF[{"id": 1, "name": "a]}"},\n {"id": 2}]  [{"id": "x"}, {"id": 3, "name": "\\"😀"}]\n'],
      [format('csv', { headers: true }), '\uFEFFid,name\r\n1,"é,\n✓"\n\n2,"say ""hi"""\nx,y\n3,😀'],
    ];
    for (const [inputFormat, text] of inputs) {
      const bytes = Buffer.from(text);
      const whole = decodeInPieces(inputFormat, bytes, bytes.length);
      assert.ok(whole.changes.length >= 3, inputFormat.name);
      for (const size of [1, 2, 3, 5, 7]) assert.deepEqual(decodeInPieces(inputFormat, bytes, size), whole, `${inputFormat.name} in pieces of ${size}`);
    }
  });

  test('a byte order mark at the start is skipped, split over chunks or not; elsewhere it is text', () => {
    const d = decoder(format('json', { update_format: 'raw' }));
    assert.deepEqual(d.write(Buffer.from([0xef])).changes, []);
    assert.deepEqual(d.write(Buffer.from([0xbb, 0xbf])).changes, []);
    assert.deepEqual(ids(d.write(Buffer.from('{"id": 1}\n')).changes), [1n]);
    assert.deepEqual(d.position, { offset: 13, line: 2, col: 1 });
    const errors: InputRecordError[] = [];
    const resumed = decoder(format('json', { update_format: 'raw' }), errors, { from: { offset: 13, line: 2, col: 1 } });
    resumed.write(Buffer.from('\uFEFF{"id": 2}\n'));
    assert.match(errors[0]?.message ?? '', /^body:2:1: record 1: not valid JSON/);
  });

  test('an empty input, or only a partial byte order mark, decodes to nothing', () => {
    assert.deepEqual(decoder(format('json')).end(), { changes: [], end: { offset: 0, line: 1, col: 1 } });
    const d = decoder(format('json'));
    d.write(Buffer.from([0xef, 0xbb]));
    assert.deepEqual(d.end().changes, []);
  });

  test('records() and lastRecords() give the same changes record by record, each with where the next record starts', () => {
    const d = decoder(format('json', { update_format: 'raw' }));
    const records = [...d.recordsIn(Buffer.from('{"id": 1}\n\n{"id": 2}\n{"id": 3}'))];
    assert.deepEqual(records.map((r) => [ids(r.changes), r.end.line]), [[[1n], 2], [[], 3], [[2n], 4]]);
    const last = [...d.lastRecords()];
    assert.deepEqual(last.map((r) => [ids(r.changes), r.end.offset]), [[[3n], 30]]);
    assert.throws(() => d.write(Buffer.from('{}')), /written after end/);
  });

  test('newline-delimited input is decoded as it streams: a million records in small chunks come out chunk by chunk', () => {
    const d = decoder(format('json', { update_format: 'raw' }));
    const line = Buffer.from('{"id": 7, "name": "a fairly ordinary record"}\n');
    const chunk = Buffer.concat(Array.from({ length: 1_000 }, () => line));
    let decoded = 0;
    for (let i = 0; i < 1_000; i += 1) {
      const { changes, end } = d.write(chunk);
      // Nothing is held back: every record of the chunk comes out with it.
      assert.equal(changes.length, 1_000);
      assert.equal(end.offset, (i + 1) * chunk.length);
      decoded += changes.length;
    }
    assert.equal(decoded, 1_000_000);
  });
});

describe('bad records', () => {
  test('each bad record is reported with source, line, column, record number and column, and the others go on', () => {
    const errors: InputRecordError[] = [];
    const d = decoder(format('json'), errors, { context: { connector: 't.http' } });
    const { changes } = d.write(Buffer.from([
      '{"insert": {"id": 1}}',
      '',
      '{"insert": {"id": 2, "name": 5}}',
      '  {"insert": {"id": 3}',
      '{"insert": {"id": 4}}',
    ].join('\n')));
    assert.deepEqual(ids(changes), [1n]);
    assert.deepEqual(ids(d.end().changes), [4n]);
    assert.deepEqual(errors.map((e) => e.message), [
      'body:3:1: record 2: "insert": column "name" (VARCHAR): expected a string, got 5 (record skipped)',
      'body:4:23: record 3: not valid JSON: unexpected end of input (record skipped)',
    ]);
    const [value] = errors;
    assert.ok(value instanceof InputRecordError);
    assert.deepEqual([value.code, value.source, value.record, value.event], ['INPUT_INVALID_VALUE', 'body', 2, undefined]);
    assert.deepEqual(value.context, { connector: 't.http', column: 'name', line: 3, col: 1 });
  });

  test('line and column count from the position the decoder starts at', () => {
    const errors: InputRecordError[] = [];
    const d = decoder(format('json', { array: true }), errors, { from: { offset: 100, line: 7, col: 5 } });
    d.write(Buffer.from('[{"insert": {"id": 1}}, {"insert": {"id": true}}]\n  [1,'));
    d.end();
    assert.deepEqual(errors.map((e) => e.message), [
      'body:7:5: record 1, event 1 of the array: "insert": column "id" (BIGINT): expected an integer, got true (event skipped)',
      'body:8:6: record 2: not valid JSON: unexpected end of input (record skipped)',
    ]);
  });
});

describe('partial updates', () => {
  test('an "update" event becomes a partial change of the columns it gives, after the delete and the insert of its event', () => {
    const d = decoder(format('json'));
    const { changes } = d.write(Buffer.from('{"update": {"ID": 1, "name": null}, "insert": {"id": 1, "name": "a"}, "delete": {"id": 1}}\n'));
    assert.deepEqual(changes, [
      { row: { id: 1n, name: null }, weight: -1 },
      { row: { id: 1n, name: 'a' }, weight: 1 },
      { row: { id: 1n, name: null }, weight: 0, partial: true },
    ]);
    assert.deepEqual(d.write(Buffer.from('{"update": {"id": 2}}\n')).changes, [{ row: { id: 2n }, weight: 0, partial: true }]);
  });

  test('an "update" must give every primary key column, not NULL', () => {
    const errors: InputRecordError[] = [];
    const d = decoder(format('json'), errors);
    d.write(Buffer.from('{"update": {"name": "x"}}\n{"update": {"id": null, "name": "x"}}\n'));
    assert.deepEqual(errors.map((e) => e.reason), [
      '"update": column "id" (BIGINT): is a primary key column: an update must give it',
      '"update": column "id" (BIGINT): NULL is not allowed: the primary key column is NOT NULL',
    ]);
  });
});
