/**
 * Injected failures, decided per request when it arrives: HTTP 500 and 503 answers (half each of
 * `errorRate`) and connection resets, each striking before the request is applied or, for a share
 * of them, after it (the ambiguous kind: the write took effect but the client hears of a failure);
 * and slow answers (an extra delay after the request was applied, independent of the other faults).
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

/** Whether an injected fault strikes after the request was applied. */
export function drawAfterApply(faultAfterApplyShare: number, random: RandomSource): boolean {
  return faultAfterApplyShare > 0 && random() < faultAfterApplyShare;
}

export function drawSlow(rates: FaultRates, random: RandomSource): boolean {
  return rates.slowRate > 0 && random() < rates.slowRate;
}
