/**
 * The one place that decides how the Postgres connectors outlive a lost connection: a transient
 * failure (`isTransient`: a restart, a dropped connection, a slot still held by a dead session)
 * is logged and the work tried again after an exponential backoff with jitter. Until a first
 * connection has worked, only for STARTUP_PATIENCE_MS, so that a wrong host or port ends in a
 * clear error instead of waiting forever; after that, for as long as the run lasts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { errorMessage } from '../../../errors.js';
import { backoffDelayMs } from '../../dynamodb/retry.js';
import type { PostgresServer } from './connection.js';
import { connectorError, isTransient, POSTGRES_CONNECTION_LOST, POSTGRES_UNREACHABLE } from './errors.js';

const STARTUP_PATIENCE_MS = 30_000;
/** Backoff starts at a few hundred milliseconds: a server restart takes about that long. */
const FIRST_RETRY = 3;

export interface Reconnecting {
  readonly connector: string;
  readonly server: PostgresServer;
  readonly log: Logger;
  /** Aborted by stop(): the wait between attempts ends at once. */
  readonly signal: AbortSignal;
  /** What the work is, for the log: "streaming changes", ... */
  readonly doing: string;
}

/**
 * Runs `work` until it succeeds, a non-transient error (rethrown) or stop(); undefined after
 * stop(). `work` calls `connected()` once it has reached the server: from then on the
 * connection is known to be possible, and the backoff starts over.
 */
export async function withReconnects<T>(how: Reconnecting, work: (connected: () => void) => Promise<T>): Promise<T | undefined> {
  const started = Date.now();
  let everConnected = false;
  let failures = 0;
  const connected = (): void => {
    everConnected = true;
    failures = 0;
  };
  for (;;) {
    if (how.signal.aborted) return undefined;
    try {
      return await work(connected);
    } catch (error) {
      if (how.signal.aborted) return undefined;
      if (!isTransient(error)) throw error;
      const said = how.server.redact(errorMessage(error));
      if (!everConnected && Date.now() - started > STARTUP_PATIENCE_MS) {
        throw connectorError(POSTGRES_UNREACHABLE, how.connector, 'uri',
          `${how.doing}: cannot reach PostgreSQL at ${how.server.shownUri} (${said}) after trying for ${STARTUP_PATIENCE_MS / 1000} seconds: check the host and port, and that the server is up`, error);
      }
      failures += 1;
      const delay = Math.round(backoffDelayMs(failures + FIRST_RETRY));
      how.log.warn({ code: POSTGRES_CONNECTION_LOST, attempt: failures, delayMs: delay },
        `connector ${how.connector}: ${how.doing}: lost the connection to PostgreSQL at ${how.server.shownUri} (${said}); trying again in ${(delay / 1000).toFixed(1)} s`);
      try {
        await sleep(delay, undefined, { signal: how.signal });
      } catch {
        return undefined;
      }
    }
  }
}
