/**
 * The replication slot `postgres_cdc_input` reads through: where the server keeps the log of the
 * table's changes until the connector says it may go (see `committed` in `cdc-input.ts`).
 *
 * Feldera (through supabase/etl) names it `supabase_etl_apply_<id>`, <id> the xxh3-64 hash of
 * `host:port/database`, the publication and the source table. dynaview hashes the same text, so
 * the name is as stable (rotating the user or password keeps the slot, another source gets
 * another slot), but with SHA-256 from node:crypto, as xxh3 would be a new dependency: the number
 * differs from Feldera's.
 */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type { PostgresServer } from './connection.js';
import { parseLsn } from './lsn.js';

export function slotName(server: PostgresServer, publication: string, sourceTable: string): string {
  const digest = createHash('sha256').update(`${server.identity}\0${publication}\0${sourceTable}`).digest();
  return `supabase_etl_apply_${digest.readBigUInt64BE(0)}`;
}

export interface SlotState {
  /** Where the stream will start: the server has dropped the log before it. */
  readonly confirmedFlush: bigint | undefined;
  /** The server process reading the slot, if one is. */
  readonly activePid: string | null;
  /** The server invalidated the slot (it kept more log than max_slot_wal_keep_size allows). */
  readonly lost: boolean;
}

export async function inspectSlot(client: Client, name: string): Promise<SlotState | undefined> {
  const result = await client.query<Record<string, string | null>>('SELECT * FROM pg_replication_slots WHERE slot_name = $1', [name]);
  const row = result.rows[0];
  if (row === undefined) return undefined;
  return {
    confirmedFlush: row['confirmed_flush_lsn'] == null ? undefined : parseLsn(row['confirmed_flush_lsn']),
    activePid: row['active_pid'] ?? null,
    lost: row['wal_status'] === 'lost',
  };
}

export async function dropSlot(client: Client, name: string): Promise<void> {
  await client.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [name]);
}

export interface CreatedSlot {
  /** The stream starts here: transactions that commit before it are in the snapshot. */
  readonly consistentPoint: bigint;
  /** Valid until `replication` runs another command or closes: import it (SET TRANSACTION SNAPSHOT) first. */
  readonly snapshotName: string;
}

/** Creates the slot on a replication connection, exporting the snapshot of the database at its consistent point. */
export async function createSlotWithSnapshot(replication: Client, name: string): Promise<CreatedSlot> {
  // The pre-PostgreSQL-15 spelling, which newer servers still take.
  const result = await replication.query<{ consistent_point: string; snapshot_name: string }>(
    `CREATE_REPLICATION_SLOT "${name}" LOGICAL pgoutput EXPORT_SNAPSHOT`);
  const row = result.rows[0]!;
  return { consistentPoint: parseLsn(row.consistent_point), snapshotName: row.snapshot_name };
}
