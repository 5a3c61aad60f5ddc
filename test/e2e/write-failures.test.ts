// `dynaview run` and items DynamoDB refuses: reported, dead-lettered next to the program, and an
// exit code of 1, or 0 with --allow-write-failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { ROOT, runCli, writeFiles } from '../support/cli.js';
import { createTableWithTagIndex } from '../support/tag-index-table.js';

const ddb = useDynamoDB();

test('an item DynamoDB refuses makes run exit 1, or 0 with --allow-write-failures; both times the rest is written and the item is a dead letter next to the program', async () => {
  const table = await createTableWithTagIndex(ddb.client);
  const connection = Object.entries(localConnection(ddb.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
  const dir = writeFiles({
    // An empty string cannot be the key of the table's index on g.
    'rows.json': ['{"insert": {"id": 1, "g": "a"}}', '{"insert": {"id": 2, "g": ""}}', '{"insert": {"id": 3, "g": "c"}}'].join('\n'),
    'prog.sql': `
      CREATE TABLE t (id INT NOT NULL PRIMARY KEY, g VARCHAR NOT NULL) WITH ('connectors' = '[{
        "transport": {"name": "file_input", "config": {"path": "rows.json"}},
        "format": {"name": "json", "config": {"update_format": "insert_delete"}}
      }]');
      CREATE VIEW v WITH ('connectors' = '[{"index": "v_idx", "transport": {"name": "dynamodb_output",
        "config": {"table": "${table}", ${connection}, "dead_letter_path": "dead.jsonl"}}}]') AS SELECT * FROM t;
      CREATE INDEX v_idx ON v(id);
    `,
  });
  const program = join(dir, 'prog.sql');

  const strict = await runCli(['run', program]);
  assert.equal(strict.code, 1, strict.stderr);
  assert.match(strict.stderr, /1 item\(s\) could not be written to DynamoDB/);
  assert.match(strict.stdout, /v\.unnamed-0 -> DynamoDB table .*: 2 written .* 1 failed/);

  const allowed = await runCli(['run', program, '--allow-write-failures']);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /1 failed/);
  assert.match(allowed.stderr, /could not be written/);

  assert.deepEqual((await scanAll(ddb.client, table)).map((item) => Number(item['id']?.N)).sort(), [1, 3]);
  assert.ok(!existsSync(join(ROOT, 'dead.jsonl')), 'a relative dead_letter_path is resolved against the program directory');
  const letters = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(letters.length, 2, 'one line per run, appended');
  for (const letter of letters) {
    assert.equal(letter['reason'], 'DYNAMODB_VALIDATION_REJECTED');
    assert.equal(letter['connector'], 'v.unnamed-0');
    assert.deepEqual(letter['key'], { id: 2 });
    assert.deepEqual(letter['row'], { id: 2, g: '' });
  }
});
