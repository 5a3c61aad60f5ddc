/**
 * MIN, MAX, ARG_MIN and ARG_MAX. They are not invertible, so each group keeps its values as a
 * multiset (value -> weight) and remembers the current extreme: an insert compares with it, and
 * only deleting the last copy of the extreme makes the next read scan the group's values.
 * NULLs are skipped (for ARG_*, rows whose ordering argument is NULL).
 */
import type { Comparator } from '../../compare.js';
import type { Value } from '../../value.js';
import { keyIdentity, valuesIdentity, type KeyId } from '../../zset.js';
import type { Aggregator } from './aggregator.js';

interface Candidate {
  /** What is compared: the value (MIN/MAX) or the ordering argument (ARG_*). */
  readonly key: Value;
  /** What is returned: the value itself, or ARG_*'s first argument. */
  readonly result: Value;
  weight: number;
}

interface Extremes {
  readonly candidates: Map<KeyId, Candidate>;
  /** The identity of the extreme candidate; undefined when it must be found again. */
  best: KeyId | undefined;
}

export type ExtremeKind = 'MIN' | 'MAX' | 'ARG_MIN' | 'ARG_MAX';

export function extremeAggregator(kind: ExtremeKind, compare: Comparator): Aggregator {
  const direction = kind === 'MIN' || kind === 'ARG_MIN' ? 1 : -1;
  const better = (a: Candidate, b: Candidate): boolean => direction * compare(a.key, b.key) < 0;
  const withArgument = kind === 'ARG_MIN' || kind === 'ARG_MAX';
  const aggregator: Aggregator<Extremes> = {
    create: () => ({ candidates: new Map(), best: undefined }),
    add(extremes, args, weight) {
      const key = withArgument ? args[1]! : args[0]!;
      if (key === null) return;
      const result = args[0]!;
      const id = withArgument ? valuesIdentity([key, result]) : keyIdentity([key]);
      let candidate = extremes.candidates.get(id);
      const isNew = candidate === undefined;
      if (candidate === undefined) {
        candidate = { key, result, weight: 0 };
        extremes.candidates.set(id, candidate);
      }
      candidate.weight += weight;
      if (candidate.weight === 0) {
        extremes.candidates.delete(id);
        if (extremes.best === id) extremes.best = undefined;
        return;
      }
      if (!isNew || extremes.best === undefined) {
        if (extremes.candidates.size === 1) extremes.best = id;
        return;
      }
      const best = extremes.candidates.get(extremes.best);
      if (best !== undefined && better(candidate, best)) extremes.best = id;
    },
    result(extremes): Value {
      if (extremes.candidates.size === 0) return null;
      if (extremes.best === undefined) {
        let bestId: KeyId | undefined;
        let best: Candidate | undefined;
        for (const [id, candidate] of extremes.candidates) {
          if (best === undefined || better(candidate, best)) {
            best = candidate;
            bestId = id;
          }
        }
        extremes.best = bestId;
      }
      return extremes.candidates.get(extremes.best!)!.result;
    },
  };
  return aggregator as Aggregator;
}
