/**
 * Injected failures, decided per request before anything is applied: HTTP 500 and 503 answers
 * (half each of `errorRate`), connection resets, and slow requests (an extra delay on top of the
 * latency, independent of the other faults).
 */
import type { RandomSource } from './latency.js';

export type Fault = 'none' | 'internal-error' | 'unavailable' | 'connection-reset';

export interface FaultRates {
  errorRate: number;
  resetRate: number;
  slowRate: number;
}

export function drawFault(rates: FaultRates, random: RandomSource): Fault {
  if (rates.errorRate === 0 && rates.resetRate === 0) return 'none';
  const draw = random();
  if (draw < rates.errorRate / 2) return 'internal-error';
  if (draw < rates.errorRate) return 'unavailable';
  if (draw < rates.errorRate + rates.resetRate) return 'connection-reset';
  return 'none';
}

export function drawSlow(rates: FaultRates, random: RandomSource): boolean {
  return rates.slowRate > 0 && random() < rates.slowRate;
}
