/**
 * Incremental join. Each side's integrated rows are kept indexed by the join key, and a step's
 * output is Δ(L⋈R) = ΔL⋈R + L⋈ΔR + ΔL⋈ΔR, computed as ΔL⋈R_old followed by L_new⋈ΔR, so the work is
 * proportional to the changed rows and their partners, not to the tables.
 *
 * Outer joins also emit each unmatched row of the preserved side(s) padded with NULLs. Every kept
 * row counts the weight of its partners that satisfy the whole condition (`matches`); a row's padded
 * copy is present exactly while that count is zero, so a step emits the difference for the rows
 * whose count or weight it changed: the padding disappears with the first partner and comes back
 * when the last one goes.
 */
import type { Evaluate } from '../compiled.js';
import { plainErrors, type RowErrorHandler } from '../row-error.js';
import type { Fields, Value } from '../value.js';
import { consolidateBatch, keyIdentity, type Batch, type KeyId } from '../zset.js';
import { inputAt, type Operator } from './operator.js';
import { Trace, type TraceEntry } from './trace.js';

export interface JoinSpec {
  readonly leftKeys: readonly Evaluate[];
  readonly rightKeys: readonly Evaluate[];
  readonly nullSafe: readonly boolean[];
  /** Over the joined row (left columns, then right columns); null when the keys are the whole condition. */
  readonly residual: Evaluate | null;
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly padLeft: boolean;
  readonly padRight: boolean;
  /** Whether each input's changes come consolidated (each row once); others are consolidated here. */
  readonly leftConsolidated: boolean;
  readonly rightConsolidated: boolean;
  /**
   * Decide about a row on which a left key or a right key fails (the row is left out of the join),
   * or a joined row on which the residual fails (the pair does not match): throw, or leave it out.
   */
  readonly leftRowError?: RowErrorHandler;
  readonly rightRowError?: RowErrorHandler;
  readonly residualRowError?: RowErrorHandler;
}

interface JoinEntry extends TraceEntry {
  /** The summed weight of the other side's rows this row joins with. */
  matches: number;
}

/** One input of the join: its trace and how its rows are keyed, seen from that side. */
class Side {
  readonly trace = new Trace<JoinEntry>();
  /** Entries the step changed (to prune once they weigh nothing), with the padded weight they had before it. */
  readonly touched = new Map<JoinEntry, { key: KeyId; paddedBefore: number }>();

  constructor(private readonly keys: readonly Evaluate[], private readonly nullSafe: readonly boolean[], readonly padded: boolean) {}

  /** The row's join key, or undefined when a NULL in a non-null-safe key column means it can match nothing. */
  keyOf(row: Fields): KeyId | undefined {
    const values: Value[] = [];
    for (let i = 0; i < this.keys.length; i += 1) {
      const value = this.keys[i]!(row);
      if (value === null && !this.nullSafe[i]) return undefined;
      values.push(value);
    }
    return keyIdentity(values);
  }

  /** Records an entry's padded weight before the step first changes it. */
  touch(entry: JoinEntry, key: KeyId): void {
    if (!this.touched.has(entry)) this.touched.set(entry, { key, paddedBefore: paddedWeight(entry) });
  }
}

function paddedWeight(entry: JoinEntry): number {
  return entry.matches === 0 ? entry.weight : 0;
}

// Rows whose key can never match are kept (an outer join pads them) under a key no probe uses.
const UNMATCHABLE = '\u0000unmatchable';

export class JoinOperator implements Operator {
  private readonly left: Side;
  private readonly right: Side;
  private readonly leftNulls: readonly null[];
  private readonly rightNulls: readonly null[];

  constructor(private readonly spec: JoinSpec) {
    this.left = new Side(spec.leftKeys, spec.nullSafe, spec.padLeft);
    this.right = new Side(spec.rightKeys, spec.nullSafe, spec.padRight);
    this.leftNulls = new Array<null>(spec.leftWidth).fill(null);
    this.rightNulls = new Array<null>(spec.rightWidth).fill(null);
  }

  step(inputs: readonly Batch[]): Batch {
    const out: Batch = [];
    // ΔL ⋈ R_old, then L_new ⋈ ΔR.
    // Each side's rows must come once each: a row's entry is created (and counts its partners) once.
    const left = inputAt(inputs, 0);
    const right = inputAt(inputs, 1);
    this.apply(this.spec.leftConsolidated ? left : consolidateBatch(left), this.left, this.right, true, out);
    this.apply(this.spec.rightConsolidated ? right : consolidateBatch(right), this.right, this.left, false, out);
    this.emitPadding(this.left, (row) => [...row, ...this.rightNulls], out);
    this.emitPadding(this.right, (row) => [...this.leftNulls, ...row], out);
    return out;
  }

  /**
   * Joins `delta` (of side `own`) with the other side's trace as it is now, then adds it to its
   * own trace. `isLeft` says which side `own` is, for the order of the joined row's columns.
   */
  private apply(delta: Batch, own: Side, other: Side, isLeft: boolean, out: Batch): void {
    const { residual, leftRowError, rightRowError, residualRowError } = this.spec;
    for (const { row, weight } of delta) {
      let key: KeyId | undefined;
      try {
        key = own.keyOf(row);
      } catch (error) {
        // A row whose key fails is left out of the join altogether (its side's trace included).
        ((isLeft ? leftRowError : rightRowError) ?? plainErrors)(error, row, weight);
        continue;
      }
      const traceKey = key === undefined ? UNMATCHABLE : key;
      const existing = own.trace.entry(traceKey, row);
      let entry = existing;
      if (entry === undefined) {
        entry = { row, weight: 0, matches: 0 };
        own.trace.insert(traceKey, entry);
      }
      own.touch(entry, traceKey);
      if (key !== undefined) {
        for (const partner of other.trace.rows(key)) {
          if (partner.weight === 0) continue;
          const joined = isLeft ? [...row, ...partner.row] : [...partner.row, ...row];
          if (residual !== null && !this.satisfies(residual, joined, weight * partner.weight, residualRowError)) continue;
          out.push({ row: joined, weight: weight * partner.weight });
          // A new row counts its partners once; an existing one already counts them.
          if (existing === undefined) entry.matches += partner.weight;
          other.touch(partner, key);
          partner.matches += weight;
        }
      }
      entry.weight += weight;
    }
  }

  /**
   * Whether the joined row meets the residual condition. A pair on which it fails, when the error
   * handler returns, does not match: it fails again whichever side's change brings the pair
   * together or apart, so it never matches, and an outer join pads its rows as if it had no partner.
   */
  private satisfies(residual: Evaluate, joined: Fields, weight: number, rowError: RowErrorHandler = plainErrors): boolean {
    try {
      return residual(joined) === true;
    } catch (error) {
      rowError(error, joined, weight);
      return false;
    }
  }

  private emitPadding(side: Side, pad: (row: Fields) => Fields, out: Batch): void {
    for (const [entry, { key, paddedBefore }] of side.touched) {
      if (side.padded) {
        const change = paddedWeight(entry) - paddedBefore;
        if (change !== 0) out.push({ row: pad(entry.row), weight: change });
      }
      side.trace.prune(key, entry);
    }
    side.touched.clear();
  }

  snapshot(): unknown {
    return { left: this.left.trace.snapshot(), right: this.right.trace.snapshot() };
  }

  restore(state: unknown): void {
    const { left, right } = state as { left: unknown; right: unknown };
    this.left.trace.restore(left);
    this.right.trace.restore(right);
  }
}
