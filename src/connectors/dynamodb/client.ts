/**
 * The DynamoDB client of one worker: credentials, endpoint and the SDK's own retries for transient
 * errors, all set explicitly because SDK defaults change between versions. The writes take only
 * these from it and make their own HTTP exchange (http-transport.ts, with the same timeouts); the
 * client's HTTP handler serves the other calls, such as DescribeTable.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBOutputConfig } from './config.js';

/** Attempts per call the SDK makes on throttling, 5xx and network errors before the connector sees the error. */
export const SDK_MAX_ATTEMPTS = 5;
/** How long a new connection to DynamoDB may take to be established. */
export const CONNECTION_TIMEOUT_MS = 5_000;

export function createDynamoDBClient(config: DynamoDBOutputConfig): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.endpoint_url ? { endpoint: config.endpoint_url } : {}),
    // Without static keys the SDK's default chain applies: environment, shared files and
    // profiles, web identity (IRSA), container and instance roles.
    ...(config.aws_access_key_id && config.aws_secret_access_key
      ? { credentials: { accessKeyId: config.aws_access_key_id, secretAccessKey: config.aws_secret_access_key } }
      : {}),
    retryMode: 'standard',
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: config.request_timeout_millis,
      // Without this the handler only logs a warning to the console when the timeout passes and
      // keeps waiting: a call whose answer never comes would hold up the connector indefinitely.
      throwOnRequestTimeout: true,
    },
  });
}
