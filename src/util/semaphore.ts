/**
 * A counting semaphore with FIFO waiters: at most `limit` holders at once. Used to bound
 * in-flight DynamoDB requests, so a producer that runs ahead of DynamoDB waits instead of piling
 * up requests in memory. The limit can change while permits are held: lowering it makes new
 * holders wait until enough permits are released.
 */
export class Semaphore {
  private holders = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private currentLimit: number) {}

  /** Resolves once a permit is held; the caller must `release()` it exactly once. */
  acquire(): Promise<void> {
    if (this.holders < this.currentLimit && this.waiters.length === 0) {
      this.holders += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.holders -= 1;
    this.wakeWaiters();
  }

  get limit(): number {
    return this.currentLimit;
  }

  set limit(value: number) {
    this.currentLimit = value;
    this.wakeWaiters();
  }

  get inUse(): number {
    return this.holders;
  }

  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.holders < this.currentLimit) {
      this.holders += 1;
      this.waiters.shift()!();
    }
  }
}
