/**
 * The push journal of a state directory: every push of an input that cannot read its input again
 * (`replay: 'journal'`: HTTP, a replication stream), made durable before the push is accepted, so
 * that what a source was told is safe (an HTTP 200, a replication position) survives a crash. A
 * restarted run replays its journaled steps from here, and feeds again the pushes no step consumed.
 *
 * Pushes get sequence numbers that grow over every run; steps consume them in that order, so a
 * checkpoint covers a prefix. The journal is a folder of segment files named after their first
 * sequence number; each checkpoint starts a new segment, and segments the checkpoint covers are
 * deleted whole. An entry is its length, a CRC-32 and the V8 serialization of the push: a crash
 * can leave the last entry incomplete, and it was never acknowledged, so it is dropped.
 * Concurrent appends share one flush to disk.
 */
import { mkdir, open, readdir, readFile, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { InputPosition } from '../connectors/inputs/input.js';
import type { Update } from '../schema.js';
import { syncDirectory } from '../util/atomic-file.js';
import { STATE_DIR_INVALID, StateDirError } from './checkpoint.js';

export interface JournaledPush {
  readonly seq: number;
  readonly endpoint: string;
  /** The connector's own position after the push. */
  readonly position: InputPosition;
  readonly changes: readonly Update[];
}

const HEADER_BYTES = 8;
const SEGMENT_SUFFIX = '.pushes';

interface PendingAppend {
  readonly bytes: Buffer;
  readonly done: { resolve: () => void; reject: (error: unknown) => void };
}

export class PushJournal {
  private handle: FileHandle | null = null;
  /** Segments by their first sequence number, oldest first; the last one is being appended to. */
  private readonly segments: number[];
  private queued: PendingAppend[] = [];
  private writeScheduled = false;
  /** Every operation on the files (writes, opening, rolling and deleting segments), in order. */
  private operations: Promise<void> = Promise.resolve();

  private constructor(private readonly dir: string, segments: number[], private nextSeq: number) {
    this.segments = segments;
  }

  /**
   * Opens the journal in `dir` (created when missing) and returns it with the pushes it holds, in
   * sequence order (the first ones may be covered by the checkpoint already).
   */
  static async open(dir: string): Promise<{ journal: PushJournal; pushes: JournaledPush[] }> {
    await mkdir(dir, { recursive: true });
    const segments = (await readdir(dir))
      .filter((name) => name.endsWith(SEGMENT_SUFFIX))
      .map((name) => Number(name.slice(0, -SEGMENT_SUFFIX.length)))
      .filter((first) => Number.isSafeInteger(first))
      .sort((a, b) => a - b);
    const pushes: JournaledPush[] = [];
    let lastSeq = 0;
    for (const [i, first] of segments.entries()) {
      const path = segmentPath(dir, first);
      const bytes = await readFile(path);
      const { pushes: entries, validBytes } = decodeSegment(bytes, path, i === segments.length - 1);
      // The incomplete last entry of a crash goes, or the next open would find it in the middle.
      if (validBytes < bytes.length) await truncate(path, validBytes);
      for (const push of entries) {
        lastSeq = Math.max(lastSeq, push.seq);
        pushes.push(push);
      }
    }
    const journal = new PushJournal(dir, segments, lastSeq + 1);
    await journal.startSegment();
    return { journal, pushes };
  }

  /** Journals a push; resolves with its sequence number once it is on disk. */
  append(endpoint: string, position: InputPosition, changes: readonly Update[]): Promise<number> {
    const seq = this.nextSeq;
    this.nextSeq += 1;
    const payload = serialize({ seq, endpoint, position, changes } satisfies JournaledPush);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ bytes: Buffer.concat([header, payload]), done: { resolve, reject } });
      if (this.writeScheduled) return;
      this.writeScheduled = true;
      void this.exclusive(() => this.writeQueued());
    }).then(() => seq);
  }

  /**
   * After a checkpoint that covers every push through `seq`: later pushes go to a new segment,
   * and the segments holding only covered pushes are deleted.
   */
  dropThrough(seq: number): Promise<void> {
    return this.exclusive(async () => {
      if (this.nextSeq > this.segments.at(-1)!) await this.startSegment();
      // A segment ends where the next one starts.
      const covered = this.segments.filter((first, i) => i < this.segments.length - 1 && this.segments[i + 1]! - 1 <= seq);
      for (const first of covered) await rm(segmentPath(this.dir, first), { force: true });
      this.segments.splice(0, covered.length);
      if (covered.length > 0) await syncDirectory(this.dir);
    });
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      await this.handle?.close();
      this.handle = null;
    });
  }

  /** Writes what was queued meanwhile in one write and one flush to disk, until nothing is queued. */
  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      try {
        await this.handle!.write(Buffer.concat(batch.map((append) => append.bytes)));
        await this.handle!.datasync();
        for (const append of batch) append.done.resolve();
      } catch (error) {
        for (const append of batch) append.done.reject(error);
      }
    }
    this.writeScheduled = false;
  }

  private async startSegment(): Promise<void> {
    await this.handle?.close();
    const first = this.nextSeq;
    const path = segmentPath(this.dir, first);
    // 'a': a segment left empty by the previous run is this one.
    this.handle = await open(path, 'a');
    if (this.segments.at(-1) !== first) this.segments.push(first);
    await syncDirectory(this.dir);
  }

  private exclusive(operation: () => Promise<void>): Promise<void> {
    const result = this.operations.then(operation);
    // A failed operation fails its caller; the next ones still run.
    this.operations = result.catch(() => undefined);
    return result;
  }
}

function segmentPath(dir: string, first: number): string {
  return join(dir, `${String(first).padStart(12, '0')}${SEGMENT_SUFFIX}`);
}

/** The entries of a segment; an incomplete or damaged entry ends it, and is damage unless it is the last one written. */
function decodeSegment(bytes: Buffer, path: string, isLast: boolean): { pushes: JournaledPush[]; validBytes: number } {
  const pushes: JournaledPush[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const entry = decodeEntry(bytes, offset);
    if (entry === undefined) {
      if (isLast) break;
      throw new StateDirError(STATE_DIR_INVALID, `${path} is damaged at byte ${offset}; delete the state directory to start over`);
    }
    pushes.push(entry.push);
    offset = entry.end;
  }
  return { pushes, validBytes: offset };
}

function decodeEntry(bytes: Buffer, offset: number): { push: JournaledPush; end: number } | undefined {
  if (offset + HEADER_BYTES > bytes.length) return undefined;
  const length = bytes.readUInt32LE(offset);
  const end = offset + HEADER_BYTES + length;
  if (end > bytes.length) return undefined;
  const payload = bytes.subarray(offset + HEADER_BYTES, end);
  if (crc32(payload) !== bytes.readUInt32LE(offset + 4)) return undefined;
  return { push: deserialize(payload) as JournaledPush, end };
}
