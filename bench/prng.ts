// Seeded pseudo-random numbers for the benchmark's log generators, so every run of `npm run bench`
// writes byte-identical logs. mulberry32: tiny, fast, and good enough for picking log fields.

/** A deterministic random source; the same seed always yields the same sequence. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Standard normal deviate (Box-Muller), for log-normal latencies and sizes. */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A weighted choice prepared once: `pick(prng)` returns a value with probability weight / total. */
export class WeightedChoice<T> {
  private readonly values: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(table: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [value, weight] of table) {
      sum += weight;
      this.values.push(value);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  pick(prng: Prng): T {
    const r = prng.next() * this.total;
    let i = 0;
    while (this.cumulative[i]! <= r) i++;
    return this.values[i]!;
  }
}
