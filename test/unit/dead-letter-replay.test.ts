// A dead letter, as the DynamoDB connector writes it, replays through file_input: its row comes
// back exactly, BIGINT beyond 2^53 included (dead letters write it as decimal text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deadLetterLine, type DeadLetter } from '../../src/connectors/dynamodb/dead-letters.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import type { DynaviewError } from '../../src/errors.js';
import type { Row, Update } from '../../src/schema.js';
import { inputTable, RecordingSink } from '../support/inputs.js';
import { useTempFiles } from '../support/temp-files.js';

const temp = useTempFiles('dynaview-dead-letter-replay-');

/** A table with the view's columns, to replay the view's dead rows into. */
const TABLE = inputTable('replayed', [
  ['id', 'BIGINT'], ['n', 'INT'], ['name', 'VARCHAR'], ['amount', 'DECIMAL(10, 2)'], ['ts', 'TIMESTAMP'], ['ratio', 'DOUBLE'],
  ['bytes', 'VARBINARY'], ['counts', 'BIGINT ARRAY'],
], ['id']);

const ROW: Row = {
  id: 9_007_199_254_740_993n, n: 7, name: 'é "quoted"', amount: '12.5', ts: '2024-05-25 01:02:03.120', ratio: Number.NaN,
  bytes: new Uint8Array([0, 255]), counts: [1n, -9_223_372_036_854_775_808n],
};

function letter(record: DeadLetter['record']): DeadLetter {
  return { connector: 'v.out', view: 'v', table: 'items', step: 3, keyColumns: ['id'], reason: 'DYNAMODB_ITEM_TOO_LARGE', message: 'too large', record };
}

/** The README's jq one-liner, in JavaScript: a put becomes an insert of its row, a delete a delete; uniqueness violations are left to the operator. */
function replayLine(line: string): string | undefined {
  const dead = JSON.parse(line) as { operation?: 'put' | 'delete'; row?: unknown };
  if (dead.operation === undefined) return undefined;
  return JSON.stringify({ [dead.operation === 'put' ? 'insert' : 'delete']: dead.row });
}

const JQ_REPLAY = 'select(.operation) | {(if .operation == "put" then "insert" else "delete" end): .row}';

async function replay(text: string): Promise<{ updates: Update[]; errors: DynaviewError[] }> {
  const name = await temp.file(text);
  const sink = new RecordingSink();
  await createInputConnector({ name: 'file_input', config: { path: name }, format: { name: 'json' } }, { connector: 'replayed.dead', table: TABLE, baseDir: temp.dir }).run(sink);
  return { updates: sink.updates, errors: sink.errors };
}

test('a dead letter\'s row, written by the DynamoDB connector, replays through file_input exactly', async () => {
  const lines = [
    deadLetterLine(letter({ operation: 'put', row: ROW })),
    deadLetterLine(letter({ operation: 'delete', row: ROW })),
    deadLetterLine(letter({ updates: [{ row: ROW, weight: 1 }, { row: { ...ROW, n: 8 }, weight: 1 }] })),
  ];
  // BIGINT is decimal text in the letter: a JSON number would not keep 2^53 + 1.
  assert.match(lines[0]!, /"id":"9007199254740993"/);
  const replayable = lines.map(replayLine).filter((line) => line !== undefined);
  const { updates, errors } = await replay(`${replayable.join('\n')}\n`);
  assert.deepEqual(errors, []);
  assert.deepEqual(updates, [{ row: ROW, weight: 1 }, { row: ROW, weight: -1 }]);
});

test('the README\'s jq one-liner turns a dead-letter file into file_input events', async (t) => {
  if (spawnSync('jq', ['--version']).status !== 0) {
    t.skip('jq is not installed');
    return;
  }
  const deadLetters = await temp.file(`${[deadLetterLine(letter({ operation: 'put', row: ROW })), deadLetterLine(letter({ updates: [] }))].join('\n')}\n`);
  const jq = spawnSync('jq', ['-c', JQ_REPLAY, join(temp.dir, deadLetters)], { encoding: 'utf8' });
  assert.equal(jq.status, 0, jq.stderr);
  const { updates, errors } = await replay(jq.stdout);
  assert.deepEqual(errors, []);
  assert.deepEqual(updates, [{ row: ROW, weight: 1 }]);
});
