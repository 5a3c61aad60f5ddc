/**
 * What writing one chunk to DynamoDB looks like from the outside, whichever API does it.
 */
import type {
  BatchWriteItemCommandInput, BatchWriteItemCommandOutput, TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { WriteRequest } from './chunks.js';

/** The two DynamoDB calls the connector writes with; a seam for fault-injection tests. */
export interface DynamoDBWriteApi {
  batchWrite(input: BatchWriteItemCommandInput): Promise<BatchWriteItemCommandOutput>;
  transactWrite(input: TransactWriteItemsCommandInput): Promise<TransactWriteItemsCommandOutput>;
}

export interface ChunkOutcome {
  /** Requests DynamoDB acknowledged. */
  readonly written: readonly WriteRequest[];
  /** Requests a condition expression suppressed (transactional mode). */
  readonly conditionFailed: readonly WriteRequest[];
  /** Requests given up on; `failure` says why. */
  readonly failed: readonly WriteRequest[];
  readonly failure?: string;
  readonly retries: number;
  /** Whether DynamoDB throttled any attempt of this chunk (the SDK's own retries included). */
  readonly throttled: boolean;
}

export interface ChunkWriter {
  write(chunk: readonly WriteRequest[]): Promise<ChunkOutcome>;
}
