/**
 * Seedable randomness for datagen. Like Feldera, every row gets its own generator seeded with
 * `seed + row index`, so a row's values depend only on the seed and its index: the same seed
 * yields the same rows whatever the number of workers or the order they run in. (Feldera's Rust
 * SmallRng sequence itself cannot be reproduced here; only the `increment` output is portable.)
 */

const TWO_POW_32 = 2 ** 32;

/** A 64-bit seed as two unsigned 32-bit halves. */
export interface Seed {
  readonly high: number;
  readonly low: number;
}

export function seedFromBigInt(seed: bigint): Seed {
  const value = BigInt.asUintN(64, seed);
  return { high: Number(value >> 32n), low: Number(value & 0xffffffffn) };
}

/** xoshiro128**: small, fast, and good enough for test data. */
export class RowRandom {
  private constructor(
    private a: number,
    private b: number,
    private c: number,
    private d: number,
  ) {}

  /** The generator for row `index` (wrapping add to the 64-bit seed, as Feldera does). */
  static forRow(seed: Seed, index: number): RowRandom {
    const low = seed.low + (index % TWO_POW_32);
    const carry = low >= TWO_POW_32 ? 1 : 0;
    const high = (seed.high + Math.floor(index / TWO_POW_32) + carry) >>> 0;
    // SplitMix-style expansion of the 64 seed bits into 128 bits of state.
    let x = (low >>> 0) ^ mix32(high ^ 0x632be5ab);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      return mix32(x ^ Math.imul(high, 0x85ebca6b));
    };
    const a = next();
    const b = next();
    const c = next();
    const d = next();
    return new RowRandom(a | b | c | d ? a : 1, b, c, d);
  }

  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotateLeft(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n), for n up to 2^53. */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [0, n) for any positive bigint n (bias below 2^-32). */
  bigBelow(n: bigint): bigint {
    const bits = n.toString(2).length + 32;
    let value = 0n;
    for (let have = 0; have < bits; have += 32) value = (value << 32n) | BigInt(this.nextUint32());
    return value % n;
  }

  /** Uniform in [low, high) for bigints. */
  bigBetween(low: bigint, high: bigint): bigint {
    return low + this.bigBelow(high - low);
  }
}

function rotateLeft(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3's finalizer: every input bit affects every output bit. */
function mix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Zipf distribution over 1..=n with exponent s >= 0, sampled by rejection-inversion (Hörmann and
 * Derflinger, 1996) like rand_distr's Zipf: constant time for any n, so a whole BIGINT range works.
 */
export class Zipf {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly squeeze: number;

  constructor(
    readonly n: number,
    private readonly exponent: number,
  ) {
    if (!(n >= 1) || !(exponent >= 0)) throw new RangeError(`Zipf needs n >= 1 and an exponent >= 0 (got n=${n}, exponent=${exponent})`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** An integer in 1..=n; 1 is the most frequent. */
  sample(random: RowRandom): number {
    for (;;) {
      const u = this.hIntegralN + random.float() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      const k = Math.min(this.n, Math.max(1, Math.floor(x + 0.5)));
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.exponent) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    const t = Math.max(-1, x * (1 - this.exponent));
    return Math.exp(log1pOverX(t) * x);
  }
}

// log1p(x)/x and expm1(x)/x, with their Taylor series near 0 where the division loses precision.
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}
