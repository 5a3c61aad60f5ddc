/**
 * JSON text of a value for messages and reports. Unlike JSON.stringify it also prints the JS
 * forms rows may hold: bigint as a number, bytes as an array of byte values, non-finite numbers
 * by name.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key: string, v: unknown) {
    // The original value, before Buffer's own toJSON turned it into {type, data}.
    const original = this[key];
    if (original instanceof Uint8Array) return Array.from(original);
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  }) ?? 'undefined';
}
