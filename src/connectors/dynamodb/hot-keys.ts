/**
 * Hot partition keys: the partition keys that received the most writes, and the most throttled
 * items, over the last 30 to 60 seconds, counted per worker in bounded memory (a Space-Saving
 * sketch per kind and window) and merged by the connector for /status and for the warning it logs
 * when one key takes a large share of the writes of a table that DynamoDB throttles.
 */
import { WindowedSpaceSaving, type WindowTop } from '../../util/space-saving.js';
import type { OutputHotKeys } from '../outputs/output.js';
import { renderIdentityPart, type KeyAttributeType } from './key-identity.js';

/** Counters per sketch: keys of more than 1/256 of a window's writes are sure to be counted. */
const HOT_KEY_COUNTERS = 256;
const HOT_KEY_WINDOW_MS = 30_000;
/** Keys listed per kind, in /status and in what a worker reports. */
const HOT_KEYS_LISTED = 10;
/** A share of a throttled table's writes at which one partition key is worth a warning. */
const HOT_KEY_WARNING_SHARE = 0.2;
/** Below this many writes in the window a share says too little to warn about. */
export const HOT_KEY_WARNING_MIN_WRITES = 100;
const KEY_TEXT_MAX_CHARS = 64;

/** A partition key by its identity (see key-identity.ts), with its estimated and guaranteed counts. */
export interface HotKeyCount {
  readonly identity: string;
  readonly count: number;
  /** Occurrences certain to have happened: the count without the sketch's possible overestimate. */
  readonly guaranteed: number;
}

/** One worker's (or, merged, the connector's) hot keys: plain data, so it can leave a worker thread. */
export interface HotKeysSnapshot {
  readonly windowSeconds: number;
  readonly writesTotal: number;
  readonly throttledTotal: number;
  readonly writes: readonly HotKeyCount[];
  readonly throttled: readonly HotKeyCount[];
}

export const EMPTY_HOT_KEYS: HotKeysSnapshot = { windowSeconds: 0, writesTotal: 0, throttledTotal: 0, writes: [], throttled: [] };

/** Counts one worker's writes and throttled items by partition key. */
export class HotKeyTracker {
  private readonly writes: WindowedSpaceSaving;
  private readonly throttles: WindowedSpaceSaving;

  constructor(nowMs: number, windowMs = HOT_KEY_WINDOW_MS) {
    this.writes = new WindowedSpaceSaving(HOT_KEY_COUNTERS, windowMs, nowMs);
    this.throttles = new WindowedSpaceSaving(HOT_KEY_COUNTERS, windowMs, nowMs);
  }

  /** Counts a write of an item whose partition key has identity `partitionKey`. */
  wrote(partitionKey: string): void {
    this.writes.add(partitionKey);
  }

  throttled(partitionKey: string): void {
    this.throttles.add(partitionKey);
  }

  advance(nowMs: number): void {
    this.writes.advance(nowMs);
    this.throttles.advance(nowMs);
  }

  snapshot(nowMs: number): HotKeysSnapshot {
    const writes = this.writes.top(HOT_KEYS_LISTED, nowMs);
    const throttled = this.throttles.top(HOT_KEYS_LISTED, nowMs);
    return {
      windowSeconds: writes.spanMs / 1000,
      writesTotal: writes.total,
      throttledTotal: throttled.total,
      writes: countsOf(writes),
      throttled: countsOf(throttled),
    };
  }
}

function countsOf(top: WindowTop): HotKeyCount[] {
  return top.hitters.map((h) => ({ identity: h.key, count: h.count, guaranteed: h.count - h.error }));
}

/**
 * The connector's hot keys from its workers'. A key stays in one worker unless the table has a sort
 * key (keys are routed by their whole key), so the sums are exact for the keys each worker lists.
 */
export function mergeHotKeys(snapshots: readonly HotKeysSnapshot[]): HotKeysSnapshot {
  if (snapshots.length === 1) return snapshots[0]!;
  const sum = (pick: (s: HotKeysSnapshot) => readonly HotKeyCount[]): HotKeyCount[] => {
    const byIdentity = new Map<string, { count: number; guaranteed: number }>();
    for (const snapshot of snapshots) {
      for (const { identity, count, guaranteed } of pick(snapshot)) {
        const seen = byIdentity.get(identity);
        if (seen) {
          seen.count += count;
          seen.guaranteed += guaranteed;
        } else {
          byIdentity.set(identity, { count, guaranteed });
        }
      }
    }
    return [...byIdentity].map(([identity, c]) => ({ identity, ...c }))
      .sort((a, b) => b.guaranteed - a.guaranteed || b.count - a.count || (a.identity < b.identity ? -1 : 1))
      .slice(0, HOT_KEYS_LISTED);
  };
  return {
    windowSeconds: Math.max(0, ...snapshots.map((s) => s.windowSeconds)),
    writesTotal: snapshots.reduce((n, s) => n + s.writesTotal, 0),
    throttledTotal: snapshots.reduce((n, s) => n + s.throttledTotal, 0),
    writes: sum((s) => s.writes),
    throttled: sum((s) => s.throttled),
  };
}

/**
 * The hot keys as /status shows them: each partition key value as text, cut to 64 characters, with
 * the count it certainly had, which is exact for a key that kept its counter all window long.
 */
export function hotKeysStatus(snapshot: HotKeysSnapshot, type: KeyAttributeType): OutputHotKeys {
  const listed = (counts: readonly HotKeyCount[]) => counts.map((c) => ({ key: keyText(c.identity, type), count: c.guaranteed }));
  return { window_seconds: snapshot.windowSeconds, writes: listed(snapshot.writes), throttled: listed(snapshot.throttled) };
}

export function keyText(identity: string, type: KeyAttributeType): string {
  return renderIdentityPart(identity, type, KEY_TEXT_MAX_CHARS);
}

export interface HotKeyWarning {
  readonly identity: string;
  /** Share of the window's writes the key certainly took. */
  readonly share: number;
  readonly writes: number;
  readonly writesTotal: number;
  readonly throttledTotal: number;
}

/**
 * Decides when a hot key is worth a warning: the table was throttled in the window, the key
 * certainly took at least HOT_KEY_WARNING_SHARE of its (at least HOT_KEY_WARNING_MIN_WRITES)
 * writes, and the key was not warned about in the last window.
 */
export class HotKeyWarnings {
  private readonly warnedAt = new Map<string, number>();

  constructor(private readonly windowMs = HOT_KEY_WINDOW_MS) {}

  check(snapshot: HotKeysSnapshot, nowMs: number): HotKeyWarning[] {
    for (const [identity, at] of this.warnedAt) {
      if (nowMs - at >= this.windowMs) this.warnedAt.delete(identity);
    }
    if (snapshot.throttledTotal === 0 || snapshot.writesTotal < HOT_KEY_WARNING_MIN_WRITES) return [];
    const warnings: HotKeyWarning[] = [];
    for (const { identity, guaranteed } of snapshot.writes) {
      const share = guaranteed / snapshot.writesTotal;
      if (share < HOT_KEY_WARNING_SHARE || this.warnedAt.has(identity)) continue;
      this.warnedAt.set(identity, nowMs);
      warnings.push({ identity, share, writes: guaranteed, writesTotal: snapshot.writesTotal, throttledTotal: snapshot.throttledTotal });
    }
    return warnings;
  }
}
