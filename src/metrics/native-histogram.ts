// Native (sparse exponential) histogram buckets of one series, as Prometheus defines them: at schema s, bucket i
// holds observations in (2^((i-1)/2^s), 2^(i/2^s)] (negated for negative values), a zero bucket holds |v| <= the
// zero threshold. Defaults and the index computation follow client_golang's documented behaviour: bucket factor
// 1.1 (schema 3), zero threshold 2^-128, and when too many buckets are populated the bucket width doubles.
// Imports nothing of ours.

/** client_golang's NativeHistogramBucketFactor 1.1: the lowest schema s with 2^(2^-s) <= 1.1 (bucket growth 1.09). */
export const NATIVE_SCHEMA = 3;
/** client_golang's DefNativeHistogramZeroThreshold (2^-128). */
export const NATIVE_ZERO_THRESHOLD = 2.938735877055719e-39;
/**
 * Most populated buckets before the resolution halves. client_golang leaves this to the user (0: no bound) and
 * its example sets 100; 160 keeps schema 3 for latencies from 1 us to 1000 s (1e9 / 1e-6 spans 30 octaves, 240
 * buckets, but a real distribution populates far fewer).
 */
export const NATIVE_MAX_BUCKETS = 160;
/**
 * Buckets are kept dense between the lowest and highest populated index, so memory follows the spread of the
 * values, not only the populated count; a spread beyond this many buckets halves the resolution too (a deviation
 * from client_golang, which keeps a map: it bounds memory per series to a few KB).
 */
export const NATIVE_MAX_SPAN = 240;
/** client_golang's lowest resolution: each bucket 2^16 times as wide as the previous one. */
const MIN_SCHEMA = -4;

/**
 * Bucket boundaries within one power of two as fractions in [0.5, 1), for schemas 0..3 (a histogram starts at
 * schema 3 and only ever lowers it): 2^(j/8 - 1) for j = 0..7 with the last-bit rounding client_golang's table
 * uses (computing them with Math.pow differs in the last bit at j = 4..7, which would move a value lying exactly
 * on a boundary to the next bucket). Schemas 2, 1 and 0 take every 2nd, 4th and 8th boundary.
 */
const SCHEMA_3_BOUNDS = [
  0.5, 0.5452538663326288, 0.5946035575013605, 0.6484197773255048,
  0.7071067811865475, 0.7711054127039704, 0.8408964152537144, 0.9170040432046711,
];
const FRACTION_BOUNDS: readonly Float64Array[] = [0, 1, 2, 3].map(
  (s) => new Float64Array(SCHEMA_3_BOUNDS.filter((_, j) => j % (1 << (3 - s)) === 0)),
);

/** The boundaries of schema s (0..3), for tests. */
export function fractionBounds(schema: number): Float64Array {
  return FRACTION_BOUNDS[schema] as Float64Array;
}

// frexp without allocation: the exponent from the bits, the fraction by setting the exponent to -1.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
let fracOut = 0;

/** Go's math.Frexp for a finite x > 0: returns exp and leaves frac (in [0.5, 1)) in fracOut. */
function frexp(x: number): number {
  F64[0] = x;
  let hi = U32[HI] as number;
  let e = (hi >>> 20) & 0x7ff;
  let adjust = 0;
  if (e === 0) {
    // Subnormal: scale into the normal range first.
    F64[0] = x * 18014398509481984; // 2^54
    hi = U32[HI] as number;
    e = (hi >>> 20) & 0x7ff;
    adjust = -54;
  }
  U32[HI] = (hi & 0x800fffff) | (1022 << 20);
  fracOut = F64[0] as number;
  return e - 1022 + adjust;
}

/** The bucket index of |v| (finite, > 0) at `schema`, as client_golang computes it. */
export function bucketIndex(v: number, schema: number): number {
  const exp = frexp(v);
  const frac = fracOut;
  if (schema > 0) {
    const bounds = FRACTION_BOUNDS[schema] as Float64Array;
    // The first boundary >= frac (sort.SearchFloat64s).
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((bounds[mid] as number) < frac) lo = mid + 1;
      else hi = mid;
    }
    return lo + (exp - 1) * bounds.length;
  }
  const key = frac === 0.5 ? exp - 1 : exp;
  const shift = -schema;
  return (key + (1 << shift) - 1) >> shift;
}

/** One sign's buckets, dense from index `base`; counts are 0 where nothing was observed. */
class BucketRow {
  base = 0;
  counts: Float64Array | null = null;

  /** Adds one at `key`; returns true when that bucket was empty before. */
  add(key: number, n: number): boolean {
    let c = this.counts;
    let i = key - this.base;
    if (c === null || i < 0 || i >= c.length) {
      c = this.cover(key);
      i = key - this.base;
    }
    const was = c[i] as number;
    c[i] = was + n;
    return was === 0;
  }

  /** Lowest and highest populated index, or null. */
  range(): [number, number] | null {
    const c = this.counts;
    if (c === null) return null;
    let lo = 0;
    while (lo < c.length && c[lo] === 0) lo++;
    if (lo === c.length) return null;
    let hi = c.length - 1;
    while (c[hi] === 0) hi--;
    return [this.base + lo, this.base + hi];
  }

  count(key: number): number {
    const c = this.counts;
    const i = key - this.base;
    return c === null || i < 0 || i >= c.length ? 0 : (c[i] as number);
  }

  /** Grows the row to hold `key` (room for 16 more on the side it grew), keeping the populated counts. */
  private cover(key: number): Float64Array {
    const old = this.counts;
    if (old === null) {
      this.counts = new Float64Array(16);
      this.base = key - 8;
      return this.counts;
    }
    const r = this.range();
    const lo = Math.min(key, r === null ? key : r[0]);
    const hi = Math.max(key, r === null ? key : r[1]);
    const len = hi - lo + 1 + 16;
    // The slack goes on the side that grew: values spread out gradually from the first ones.
    const base = r !== null && key < r[0] ? lo - 16 : lo;
    const c = new Float64Array(len);
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) c[this.base + i - base] = old[i] as number;
    this.counts = c;
    this.base = base;
    return c;
  }

  /** The populated span in buckets (0 when empty). */
  span(extraKey: number): number {
    const r = this.range();
    if (r === null) return 1;
    return Math.max(r[1], extraKey) - Math.min(r[0], extraKey) + 1;
  }

  /** Every bucket merged into the one of half the resolution (index ceil(i / 2)); returns the populated count. */
  halve(): number {
    const c = this.counts;
    if (c === null) return 0;
    const out = new BucketRow();
    let populated = 0;
    for (let i = 0; i < c.length; i++) {
      const n = c[i] as number;
      if (n !== 0 && out.add(Math.ceil((this.base + i) / 2), n)) populated++;
    }
    this.base = out.base;
    this.counts = out.counts;
    return populated;
  }
}

/** Spans and deltas of one sign, as the protobuf exposition carries them. */
export interface NativeSpans {
  /** [offset, length] pairs: offset from the end of the previous span (the first from index 0). */
  readonly spans: ReadonlyArray<readonly [number, number]>;
  /** Per bucket in the spans, its count minus the previous bucket's (the first minus 0). */
  readonly deltas: readonly number[];
}

/** A series' native buckets as a state snapshot keeps them: (index, count) pairs of each side. */
export interface SavedNativeBuckets {
  readonly schema: number;
  readonly zeroCount: number;
  readonly positive: ReadonlyArray<readonly [number, number]>;
  readonly negative: ReadonlyArray<readonly [number, number]>;
}

/** A series' native buckets (its count and sum stay with the metric's classic fields). */
export class NativeBuckets {
  schema = NATIVE_SCHEMA;
  readonly zeroThreshold = NATIVE_ZERO_THRESHOLD;
  zeroCount = 0;
  private populated = 0;
  private readonly positive = new BucketRow();
  private readonly negative = new BucketRow();

  /** Records v; NaN goes in no bucket (its count and sum are the caller's). */
  observe(v: number): void {
    if (v !== v) return;
    if (v <= this.zeroThreshold && v >= -this.zeroThreshold) {
      this.zeroCount++;
      return;
    }
    const row = v > 0 ? this.positive : this.negative;
    const abs = v > 0 ? v : -v;
    // client_golang counts +-Inf in the bucket above the one of the largest finite value.
    const key = abs === Infinity ? bucketIndex(Number.MAX_VALUE, this.schema) + 1 : bucketIndex(abs, this.schema);
    const c = row.counts;
    const i = key - row.base;
    if (c !== null && i >= 0 && i < c.length && (c[i] as number) > 0) {
      c[i] = (c[i] as number) + 1;
      return;
    }
    if (row.span(key) > NATIVE_MAX_SPAN && this.schema > MIN_SCHEMA) {
      this.halveResolution();
      this.observe(v);
      return;
    }
    if (row.add(key, 1)) this.populated++;
    if (this.populated > NATIVE_MAX_BUCKETS && this.schema > MIN_SCHEMA) this.halveResolution();
  }

  /** Count of bucket `key` of the positive (sign 1) or negative (sign -1) side. */
  count(sign: 1 | -1, key: number): number {
    return (sign > 0 ? this.positive : this.negative).count(key);
  }

  /** Populated buckets of both signs. */
  get bucketCount(): number {
    return this.populated;
  }

  /** Spans and deltas of one side; gaps of one or two empty buckets stay inside a span, as client_golang does. */
  spans(sign: 1 | -1): NativeSpans {
    const row = sign > 0 ? this.positive : this.negative;
    const spans: Array<[number, number]> = [];
    const deltas: number[] = [];
    const r = row.range();
    if (r === null) return { spans, deltas };
    let prevCount = 0;
    let next = 0;
    let first = true;
    for (let key = r[0]; key <= r[1]; key++) {
      const n = row.count(key);
      if (n === 0) continue;
      const gap = key - next;
      if (first || gap > 2) {
        spans.push([gap, 0]);
      } else {
        for (let j = 0; j < gap; j++) {
          (spans[spans.length - 1] as [number, number])[1]++;
          deltas.push(0 - prevCount);
          prevCount = 0;
        }
      }
      (spans[spans.length - 1] as [number, number])[1]++;
      deltas.push(n - prevCount);
      prevCount = n;
      next = key + 1;
      first = false;
    }
    return { spans, deltas };
  }

  /** Every (index, count) of one side, ascending: for JSON and tests. */
  buckets(sign: 1 | -1): Array<[number, number]> {
    const row = sign > 0 ? this.positive : this.negative;
    const out: Array<[number, number]> = [];
    const r = row.range();
    if (r === null) return out;
    for (let key = r[0]; key <= r[1]; key++) {
      const n = row.count(key);
      if (n !== 0) out.push([key, n]);
    }
    return out;
  }

  /** What a state snapshot keeps of these buckets (see restore). */
  save(): SavedNativeBuckets {
    return { schema: this.schema, zeroCount: this.zeroCount, positive: this.buckets(1), negative: this.buckets(-1) };
  }

  /** Puts back what save() gave, in place of this series' buckets (a fresh series after a restart). */
  restore(saved: SavedNativeBuckets): void {
    this.schema = saved.schema;
    this.zeroCount = saved.zeroCount;
    this.populated = 0;
    for (const [key, n] of saved.positive) if (n > 0 && this.positive.add(key, n)) this.populated++;
    for (const [key, n] of saved.negative) if (n > 0 && this.negative.add(key, n)) this.populated++;
  }

  /** Doubles every bucket's width (schema - 1), merging neighbours, as client_golang's doubleBucketWidth. */
  private halveResolution(): void {
    this.schema--;
    this.populated = this.positive.halve() + this.negative.halve();
  }
}
