const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/**
 * xoshiro128** (Blackman & Vigna): a small, fast PRNG whose sequence depends only on the
 * seed, so every replica of a call draws the same numbers. Any JS number is a valid seed;
 * its 64 IEEE-754 bits are expanded into the state with splitmix32.
 */
export class Xoshiro128 {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** Restarts the sequence from `seed`. */
  seed(seed: number): void {
    const bits = new DataView(new ArrayBuffer(8));
    bits.setFloat64(0, seed === 0 ? 0 : seed); // -0 and 0 seed alike
    let x = splitmix32(bits.getUint32(0) ^ 0x5bd1e995);
    x = splitmix32(x ^ bits.getUint32(4));
    this.#s0 = x = splitmix32(x);
    this.#s1 = x = splitmix32(x);
    this.#s2 = x = splitmix32(x);
    this.#s3 = splitmix32(x) | 1; // never the all-zero state
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A float uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_POW_26 + lo) / TWO_POW_53;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}
