/**
 * Network and service latency per request, drawn from a log-normal distribution fitted to a
 * median and a 99th percentile: latencies are positive and right-skewed, like DynamoDB's.
 */

/** The standard normal quantile at 0.99. */
const Z_99 = 2.3263478740408408;

export type RandomSource = () => number;

/** A sampler of delays in ms; always 0 when the median is 0. */
export function latencySampler(medianMs: number, p99Ms: number, random: RandomSource): () => number {
  if (medianMs <= 0) return () => 0;
  if (p99Ms <= medianMs) return () => medianMs;
  const mu = Math.log(medianMs);
  const sigma = (Math.log(p99Ms) - mu) / Z_99;
  return () => Math.exp(mu + sigma * standardNormal(random));
}

/** Box-Muller; 1 - u keeps the logarithm's argument above 0 for a source in [0, 1). */
function standardNormal(random: RandomSource): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
