// The file_output connector on its own: what it appends per batch, how it starts over or
// resumes from a checkpoint's position, and what it counts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { OutputCheckpoint, OutputConnector, OutputDefinition } from '../../src/connectors/outputs/output.js';
import { outputTransport } from '../../src/connectors/outputs/registry.js';
import { DynaviewError } from '../../src/errors.js';
import type { Update } from '../../src/schema.js';
import { parseSqlType } from '../../src/sql/parse-type.js';
import { useTempFiles } from '../support/temp-files.js';

const temp = useTempFiles('dynaview-file-output-');
const silent = pino({ level: 'silent' });

const VIEW = {
  name: 'v',
  columns: [
    { name: 'id', type: parseSqlType('BIGINT'), nullable: false },
    { name: 'price', type: parseSqlType('DECIMAL(10, 2)'), nullable: true },
  ],
};

let files = 0;

/** A file_output connector of view v writing `name` in the temporary directory. */
function define(name: string): OutputDefinition {
  return outputTransport('file_output')!.define(
    { name: 'file_output', config: { path: name } },
    { connector: 'v.out', view: VIEW, index: undefined, baseDir: temp.dir },
  );
}

async function opened(name: string, resume?: OutputCheckpoint, registry = new Registry()): Promise<OutputConnector> {
  return define(name).open({ registry, logger: silent, ...(resume ? { resume } : {}) });
}

function freshName(): string {
  files += 1;
  return `out-${files}.json`;
}

const row = (id: number | bigint, price: string | null = null): Update['row'] => ({ id: typeof id === 'bigint' ? id : BigInt(id), price });

async function text(name: string): Promise<string> {
  return readFile(join(temp.dir, name), 'utf8');
}

describe('file_output', () => {
  test('appends each batch as its deletes, then its inserts, one JSON event per line', async () => {
    const name = freshName();
    const out = await opened(name);
    const first = await out.writeStep([{ row: row(1, '9.5'), weight: 1 }, { row: row(2), weight: 1 }], 1);
    assert.deepEqual(first, { written: 2, failed: 0 });
    await out.writeStep([{ row: row(3, '1'), weight: 2 }, { row: row(1, '9.5'), weight: -1 }, { row: row(2n ** 62n), weight: 1 }], 2);
    await out.close();
    assert.equal(await text(name), [
      '{"insert":{"id":1,"price":9.5}}',
      '{"insert":{"id":2,"price":null}}',
      '{"delete":{"id":1,"price":9.5}}',
      '{"insert":{"id":3,"price":1}}',
      '{"insert":{"id":3,"price":1}}',
      '{"insert":{"id":4611686018427387904,"price":null}}',
      '',
    ].join('\n'));
  });

  test('starts over on a fresh start: what the file held is gone', async () => {
    const name = freshName();
    await writeFile(join(temp.dir, name), 'left over\n');
    const out = await opened(name);
    await out.writeStep([{ row: row(1), weight: 1 }], 1);
    await out.close();
    assert.equal(await text(name), '{"insert":{"id":1,"price":null}}\n');
  });

  test('a checkpoint holds the length after the last batch, with its step; resuming cuts the file back to it', async () => {
    const name = freshName();
    const out = await opened(name);
    assert.deepEqual(await out.checkpoint(), { step: 0, position: { bytes: 0 } }, 'nothing written yet');
    await out.writeStep([{ row: row(1), weight: 1 }], 3);
    const saved = await out.checkpoint();
    const line = '{"insert":{"id":1,"price":null}}\n';
    assert.deepEqual(saved, { step: 3, position: { bytes: Buffer.byteLength(line) } });
    await out.writeStep([{ row: row(2), weight: 1 }], 5);
    await out.close();
    // A crash may leave a partial line behind as well.
    await writeFile(join(temp.dir, name), `${await text(name)}{"insert":{"id`);

    const resumed = await opened(name, saved);
    assert.deepEqual(await resumed.checkpoint(), saved, 'before writing, it stands where the checkpoint says');
    assert.equal(await text(name), line);
    await resumed.writeStep([{ row: row(2), weight: 1 }], 4);
    await resumed.close();
    assert.equal(await text(name), `${line}{"insert":{"id":2,"price":null}}\n`);
  });

  test('a file shorter than the checkpoint says was written is refused, naming the file', async () => {
    const name = freshName();
    await writeFile(join(temp.dir, name), 'short\n');
    await assert.rejects(opened(name, { step: 2, position: { bytes: 100 } }), (error: unknown) => {
      assert.ok(error instanceof DynaviewError);
      assert.equal(error.code, 'OUTPUT_FILE_CHANGED');
      assert.equal(error.message, `connector v.out: ${join(temp.dir, name)} holds 6 bytes, fewer than the 100 the saved state says were written: `
        + 'the file was replaced or truncated since. Start over with an empty state directory.');
      return true;
    });
    await assert.rejects(opened(name, { step: 2, position: { offset: 1 } }), { code: 'OUTPUT_POSITION_INVALID' });
  });

  test('a record repeated more than 1,000,000 times is not written and fails its batch; the rest is written', async () => {
    const name = freshName();
    const out = await opened(name);
    const result = await out.writeStep([{ row: row(1), weight: 1 }, { row: row(2), weight: -2_000_000 }], 1);
    await out.close();
    assert.equal(result.written, 1);
    assert.equal(result.failed, 1);
    assert.equal(result.failure?.code, 'OUTPUT_RECORD_WEIGHT_TOO_LARGE');
    assert.match(result.failure?.message ?? '', /^connector v\.out: 1 record\(s\) of step 1 were not written to .*: their weights \(-2000000\) are beyond ±1000000/);
    assert.equal(await text(name), '{"insert":{"id":1,"price":null}}\n');
  });

  test('counts events, inserts, deletes, bytes and batches, in its status and in the shared metrics registry', async () => {
    const name = freshName();
    const registry = new Registry();
    const out = await opened(name, undefined, registry);
    await out.writeStep([{ row: row(1), weight: 1 }, { row: row(2), weight: -1 }], 1);
    await out.close();
    const status = out.status();
    assert.equal(status.summary, '2 written (1 inserts, 1 deletes), 0 failed');
    assert.deepEqual([status.written, status.retries, status.dropped], [2, 0, 0]);
    assert.equal(status.metrics['bytes_written'], (await text(name)).length);
    const metrics = await registry.metrics();
    assert.match(metrics, /^file_output_records_written_total\{endpoint="v\.out"\} 2$/m);
    assert.match(metrics, /^file_output_steps_total\{endpoint="v\.out"\} 1$/m);
    assert.match(metrics, /^file_output_failed_records_total\{endpoint="v\.out"\} 0$/m);
    // A second connector registers its series in the same registry.
    const other = await opened(freshName(), undefined, registry);
    await other.close();
  });
});
