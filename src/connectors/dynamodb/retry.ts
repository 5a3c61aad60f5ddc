/**
 * The one place that decides whether a failed DynamoDB write is worth another try, and how long
 * to wait before it.
 */
import { sleep } from '../../util/sleep.js';

export interface RetryPolicy {
  /** Connector-level retries allowed per chunk; null retries until the write succeeds. */
  readonly maxRetries: number | null;
  /** Waits before retry number `attempt` (1-based). Injectable so tests need not wait. */
  readonly wait: (attempt: number) => Promise<void>;
}

const BASE_DELAY_MS = 50;
const MAX_EXPONENT = 8;

/**
 * Exponential backoff with full jitter: retry r waits a uniform random time in
 * [0, 50 ms × 2^min(r, 8)], so at most 12.8 s. Jitter spreads retries of many chunks that were
 * throttled together, instead of sending them back in one burst.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  return random() * BASE_DELAY_MS * 2 ** Math.min(attempt, MAX_EXPONENT);
}

export function defaultRetryPolicy(maxRetries: number | null): RetryPolicy {
  return { maxRetries, wait: (attempt) => sleep(backoffDelayMs(attempt)) };
}

export function mayRetry(policy: RetryPolicy, retriesDone: number): boolean {
  return policy.maxRetries === null || retriesDone < policy.maxRetries;
}

const RETRIABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'TransactionConflictException',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const RETRIABLE_NETWORK_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * Whether an error that survived the SDK's own retries can still go away by itself: throttling,
 * conflicts, 5xx answers and network faults can; validation, missing tables and rejected
 * credentials cannot.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as AwsLikeError;
  if (e.name && RETRIABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRIABLE_NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'LimitExceededException',
]);

/** Whether an error says DynamoDB is over capacity (as opposed to failing). */
export function isThrottlingError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && THROTTLING_NAMES.has((error as AwsLikeError).name ?? '');
}

// Errors DynamoDB raises for a whole request that a single item can cause: a value the table refuses
// (a secondary index key of the wrong type or empty, ...), or an item collection over its size limit.
const ITEM_REJECTION_NAMES = new Set(['ValidationException', 'ItemCollectionSizeLimitExceededException']);

/**
 * Whether an error rejects a request for what may be one of its items, so that writing the items
 * in smaller requests gets the others written; retrying the same request cannot help.
 */
export function isItemRejection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ITEM_REJECTION_NAMES.has((error as AwsLikeError).name ?? '');
}

/** Whether a response needed retries by the SDK, which for a write almost always means throttling. */
export function wasRetriedBySdk(response: { $metadata?: { attempts?: number } }): boolean {
  return (response.$metadata?.attempts ?? 1) > 1;
}

/** `Name: message` of an AWS error, for reports. AWS error texts carry no credentials. */
export function describeAwsError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as AwsLikeError & { message?: string };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const message = e.message && e.message !== 'UnknownError' ? e.message : `HTTP ${status ?? 'error'}`;
  return `${name}: ${message}`;
}
