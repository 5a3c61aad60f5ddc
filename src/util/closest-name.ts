/** Finding the name a user probably meant, for "did you mean" in messages. */

/**
 * Case, "-" and "_" are ignored, so `batchSize` and `batch-size` find batch_size; beyond that, up to
 * one edit in three characters (at least one) still counts as a typo rather than a different word.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const normalize = (text: string): string => text.toLowerCase().replace(/[-_]/g, '');
  const wanted = normalize(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const normalized = normalize(candidate);
    const distance = editDistance(wanted, normalized);
    const closeEnough = distance <= Math.max(1, Math.floor(Math.max(wanted.length, normalized.length) / 3));
    const better = distance < bestDistance || (distance === bestDistance && best !== undefined && likelier(wanted, normalized, normalize(best)));
    if (closeEnough && better) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Edit distance where insertions, deletions, substitutions and swaps of two neighbouring
 * characters each cost 1 (optimal string alignment): `tabel` is one typo away from `table`.
 */
export function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Between two names equally close to `wanted`: one that begins the other (intt: int, not int2),
 * then one of the same length (adrr: addr, not arr); otherwise the first one listed stays.
 */
function likelier(wanted: string, candidate: string, best: string): boolean {
  const prefix = (name: string): boolean => wanted.startsWith(name) || name.startsWith(wanted);
  if (prefix(candidate) !== prefix(best)) return prefix(candidate);
  return Math.abs(candidate.length - wanted.length) < Math.abs(best.length - wanted.length);
}
