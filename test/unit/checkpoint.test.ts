import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynaviewError } from '../../src/errors.js';
import {
  decodeCheckpoint, encodeCheckpoint, programIdentity, STATE_DIR_INVALID, STATE_DIR_PROGRAM_MISMATCH, type Checkpoint,
} from '../../src/pipeline/checkpoint.js';
import { StateDir } from '../../src/pipeline/state-dir.js';
import { StepJournal } from '../../src/pipeline/step-journal.js';
import { temporaryPath, writeFileAtomic } from '../../src/util/atomic-file.js';

let root = '';
let dirCount = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'dynaview-checkpoint-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

function freshDir(): string {
  dirCount += 1;
  return join(root, `state-${dirCount}`);
}

const PROGRAM = programIdentity('/programs/p.sql', 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY);');

const CHECKPOINT: Checkpoint = {
  program: PROGRAM,
  step: 42,
  inputs: {
    't.file': { position: { offset: 120, line: 4, col: 1 }, rows: 3 },
    't.gen': { position: { seed: '7', plan: 0, next: 30, gaps: [[20, 25]] }, rows: 25 },
  },
  engine: new Uint8Array(serialize({ t: [[1, 2n ** 70n, new Uint8Array([0, 255]), ['a', null], '2024-01-01']] })),
};

function rejectsWith(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof DynaviewError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('checkpoint format', () => {
  test('a checkpoint reads back exactly: program, step, input positions and row counts, and the engine state bytes', () => {
    const decoded = decodeCheckpoint(Buffer.concat(encodeCheckpoint(CHECKPOINT)), 'checkpoint');
    assert.deepEqual(decoded, CHECKPOINT);
  });

  test('the header is one JSON line with the format name and version', () => {
    const [header] = encodeCheckpoint(CHECKPOINT);
    const parsed = JSON.parse(header!.toString()) as Record<string, unknown>;
    assert.equal(parsed['format'], 'dynaview-checkpoint');
    assert.equal(parsed['version'], 2);
    assert.equal(parsed['step'], 42);
  });

  test('another version, a header that breaks the schema, and engine bytes that do not match their checksum are refused', () => {
    const [header, engine] = encodeCheckpoint(CHECKPOINT);
    const withHeader = (change: (h: Record<string, unknown>) => void): Buffer => {
      const parsed = JSON.parse(header!.toString()) as Record<string, unknown>;
      change(parsed);
      return Buffer.concat([Buffer.from(`${JSON.stringify(parsed)}\n`), engine!]);
    };
    assert.throws(() => decodeCheckpoint(withHeader((h) => { h['version'] = 1; }), 'cp'),
      rejectsWith(STATE_DIR_INVALID, /^cp is not a checkpoint dynaview can read \(format version 1; this dynaview reads version 2\)/));
    assert.throws(() => decodeCheckpoint(withHeader((h) => { h['step'] = -1; }), 'cp'), rejectsWith(STATE_DIR_INVALID, /header field step/));
    assert.throws(() => decodeCheckpoint(withHeader((h) => { delete h['inputs']; }), 'cp'), rejectsWith(STATE_DIR_INVALID, /header field inputs/));
    const corrupted = Buffer.concat(encodeCheckpoint(CHECKPOINT));
    corrupted.writeUInt8(corrupted.readUInt8(corrupted.length - 3) ^ 0xff, corrupted.length - 3);
    assert.throws(() => decodeCheckpoint(corrupted, 'cp'), rejectsWith(STATE_DIR_INVALID, /does not match its checksum/));
    assert.throws(() => decodeCheckpoint(Buffer.from('not a checkpoint'), 'cp'), rejectsWith(STATE_DIR_INVALID, /no header line/));
  });
});

describe('atomic write', () => {
  test('writes through a temporary file that is gone afterwards, and replaces a stale one a crash left behind', async () => {
    const dir = await mkdtemp(join(root, 'atomic-'));
    const file = join(dir, 'data');
    await writeFile(temporaryPath(file), 'half-written');
    await writeFileAtomic(file, [Buffer.from('new '), Buffer.from('content')]);
    assert.equal(await readFile(file, 'utf8'), 'new content');
    assert.deepEqual(await readdir(dir), ['data']);
  });

  test('a process killed at any moment while replacing a file leaves either the old or the new content', async () => {
    const dir = await mkdtemp(join(root, 'killed-'));
    const file = join(dir, 'data');
    const size = 4 * 1024 * 1024;
    await writeFile(file, Buffer.alloc(size, 'a'));
    const moduleUrl = new URL('../../src/util/atomic-file.js', import.meta.url).href;
    // Writes 4 MB of b, c, d, ... over and over until killed.
    const script = `const { writeFileAtomic } = await import(${JSON.stringify(moduleUrl)});
      for (let i = 1; ; i += 1) await writeFileAtomic(${JSON.stringify(file)}, Buffer.alloc(${size}, 97 + (i % 26)));`;
    for (let kill = 0; kill < 8; kill += 1) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 300));
      child.kill('SIGKILL');
      await exited;
      const content = await readFile(file);
      assert.equal(content.length, size);
      assert.ok(content.every((byte) => byte === content[0]), 'one whole version of the file');
    }
  });
});

describe('state directory', () => {
  test('a fresh directory is claimed with a checkpoint of step 0 and an empty journal', async () => {
    const dir = freshDir();
    const state = await StateDir.open(dir, PROGRAM);
    await state.close();
    assert.deepEqual(state.checkpoint, { program: PROGRAM, step: 0, inputs: {}, engine: null });
    assert.deepEqual(state.unfinishedSteps, []);
    assert.deepEqual((await readdir(dir)).sort(), ['checkpoint', 'pushes', 'steps.jsonl']);
  });

  test('journaled steps after the checkpoint are returned for replay, and saving a checkpoint drops those it covers', async () => {
    const dir = freshDir();
    const state = await StateDir.open(dir, PROGRAM);
    for (let step = 1; step <= 3; step += 1) await state.journalStep({ step, pushes: [['t.file', { offset: step * 10, line: step + 1, col: 1 }]] });
    await state.save({ ...CHECKPOINT, step: 2 });
    await state.close();
    const reopened = await StateDir.open(dir, PROGRAM);
    await reopened.close();
    assert.equal(reopened.checkpoint.step, 2);
    assert.deepEqual(reopened.unfinishedSteps, [{ step: 3, pushes: [['t.file', { offset: 30, line: 4, col: 1 }]] }]);
    assert.equal((await readFile(join(dir, 'steps.jsonl'), 'utf8')).split('\n').length, 2);
  });

  test('a state directory written by a different program is refused, naming the directory', async () => {
    const dir = freshDir();
    const state = await StateDir.open(dir, PROGRAM);
    await state.save({ ...CHECKPOINT, step: 5 });
    await state.close();
    const other = programIdentity('/programs/p.sql', 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT);');
    await assert.rejects(StateDir.open(dir, other),
      rejectsWith(STATE_DIR_PROGRAM_MISMATCH, new RegExp(`^state directory ${dir} was written by a different program: .*delete ${dir} to start over`)));
  });

  test('a directory without progress is taken over by another program', async () => {
    const dir = freshDir();
    await (await StateDir.open(dir, PROGRAM)).close();
    const other = programIdentity('/programs/q.sql', 'CREATE TABLE u (id INT);');
    const state = await StateDir.open(dir, other);
    await state.close();
    assert.deepEqual(state.checkpoint.program, other);
  });

  test('an unreadable checkpoint is refused with STATE_DIR_INVALID', async () => {
    const dir = freshDir();
    await (await StateDir.open(dir, PROGRAM)).close();
    await writeFile(join(dir, 'checkpoint'), '{"format": "something else"}\n');
    await assert.rejects(StateDir.open(dir, PROGRAM), rejectsWith(STATE_DIR_INVALID, /checkpoint is not a checkpoint dynaview can read/));
  });
});

describe('step journal', () => {
  test('an incomplete last line, left by a crash in the middle of an append, is dropped and the journal goes on', async () => {
    const dir = await mkdtemp(join(root, 'journal-'));
    const path = join(dir, 'steps.jsonl');
    await writeFile(path, '{"step":1,"pushes":[["t.file",{"offset":10,"line":2,"col":1}]]}\n{"step":2,"pushes":[["t.fi');
    const { journal, steps } = await StepJournal.open(path);
    assert.deepEqual(steps.map((s) => s.step), [1]);
    await journal.append({ step: 2, pushes: [] });
    await journal.close();
    const { journal: again, steps: all } = await StepJournal.open(path);
    await again.close();
    assert.deepEqual(all, [{ step: 1, pushes: [['t.file', { offset: 10, line: 2, col: 1 }]] }, { step: 2, pushes: [] }]);
  });

  test('a damaged line followed by readable ones, or steps out of order, are refused', async () => {
    const dir = await mkdtemp(join(root, 'journal-'));
    const path = join(dir, 'steps.jsonl');
    await writeFile(path, '{"step":1,"pushes":[]}\ngarbage\n{"step":2,"pushes":[]}\n');
    await assert.rejects(StepJournal.open(path), rejectsWith(STATE_DIR_INVALID, /steps\.jsonl:2 is not a journaled step/));
    await writeFile(path, '{"step":1,"pushes":[]}\n{"step":3,"pushes":[]}\n');
    await assert.rejects(StepJournal.open(path), rejectsWith(STATE_DIR_INVALID, /steps\.jsonl:2 journals step 3 after step 1/));
  });
});
