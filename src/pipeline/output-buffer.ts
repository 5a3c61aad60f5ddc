/**
 * An output connector's buffer (`enable_output_buffer`): changes of several steps merged into one
 * Z-set, so that a key updated many times is written once. Equal rows add their weights and
 * vanish at zero, so an insert followed by a delete leaves nothing and an insert followed by an
 * update leaves an insert of the new row.
 */
import type { Update } from '../schema.js';
import type { OutputBufferSettings } from './endpoints.js';
import { rowIdentity, type ZSet } from '../engine/zset.js';

export class OutputBuffer {
  private readonly rows = new Map<string, Update>();
  private firstInsertAt: number | null = null;

  constructor(private readonly settings: OutputBufferSettings, private readonly columns: readonly string[]) {}

  add(delta: ZSet, now: number): void {
    if (this.firstInsertAt === null && delta.length > 0) this.firstInsertAt = now;
    for (const { row, weight } of delta) {
      const id = rowIdentity(row, this.columns);
      const held = this.rows.get(id);
      if (!held) this.rows.set(id, { row, weight });
      else if (held.weight + weight === 0) this.rows.delete(id);
      else held.weight += weight;
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** Whether the size or the age limit says to hand the buffer to the connector now. */
  due(now: number): boolean {
    if (this.firstInsertAt === null) return false;
    if (this.rows.size >= this.settings.maxRecords) return true;
    return this.settings.maxTimeMillis !== null && now - this.firstInsertAt >= this.settings.maxTimeMillis;
  }

  /** When the age limit will be reached, if it applies. */
  dueAt(): number | null {
    return this.firstInsertAt === null || this.settings.maxTimeMillis === null ? null : this.firstInsertAt + this.settings.maxTimeMillis;
  }

  /** Empties the buffer, returning what it held. Undefined when nothing was added since the last take. */
  take(): ZSet | undefined {
    if (this.firstInsertAt === null) return undefined;
    const delta = [...this.rows.values()];
    this.rows.clear();
    this.firstInsertAt = null;
    return delta;
  }
}
