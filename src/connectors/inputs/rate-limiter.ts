/**
 * A token bucket: `rate` tokens per second, holding at most `rate` (the burst), full at the start.
 * Datagen takes a token after each generated row, as Feldera's governor-based limiter does: at
 * rate 1 the first two rows come almost together, then one per second. Refilling from the clock
 * (not from how long a wait lasted) keeps late timers from lowering the rate.
 */
import { setTimeout as delay } from 'node:timers/promises';

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly rate: number) {
    this.tokens = rate;
    this.updatedAt = performance.now();
  }

  /** Takes one token, first waiting for it if the bucket is empty; resolves early when `signal` aborts. */
  async take(signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      const waitMs = ((1 - this.tokens) / this.rate) * 1000;
      try {
        await delay(waitMs, undefined, signal === undefined ? undefined : { signal });
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
      this.refill();
    }
    // A timer that fired a little early leaves a small debt, paid back by the next wait.
    this.tokens -= 1;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }
}
