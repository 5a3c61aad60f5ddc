/**
 * Key identities: the text that tells two DynamoDB keys apart, built once per written record and
 * used to group a step's updates by key, to route keys to workers, and to count hot partition keys.
 * An identity concatenates one part per key attribute, `<type letter><length>:<value>` (or `-` for
 * a missing value), so a part can be found again, and shown, without re-encoding the key.
 */
import { Buffer } from 'node:buffer';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { normalizeDecimal } from '../../sql/numbers.js';

/** One part of a key identity; type letter and length make the concatenation unambiguous. */
export function identityOf(value: AttributeValue | undefined): string {
  if (value?.N !== undefined) {
    // "1.50" and "1.5" are the same DynamoDB key.
    const n = canonicalOrRaw(value.N);
    return `N${n.length}:${n}`;
  }
  if (value?.S !== undefined) return `S${value.S.length}:${value.S}`;
  if (value?.B !== undefined) return `B${value.B.length}:${Buffer.from(value.B.buffer, value.B.byteOffset, value.B.byteLength).toString('latin1')}`;
  // Missing or not a key type: DynamoDB rejects such a key, so no identity is needed to tell them apart.
  return '-';
}

// DynamoDB rejects malformed number text anyway; its identity need only be stable.
function canonicalOrRaw(text: string): string {
  try {
    return normalizeDecimal(text);
  } catch {
    return text;
  }
}

/** Where the part starting at `start` ends, and where its value starts. */
function partBounds(identity: string, start: number): { valueStart: number; end: number } {
  if (identity[start] === '-') return { valueStart: start + 1, end: start + 1 };
  const colon = identity.indexOf(':', start);
  const length = Number(identity.slice(start + 1, colon));
  return { valueStart: colon + 1, end: colon + 1 + length };
}

/**
 * The identity of the key attribute at `position` (in key column order) within a key's identity.
 * A single-attribute key is its own partition key identity: it is returned as is, with no copy.
 */
export function identityPart(identity: string, position: number, parts: number): string {
  if (parts === 1) return identity;
  let start = 0;
  for (let i = 0; i < position; i += 1) start = partBounds(identity, start).end;
  return identity.slice(start, partBounds(identity, start).end);
}

/**
 * A one-part identity as text for people: a string as it is, a number in its canonical form, a
 * binary value in base64; cut to `maxChars` characters with an ellipsis.
 */
export function renderIdentityPart(part: string, maxChars: number): string {
  const { valueStart, end } = partBounds(part, 0);
  const value = part.slice(valueStart, end);
  const text = part[0] === 'B' ? Buffer.from(value, 'latin1').toString('base64') : part[0] === '-' ? '(missing)' : value;
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}
