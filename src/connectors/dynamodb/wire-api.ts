/**
 * BatchWriteItem and TransactWriteItems spoken directly in DynamoDB's JSON protocol. What decides
 * how a request is made comes from the SDK client: its credentials chain and signer (applied by
 * sigv4.ts), its endpoint resolution, its clock offset and its standard retry strategy. The body is
 * ours, because the SDK's schema-driven serializer costs several times more CPU than the whole rest
 * of a request (measured: ~40 us per item against ~11 us for signing, transport and JSON together),
 * and so is the HTTP exchange (http-transport.ts): these two calls carry every row the connector writes.
 */
import type {
  AttributeValue, BatchWriteItemCommandInput, BatchWriteItemCommandOutput, CancellationReason, ConsumedCapacity, DynamoDBClient,
  TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput, WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { HttpRequest } from '@smithy/core/protocols';
import { isClockSkewError, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { sleep } from '../../util/sleep.js';
import type { DynamoDBWriteApi } from './chunk-writer.js';
import type { Transport } from './http-transport.js';
import { payloadHash, requestSignerOf, type RequestSigner } from './sigv4.js';

const TARGET_PREFIX = 'DynamoDB_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
// The SDK corrects its clock when the server's differs by this much (its own threshold).
const CLOCK_SKEW_MS = 300_000;

type ClientConfig = DynamoDBClient['config'];
type RetryStrategyV2 = Extract<Awaited<ReturnType<ClientConfig['retryStrategy']>>, { acquireInitialRetryToken: unknown }>;
type Endpoint = { protocol: string; hostname: string; port?: number; path: string };

interface Metadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
  totalRetryDelay: number;
  clockSkewCorrected?: true;
}

/** A DynamoDB error as the SDK would raise it: same name, fault, metadata and cancellation reasons. */
type WireError = Omit<Error, 'cause'> & { cause?: Error; $metadata: Metadata; $fault?: 'client' | 'server'; CancellationReasons?: CancellationReason[] };

export interface WireOptions {
  /** Whether items may hold Uint8Array values, which must be sent as base64 (costs a JSON replacer). */
  binaryValues: boolean;
  transport: Transport;
}

/**
 * The input of a call is serialized at once, into bytes outside the JavaScript heap, and neither it
 * nor its JSON text is kept: a request in flight holds its body as a Buffer, which the garbage
 * collector does not copy, where the input is several objects per item and the text some tens of
 * kilobytes, both of which it would copy out of the young generation, and then promote to the old
 * one, for as long as the request lasts (measured on 100-item transactions: 190 MB promoted per
 * 500,000 items written with the text kept, 43 MB with the Buffer).
 */
export function wireApiOf(client: DynamoDBClient, options: WireOptions): DynamoDBWriteApi {
  const call = createCaller(client.config, options.transport);
  const replacer = options.binaryValues ? binaryAsBase64 : undefined;
  return {
    batchWrite: (input) => call('BatchWriteItem', Buffer.from(JSON.stringify(input, replacer), 'utf8')).then(({ body, $metadata }) => (
      { $metadata, UnprocessedItems: fromWireRequestMap(body.UnprocessedItems), ConsumedCapacity: body.ConsumedCapacity } as BatchWriteItemCommandOutput)),
    transactWrite: (input) => call('TransactWriteItems', Buffer.from(JSON.stringify(input, replacer), 'utf8')).then(({ body, $metadata }) => (
      { $metadata, ConsumedCapacity: body.ConsumedCapacity } as TransactWriteItemsCommandOutput)),
  };
}

type Operation = 'BatchWriteItem' | 'TransactWriteItems';
type CallOutput = { body: { UnprocessedItems?: Record<string, WriteRequest[]>; ConsumedCapacity?: ConsumedCapacity[] }; $metadata: Metadata };

function createCaller(config: ClientConfig, transport: Transport): (operation: Operation, body: Buffer) => Promise<CallOutput> {
  // Resolved once: the client's signer() builds a new signer per call, which would also drop the
  // signer's cache of derived signing keys. Credentials stay fresh: the signer asks the client's
  // (caching, refreshing) credential provider on every request.
  let parts: Promise<[Endpoint, RequestSigner, RetryStrategyV2]> | undefined;
  return async (operation, body) => {
    parts ??= Promise.all([resolveEndpoint(config), config.signer().then(requestSignerOf), retryStrategyOf(config)]);
    const [where, signer, retryStrategy] = await parts;
    const contentLength = String(body.length);
    // The header the SDK's signer adds, hashed once for every attempt; the signer signs with it.
    const contentHash = payloadHash(body);
    let token = await retryStrategy.acquireInitialRetryToken(operation);
    let attempts = 0;
    let totalRetryDelay = 0;
    for (;;) {
      attempts += 1;
      const request = new HttpRequest({
        protocol: where.protocol, hostname: where.hostname, ...(where.port === undefined ? {} : { port: where.port }), path: where.path,
        method: 'POST',
        headers: {
          host: where.port === undefined ? where.hostname : `${where.hostname}:${where.port}`,
          'content-type': CONTENT_TYPE,
          'content-length': contentLength,
          'x-amz-target': TARGET_PREFIX + operation,
          'x-amz-content-sha256': contentHash,
        },
        body,
      });
      try {
        const signed = await signer.sign(request, { signingDate: new Date(Date.now() + config.systemClockOffset) });
        const answer = await transport.send(signed);
        const text = answer.body;
        const metadata: Metadata = { httpStatusCode: answer.statusCode, requestId: headerText(answer.headers['x-amzn-requestid']), attempts, totalRetryDelay };
        if (answer.statusCode !== 200) throw errorFromResponse(answer.statusCode, answer.headers, text, metadata, config);
        retryStrategy.recordSuccess(token);
        return { body: text.length === 0 ? {} : JSON.parse(text) as CallOutput['body'], $metadata: metadata };
      } catch (caught) {
        const error = withMetadata(caught, attempts, totalRetryDelay);
        try {
          token = await retryStrategy.refreshRetryTokenForRetry(token, {
            error,
            errorType: isThrottlingError(error) ? 'THROTTLING'
              : isTransientError(error) ? 'TRANSIENT'
                : isServerError(error) ? 'SERVER_ERROR' : 'CLIENT_ERROR',
          });
        } catch {
          throw error;
        }
        const delay = token.getRetryDelay();
        totalRetryDelay += delay;
        await sleep(delay);
      }
    }
  };
}

/** The client's retry strategy; the client is built in a retry mode (standard) that gives the token-based kind. */
async function retryStrategyOf(config: ClientConfig): Promise<RetryStrategyV2> {
  const strategy = await config.retryStrategy();
  if (!('acquireInitialRetryToken' in strategy)) throw new Error('the DynamoDB client has a legacy retry strategy; use retryMode "standard" or "adaptive"');
  return strategy;
}

async function resolveEndpoint(config: ClientConfig): Promise<Endpoint> {
  if (config.endpoint) {
    const { protocol, hostname, port, path } = await config.endpoint();
    return { protocol, hostname, ...(port === undefined ? {} : { port }), path: path || '/' };
  }
  const { url } = config.endpointProvider({
    Region: await config.region(),
    UseFIPS: await config.useFipsEndpoint(),
    UseDualStack: await config.useDualstackEndpoint(),
    // Account-scoped endpoints need the account ID from the credentials; the regional one always works.
    AccountIdEndpointMode: 'disabled',
  });
  return {
    protocol: url.protocol, hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname || '/',
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

// Node's HTTP client lower-cases response header names.
function errorFromResponse(status: number, headers: IncomingHttpHeaders, text: string, metadata: Metadata, config: ClientConfig): WireError {
  let parsed: { __type?: string; message?: string; Message?: string; CancellationReasons?: CancellationReason[] } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // Not JSON (a proxy's or load balancer's page): the status says enough.
  }
  // "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException" -> the part after '#'.
  const type = headerText(headers['x-amzn-errortype']) ?? parsed.__type ?? '';
  const name = type.split(':')[0]?.split('#').pop() || (status >= 500 ? 'InternalServerError' : 'UnknownError');
  const message = parsed.message ?? parsed.Message ?? `HTTP ${status}`;
  const error = new DynamoDBServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: metadata, message }) as WireError;
  if (parsed.CancellationReasons) error.CancellationReasons = parsed.CancellationReasons.map(fromWireReason);
  if (isClockSkewError(error)) correctClock(config, headers.date, metadata);
  return error;
}

/** What the SDK's signer does on a clock skew error: sign the retry with the server's clock. */
function correctClock(config: ClientConfig, serverDate: string | undefined, metadata: Metadata): void {
  const serverTime = serverDate ? Date.parse(serverDate) : Number.NaN;
  if (Number.isNaN(serverTime)) return;
  if (Math.abs(serverTime - (Date.now() + config.systemClockOffset)) >= CLOCK_SKEW_MS) {
    config.systemClockOffset = serverTime - Date.now();
    metadata.clockSkewCorrected = true;
  }
}

function withMetadata(caught: unknown, attempts: number, totalRetryDelay: number): WireError {
  const error = (caught instanceof Error ? caught : new Error(String(caught))) as WireError;
  error.$metadata = { ...error.$metadata, attempts, totalRetryDelay };
  return error;
}


// ---- binary values: Uint8Array in memory, base64 on the wire ----

function binaryAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
}

type WireAttributeValue = Omit<AttributeValue, 'B' | 'BS' | 'L' | 'M'> & { B?: string; BS?: string[]; L?: WireAttributeValue[]; M?: Record<string, WireAttributeValue> };

function fromWire(value: WireAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B, 'base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b, 'base64')) };
  if (value.L !== undefined) return { L: value.L.map(fromWire) };
  if (value.M !== undefined) return { M: fromWireMap(value.M) };
  return value as AttributeValue;
}

function fromWireMap(map: Record<string, WireAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(map)) out[name] = fromWire(value);
  return out;
}

function fromWireRequestMap(map: Record<string, WriteRequest[]> | undefined): Record<string, WriteRequest[]> | undefined {
  if (!map) return undefined;
  const out: Record<string, WriteRequest[]> = {};
  for (const [table, requests] of Object.entries(map)) {
    out[table] = requests.map((request) => {
      const wire = request as { PutRequest?: { Item: Record<string, WireAttributeValue> }; DeleteRequest?: { Key: Record<string, WireAttributeValue> } };
      if (wire.PutRequest) return { PutRequest: { Item: fromWireMap(wire.PutRequest.Item) } };
      if (wire.DeleteRequest) return { DeleteRequest: { Key: fromWireMap(wire.DeleteRequest.Key) } };
      return request;
    });
  }
  return out;
}

function fromWireReason(reason: CancellationReason): CancellationReason {
  const item = reason.Item as Record<string, WireAttributeValue> | undefined;
  return item ? { ...reason, Item: fromWireMap(item) } : reason;
}
