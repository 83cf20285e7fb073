// A snapshot of the daemon's state: where every source stands and the value of every series, taken in one
// synchronous stretch between two lines so the two agree. The series are copied with Metric.copyColumns (a few
// array copies per metric); the daemon decides when to take one, this folder decides how it is kept.

import type { SeriesColumns } from "../metrics/metric.js";
import type { Store } from "../metrics/store.js";
import type { Kind, ValueType } from "../metrics/types.js";
import type { SavedPosition } from "../tailer/positions.js";

/** The declaration fields that decide whether saved values may be put back (Metric.sameShape's rule). */
export interface SavedDeclaration {
  readonly program: string;
  readonly name: string;
  readonly kind: Kind;
  readonly type: ValueType;
  readonly keys: readonly string[];
  readonly buckets: readonly number[];
  /** `exemplar` label names (empty without). */
  readonly exemplars: readonly string[];
  /** `native` histogram. */
  readonly native: boolean;
}

/** One metric's declaration and its series (see SeriesColumns for how they are indexed). */
export interface SavedMetric {
  readonly decl: SavedDeclaration;
  readonly series: SeriesColumns;
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
 * every metric, copied, so the store may change right after this returns (see docs/performance.md for the cost).
 */
export function takeSnapshot(store: Store, positions: readonly SavedPosition[], nowMs: number): Snapshot {
  return {
    savedAtMs: nowMs,
    positions,
    metrics: store.metrics().map((m) => ({
      decl: {
        program: m.program,
        name: m.name,
        kind: m.kind,
        type: m.type,
        keys: m.keys,
        buckets: m.buckets,
        exemplars: m.exemplarNames,
        native: m.native,
      },
      series: m.copyColumns(),
    })),
  };
}

/** How many series a snapshot holds. */
export function seriesCount(s: Snapshot): number {
  let n = 0;
  for (const m of s.metrics) n += m.series.ids.length;
  return n;
}
