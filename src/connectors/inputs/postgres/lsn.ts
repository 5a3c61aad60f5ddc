/**
 * PostgreSQL log sequence numbers (LSNs): byte positions in the write-ahead log, written `X/Y`
 * (two hexadecimal halves of a 64-bit number). Held as bigints to compare and step them.
 */

const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

export function parseLsn(text: string): bigint {
  const match = LSN_TEXT.exec(text);
  if (match === null) throw new Error(`internal error: "${text}" is not an LSN`);
  return (BigInt(`0x${match[1]!}`) << 32n) | BigInt(`0x${match[2]!}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function isLsn(text: string): boolean {
  return LSN_TEXT.test(text);
}
