// Puts a snapshot's values back into the store, for every metric whose declaration is unchanged: the same rule as
// a program reload (Store.declare keeps a metric whose name, kind, type, keys and buckets are the same).

import type { RestoredSeries } from "../metrics/metric.js";
import type { Store } from "../metrics/store.js";
import type { SavedMetric, Snapshot } from "./snapshot.js";

/** What a restore did, for the log. */
export interface RestoreReport {
  readonly metrics: number;
  readonly series: number;
  /** "prog:name" of saved metrics whose declaration changed or whose program is not loaded: values dropped. */
  readonly skipped: readonly string[];
}

/** Restores the snapshot's series into the store's current metrics; call after programs load, before reading. */
export function restoreSnapshot(store: Store, snapshot: Snapshot): RestoreReport {
  const live = store.metrics();
  let metrics = 0;
  let series = 0;
  const skipped: string[] = [];
  for (const saved of snapshot.metrics) {
    const d = saved.decl;
    const target = live.find((m) => m.sameShape({ ...d, hidden: false, limit: 0, source: "" }));
    if (target === undefined) {
      skipped.push(`${d.program}:${d.name}`);
      continue;
    }
    restoreMetric(saved, (labels, s) => target.restoreSeries(labels, s));
    metrics++;
    series += saved.series.ids.length;
  }
  return { metrics, series, skipped };
}

type Put = (labels: string[], s: RestoredSeries) => void;

function restoreMetric(m: SavedMetric, put: Put): void {
  const c = m.series;
  for (const id of c.ids) {
    put(
      c.labels.map((col) => col[id] as string),
      {
        value: c.texts !== null ? (c.texts[id] as string) : (c.cells[2 * id] as number),
        timeMs: c.cells[2 * id + 1] as number,
        ttlMs: c.ttls[id] as number,
        counts: c.bucketCounts?.subarray(id * c.buckets, (id + 1) * c.buckets),
        count: c.observations?.[id],
        bornMs: c.born[id],
        exemplars: c.exemplarSlots > 0 ? exemplarsOf(c, id, m.decl.exemplars.length) : undefined,
        native: c.natives?.[id],
      },
    );
  }
}

function exemplarsOf(c: SavedMetric["series"], id: number, k: number): RestoredSeries["exemplars"] {
  const out: Array<{ values: string[]; value: number; timeMs: number } | null> = [];
  for (let b = 0; b < c.exemplarSlots; b++) {
    const s = id * c.exemplarSlots + b;
    const t = c.exemplarCells[2 * s + 1] as number;
    out.push(Number.isNaN(t) ? null : { values: c.exemplarLabels.slice(s * k, s * k + k) as string[], value: c.exemplarCells[2 * s] as number, timeMs: t });
  }
  return out;
}
