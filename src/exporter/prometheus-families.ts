// Turns the store into Prometheus metric families exactly as mtail 3.0.0~rc50 exposes them: which metrics are
// exported, their names, labels, HELP, TYPE, sample order and values. Pure: reads the store, knows no format.

import type { Metric } from "../metrics/metric.js";
import type { Store } from "../metrics/store.js";
import { Kind, ValueType } from "../metrics/types.js";
import { compareGoStrings, formatGoFloat } from "./go-format.js";
import { orderByKey } from "./series-sort.js";

/** What the Prometheus exposition of the store includes. */
export interface PrometheusOptions {
  /** Add `prog="<program file>"` to every series (mtail's --emit_prog_label, default true). */
  readonly emitProgLabel?: boolean;
  /** Append each datum's last update time to its samples (mtail's --emit_metric_timestamp, default false). */
  readonly emitTimestamp?: boolean;
}

/** One sample line: `name{labels} value [timestamp]`. Labels are already in output order. */
export interface Sample {
  readonly name: string;
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly value: number;
  /** ms since the epoch, or undefined when timestamps are off. */
  readonly timestampMs: number | undefined;
}

/** A metric family: every series of one exported name. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  readonly samples: readonly Sample[];
  /** A metric of the family keeps exemplars (it is then a counter in OpenMetrics, see openMetricsCounter). */
  readonly exemplars?: boolean;
}

/** The exposition could not be built (mtail fails the same way and prints nothing). */
export class ExpositionError extends Error {
  override name = "ExpositionError";
}

/** The result of collecting: families in output order, and metrics left out (for a rate-limited warning). */
export interface Collected {
  readonly families: readonly Family[];
  readonly skipped: readonly string[];
}

/** One metric's part of a family: where each output label's value comes from. */
export interface FamilySource {
  readonly metric: Metric;
  /** Label names in output order (sorted by name, as Go's client sorts label pairs). */
  readonly labelNames: readonly string[];
  /** For each output label: the index in `datum.labels`, or -1 for the prog label. */
  readonly pick: readonly number[];
}

/** A family before its series are read: name, HELP, TYPE and the metrics whose datums it holds. */
export interface FamilyPlan {
  readonly name: string;
  readonly help: string;
  readonly type: Family["type"];
  readonly sources: readonly FamilySource[];
}

/** One series of a family in output order: a series id of `source.metric`. */
export interface SortedSeries {
  readonly id: number;
  readonly source: FamilySource;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Plans the store's exported families, sorted by name. Follows mtail: hidden and text metrics are left out;
 * "-" in a name becomes "_"; a metric whose name or label names are invalid for Prometheus (or repeat a name,
 * such as a key called "prog" next to the prog label) is left out (and listed in `skipped`); HELP is
 * "defined at <source>" of the first metric of that name with data. Throws ExpositionError when one name has two
 * types, as mtail's registry refuses.
 */
export function planFamilies(
  store: Store,
  opts: PrometheusOptions = {},
): { families: FamilyPlan[]; skipped: string[] } {
  const emitProg = opts.emitProgLabel ?? true;
  const skipped: string[] = [];

  // mtail walks its store name by name, each name's metrics in load order.
  const byName = new Map<string, Metric[]>();
  for (const m of store.metrics()) {
    if (m.hidden || m.kind === Kind.Text) continue;
    const list = byName.get(m.name);
    if (list === undefined) byName.set(m.name, [m]);
    else list.push(m);
  }

  const families = new Map<string, { help: string; type: Family["type"]; sources: FamilySource[] }>();
  for (const [rawName, list] of byName) {
    let help: string | null = null;
    for (const m of list) {
      if (m.size === 0) continue;
      help ??= "defined at " + m.source;
      const name = rawName.replace(/-/g, "_");
      const names = emitProg ? ["prog", ...m.keys] : m.keys.slice();
      const problem = checkNames(name, names);
      if (problem !== null) {
        skipped.push(`${m.program}: metric "${m.name}" ${problem}`);
        continue;
      }
      const type = typeOf(m.kind);
      let fam = families.get(name);
      if (fam === undefined) {
        fam = { help, type, sources: [] };
        families.set(name, fam);
      } else if (fam.type !== type) {
        throw new ExpositionError(
          `Metric "${name}" of ${m.program} is a ${type}, but another program exports it as a ${fam.type}; ` +
            `rename one of them.`,
        );
      }
      const order = names.map((_, i) => i).sort((a, b) => compareGoStrings(names[a]!, names[b]!));
      fam.sources.push({
        metric: m,
        labelNames: order.map((i) => names[i]!),
        pick: order.map((i) => (emitProg ? i - 1 : i)),
      });
    }
  }

  const out: FamilyPlan[] = [];
  for (const name of [...families.keys()].sort(compareGoStrings)) {
    const f = families.get(name)!;
    out.push({ name, help: f.help, type: f.type, sources: f.sources });
  }
  return { families: out, skipped };
}

/** The value of output label j of series `id`. */
export function labelValue(src: FamilySource, id: number, j: number): string {
  const i = src.pick[j]!;
  return i < 0 ? src.metric.program : src.metric.label(id, i);
}

/** Values that break the flat-key order: "\0" (the separator) and UTF-16 units at or above 0xD800. */
const UNSAFE_FOR_FLAT_KEY = /[\u0000\ud800-\uffff]/;

/** A family's series in output order, as parallel arrays (no object per series). */
export interface SeriesOrder {
  /** Series ids, each of the metric of its source. */
  readonly ids: Int32Array;
  /** For each series, the index of its source in the plan's `sources`. */
  readonly sources: Int32Array;
  /**
   * Sliced sorts only: each series' creation number (Metric.seqOf) when sorted; a printer skips a series whose
   * number changed (deleted, its id reused) while the scrape was paused.
   */
  readonly seqs?: Float64Array;
}

/**
 * The family's series in Go client's order: label values position by position (by code point), fewer labels
 * first, then by update time; throws ExpositionError when two series have the same labels (mtail's registry
 * refuses such a scrape).
 *
 * Each series gets one flat key (its values joined by "\0"; just the value when there is one, with no copy), so
 * the order is one of strings, which series-sort.ts sorts by radix: the findings of issue 4 measured sorting 200k
 * series through label pair arrays at ~1 s (memory-latency bound), by a comparator on flat strings at 150-300 ms,
 * and by radix at 30-60 ms. JavaScript's `<` equals Go's byte order for strings without units >= 0xD800; when a
 * value has one (or a "\0"), the family falls back to compareGoStrings value by value. The prog value is left out
 * of the key when the family has one source, since it is then the same for every series.
 */
export function sortSeries(plan: FamilyPlan): SeriesOrder {
  const rows = new SeriesRows(plan);
  rows.fill(0, rows.total);
  const order = rows.flat ? orderByKey(rows.keys, rows.tie) : rows.sortedRange(0, rows.total);
  const out = rows.ordered(order);
  checkDuplicates(plan, out, rows.flat ? (i: number) => rows.keys[order[i]!]! : null);
  return out;
}

/**
 * Above this many series, sortSeriesSliced sorts runs of this size and merges them. 32,768 took up to 63 ms for
 * one run on a loaded 2-core machine; 16,384 stays near 20 ms and the merge of twice as many runs costs no more
 * than the noise (bench/scrape-slices.ts, 1M series).
 */
const SLICE_ROWS = 16_384;
/** Rows filled, merged or checked between two looks at the clock. */
const STEP_ROWS = 1024;

/** Ends slices of work: the caller's `pause()` resolves after a turn of the event loop once `due()` says so. */
export interface WorkSlicer {
  due(): boolean;
  pause(): Promise<void>;
}

/**
 * sortSeries in slices: the same order and the same checks, with `slicer.pause()` between steps of at most a few
 * thousand rows, so a scrape of millions of series leaves the event loop free in between. Large families are sorted
 * in runs of SLICE_ROWS, then merged. `seqs` records each row's creation number: a series deleted and its id reused
 * while the scrape waits is skipped when printed, not printed with the new labels.
 */
export async function sortSeriesSliced(plan: FamilyPlan, slicer: WorkSlicer): Promise<SeriesOrder> {
  const rows = new SeriesRows(plan, true);
  for (let at = 0; at < rows.total; at += STEP_ROWS) {
    rows.fill(at, Math.min(rows.total, at + STEP_ROWS));
    if (slicer.due()) await slicer.pause();
  }
  const runs: Int32Array[] = [];
  for (let lo = 0; lo < rows.total; lo += SLICE_ROWS) {
    const hi = Math.min(rows.total, lo + SLICE_ROWS);
    if (rows.flat) {
      const local = orderByKey(rows.keys.slice(lo, hi), (a, b) => rows.tie(a + lo, b + lo));
      for (let i = 0; i < local.length; i++) local[i] = local[i]! + lo;
      runs.push(local);
    } else {
      runs.push(rows.sortedRange(lo, hi));
    }
    if (slicer.due()) await slicer.pause();
  }
  const order = runs.length === 1 ? runs[0]! : await mergeRuns(runs, rows.compare, slicer);
  const out = rows.ordered(order);
  const keyAt = rows.flat ? (i: number) => rows.keys[order[i]!]! : null;
  for (let at = 1; at < rows.total; at += STEP_ROWS) {
    checkDuplicates(plan, out, keyAt, at, Math.min(rows.total, at + STEP_ROWS));
    if (slicer.due()) await slicer.pause();
  }
  return out;
}

/** k-way merge of sorted runs of row numbers, through a binary heap of run heads. */
async function mergeRuns(runs: readonly Int32Array[], compare: (a: number, b: number) => number, slicer: WorkSlicer): Promise<Int32Array> {
  const total = runs.reduce((n, r) => n + r.length, 0);
  const out = new Int32Array(total);
  const heap: number[] = []; // run indices, ordered by their head row
  const pos = new Int32Array(runs.length);
  const head = (k: number): number => runs[k]![pos[k]!]!;
  const less = (x: number, y: number): boolean => compare(head(heap[x]!), head(heap[y]!)) < 0;
  const swap = (x: number, y: number): void => {
    const t = heap[x]!;
    heap[x] = heap[y]!;
    heap[y] = t;
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let k = 0; k < runs.length; k++) if (runs[k]!.length > 0) heap.push(k);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  for (let n = 0; n < total; ) {
    const stop = Math.min(total, n + STEP_ROWS);
    for (; n < stop; n++) {
      const k = heap[0]!;
      out[n] = head(k);
      pos[k]!++;
      if (pos[k]! === runs[k]!.length) {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
      }
      if (heap.length > 0) down(0);
    }
    if (slicer.due()) await slicer.pause();
  }
  return out;
}

/**
 * A family's series as rows (source index, id, flat key), filled in ranges so a caller can pause between them.
 *
 * Each series gets one flat key (its values joined by "\0"; just the value when there is one, with no copy), so
 * the order is one of strings, which series-sort.ts sorts by radix. The prog value is left out of the key when the
 * family has one source, since it is then the same for every series.
 */
class SeriesRows {
  readonly total: number;
  readonly keys: string[];
  private readonly ids: Int32Array;
  private readonly srcs: Int32Array;
  /** Each row's creation number when it was read (sliced sorts only: see SeriesOrder.seqs). */
  private readonly seqs: Float64Array | null;
  /** False once a value holds "\0" or a unit >= 0xD800: the order then compares values one by one. */
  flat = true;
  private readonly single: boolean;
  private readonly mixed: boolean;
  /** Per source, its series ids in creation order, and where in the rows its first one goes. */
  private readonly idLists: number[][];
  private readonly starts: number[];

  constructor(
    private readonly plan: FamilyPlan,
    withSeqs = false,
  ) {
    this.single = plan.sources.length === 1;
    this.mixed = new Set(plan.sources.map((s) => s.labelNames.length)).size > 1;
    this.idLists = plan.sources.map((s) => s.metric.ids());
    this.starts = [];
    let total = 0;
    for (const list of this.idLists) {
      this.starts.push(total);
      total += list.length;
    }
    this.total = total;
    this.keys = new Array<string>(total);
    this.ids = new Int32Array(total);
    this.srcs = new Int32Array(total);
    this.seqs = withSeqs ? new Float64Array(total) : null;
    for (const source of plan.sources) if (UNSAFE_FOR_FLAT_KEY.test(source.metric.program)) this.flat = false;
  }

  /** Fills rows [from, to). */
  fill(from: number, to: number): void {
    let k = 0;
    while (k + 1 < this.starts.length && this.starts[k + 1]! <= from) k++;
    for (let row = from; row < to; ) {
      const source = this.plan.sources[k]!;
      const list = this.idLists[k]!;
      const end = Math.min(to, this.starts[k]! + list.length);
      const m = source.metric;
      const pick = source.pick;
      const n = pick.length;
      const prefix = this.mixed ? String.fromCharCode(n) : "";
      for (; row < end; row++) {
        const id = list[row - this.starts[k]!]!;
        let key = prefix;
        let first = true;
        for (let j = 0; j < n; j++) {
          const i = pick[j]!;
          if (i < 0 && this.single) continue;
          const v = i < 0 ? m.program : m.label(id, i);
          if (i >= 0 && this.flat && UNSAFE_FOR_FLAT_KEY.test(v)) this.flat = false;
          key = first ? key + v : key + "\u0000" + v;
          first = false;
        }
        this.keys[row] = key;
        this.ids[row] = id;
        this.srcs[row] = k;
        if (this.seqs !== null) this.seqs[row] = m.seqOf(id);
      }
      k++;
    }
  }

  private timeOf(r: number): number {
    return this.plan.sources[this.srcs[r]!]!.metric.time(this.ids[r]!);
  }

  /** Rows with equal flat keys: by update time. */
  readonly tie = (a: number, b: number): number => this.timeOf(a) - this.timeOf(b);

  /** The order of two rows: flat keys, or label values by Go's string order when keys are not flat. */
  readonly compare = (a: number, b: number): number => {
    if (this.flat) {
      const x = this.keys[a]!;
      const y = this.keys[b]!;
      return x < y ? -1 : x > y ? 1 : this.tie(a, b);
    }
    const sources = this.plan.sources;
    const sa = sources[this.srcs[a]!]!;
    const sb = sources[this.srcs[b]!]!;
    const na = sa.pick.length;
    const nb = sb.pick.length;
    if (na !== nb) return na - nb;
    for (let j = 0; j < na; j++) {
      const c = compareGoStrings(labelValue(sa, this.ids[a]!, j), labelValue(sb, this.ids[b]!, j));
      if (c !== 0) return c;
    }
    return this.tie(a, b);
  };

  /** Rows [lo, hi) sorted by `compare`. */
  sortedRange(lo: number, hi: number): Int32Array {
    const order = new Int32Array(hi - lo);
    for (let r = lo; r < hi; r++) order[r - lo] = r;
    return order.sort(this.compare);
  }

  /** The series in `order` (a permutation of the rows). */
  ordered(order: Int32Array): SeriesOrder {
    const ids = new Int32Array(this.total);
    const sources = new Int32Array(this.total);
    for (let i = 0; i < this.total; i++) {
      ids[i] = this.ids[order[i]!]!;
      sources[i] = this.srcs[order[i]!]!;
    }
    const rowSeqs = this.seqs;
    if (rowSeqs === null) return { ids, sources };
    const seqs = new Float64Array(this.total);
    for (let i = 0; i < this.total; i++) seqs[i] = rowSeqs[order[i]!]!;
    return { ids, sources, seqs };
  }
}

/** The series of `order` as objects: for code that is not per scrape of a large store (JSON view, tests). */
export function seriesList(plan: FamilyPlan, order: SeriesOrder): SortedSeries[] {
  return Array.from(order.ids, (id, i) => ({ id, source: plan.sources[order.sources[i]!]! }));
}

function sameLabels(a: SortedSeries, b: SortedSeries): boolean {
  const n = a.source.pick.length;
  if (n !== b.source.pick.length) return false;
  // Values first: in sorted order, neighbours usually differ in their first value.
  for (let j = 0; j < n; j++) if (labelValue(a.source, a.id, j) !== labelValue(b.source, b.id, j)) return false;
  if (a.source === b.source) return true;
  for (let j = 0; j < n; j++) if (a.source.labelNames[j] !== b.source.labelNames[j]) return false;
  return true;
}

/** Neighbours with the same labels are an error; `keyAt` (flat keys by position) skips most comparisons. */
function checkDuplicates(
  plan: FamilyPlan,
  order: SeriesOrder,
  keyAt: ((i: number) => string) | null,
  from = 1,
  to = order.ids.length,
): void {
  const at = (i: number): SortedSeries => ({ id: order.ids[i]!, source: plan.sources[order.sources[i]!]! });
  const seqs = order.seqs;
  // A series deleted while a sliced sort paused reads as empty labels: it is not printed, so not compared.
  const gone = (i: number): boolean => seqs !== undefined && plan.sources[order.sources[i]!]!.metric.seqOf(order.ids[i]!) !== seqs[i];
  for (let i = from; i < to; i++) {
    // With flat keys, different keys mean different values: no need to look further.
    if (keyAt !== null && keyAt(i - 1) !== keyAt(i)) continue;
    if (gone(i - 1) || gone(i)) continue;
    const a = at(i - 1);
    const b = at(i);
    if (sameLabels(a, b)) {
      const set = b.source.labelNames.map((k, j) => `${k}="${labelValue(b.source, b.id, j)}"`).join(",");
      throw new ExpositionError(
        `Metric "${plan.name}" has the series {${set}} twice, from ${a.source.metric.program} and ` +
          `${b.source.metric.program}; keep the prog label (--emit_prog_label) or rename one of them.`,
      );
    }
  }
}

/**
 * Collects the store's exported families as Sample objects (see planFamilies and sortSeries for the rules).
 * This builds one object per sample: the text exposition uses prometheus-text.ts instead, which prints straight
 * from the store; this shape serves prom-client's JSON view (Registry.getMetricsAsJSON).
 */
export function collectFamilies(store: Store, opts: PrometheusOptions = {}): Collected {
  const emitTs = opts.emitTimestamp ?? false;
  const { families: plans, skipped } = planFamilies(store, opts);
  const out: Family[] = [];
  for (const plan of plans) {
    const samples: Sample[] = [];
    for (const s of seriesList(plan, sortSeries(plan))) pushSamples(samples, plan.name, plan.type, s, emitTs);
    out.push({ name: plan.name, help: plan.help, type: plan.type, samples, exemplars: familyHasExemplars(plan) });
  }
  return { families: out, skipped };
}

function typeOf(kind: Kind): Family["type"] {
  if (kind === Kind.Counter) return "counter";
  if (kind === Kind.Histogram) return "histogram";
  return "gauge"; // gauge and timer, as mtail maps them
}

function checkNames(name: string, labelNames: readonly string[]): string | null {
  if (!METRIC_NAME.test(name)) return `is not a valid Prometheus metric name ("${name}")`;
  const seen = new Set<string>();
  for (const l of labelNames) {
    if (!LABEL_NAME.test(l) || l.startsWith("__")) return `has an invalid label name "${l}"`;
    if (seen.has(l)) return `has the label "${l}" twice`;
    seen.add(l);
  }
  return null;
}

/** A series' sample value: mtail exports int and float values as float64 and anything else (a string) as 0. */
export function numberOf(m: Metric, id: number): number {
  return m.type === ValueType.String ? 0 : m.num(id);
}

function pushSamples(out: Sample[], name: string, type: Family["type"], s: SortedSeries, emitTs: boolean): void {
  const { id, source } = s;
  const m = source.metric;
  const labels = source.labelNames.map((k, j) => [k, labelValue(source, id, j)] as const);
  const ts = emitTs ? Math.floor(m.time(id)) : undefined;
  if (type !== "histogram") {
    out.push({ name, labels, value: numberOf(m, id), timestampMs: ts });
    return;
  }
  // Cumulative buckets; +Inf is the total of all buckets (which can be below _count: mtail counts an
  // observation at or below the lowest edge, or NaN, in no bucket).
  const uppers = m.layout?.uppers ?? [];
  let cum = 0;
  if (nativeOnly(m)) {
    out.push({ name: name + "_bucket", labels: [...labels, ["le", "+Inf"]], value: m.histCount(id), timestampMs: ts });
  }
  for (let i = 0; i <= (nativeOnly(m) ? -1 : uppers.length); i++) {
    cum += m.bucket(id, i);
    const le = i < uppers.length ? uppers[i]! : Infinity;
    out.push({ name: name + "_bucket", labels: [...labels, ["le", formatPromValue(le)]], value: cum, timestampMs: ts });
  }
  out.push({ name: name + "_sum", labels, value: m.histSum(id), timestampMs: ts });
  out.push({ name: name + "_count", labels, value: m.histCount(id), timestampMs: ts });
}

/**
 * How a counter family is named in OpenMetrics, whose counter samples are `<family>_total`: a counter named
 * `x_total` is family `x` (the same series as mtail's); a counter declared with `exemplar` is a counter too
 * (OpenMetrics allows exemplars only on `_total` and `_bucket` lines), so its samples gain `_total`; any other
 * counter goes out as "unknown", keeping the sample name mtail users query.
 */
export function openMetricsCounter(name: string, exemplars: boolean): { family: string; sample: string; type: "counter" | "unknown" } {
  if (name.endsWith("_total")) return { family: name.slice(0, -"_total".length), sample: name, type: "counter" };
  if (exemplars) return { family: name, sample: name + "_total", type: "counter" };
  return { family: name, sample: name, type: "unknown" };
}

/** Whether a metric of the family keeps exemplars. */
export function familyHasExemplars(plan: FamilyPlan): boolean {
  return plan.sources.some((s) => s.metric.exemplarNames.length > 0);
}

/**
 * A `native` histogram without classic buckets: text formats show its `_count` and `_sum` and one `+Inf` bucket
 * holding every observation (as client_golang's text encoder writes it; OpenMetrics requires the +Inf bucket).
 */
export function nativeOnly(m: Metric): boolean {
  return m.native && m.buckets.length === 0;
}

/** Formats a Prometheus sample value as Go's text encoder does (0 is special-cased, so -0 prints as "0"). */
export function formatPromValue(v: number): string {
  return v === 0 ? "0" : formatGoFloat(v);
}
