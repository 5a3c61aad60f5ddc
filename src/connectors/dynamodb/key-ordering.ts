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

  /**
   * Registers a chunk in staging order and returns the completions of the earlier chunks it must
   * wait for. `done` settles when the chunk's write has finished, retries included.
   */
  enter(chunk: readonly WriteRequest[], done: Promise<void>): Promise<void>[] {
    const earlier = new Set<Promise<void>>();
    for (const request of chunk) {
      const previous = this.latest.get(request.keyId);
      if (previous) {
        earlier.add(previous.done);
        if (!previous.sent) previous.request.superseded = true;
      }
      this.latest.set(request.keyId, { request, done, sent: false });
    }
    return [...earlier];
  }

  /** The requests of the chunk still worth sending; from now on they cannot be superseded. */
  send(chunk: readonly WriteRequest[]): WriteRequest[] {
    const live = chunk.filter((request) => !request.superseded);
    for (const request of live) {
      const entry = this.latest.get(request.keyId);
      if (entry?.request === request) entry.sent = true;
    }
    return live;
  }

  /** Forgets the chunk's keys unless a newer chunk wrote them since, so memory stays bounded. */
  leave(chunk: readonly WriteRequest[], done: Promise<void>): void {
    for (const request of chunk) {
      if (this.latest.get(request.keyId)?.done === done) this.latest.delete(request.keyId);
    }
  }
}
