const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a over UTF-16 code units: cheap, stable across processes, and spreads similar keys well.
 * `seed` continues the hash of text that came before (a previous result).
 */
export function fnv1a(text: string, seed = FNV_OFFSET_BASIS): number {
  let hash = seed;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** Folds a 32-bit value into a hash (FNV-1a's step, a word at a time). */
export function combineHash(hash: number, value: number): number {
  return Math.imul(hash ^ value, FNV_PRIME) >>> 0;
}

/** Every bit of an integer of at most 53 bits, folded into 32 bits (to be spread by `spreadHash`). */
export function integerHash(value: number): number {
  const low = value | 0;
  const high = (value - low) / 4_294_967_296;
  return combineHash(combineHash(FNV_OFFSET_BASIS, low), high | 0);
}

/** MurmurHash3's finalizer: makes every bit of the result depend on every bit of the hash, low bits included. */
export function spreadHash(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
