/**
 * Write capacity as DynamoDB enforces it: a token bucket per table (the table's WCU/s, with a
 * burst of some seconds' worth) and one per partition (DynamoDB's hard 1,000 WCU/s per partition),
 * keys hashed to ceil(WCU / 1000) partitions, so that a hot key throttles before the table does.
 */
import { fnv1a } from '../util/hash.js';

/** DynamoDB's limit per partition, whatever the table's capacity. */
export const PARTITION_WCU_PER_SECOND = 1000;
const BYTES_PER_WCU = 1024;

/** Write units of one item: 1 per started KB, at least 1 (a delete of a missing item costs 1). */
export function writeUnits(sizeBytes: number): number {
  return sizeBytes <= BYTES_PER_WCU ? 1 : Math.ceil(sizeBytes / BYTES_PER_WCU);
}

export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(readonly unitsPerSecond: number, readonly burstUnits: number, nowMs: number) {
    this.tokens = burstUnits;
    this.updatedAtMs = nowMs;
  }

  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /**
   * Takes `units` if the bucket holds them. An item costing more than the whole burst passes once
   * the bucket is full and leaves it in debt: otherwise it could never be written at all.
   */
  tryTake(units: number, nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < Math.min(units, this.burstUnits)) return false;
    this.tokens -= units;
    return true;
  }

  /** Spends everything the bucket holds, as a table saturated until now would have. */
  drain(nowMs: number): void {
    this.tokens = 0;
    this.updatedAtMs = nowMs;
  }

  /** Returns units taken for writes that were then not applied (a cancelled transaction). */
  giveBack(units: number): void {
    this.tokens = Math.min(this.burstUnits, this.tokens + units);
  }

  private refill(nowMs: number): void {
    const elapsedMs = nowMs - this.updatedAtMs;
    if (elapsedMs <= 0) return;
    this.tokens = Math.min(this.burstUnits, this.tokens + (elapsedMs * this.unitsPerSecond) / 1000);
    this.updatedAtMs = nowMs;
  }
}

export class TableCapacity {
  readonly table: TokenBucket;
  readonly partitions: readonly TokenBucket[];

  constructor(readonly writeUnitsPerSecond: number, burstSeconds: number, nowMs: number) {
    this.table = new TokenBucket(writeUnitsPerSecond, writeUnitsPerSecond * burstSeconds, nowMs);
    const count = Math.max(1, Math.ceil(writeUnitsPerSecond / PARTITION_WCU_PER_SECOND));
    this.partitions = Array.from({ length: count },
      () => new TokenBucket(PARTITION_WCU_PER_SECOND, PARTITION_WCU_PER_SECOND * burstSeconds, nowMs));
  }

  /** Takes `units` from the table and from the partition of `partitionKey`, from both or from neither. */
  tryConsume(partitionKey: string, units: number, nowMs: number): boolean {
    const partition = this.partitionOf(partitionKey);
    if (!partition.tryTake(units, nowMs)) return false;
    if (this.table.tryTake(units, nowMs)) return true;
    partition.giveBack(units);
    return false;
  }

  /** Empties the table's and every partition's bucket: no burst allowance is left. */
  drain(nowMs: number): void {
    this.table.drain(nowMs);
    for (const partition of this.partitions) partition.drain(nowMs);
  }

  refund(partitionKey: string, units: number): void {
    this.partitionOf(partitionKey).giveBack(units);
    this.table.giveBack(units);
  }

  partitionOf(partitionKey: string): TokenBucket {
    return this.partitions[fnv1a(partitionKey) % this.partitions.length] as TokenBucket;
  }
}
