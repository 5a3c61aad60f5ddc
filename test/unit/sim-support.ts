// Helpers for the simulator's unit tests.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** mulberry32: reproducible numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A client without SDK retries, so each send is exactly one request. */
export function singleAttemptClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint, region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 1,
  });
}
