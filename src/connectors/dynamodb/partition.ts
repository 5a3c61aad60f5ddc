/**
 * Assembles one worker's writer from plain, transferable settings, so the same code runs in the
 * calling thread (threads = 1) and inside worker threads.
 */
import type { IndexSpec } from '../../schema.js';
import type { UserTypes } from '../../sql/resolve-type.js';
import { BatchChunkWriter } from './batch-writer.js';
import type { ChunkWriter, DynamoDBWriteApi } from './chunk-writer.js';
import { CONNECTION_TIMEOUT_MS, createDynamoDBClient } from './client.js';
import type { DynamoDBOutputConfig } from './config.js';
import { compileRowEncoder, type EncoderView } from './encode.js';
import { HotKeyTracker } from './hot-keys.js';
import { HttpTransport } from './http-transport.js';
import { MAX_BATCH_WRITE_BYTES, MAX_TRANSACTION_BYTES } from './item-size.js';
import type { KeyRoles } from './key-schema.js';
import type { MetricsSink } from './metrics.js';
import { PartitionWriter } from './partition-writer.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';
import { TransactChunkWriter } from './transact-writer.js';
import { wireApiOf } from './wire-api.js';

export interface PartitionSetup {
  connector: string;
  config: DynamoDBOutputConfig;
  /** Column and user types as parsed data, which worker threads receive as a structured clone. */
  view: EncoderView;
  index: IndexSpec;
  types: UserTypes;
  keyRoles: KeyRoles;
}

export interface PartitionParts {
  writer: PartitionWriter;
  /** Releases the DynamoDB client and the connections, once no write is in flight. */
  close(): void;
}

/** Overrides for tests: a fault-injecting API in front of the client, a retry policy that does not sleep. */
export interface PartitionOverrides {
  wrapApi?: (api: DynamoDBWriteApi) => DynamoDBWriteApi;
  retry?: RetryPolicy;
}

export function buildPartition(setup: PartitionSetup, metrics: MetricsSink, overrides: PartitionOverrides = {}): PartitionParts {
  const { config, connector, view, index, types, keyRoles } = setup;
  const encoder = compileRowEncoder({ connector, view, index, types, keyRoles });
  const client = createDynamoDBClient(config);
  const transport = new HttpTransport({
    maxSockets: config.max_concurrent_requests, connectionTimeoutMs: CONNECTION_TIMEOUT_MS, requestTimeoutMs: config.request_timeout_millis,
  });
  const baseApi = wireApiOf(client, { binaryValues: encoder.holdsBinary, transport });
  const api = overrides.wrapApi ? overrides.wrapApi(baseApi) : baseApi;
  const retry = overrides.retry ?? defaultRetryPolicy(config.max_retries);
  const transactional = config.write_mode === 'transactional';
  const chunkWriter: ChunkWriter = transactional
    ? new TransactChunkWriter({
      table: config.table, api, retry, metrics,
      ...(config.put_condition_expression ? { putCondition: config.put_condition_expression } : {}),
      ...(config.delete_condition_expression ? { deleteCondition: config.delete_condition_expression } : {}),
    })
    : new BatchChunkWriter({ table: config.table, api, retry, metrics, keyIdentity: encoder.keyIdentity });
  const writer = new PartitionWriter({
    connector, view: view.name, index: index.name, table: config.table, encoder, chunkWriter, metrics,
    maxConcurrentRequests: config.max_concurrent_requests,
    pipelined: config.pipelined_steps,
    deadLetters: config.dead_letter_path !== undefined,
    hotKeys: new HotKeyTracker(performance.now()),
    limits: {
      maxRequests: config.batch_size,
      flushBytes: config.max_buffer_size_bytes,
      maxRequestBytes: transactional ? MAX_TRANSACTION_BYTES : MAX_BATCH_WRITE_BYTES,
    },
  });
  return {
    writer,
    close: () => {
      client.destroy();
      transport.destroy();
    },
  };
}

