/**
 * Key identities: the text that tells two DynamoDB keys apart, built once per written record and
 * used to group a step's updates by key, to route keys to workers, and to count hot partition keys.
 * A key of one attribute is its own identity (canonical number text, the string, or the bytes as
 * latin1); in a composite key every part but the last is written `<length>:<part>`, which keeps
 * the concatenation unambiguous. The key's attribute types are fixed by the table, so they need
 * not be spelled out: whoever shows a part to people knows its type.
 */
import { Buffer } from 'node:buffer';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { normalizeDecimal } from '../../sql/numbers.js';

export type KeyAttributeType = 'S' | 'N' | 'B';

/**
 * A key part's identity from an attribute value, as its codec gives it from a row value. A value
 * that is missing or not of the key's type (DynamoDB rejects such a key) gives '', which no valid
 * key value gives: key strings and binaries are never empty, nor is number text.
 */
export function identityOf(value: AttributeValue | undefined, type: KeyAttributeType): string {
  if (type === 'N') return value?.N === undefined ? '' : canonicalOrRaw(value.N);
  if (type === 'S') return value?.S ?? '';
  return value?.B === undefined ? '' : bytesIdentity(value.B);
}

export function bytesIdentity(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Appends a key part's identity to those of the parts before it; `last` for the key's last part. */
export function joinIdentity(before: string, part: string, last: boolean): string {
  return last ? before + part : `${before}${part.length}:${part}`;
}

// DynamoDB rejects malformed number text anyway; its identity need only be stable.
export function canonicalOrRaw(text: string): string {
  try {
    return normalizeDecimal(text);
  } catch {
    return text;
  }
}

/**
 * A one-part identity of a `type` attribute as text for people: a string as it is, a number in its
 * canonical form, a binary value in base64; cut to `maxChars` characters with an ellipsis.
 */
export function renderIdentityPart(part: string, type: KeyAttributeType, maxChars: number): string {
  const text = part === '' ? '(missing)' : type === 'B' ? Buffer.from(part, 'latin1').toString('base64') : part;
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}
