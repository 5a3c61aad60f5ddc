/**
 * What the pipeline records as the position of a journaled input's push: its sequence number in
 * the push journal, with the connector's own position after it. The connector sees only its own.
 */
import type { InputPosition } from '../connectors/inputs/input.js';

export interface JournaledPosition {
  readonly seq: number;
  readonly source: InputPosition;
}

/** The journal's part of a recorded position; undefined for a position that is not a journaled push's. */
export function journaledPosition(position: InputPosition): JournaledPosition | undefined {
  if (typeof position !== 'object' || position === null || Array.isArray(position)) return undefined;
  const { seq, source } = position;
  return typeof seq === 'number' && source !== undefined ? { seq, source } : undefined;
}

/** The connector's own position in a recorded one. */
export function sourcePosition(position: InputPosition): InputPosition {
  return journaledPosition(position)?.source ?? position;
}
