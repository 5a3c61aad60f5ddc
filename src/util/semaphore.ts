/**
 * A counting semaphore with FIFO waiters: at most `permits` holders at once. Used to bound
 * in-flight DynamoDB requests, so a producer that runs ahead of DynamoDB waits instead of piling
 * up requests in memory.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly permits: number) {
    this.available = permits;
  }

  /** Resolves once a permit is held; the caller must `release()` it exactly once. */
  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available += 1;
  }

  get inUse(): number {
    return this.permits - this.available;
  }
}
