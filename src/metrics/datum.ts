// Histogram bucket layout, and Datum: an object view of one series of a metric, for code off the per-line path
// (tests, the JSON and push exporters). Imports nothing of ours. Compiled programs use the metric's id methods.

/**
 * A histogram's buckets as mtail 3.0.0~rc50 builds them from `buckets b0, b1, ...`: ranges (lower, upper], the
 * first from 0 to b0 when b0 > 0, else from b0 to b1 (so a bound of 0 or below is only a lower edge), then one
 * range above the last bound up to +Inf. Shared by every series of one histogram.
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

/** What a Datum reads and writes: the series storage of a Metric (see metric.ts). */
export interface SeriesStorage {
  labels(id: number): string[];
  value(id: number): number | string;
  time(id: number): number;
  ttl(id: number): number;
  bucketCounts(id: number): Float64Array;
  histSum(id: number): number;
  histCount(id: number): number;
  set(id: number, v: number, tMs: number): void;
  setStr(id: number, s: string, tMs: number): void;
  add(id: number, v: number, tMs: number): void;
  observe(id: number, v: number, tMs: number): void;
}

/**
 * One labelled value of a metric, seen through its series id: a number (counter, gauge, timer), a string (text),
 * or a histogram's buckets. A view stays valid until its series is deleted; the id may then name another series.
 */
export class Datum {
  constructor(
    private readonly storage: SeriesStorage,
    /** The series id within its metric. */
    readonly id: number,
  ) {}

  /** Label values in the metric's key order (a fresh array). */
  get labels(): readonly string[] {
    return this.storage.labels(this.id);
  }

  /** Current value: a number, or a string for text metrics. For histograms, the sum (as mtail reports it). */
  get value(): number | string {
    return this.storage.value(this.id);
  }

  /** Last update, ms since the epoch (the log line's time as the program set it, else the wall clock). */
  get timeMs(): number {
    return this.storage.time(this.id);
  }

  /** `del ... after`: removed by the collector once unchanged for this long (ms); 0 for never. */
  get ttlMs(): number {
    return this.storage.ttl(this.id);
  }

  /** Histograms: observations per bucket, non-cumulative, index i for layout.uppers[i], the last for +Inf. */
  get counts(): Float64Array {
    return this.storage.bucketCounts(this.id);
  }

  /** Histograms: sum of all observations. */
  get sum(): number {
    return this.storage.histSum(this.id);
  }

  /** Histograms: number of observations. */
  get count(): number {
    return this.storage.histCount(this.id);
  }

  /** Sets the value (`=`); for a histogram, `=` records an observation as mtail does. */
  set(v: number | string, tMs: number): void {
    if (typeof v === "string") this.storage.setStr(this.id, v, tMs);
    else this.storage.set(this.id, v, tMs);
  }

  /** Adds to the value (`+=`, `++`, `--` with a negative v). */
  add(v: number, tMs: number): void {
    this.storage.add(this.id, v, tMs);
  }

  /** Records one histogram observation. */
  observe(v: number, tMs: number): void {
    this.storage.observe(this.id, v, tMs);
  }
}
