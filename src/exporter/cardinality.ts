// Which metrics hold the most series, and for each the label with the most distinct values: the view an operator
// needs to find the label that blew up (status page and /api/cardinality). Reads the store only, in slices.

import type { Metric } from "../metrics/metric.js";
import type { Store } from "../metrics/store.js";
import type { WorkSlicer } from "./prometheus-families.js";

/** One metric's row of the cardinality view. */
export interface MetricCardinality {
  readonly name: string;
  readonly program: string;
  readonly series: number;
  /** The metric's `limit` (0: none) and the --max_series_per_metric budget (0: none). */
  readonly limit: number;
  readonly budget: number;
  /** Updates dropped for the budget. */
  readonly dropped: number;
  /** The key with the most distinct values among the series, or null for a metric without keys. */
  readonly topLabel: { readonly name: string; readonly values: number } | null;
}

/** The cardinality view: total series, then the `top` metrics with the most series (most first). */
export interface Cardinality {
  readonly totalSeries: number;
  readonly metrics: readonly MetricCardinality[];
}

/** Distinct values counted between two looks at the clock. */
const STEP = 4096;

/**
 * The `top` metrics with the most series (ties by name and program), each with its most varied label. Counting
 * distinct values reads every series of those metrics: done in steps with `slicer.pause()` between them.
 */
export async function measureCardinality(store: Store, top: number, slicer: WorkSlicer): Promise<Cardinality> {
  const all = store.metrics();
  let totalSeries = 0;
  for (const m of all) totalSeries += m.size;
  const largest = [...all]
    .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name) || a.program.localeCompare(b.program))
    .slice(0, top);
  const metrics: MetricCardinality[] = [];
  for (const m of largest) {
    metrics.push({
      name: m.name,
      program: m.program,
      series: m.size,
      limit: m.limit,
      budget: m.seriesBudget,
      dropped: m.dropped,
      topLabel: await mostVariedLabel(m, slicer),
    });
  }
  return { totalSeries, metrics };
}

async function mostVariedLabel(m: Metric, slicer: WorkSlicer): Promise<MetricCardinality["topLabel"]> {
  if (m.keys.length === 0) return null;
  const ids = m.ids();
  let best: { name: string; values: number } | null = null;
  for (let j = 0; j < m.keys.length; j++) {
    const seen = new Set<string>();
    for (let at = 0; at < ids.length; at += STEP) {
      const end = Math.min(ids.length, at + STEP);
      // A series deleted while paused reads as ""; it is not counted.
      for (let i = at; i < end; i++) if (m.seqOf(ids[i]!) >= 0) seen.add(m.label(ids[i]!, j));
      if (slicer.due()) await slicer.pause();
    }
    if (best === null || seen.size > best.values) best = { name: m.keys[j]!, values: seen.size };
  }
  return best;
}
