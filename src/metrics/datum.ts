// One labelled value of a metric: a number (counter, gauge, timer), a string (text), or a histogram's buckets.
// Imports nothing of ours. The runtime mutates datums in place on the per-line path, so methods stay tiny.

/**
 * A histogram's buckets as mtail 3.0.0~rc50 builds them from `buckets b0, b1, ...`: ranges (lower, upper], the
 * first from 0 to b0 when b0 > 0, else from b0 to b1 (so a bound of 0 or below is only a lower edge), then one
 * range above the last bound up to +Inf. Shared by every datum of one histogram.
 */
export interface BucketLayout {
  /** Exclusive lower edge of the first bucket: values at or below it (and NaN) land in no bucket. */
  readonly lowest: number;
  /** Inclusive upper edges, ascending, without +Inf: the `le` values mtail exports. */
  readonly uppers: readonly number[];
}

/** Builds the layout for declared bounds (ascending, as the compiler checks). */
export function bucketLayout(bounds: readonly number[]): BucketLayout {
  if (bounds.length === 0) return { lowest: 0, uppers: [] };
  const first = bounds[0] as number;
  return first > 0 ? { lowest: 0, uppers: bounds.slice() } : { lowest: first, uppers: bounds.slice(1) };
}

const NO_COUNTS = new Float64Array(0);

/** A value and the labels that name it within its metric. */
export class Datum {
  /** Label values in the metric's key order. Never mutated after creation. */
  readonly labels: readonly string[];
  /** Current value: a number, or a string for text metrics. For histograms, the sum (as mtail reports it). */
  value: number | string;
  /** Last update, ms since the epoch (the log line's time as the program set it, else the wall clock). */
  timeMs: number;
  /** Histograms: observations per bucket, non-cumulative, index i for layout.uppers[i], the last for +Inf. */
  readonly counts: Float64Array;
  /** Histograms: sum of all observations. */
  sum: number;
  /** Histograms: number of observations. */
  count: number;
  /** `del ... after`: removed by the collector once unchanged for this long (ms); 0 for never. */
  ttlMs: number;
  private readonly layout: BucketLayout | null;

  /**
   * @param labels label values in key order (kept, not copied)
   * @param layout histogram buckets, or null for a plain value
   * @param initial 0 for numbers, "" for text
   */
  constructor(labels: readonly string[], layout: BucketLayout | null, initial: number | string = 0) {
    this.labels = labels;
    this.value = initial;
    this.timeMs = 0;
    this.layout = layout;
    this.counts = layout === null ? NO_COUNTS : new Float64Array(layout.uppers.length + 1);
    this.sum = 0;
    this.count = 0;
    this.ttlMs = 0;
  }

  /** Sets the value (`=`); for a histogram, `=` records an observation as mtail does. */
  set(v: number | string, tMs: number): void {
    if (this.layout !== null) {
      this.observe(v as number, tMs);
      return;
    }
    this.value = v;
    this.timeMs = tMs;
  }

  /** Adds to the value (`+=`, `++`, `--` with a negative v). */
  add(v: number, tMs: number): void {
    if (this.layout !== null) {
      this.observe(v, tMs);
      return;
    }
    this.value = (this.value as number) + v;
    this.timeMs = tMs;
  }

  /**
   * Records one histogram observation: count and sum always; the bucket whose range (lower, upper] holds v,
   * if any (see BucketLayout: v at or below the lowest edge, or NaN, is in no bucket, as in mtail).
   */
  observe(v: number, tMs: number): void {
    const l = this.layout;
    if (l !== null) {
      if (v > l.lowest) {
        const u = l.uppers;
        const n = u.length;
        let i = 0;
        while (i < n && v > (u[i] as number)) i++;
        this.counts[i] = (this.counts[i] as number) + 1;
      }
      this.count += 1;
      this.sum += v;
      this.value = this.sum;
    }
    this.timeMs = tMs;
  }
}
