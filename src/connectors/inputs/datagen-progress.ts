/**
 * Which row indexes of a datagen plan have been pushed, so that generation can stop anywhere and
 * start again with exactly the rows that are missing. Workers claim chunks of consecutive indexes
 * in turn and push each chunk's rows in order, so the pushed rows of a plan are the indexes below
 * a frontier (`next`) except a few gaps: the unpushed ends of the chunks being generated, and the
 * gaps a resumed run has not generated yet.
 */

/** Row indexes from `start` (included) to `end` (excluded). */
export type RowRange = [start: number, end: number];

/** A chunk a worker generates: its rows below `pushedTo` have been pushed. */
export interface ClaimedChunk {
  readonly start: number;
  readonly end: number;
  pushedTo: number;
}

/** Pushed so far in one plan: every index below `next` except the `gaps` (sorted, disjoint). */
export interface PlanCoverage {
  readonly next: number;
  readonly gaps: RowRange[];
}

export class PlanProgress {
  /** Gaps left by a previous run, generated first. */
  private readonly unclaimed: RowRange[];
  private next: number;
  private readonly claimed = new Set<ClaimedChunk>();

  constructor(private readonly limit: number, private readonly chunkSize: number, from: PlanCoverage = { next: 0, gaps: [] }) {
    this.unclaimed = from.gaps.map(([start, end]) => [start, end]);
    this.next = from.next;
  }

  /** The next chunk to generate, or undefined when every row of the plan has been claimed. */
  claim(): ClaimedChunk | undefined {
    let start: number;
    let end: number;
    const gap = this.unclaimed[0];
    if (gap !== undefined) {
      start = gap[0];
      end = Math.min(gap[1], start + this.chunkSize);
      if (end === gap[1]) this.unclaimed.shift();
      else gap[0] = end;
    } else {
      if (this.next >= this.limit) return undefined;
      start = this.next;
      end = Math.min(this.limit, start + this.chunkSize);
      this.next = end;
    }
    const chunk = { start, end, pushedTo: start };
    this.claimed.add(chunk);
    return chunk;
  }

  /** A chunk whose rows have all been pushed no longer leaves a gap. */
  finished(chunk: ClaimedChunk): void {
    if (chunk.pushedTo === chunk.end) this.claimed.delete(chunk);
  }

  coverage(): PlanCoverage {
    const gaps: RowRange[] = this.unclaimed.map(([start, end]) => [start, end]);
    for (const chunk of this.claimed) if (chunk.pushedTo < chunk.end) gaps.push([chunk.pushedTo, chunk.end]);
    return { next: this.next, gaps: gaps.sort((a, b) => a[0] - b[0]) };
  }
}

/** The indexes of `coverage`, as sorted ranges. */
export function coveredRanges(coverage: PlanCoverage): RowRange[] {
  return subtractRanges([[0, coverage.next]], coverage.gaps);
}

/** The indexes of `ranges` that are not in `removed`; both sorted and disjoint. */
export function subtractRanges(ranges: readonly RowRange[], removed: readonly RowRange[]): RowRange[] {
  const result: RowRange[] = [];
  let r = 0;
  for (const [rangeStart, end] of ranges) {
    let start = rangeStart;
    while (r < removed.length && removed[r]![1] <= start) r += 1;
    for (let k = r; k < removed.length && removed[k]![0] < end; k += 1) {
      const [gapStart, gapEnd] = removed[k]!;
      if (gapStart > start) result.push([start, gapStart]);
      start = Math.max(start, gapEnd);
    }
    if (start < end) result.push([start, end]);
  }
  return result;
}
