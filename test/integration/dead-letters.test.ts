// Nothing is dropped silently: records DynamoDB Local refuses are isolated and the rest is written,
// and every record the connector gives up on lands in the dead-letter file, in step order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDynamoDBOutput, StepWriteError, type DynamoDBWriteApi, type StepResult, type Update } from '../../src/index.js';
import { createTable, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { createTableWithTagIndex } from '../support/tag-index-table.js';

const ddb = useDynamoDB();

interface DeadLetterLine {
  time: string;
  connector: string;
  view: string;
  table: string;
  step: number;
  reason: string;
  message: string;
  key: Record<string, unknown>;
  operation?: 'put' | 'delete';
  row?: Record<string, unknown>;
  updates?: Array<{ row: Record<string, unknown>; weight: number }>;
}

function deadLetterPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'dynaview-dead-letters-')), 'dead.jsonl');
}

function readDeadLetters(path: string): DeadLetterLine[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the file ends with a complete line');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as DeadLetterLine);
}

/** The step's result, whether it resolved or rejected with a StepWriteError. */
function settled(step: Promise<StepResult>): Promise<StepResult> {
  return step.catch((error: unknown) => {
    if (error instanceof StepWriteError) return error.result;
    throw error;
  });
}

// A VARIANT column lets single rows carry a number or an empty string into the indexed attribute `g`.
const tagged = {
  name: 'tagged',
  columns: [{ name: 'id', type: 'INT', nullable: false }, { name: 'g', type: 'VARIANT', nullable: false }],
};
const taggedIndex = { name: 'tagged_idx', columns: ['id'] };
const tag = (id: number, g: unknown): Update => ({ row: { id, g }, weight: 1 });

/** Records the names of the errors DynamoDB Local answers with (and a cancelled transaction's reasons). */
function errorRecorder(): { names: Set<string>; wrap: (api: DynamoDBWriteApi) => DynamoDBWriteApi } {
  const names = new Set<string>();
  const recorded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      const { name, CancellationReasons } = error as { name: string; CancellationReasons?: Array<{ Code?: string }> };
      names.add(name);
      for (const reason of CancellationReasons ?? []) if (reason.Code !== 'None') names.add(`${name}: ${reason.Code}`);
      throw error;
    }
  };
  return { names, wrap: (api) => ({ batchWrite: (input) => recorded(() => api.batchWrite(input)), transactWrite: (input) => recorded(() => api.transactWrite(input)) }) };
}

for (const write_mode of ['batch', 'transactional'] as const) {
  for (const threads of [1, 3]) {
    test(`${write_mode} mode, threads ${threads}: items DynamoDB Local rejects fail alone, the rest is written, and the dead letters are in step order`, async () => {
      const table = await createTableWithTagIndex(ddb.client);
      const path = deadLetterPath();
      const answers = errorRecorder();
      const out = await openDynamoDBOutput({
        name: 'tagged_ddb', view: tagged, index: taggedIndex,
        // Pipelined steps overlap their writes, so the file's order cannot come from the order writes finish.
        config: { table, ...localConnection(ddb.endpoint), write_mode, threads, pipelined_steps: threads > 1, dead_letter_path: path },
        ...(threads === 1 ? { interceptWrites: answers.wrap } : {}),
      });
      try {
        const first = Array.from({ length: 30 }, (_, id) => tag(id, id === 7 ? 5 : id === 19 ? '' : `tag${id}`));
        const second = Array.from({ length: 5 }, (_, i) => tag(30 + i, i === 2 ? 6 : `tag${30 + i}`));
        const steps = [out.writeStep(first), out.writeStep(second)];
        const [one, two] = await Promise.all(steps.map(settled));
        for (const step of steps) await assert.rejects(step, StepWriteError);
        assert.deepEqual([one!.puts, one!.failed, two!.puts, two!.failed], [28, 2, 4, 1]);
        const rejection = await steps[0]!.then(() => assert.fail('the step rejects'), (e: unknown) => e as StepWriteError);
        assert.match(rejection.message, /rejected the item: Validation(Exception|Error): .*\{"id":(7|19)\}/);

        const ids = (await scanAll(ddb.client, table)).map((item) => Number(item['id']?.N)).sort((a, b) => a - b);
        assert.deepEqual(ids, Array.from({ length: 35 }, (_, id) => id).filter((id) => ![7, 19, 32].includes(id)));

        const letters = readDeadLetters(path);
        assert.deepEqual(letters.map((l) => [l.step, l.key['id']]).sort(), [[1, 19], [1, 7], [2, 32]]);
        assert.deepEqual(letters.map((l) => l.step), [1, 1, 2], 'in step order');
        for (const letter of letters) {
          assert.equal(letter.reason, 'DYNAMODB_VALIDATION_REJECTED');
          assert.deepEqual([letter.connector, letter.view, letter.table, letter.operation], ['tagged_ddb', 'tagged', table, 'put']);
          assert.deepEqual(letter.row, first.concat(second).find((u) => u.row['id'] === letter.key['id'])?.row);
          assert.match(letter.message, /rejected the item: Validation(Exception|Error): One or more parameter values (were invalid|are not valid)/);
          assert.ok(!Number.isNaN(Date.parse(letter.time)));
        }
        const metrics = out.metrics();
        assert.equal(metrics.failed_items, 3);
        assert.equal(metrics.dead_letters, 3);
        assert.ok(metrics.request_splits > 0, 'the empty string is refused with the whole request, which is split');
        if (threads === 1) {
          // Both ways DynamoDB refuses an item were met: the whole request, and (transactions) one item's reason.
          const expected = write_mode === 'batch'
            ? ['ValidationException']
            : ['TransactionCanceledException', 'TransactionCanceledException: ValidationError', 'ValidationException'];
          assert.deepEqual([...answers.names].sort(), expected);
        }
      } finally {
        await out.close();
      }
    });
  }
}

const mixed = {
  name: 'mixed',
  columns: [
    { name: 'id', type: 'BIGINT', nullable: false },
    { name: 'sort', type: 'VARCHAR', nullable: false },
    { name: 'b', type: 'VARBINARY', nullable: true },
    { name: 's', type: 'VARCHAR', nullable: true },
    { name: 'x', type: 'DOUBLE', nullable: true },
  ],
};
const mixedIndex = { name: 'mixed_idx', columns: ['id', 'sort'] };
const STUCK_ID = 9_007_199_254_740_993n;

/** DynamoDB Local answering as if one key were throttled for ever. */
function stuckKey(api: DynamoDBWriteApi): DynamoDBWriteApi {
  return {
    ...api,
    async batchWrite(input) {
      const [name, requests] = Object.entries(input.RequestItems ?? {})[0]!;
      const isStuck = (r: (typeof requests)[number]): boolean => r.PutRequest?.Item?.['id']?.N === String(STUCK_ID);
      const rest = requests.filter((r) => !isStuck(r));
      const response = rest.length > 0 ? await api.batchWrite({ RequestItems: { [name]: rest } }) : { $metadata: {} };
      return { ...response, UnprocessedItems: { [name]: requests.filter(isStuck) } };
    },
  };
}

test('over 400 KB, an invalid value, a uniqueness violation and exhausted retries are dead letters with their key, row and reason; a row replays', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'], range: ['sort', 'S'] });
  const path = deadLetterPath();
  const secret = 'SuperSecretValue12345';
  const config = { table, ...localConnection(ddb.endpoint), aws_secret_access_key: secret, max_retries: 1, dead_letter_path: path };
  const out = await openDynamoDBOutput({ name: 'mixed_ddb', view: mixed, index: mixedIndex, config, interceptWrites: stuckKey });
  const row = (id: bigint, fields: { b?: Uint8Array; s?: string; x?: number }) => ({ id, sort: 'a', b: null, s: null, x: null, ...fields });
  try {
    assert.ok(existsSync(path), 'the file is created when the connector opens');
    const step = out.writeStep([
      { row: row(1n, { b: new Uint8Array([1, 2, 3]), s: 'ok', x: 1.5 }), weight: 1 },
      { row: row(2n, { s: 'x'.repeat(409_600) }), weight: 1 },
      { row: row(3n, { x: Number.NaN }), weight: 1 },
      { row: row(4n, { s: 'one' }), weight: 1 },
      { row: row(4n, { s: 'two' }), weight: 1 },
      { row: row(STUCK_ID, { b: new Uint8Array([255, 0]), s: 'stuck' }), weight: 1 },
    ]);
    const result = await settled(step);
    await assert.rejects(step, StepWriteError);
    assert.equal(result.puts, 1);
    assert.deepEqual(result.skipped, { uniqueness_violation: 1, oversized: 1, invalid_value: 1, condition_check_failed: 0 });
    assert.equal(result.failed, 1);

    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(secret), 'no credentials in the file');
    const letters = new Map(readDeadLetters(path).map((l) => [l.reason, l]));
    assert.deepEqual([...letters.keys()].sort(), [
      'DYNAMODB_INVALID_VALUE', 'DYNAMODB_ITEM_TOO_LARGE', 'DYNAMODB_UNIQUENESS_VIOLATION', 'DYNAMODB_WRITE_FAILED',
    ]);
    for (const letter of letters.values()) {
      assert.deepEqual([letter.connector, letter.view, letter.table, letter.step], ['mixed_ddb', 'mixed', table, 1]);
    }

    const oversized = letters.get('DYNAMODB_ITEM_TOO_LARGE')!;
    assert.deepEqual(oversized.key, { id: '2', sort: 'a' }, 'bigint as its decimal text');
    assert.equal(oversized.operation, 'put');
    assert.equal((oversized.row?.['s'] as string).length, 409_600);
    assert.match(oversized.message, /400 KB item-size limit/);

    const invalid = letters.get('DYNAMODB_INVALID_VALUE')!;
    assert.deepEqual(invalid.row, { id: '3', sort: 'a', b: null, s: null, x: 'NaN' });
    assert.match(invalid.message, /column "x"/);

    const violation = letters.get('DYNAMODB_UNIQUENESS_VIOLATION')!;
    assert.deepEqual(violation.key, { id: '4', sort: 'a' });
    assert.equal(violation.row, undefined);
    assert.deepEqual(violation.updates?.map((u) => [u.row['s'], u.weight]), [['one', 1], ['two', 1]]);

    const failed = letters.get('DYNAMODB_WRITE_FAILED')!;
    assert.deepEqual(failed.key, { id: '9007199254740993', sort: 'a' });
    assert.deepEqual(failed.row, { id: '9007199254740993', sort: 'a', b: [255, 0], s: 'stuck', x: null }, 'bytes as an array of byte values');
    assert.match(failed.message, /unprocessed \(throttled\) after 1 retries/);

    // The failed record, replayed as it stands in the file, is written exactly.
    const replay = await openDynamoDBOutput({ name: 'replay', view: mixed, index: mixedIndex, config: { table, ...localConnection(ddb.endpoint) } });
    try {
      assert.equal((await replay.writeStep([{ row: failed.row!, weight: failed.operation === 'put' ? 1 : -1 }])).puts, 1);
    } finally {
      await replay.close();
    }
    const replayed = (await scanAll(ddb.client, table)).find((item) => item['id']?.N === '9007199254740993');
    assert.deepEqual(Array.from(replayed?.['b']?.B ?? []), [255, 0]);
  } finally {
    await out.close();
  }
});

test('writes suppressed by a condition expression are not dead letters, and an existing file is appended to', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'], range: ['sort', 'S'] });
  const path = deadLetterPath();
  writeFileSync(path, '{"earlier":"line"}\n');
  const out = await openDynamoDBOutput({
    name: 'cond_ddb', view: mixed, index: mixedIndex,
    config: { table, ...localConnection(ddb.endpoint), write_mode: 'transactional', put_condition_expression: 'attribute_not_exists(id)', dead_letter_path: path },
  });
  const row = (s: string) => ({ id: 1n, sort: 'a', b: null, s, x: null });
  try {
    await out.writeStep([{ row: row('first'), weight: 1 }]);
    const second = await out.writeStep([{ row: row('first'), weight: -1 }, { row: row('second'), weight: 1 }]);
    assert.equal(second.skipped.condition_check_failed, 1);
    const third = await out.writeStep([{ row: row('second'), weight: 1 }, { row: row('third'), weight: 1 }]);
    assert.equal(third.skipped.uniqueness_violation, 1);
  } finally {
    await out.close();
  }
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines[0], '{"earlier":"line"}');
  assert.deepEqual(readDeadLetters(path).slice(1).map((l) => [l.reason, l.step]), [['DYNAMODB_UNIQUENESS_VIOLATION', 3]]);
});

test('a dead_letter_path that cannot be opened for appending is a configuration error naming the connector and the path', async () => {
  const table = await createTable(ddb.client, { hash: ['id', 'N'], range: ['sort', 'S'] });
  const path = join(mkdtempSync(join(tmpdir(), 'dynaview-dead-letters-')), 'missing-dir', 'dead.jsonl');
  await assert.rejects(
    openDynamoDBOutput({ name: 'mixed_ddb', view: mixed, index: mixedIndex, config: { table, ...localConnection(ddb.endpoint), dead_letter_path: path } }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /connector mixed_ddb/);
      assert.ok(error.message.includes(`dead_letter_path: cannot open ${path} for appending`), error.message);
      assert.doesNotMatch(error.message, /at .*\.js:\d+/);
      return true;
    },
  );
});
