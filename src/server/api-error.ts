/**
 * Answers of the HTTP API in Feldera's shapes: JSON bodies, and errors as
 * `{"message", "error_code", "details"}` with Feldera's error codes.
 */
import type { ServerResponse } from 'node:http';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Feldera's `error_code`, e.g. `UnknownInputStream`. */
    readonly errorCode: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ApiError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, error.status, { message: error.message, error_code: error.errorCode, details: error.details });
}
