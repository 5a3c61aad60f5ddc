/**
 * ClientRequestToken of TransactWriteItems: within 10 minutes of a token's first use, the same
 * token with the same payload is a replay (answered with success, applied once), and with a
 * different payload an IdempotentParameterMismatchException.
 */
import { createHash } from 'node:crypto';
import { ApiError, validationError } from './protocol.js';

const TOKEN_LIFETIME_MS = 10 * 60 * 1000;
const MAX_TOKEN_LENGTH = 36;

export type TokenUse = 'first' | 'replay';

export class IdempotencyTokens {
  private readonly tokens = new Map<string, { fingerprint: string; expiresAtMs: number }>();

  /** Whether this request is the token's first use or a replay; throws on a payload mismatch. */
  check(token: unknown, payload: unknown, nowMs: number): { use: TokenUse; fingerprint: string } {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw validationError(`1 validation error detected: Value '${String(token)}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TOKEN_LENGTH}`);
    }
    const fingerprint = createHash('sha256').update(JSON.stringify(payload)).digest('base64');
    const known = this.tokens.get(token);
    if (!known || known.expiresAtMs <= nowMs) return { use: 'first', fingerprint };
    if (known.fingerprint !== fingerprint) {
      throw new ApiError('IdempotentParameterMismatchException', 'UnknownError');
    }
    return { use: 'replay', fingerprint };
  }

  /** Records a token once its request completed: the window starts then. */
  remember(token: string, fingerprint: string, nowMs: number): void {
    this.forgetExpired(nowMs);
    this.tokens.delete(token);
    this.tokens.set(token, { fingerprint, expiresAtMs: nowMs + TOKEN_LIFETIME_MS });
  }

  private forgetExpired(nowMs: number): void {
    // Tokens are inserted in time order, so the expired ones are at the front.
    for (const [token, entry] of this.tokens) {
      if (entry.expiresAtMs > nowMs) return;
      this.tokens.delete(token);
    }
  }
}
