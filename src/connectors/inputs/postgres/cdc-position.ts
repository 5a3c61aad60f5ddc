/**
 * Where `postgres_cdc_input` stands, as the JSON it pushes with each chunk. During the initial
 * snapshot: the replication slot, the LSN the slot's stream starts at, and how many rows were
 * pushed. Then, in the stream: a point in the replication stream (`StreamPoint`). Transactions
 * arrive in commit order, and one transaction's changes may be pushed over several chunks, so a
 * point is an LSN plus how many changes of the transaction that commits there are pushed.
 */
import { z } from 'zod';
import { parsePosition, type InputPosition } from '../input.js';
import { formatLsn, isLsn, parseLsn } from './lsn.js';

/**
 * Every transaction whose commit record starts before `lsn` is pushed, and the first `changes`
 * changes (of the source table) of the transaction whose commit record starts at `lsn`. The slot
 * may be told it can drop the log before `lsn`.
 */
export interface StreamPoint {
  readonly lsn: bigint;
  readonly changes: number;
}

export type CdcPosition =
  | { readonly slot: string; readonly snapshot: { readonly lsn: bigint; readonly rows: number } }
  | { readonly slot: string; readonly stream: StreamPoint };

const LSN_TEXT = z.string().refine(isLsn);
const COUNT = z.int().min(0);

const POSITION_SHAPE = z.union([
  z.strictObject({ slot: z.string(), snapshot: z.strictObject({ lsn: LSN_TEXT, rows: COUNT }) }),
  z.strictObject({ slot: z.string(), stream: z.strictObject({ lsn: LSN_TEXT, changes: COUNT }) }),
]);

export function readCdcPosition(saved: InputPosition, connector: string): CdcPosition {
  const position = parsePosition(POSITION_SHAPE, saved, connector);
  return 'snapshot' in position
    ? { slot: position.slot, snapshot: { lsn: parseLsn(position.snapshot.lsn), rows: position.snapshot.rows } }
    : { slot: position.slot, stream: { lsn: parseLsn(position.stream.lsn), changes: position.stream.changes } };
}

export function snapshotPosition(slot: string, lsn: bigint, rows: number): InputPosition {
  return { slot, snapshot: { lsn: formatLsn(lsn), rows } };
}

export function streamPosition(slot: string, point: StreamPoint): InputPosition {
  return { slot, stream: { lsn: formatLsn(point.lsn), changes: point.changes } };
}
