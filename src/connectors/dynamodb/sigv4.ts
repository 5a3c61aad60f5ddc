/**
 * SigV4 for the connector's two calls, producing exactly the request the SDK's SignatureV4 signer
 * produces (same headers, same Authorization), at a third of its CPU: node:crypto directly, the
 * derived signing key kept while the day and the secret stay the same, the date text formatted
 * once a second, and the payload hash taken from the request's x-amz-content-sha256 header, which
 * the caller sets once per call rather than once per attempt (the SDK's signer takes it from there
 * too). Everything that decides what is signed still comes from the SDK's signer: its credential
 * provider (the client's chain, cached and refreshed by the SDK, asked on every request as the SDK
 * asks it), its region and service, whether it adds the payload checksum header. Clock-skew
 * correction is the caller's, as with the SDK's signer: the signing date it passes.
 */
import { createHash, createHmac } from 'node:crypto';
import { escapeUri, type HttpRequest } from '@smithy/core/protocols';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SHA256_HEADER = 'x-amz-content-sha256';
const DATE_HEADER = 'x-amz-date';
const TOKEN_HEADER = 'x-amz-security-token';
const AUTH_HEADER = 'authorization';
/** Headers the signer writes, removed first so a resent request is signed afresh (the SDK's GENERATED_HEADERS). */
const GENERATED_HEADERS = new Set([AUTH_HEADER, DATE_HEADER, 'date']);
/** Headers the SDK's signer never signs (its ALWAYS_UNSIGNABLE_HEADERS and patterns). */
const UNSIGNABLE_HEADERS = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te',
  'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);
const UNSIGNABLE_PATTERN = /^(?:proxy-|sec-)/;
/** A header value the canonical request holds with its line breaks, tabs and runs of spaces made single spaces, and trimmed. */
const NEEDS_TRIMMING = /[\r\n\t]| {2}|^ | $/;

interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What the signer needs of the SDK's SignatureV4 instance; all of it is public there. */
interface SdkSignerParts {
  credentialProvider: () => Promise<AwsCredentialIdentity>;
  regionProvider: () => Promise<string>;
  service: string;
  applyChecksum: boolean;
  uriEscapePath: boolean;
  sign: (request: HttpRequest, options: { signingDate: Date }) => Promise<unknown>;
}

export interface RequestSigner {
  /** Signs the request in place (a fresh request per attempt) and returns it, as the SDK's signer returns its signed copy. */
  sign(request: HttpRequest, options: { signingDate: Date }): Promise<HttpRequest>;
}

/**
 * The signer for a client whose signer is the SDK's SignatureV4 (what the DynamoDB client builds
 * unless told otherwise); any other signer is used as it is.
 */
export function requestSignerOf(sdkSigner: unknown): RequestSigner {
  return isSignatureV4(sdkSigner) ? new SigV4Signer(sdkSigner) : (sdkSigner as RequestSigner);
}

function isSignatureV4(signer: unknown): signer is SdkSignerParts {
  const parts = signer as Partial<SdkSignerParts> | null;
  return parts?.constructor?.name === 'SignatureV4'
    && typeof parts.credentialProvider === 'function' && typeof parts.regionProvider === 'function'
    && typeof parts.service === 'string' && typeof parts.applyChecksum === 'boolean' && typeof parts.uriEscapePath === 'boolean';
}

/** The hex SHA-256 of a request body, for the x-amz-content-sha256 header. */
export function payloadHash(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export class SigV4Signer implements RequestSigner {
  private key: { shortDate: string; region: string; service: string; secretAccessKey: string; key: Buffer } | undefined;
  private date = { second: Number.NaN, longDate: '', shortDate: '' };
  private readonly canonicalPaths = new Map<string, string>();

  constructor(private readonly sdk: SdkSignerParts) {}

  async sign(request: HttpRequest, { signingDate }: { signingDate: Date }): Promise<HttpRequest> {
    // A query string is never part of the connector's requests; should one come, the SDK signs it.
    if (request.query !== undefined && Object.keys(request.query).length > 0) return await this.sdk.sign(request, { signingDate }) as HttpRequest;
    const credentials = await this.sdk.credentialProvider();
    if (typeof credentials !== 'object' || typeof credentials.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') {
      throw new Error('Resolved credential object is not valid');
    }
    const region = await this.sdk.regionProvider();
    const { service } = this.sdk;
    const { longDate, shortDate } = this.formatDate(signingDate);
    const scope = `${shortDate}/${region}/${service}/aws4_request`;

    const headers = request.headers;
    for (const name of Object.keys(headers)) {
      if (GENERATED_HEADERS.has(name.toLowerCase())) delete headers[name];
    }
    headers[DATE_HEADER] = longDate;
    if (credentials.sessionToken) headers[TOKEN_HEADER] = credentials.sessionToken;
    let hash = headerValue(headers, SHA256_HEADER);
    if (hash === undefined) {
      const body: unknown = request.body;
      hash = typeof body === 'string' ? payloadHash(body)
        : ArrayBuffer.isView(body) ? payloadHash(new Uint8Array(body.buffer, body.byteOffset, body.byteLength))
          : body == null ? payloadHash('') : 'UNSIGNED-PAYLOAD';
      if (this.sdk.applyChecksum) headers[SHA256_HEADER] = hash;
    }

    const canonical: [string, string][] = [];
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (value == null) continue;
      const lower = name.toLowerCase();
      if (UNSIGNABLE_HEADERS.has(lower) || UNSIGNABLE_PATTERN.test(lower)) continue;
      canonical.push([lower, NEEDS_TRIMMING.test(value) ? value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '') : value]);
    }
    canonical.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let signedHeaders = '';
    let canonicalHeaders = '';
    for (const [name, value] of canonical) {
      signedHeaders += signedHeaders === '' ? name : `;${name}`;
      canonicalHeaders += `${name}:${value}\n`;
    }
    const canonicalRequest = `${request.method}\n${this.canonicalPath(request.path)}\n\n${canonicalHeaders}\n${signedHeaders}\n${hash}`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(credentials.secretAccessKey, shortDate, region, service)).update(stringToSign).digest('hex');
    headers[AUTH_HEADER] = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return request;
  }

  /** "20260102T030405Z" and "20260102", as the SDK formats them; the text changes once a second. */
  private formatDate(date: Date): { longDate: string; shortDate: string } {
    const second = Math.floor(date.getTime() / 1000);
    if (second !== this.date.second) {
      const longDate = date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
      this.date = { second, longDate, shortDate: longDate.slice(0, 8) };
    }
    return this.date;
  }

  /** The key derived from the secret for a day, region and service; derived again when any of them changes. */
  private signingKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
    const cached = this.key;
    if (cached && cached.shortDate === shortDate && cached.secretAccessKey === secretAccessKey && cached.region === region && cached.service === service) {
      return cached.key;
    }
    let key = createHmac('sha256', `AWS4${secretAccessKey}`).update(shortDate).digest();
    for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    this.key = { shortDate, region, service, secretAccessKey, key };
    return key;
  }

  /** The SDK's canonical path: dot segments resolved, empty segments dropped, each segment escaped twice unless told not to. */
  private canonicalPath(path: string): string {
    let canonical = this.canonicalPaths.get(path);
    if (canonical === undefined) {
      canonical = path;
      if (this.sdk.uriEscapePath) {
        const segments: string[] = [];
        for (const segment of path.split('/')) {
          if (segment.length === 0 || segment === '.') continue;
          if (segment === '..') segments.pop();
          else segments.push(segment);
        }
        const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
        canonical = escapeUri(normalized).replace(/%2F/g, '/');
      }
      this.canonicalPaths.set(path, canonical);
    }
    return canonical;
  }
}

function headerValue(headers: Record<string, string>, lowerName: string): string | undefined {
  if (Object.hasOwn(headers, lowerName)) return headers[lowerName];
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === lowerName) return headers[name];
  }
  return undefined;
}
