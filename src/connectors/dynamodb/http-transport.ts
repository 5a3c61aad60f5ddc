/**
 * The HTTP exchange of the connector's write calls: node:http or node:https with a keep-alive
 * agent holding one socket per permitted in-flight request, a connection timeout for new sockets
 * and a timeout for the whole exchange. Its errors are named as the SDK's HTTP handler names them
 * (`TimeoutError`, Node's network error codes), so that the SDK's retry strategy classifies them
 * alike. The SDK's handler does the same with four timers and a chain of promises per request,
 * which cost the write path more CPU per request than the signing does; DescribeTable and the
 * other calls still go through the SDK's handler.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface TransportOptions {
  /** Sockets kept per endpoint: the connector's max_concurrent_requests. */
  maxSockets: number;
  /** How long a new socket may take to connect. */
  connectionTimeoutMs: number;
  /** How long a request may take from being sent to the last byte of its answer. */
  requestTimeoutMs: number;
}

/** Where and what to POST: what a signed SDK HttpRequest holds. */
export interface OutgoingRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface HttpAnswer {
  statusCode: number;
  /** Node's response headers, names in lower case. */
  headers: IncomingHttpHeaders;
  body: string;
}

/** What sends a signed request and reads its whole answer. */
export interface Transport {
  send(request: OutgoingRequest): Promise<HttpAnswer>;
}

/** Node's error codes for a connection that timed out or was cut; the SDK's handler renames the first kind. */
const TIMEOUT_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export class HttpTransport implements Transport {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(private readonly options: TransportOptions) {
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets });
  }

  send(outgoing: OutgoingRequest): Promise<HttpAnswer> {
    const { connectionTimeoutMs, requestTimeoutMs } = this.options;
    // The closures below keep what they name until the answer comes: the host name, not the
    // request and its body, which `outgoing` (named outside them only) holds.
    const { hostname } = outgoing;
    let resolve!: (answer: HttpAnswer) => void;
    let reject!: (error: Error) => void;
    const answer = new Promise<HttpAnswer>((onAnswer, onError) => { resolve = onAnswer; reject = onError; });
    let settled = false;
    const secure = outgoing.protocol === 'https:';
    const request: ClientRequest = (secure ? httpsRequest : httpRequest)({
      agent: secure ? this.httpsAgent : this.httpAgent,
      host: hostOf(hostname),
      ...(outgoing.port === undefined ? {} : { port: outgoing.port }),
      method: 'POST',
      path: outgoing.path,
      headers: outgoing.headers,
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.once('error', failWith);
      response.once('end', () => {
        settled = true;
        clearTimeout(requestTimer);
        resolve({ statusCode: response.statusCode ?? -1, headers: response.headers, body: text });
      });
    });
    const requestTimer = setTimeout(() => {
      fail(Object.assign(new Error(`the request did not complete within its ${requestTimeoutMs} ms timeout (request_timeout_millis)`),
        { name: 'TimeoutError', code: 'ETIMEDOUT' }));
    }, requestTimeoutMs);
    request.once('socket', (socket) => {
      if (!socket.connecting) return;
      const connectionTimer = setTimeout(() => {
        fail(Object.assign(new Error(`the socket did not connect to ${hostname} within ${connectionTimeoutMs} ms`), { name: 'TimeoutError' }));
      }, connectionTimeoutMs);
      socket.once('connect', () => clearTimeout(connectionTimer));
      socket.once('close', () => clearTimeout(connectionTimer));
    });
    request.once('error', failWith);
    request.end(outgoing.body);
    return answer;

    function failWith(error: NodeJS.ErrnoException): void {
      fail(TIMEOUT_ERROR_CODES.has(error.code ?? '') ? Object.assign(error, { name: 'TimeoutError' }) : error);
    }
    // Once the answer is complete its socket may already serve another request: it is left alone.
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(requestTimer);
      request.destroy();
      reject(error);
    }
  }

  /** Closes its sockets; for when no request is in flight any more. */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** An IPv6 literal comes in brackets, as in URLs; Node's request wants it without. */
function hostOf(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
