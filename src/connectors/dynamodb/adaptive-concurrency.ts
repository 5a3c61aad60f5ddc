/**
 * Keeps the requests in flight near what the table accepts. Throttling cuts the limit by 30% (at
 * most once per interval, since one overload shows up in many responses at once); every request
 * that goes through unthrottled raises it by 1/limit, so by about one request per round trip
 * (additive increase, multiplicative decrease). Retries then stay few while the table stays busy,
 * and the limit never exceeds max_concurrent_requests.
 */
import type { Semaphore } from '../../util/semaphore.js';

const DECREASE_FACTOR = 0.7;
const DECREASE_INTERVAL_MS = 100;

export class AdaptiveConcurrency {
  private window: number;
  private lastDecreaseAt = -Infinity;

  constructor(
    private readonly slots: Semaphore,
    private readonly max: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.window = max;
  }

  /** Feeds the outcome of one request: whether DynamoDB throttled any part of it. */
  record(throttled: boolean): void {
    if (throttled) {
      const at = this.now();
      if (at - this.lastDecreaseAt < DECREASE_INTERVAL_MS) return;
      this.lastDecreaseAt = at;
      this.window = Math.max(1, this.window * DECREASE_FACTOR);
    } else {
      this.window = Math.min(this.max, this.window + 1 / this.window);
    }
    this.slots.limit = Math.floor(this.window);
  }

  get limit(): number {
    return Math.floor(this.window);
  }
}
