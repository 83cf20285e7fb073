// A snapshot of the daemon's state: where every source stands and the value of every series, taken in one
// synchronous stretch between two lines so the two agree. Reads the store only through Metric's public readers;
// the daemon decides when to take one, this folder decides how it is kept (see state-file.ts).

import type { Metric } from "../metrics/metric.js";
import type { Store } from "../metrics/store.js";
import { Kind, ValueType } from "../metrics/types.js";
import type { SavedPosition } from "../tailer/positions.js";

/** The declaration fields that decide whether saved values may be put back (Metric.sameShape's rule). */
export interface SavedDeclaration {
  readonly program: string;
  readonly name: string;
  readonly kind: Kind;
  readonly type: ValueType;
  readonly keys: readonly string[];
  readonly buckets: readonly number[];
}

/**
 * The series of one metric, by column: series i has labels `labels[i*k .. i*k+k)` (k = keys.length), and so on.
 * Columns rather than one object per series, so taking a snapshot of 200k series allocates a handful of arrays.
 */
export interface SavedMetric {
  readonly decl: SavedDeclaration;
  readonly count: number;
  readonly labels: readonly string[];
  /** Numeric value (histograms: the sum of observations); unused for text metrics. */
  readonly values: Float64Array;
  /** Text metrics' values, else null. */
  readonly texts: readonly string[] | null;
  readonly times: Float64Array;
  /** `del ... after` ttl in ms, 0 for none. */
  readonly ttls: Float64Array;
  /** Histograms: `buckets` counts per series (non-cumulative, +Inf last) and the number of observations. */
  readonly buckets: number;
  readonly bucketCounts: Float64Array | null;
  readonly observations: Float64Array | null;
}

/** Everything one snapshot holds. */
export interface Snapshot {
  readonly savedAtMs: number;
  /** Every open log file's position: every line before `offset` is counted in the values below. */
  readonly positions: readonly SavedPosition[];
  readonly metrics: readonly SavedMetric[];
}

/**
 * Takes a snapshot now: the positions (read by the caller in the same synchronous stretch) and every series of
 * every metric. Copies numbers into typed arrays and keeps references to label strings (immutable), so the store
 * may change right after this returns. 200k series take a few milliseconds (see docs/performance.md).
 */
export function takeSnapshot(store: Store, positions: readonly SavedPosition[], nowMs: number): Snapshot {
  return { savedAtMs: nowMs, positions, metrics: store.metrics().map(saveMetric) };
}

function saveMetric(m: Metric): SavedMetric {
  const ids = m.ids();
  const n = ids.length;
  const k = m.keys.length;
  const nb = m.layout === null ? 0 : m.layout.uppers.length + 1;
  const labels = new Array<string>(n * k);
  const values = new Float64Array(n);
  const times = new Float64Array(n);
  const ttls = new Float64Array(n);
  const texts = m.type === ValueType.String ? new Array<string>(n) : null;
  const bucketCounts = nb > 0 ? new Float64Array(n * nb) : null;
  const observations = nb > 0 ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const id = ids[i] as number;
    for (let j = 0; j < k; j++) labels[i * k + j] = m.label(id, j);
    if (texts !== null) texts[i] = m.str(id);
    else values[i] = m.num(id);
    times[i] = m.time(id);
    ttls[i] = m.ttl(id);
    if (bucketCounts !== null && observations !== null) {
      bucketCounts.set(m.bucketCounts(id), i * nb);
      observations[i] = m.histCount(id);
    }
  }
  const decl: SavedDeclaration = {
    program: m.program,
    name: m.name,
    kind: m.kind,
    type: m.type,
    keys: m.keys,
    buckets: m.buckets,
  };
  return { decl, count: n, labels, values, texts, times, ttls, buckets: nb, bucketCounts, observations };
}

/** How many series a snapshot holds. */
export function seriesCount(s: Snapshot): number {
  let n = 0;
  for (const m of s.metrics) n += m.count;
  return n;
}
