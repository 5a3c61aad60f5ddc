/**
 * Per-key order for writes that may overlap across steps (pipelined_steps): a chunk waits for
 * the earlier chunks that write any of its keys, and a request still waiting when a newer request
 * for its key arrives is superseded, since only the newest value needs to reach the table.
 */
import type { WriteRequest } from './chunks.js';

interface LatestWrite {
  readonly request: WriteRequest;
  readonly done: Promise<void>;
  sent: boolean;
}

export class KeyOrdering {
  private readonly latest = new Map<string, LatestWrite>();
  /** The key identity of each request of each chunk between `enter` and `leave`. */
  private readonly chunkKeys = new Map<readonly WriteRequest[], string[]>();

  /** `keyOf` gives a request's key identity (see key-identity.ts). */
  constructor(private readonly keyOf: (request: WriteRequest) => string) {}

  /**
   * Registers a chunk in staging order and returns the completions of the earlier chunks it must
   * wait for. `done` settles when the chunk's write has finished, retries included.
   */
  enter(chunk: readonly WriteRequest[], done: Promise<void>): Promise<void>[] {
    const earlier = new Set<Promise<void>>();
    const keys = chunk.map(this.keyOf);
    this.chunkKeys.set(chunk, keys);
    chunk.forEach((request, i) => {
      const previous = this.latest.get(keys[i]!);
      if (previous) {
        earlier.add(previous.done);
        if (!previous.sent) previous.request.superseded = true;
      }
      this.latest.set(keys[i]!, { request, done, sent: false });
    });
    return [...earlier];
  }

  /** The requests of the chunk still worth sending; from now on they cannot be superseded. */
  send(chunk: readonly WriteRequest[]): WriteRequest[] {
    const keys = this.keysOf(chunk);
    const live: WriteRequest[] = [];
    chunk.forEach((request, i) => {
      if (request.superseded) return;
      live.push(request);
      const key = keys[i];
      const entry = key === undefined ? undefined : this.latest.get(key);
      if (entry?.request === request) entry.sent = true;
    });
    return live;
  }

  /** Forgets the chunk's keys unless a newer chunk wrote them since, so memory stays bounded. */
  leave(chunk: readonly WriteRequest[], done: Promise<void>): void {
    for (const key of this.keysOf(chunk)) {
      if (this.latest.get(key)?.done === done) this.latest.delete(key);
    }
    this.chunkKeys.delete(chunk);
  }

  /** The keys `enter` registered for the chunk; none for a chunk it never saw. */
  private keysOf(chunk: readonly WriteRequest[]): readonly string[] {
    return this.chunkKeys.get(chunk) ?? [];
  }
}
