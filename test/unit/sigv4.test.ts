// The connector's SigV4 signer against the SDK's SignatureV4: the same request signed at the same
// time gets the same headers, byte for byte, whatever the credentials (session tokens, refreshed
// credentials) and the clock (a clock-skew correction), and through the wire API as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HttpRequest } from '@smithy/core/protocols';
import type { OutgoingRequest } from '../../src/connectors/dynamodb/http-transport.js';
import { payloadHash, requestSignerOf, SigV4Signer, type RequestSigner } from '../../src/connectors/dynamodb/sigv4.js';
import { wireApiOf } from '../../src/connectors/dynamodb/wire-api.js';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };

const STATIC: Credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const WITH_TOKEN: Credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'c2VjcmV0', sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/odd=chars' };

interface Client { client: DynamoDBClient; sdk: RequestSigner; ours: RequestSigner }

async function signers(credentials: Credentials | (() => Promise<Credentials>), region = 'eu-west-1'): Promise<Client> {
  const client = new DynamoDBClient({ region, credentials, endpoint: 'http://127.0.0.1:8000' });
  const sdk = await client.config.signer() as unknown as RequestSigner;
  return { client, sdk, ours: requestSignerOf(sdk) };
}

type RequestOptions = { path?: string; hostname?: string; port?: number; headers?: Record<string, string> };

function request(body: string, options: RequestOptions = {}): HttpRequest {
  const hostname = options.hostname ?? '127.0.0.1';
  return new HttpRequest({
    protocol: 'http:', hostname, ...(options.port === undefined ? {} : { port: options.port }), path: options.path ?? '/', method: 'POST',
    headers: {
      host: options.port === undefined ? hostname : `${hostname}:${options.port}`,
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-target': 'DynamoDB_20120810.BatchWriteItem',
      ...options.headers,
    },
    body,
  });
}

async function headersBoth(signer: Client, make: () => HttpRequest, signingDate: Date): Promise<[Record<string, string>, Record<string, string>]> {
  const ours = await signer.ours.sign(make(), { signingDate });
  const sdk = await signer.sdk.sign(make(), { signingDate }) as HttpRequest;
  return [ours.headers, sdk.headers];
}

const BODIES = [
  '{"RequestItems":{"t":[{"PutRequest":{"Item":{"id":{"N":"1"},"s":{"S":"x"}}}}]}}',
  JSON.stringify({ TransactItems: [{ Put: { TableName: 't', Item: { id: { S: 'héllo "quoted" \\ \u{1F600}' } } } }], ClientRequestToken: 'abc' }),
  '',
];
const DATES = [new Date('2026-12-02T04:59:59.999Z'), new Date('2026-12-03T00:00:00.000Z'), new Date('2027-01-01T12:34:56.789Z')];

test('the signer is used for the SDK signer of a DynamoDB client', async () => {
  const { client, ours } = await signers(STATIC);
  try {
    assert.ok(ours instanceof SigV4Signer);
    const other = { sign: async (r: HttpRequest) => r };
    assert.equal(requestSignerOf(other), other, 'any other signer is used as it is');
  } finally {
    client.destroy();
  }
});

test('requests are signed exactly as the SDK signs them: bodies, dates, paths, ports, with and without the payload hash set', async () => {
  for (const credentials of [STATIC, WITH_TOKEN]) {
    const signer = await signers(credentials);
    try {
      for (const body of BODIES) {
        for (const signingDate of DATES) {
          for (const options of <RequestOptions[]>[{}, { port: 8000 }, { path: '/a/./b/../c//d e/', hostname: 'dynamodb.eu-west-1.amazonaws.com' },
            { headers: { 'x-amz-content-sha256': payloadHash(body) } }, { headers: { 'User-Agent': 'ignored', 'X-Extra': '  two   spaces ' } }]) {
            const [ours, sdk] = await headersBoth(signer, () => request(body, options), signingDate);
            assert.deepEqual(ours, sdk, `${JSON.stringify(options)} at ${signingDate.toISOString()}`);
          }
        }
      }
      const [ours] = await headersBoth(signer, () => request(BODIES[0]!), DATES[0]!);
      if (credentials.sessionToken) assert.equal(ours['x-amz-security-token'], credentials.sessionToken);
      assert.match(ours['authorization']!, credentials.sessionToken ? /SignedHeaders=[^,]*x-amz-security-token/ : /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261202\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/);
    } finally {
      signer.client.destroy();
    }
  }
});

test('a resent request is signed afresh, as the SDK would sign it', async () => {
  const signer = await signers(STATIC);
  try {
    const first = await signer.ours.sign(request(BODIES[0]!), { signingDate: DATES[0]! });
    const again = await signer.ours.sign(first, { signingDate: DATES[1]! });
    const sdk = await signer.sdk.sign(request(BODIES[0]!), { signingDate: DATES[1]! }) as HttpRequest;
    assert.deepEqual(again.headers, sdk.headers);
  } finally {
    signer.client.destroy();
  }
});

test('credentials the provider refreshes are used from the next request on, the signing key derived again', async () => {
  const issued = [STATIC, WITH_TOKEN, { accessKeyId: 'AKIDTHIRD', secretAccessKey: 'another-secret' }];
  let current = issued[0]!;
  // Expiring within the SDK's refresh window: the client's memoized provider asks again on every request.
  const provider = async (): Promise<Credentials> => ({ ...current, expiration: new Date(Date.now() + 1_000) });
  const signer = await signers(provider);
  try {
    for (const expected of issued) {
      current = expected;
      const ours = await signer.ours.sign(request(BODIES[0]!), { signingDate: DATES[0]! });
      const reference = await signers(expected);
      try {
        const sdk = await reference.sdk.sign(request(BODIES[0]!), { signingDate: DATES[0]! }) as HttpRequest;
        assert.deepEqual(ours.headers, sdk.headers, expected.accessKeyId);
      } finally {
        reference.client.destroy();
      }
    }
  } finally {
    signer.client.destroy();
  }
});

test('through the wire API: every attempt signed as the SDK signs it, the retry after a clock skew error with the server clock', async () => {
  const hourAhead = new Date(Date.now() + 3_600_000);
  const seen: OutgoingRequest[] = [];
  const transport = {
    send: async (sent: OutgoingRequest) => {
      seen.push(sent);
      const skewed = seen.length === 1;
      return {
        statusCode: skewed ? 400 : 200,
        headers: skewed ? { date: hourAhead.toUTCString() } : {},
        body: skewed ? JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'Signature expired' }) : '{}',
      };
    },
  };
  const client = new DynamoDBClient({ region: 'us-west-2', credentials: WITH_TOKEN, retryMode: 'standard', maxAttempts: 2 });
  try {
    const output = await wireApiOf(client, { binaryValues: false, transport }).transactWrite({ TransactItems: [], ClientRequestToken: 'skew' });
    assert.equal(output.$metadata.attempts, 2);
    const sdk = await client.config.signer() as unknown as RequestSigner;
    const signedAt = (sent: OutgoingRequest): Date => new Date(sent.headers['x-amz-date']!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    for (const sent of seen) {
      const unsigned = new HttpRequest({ ...sent, headers: { ...sent.headers } });
      for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']) delete unsigned.headers[name];
      const reference = await sdk.sign(unsigned, { signingDate: signedAt(sent) }) as HttpRequest;
      assert.deepEqual(sent.headers, reference.headers);
    }
    const skew = signedAt(seen[1]!).getTime() - signedAt(seen[0]!).getTime();
    assert.ok(skew > 3_500_000 && skew < 3_700_000, `retry signed ${skew} ms later`);
  } finally {
    client.destroy();
  }
});
