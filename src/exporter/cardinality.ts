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

/** When CardinalityCache measures again. */
export interface CardinalityCacheOptions {
  /** A view is reused at least this long, however the store changed (default 2 s)... */
  minIntervalMs?: number;
  /** ...and at least this many times as long as the measurement took (default 10), so a slow one is rare... */
  costFactor?: number;
  /** ...and up to this long while no metric's series count changed (default 60 s). */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * The cardinality view shared by every request (status page, /api/cardinality): requests that arrive while it is
 * measured wait for that measurement, and a view is reused for a while, so a burst of requests on a store of
 * millions of series walks it once, not once per request.
 */
export class CardinalityCache {
  private last: { view: Cardinality; atMs: number; costMs: number; signature: string } | null = null;
  private pending: Promise<Cardinality> | null = null;
  /** Measurements made so far (for tests and the curious). */
  measurements = 0;
  private readonly minIntervalMs: number;
  private readonly costFactor: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly store: Store, private readonly top: number, opts: CardinalityCacheOptions = {}) {
    this.minIntervalMs = opts.minIntervalMs ?? 2000;
    this.costFactor = opts.costFactor ?? 10;
    this.maxAgeMs = opts.maxAgeMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The view, measured now (in slices of `slicer`) or reused. */
  get(slicer: WorkSlicer): Promise<Cardinality> {
    if (this.pending !== null) return this.pending;
    const signature = seriesSignature(this.store);
    const last = this.last;
    if (last !== null) {
      const age = this.now() - last.atMs;
      if (age < Math.max(this.minIntervalMs, this.costFactor * last.costMs)) return Promise.resolve(last.view);
      if (age < this.maxAgeMs && signature === last.signature) return Promise.resolve(last.view);
    }
    const startMs = this.now();
    this.measurements++;
    this.pending = measureCardinality(this.store, this.top, slicer).then(
      (view) => {
        this.last = { view, atMs: this.now(), costMs: this.now() - startMs, signature };
        this.pending = null;
        return view;
      },
      (err: unknown) => {
        this.pending = null;
        throw err;
      },
    );
    return this.pending;
  }
}

/**
 * A hash of each metric's series count and dropped updates: what the view shows changes only when this does (or
 * when labels churn at a constant count, which maxAgeMs covers). One pass over the metrics, no allocation.
 */
function seriesSignature(store: Store): string {
  let h = 0x811c9dc5;
  const metrics = store.metrics();
  for (const m of metrics) {
    h = Math.imul(h ^ m.size, 0x01000193);
    h = Math.imul(h ^ m.dropped, 0x01000193);
  }
  return `${metrics.length}:${h >>> 0}`;
}
