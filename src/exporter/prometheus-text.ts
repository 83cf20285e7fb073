// Prints the store's families as Prometheus text (0.0.4) or OpenMetrics 1.0 straight from the datums, in one
// pass and in chunks: one string per sample piece, label values escaped once. Pure: no I/O, and no prom-client.

import type { Exemplar, Metric } from "../metrics/metric.js";
import type { Store } from "../metrics/store.js";
import {
  familyHasExemplars,
  formatPromValue,
  nativeOnly,
  numberOf,
  openMetricsCounter,
  planFamilies,
  sortSeries,
  sortSeriesSliced,
  type FamilyPlan,
  type FamilySource,
  type PrometheusOptions,
  type SeriesOrder,
  type WorkSlicer,
} from "./prometheus-families.js";

// The one-shot imports this module, not prometheus.ts, so it does not load prom-client (+12.5 MB RSS and
// tens of ms of start-up, issue 4 findings F5/F6) for a text it prints without it.
export { ExpositionError } from "./prometheus-families.js";

/** Where printed text goes; each chunk is a flat string of about CHUNK_CHARS characters. */
export type TextSink = (chunk: string) => void;

/** Exposition format: Prometheus text 0.0.4 (what mtail prints) or OpenMetrics 1.0.0. */
export type TextFormat = "prometheus" | "openmetrics";

const CHUNK_CHARS = 64 * 1024;

/** A family and its series in output order. */
interface SortedFamily {
  readonly plan: FamilyPlan;
  readonly series: SeriesOrder;
}

/**
 * The store's families, collected, checked and sorted, ready to print. Building it does every check that can
 * fail (ExpositionError: duplicate series, one name with two types), so a caller prints nothing or everything,
 * as mtail does. It holds one small row per series, never the text, which `write` streams out in chunks.
 *
 * Why not prom-client for these: bench high-cardinality (1M lines, 200,000 series, 15.2 MB of text), measured
 * in process from the filled store to /dev/null (Node 20, 2 shared cores at load 8-10): through
 * prom-client, which built four full copies (series objects, sample objects, its label records, its text, then
 * a split, rewrite and join to print values as Go does), 1.63-1.97 s of CPU and RSS 148 -> 363-368 MB (peak
 * 377-382); printed here, 0.48-0.54 s, RSS peak 198-200 MB as one string (text()) and 159-160 MB in chunks
 * (chunks(), what the one-shot does). prom-client still serves the daemon's own metrics and the content
 * negotiation (StoreRegistry in prometheus.ts).
 */
export class StoreExposition {
  /** Metrics left out (invalid names) and why, for a rate-limited warning. */
  readonly skipped: readonly string[];
  private readonly families: readonly SortedFamily[];
  private readonly emitTs: boolean;

  /** `sorted`: families already sorted (by `sliced`); without it the constructor plans and sorts them. */
  constructor(store: Store, opts: PrometheusOptions = {}, sorted?: { families: SortedFamily[]; skipped: string[] }) {
    if (sorted !== undefined) {
      this.skipped = sorted.skipped;
      this.families = sorted.families;
    } else {
      const { families, skipped } = planFamilies(store, opts);
      this.skipped = skipped;
      this.families = families.map((plan) => ({ plan, series: sortSeries(plan) }));
    }
    this.emitTs = opts.emitTimestamp ?? false;
  }

  /**
   * The same exposition, sorted in slices (sortSeriesSliced) with `slicer.pause()` between them, so a large store
   * does not hold the event loop; print it with `chunks()`, pausing between chunks as the slicer says. Series
   * deleted while it waits are left out. Rejects with ExpositionError as the constructor throws.
   */
  static async sliced(store: Store, opts: PrometheusOptions, slicer: WorkSlicer): Promise<StoreExposition> {
    const { families, skipped } = planFamilies(store, opts);
    const sorted: SortedFamily[] = [];
    for (const plan of families) sorted.push({ plan, series: await sortSeriesSliced(plan, slicer) });
    return new StoreExposition(store, opts, { families: sorted, skipped });
  }

  /** True when there is no family to print (mtail then prints nothing at all). */
  get empty(): boolean {
    return this.families.length === 0;
  }

  /**
   * The text in flat chunks of about 64 KB, each ending at a line end (every line ends in "\n"); OpenMetrics'
   * closing `# EOF` is the caller's. A generator, so a writer can wait for a stream to drain between chunks; the
   * lines of a chunk are written by a plain loop (writeSeries), which V8 optimises better than a generator body.
   */
  *chunks(format: TextFormat = "prometheus"): Generator<string, void, undefined> {
    const out = new ChunkWriter();
    for (const f of this.families) {
      writeHeader(out, f.plan, format);
      const printer = new SeriesPrinter(f.plan, format, this.emitTs);
      for (let i = 0; i < f.series.ids.length; ) {
        i = printer.write(out, f.series, i);
        if (out.full) yield out.take();
      }
    }
    if (out.chars > 0) yield out.take();
  }

  /** Hands every chunk to `sink`, in order. */
  write(sink: TextSink, format: TextFormat = "prometheus"): void {
    for (const c of this.chunks(format)) sink(c);
  }

  /** The whole text as one string. */
  text(format: TextFormat = "prometheus"): string {
    return [...this.chunks(format)].join("");
  }
}

/**
 * Collects whole lines into one string: V8 keeps `+=` as a rope and flattens it once when the chunk is written or
 * joined. Building a 200k-line exposition this way took ~20 ms in a micro-benchmark against ~40 ms for an array
 * of pieces joined per chunk.
 */
class ChunkWriter {
  private text = "";
  chars = 0;

  /** Appends text ending in "\n". */
  line(s: string): void {
    this.text += s;
    this.chars += s.length;
  }

  get full(): boolean {
    return this.chars >= CHUNK_CHARS;
  }

  take(): string {
    const chunk = this.text;
    this.text = "";
    this.chars = 0;
    return chunk;
  }
}

/** How one source's series print: the text before, between and after the label values, prog filled in. */
interface LabelTemplate {
  /** consts[0] v0 consts[1] v1 ... consts[k]: k = picks.length. Empty when the source has no labels. */
  readonly consts: readonly string[];
  /** For each value slot, its index in the metric's keys. */
  readonly picks: readonly number[];
}

function labelTemplate(src: FamilySource): LabelTemplate {
  const consts: string[] = [];
  const picks: number[] = [];
  let cur = "";
  src.labelNames.forEach((name, j) => {
    const i = src.pick[j]!;
    cur += (j > 0 ? "," : "") + name + '="';
    if (i < 0) {
      cur += escapeLabelValue(src.metric.program) + '"';
    } else {
      consts.push(cur);
      picks.push(i);
      cur = '"';
    }
  });
  consts.push(cur);
  return { consts, picks };
}

function writeHeader(out: ChunkWriter, plan: FamilyPlan, format: TextFormat): void {
  const open = format === "openmetrics";
  const name = plan.name;
  // As prom-client renders them (see StoreRegistry): in OpenMetrics, a counter named `x_total` is family `x`
  // (samples keep `x_total`) and any other counter is "unknown", so its samples keep the name mtail gives them.
  let family = name;
  let type: string = plan.type;
  if (open && type === "counter") ({ family, type } = openMetricsCounter(name, familyHasExemplars(plan)));
  let help = escapeHelp(plan.help);
  if (open) help = help.replace(/"/g, '\\"');
  out.line("# HELP " + family + " " + help + "\n# TYPE " + family + " " + type + "\n");
}

/**
 * Prints the series of one family, per source templates made once. In OpenMetrics, also each counter's and
 * histogram's `_created` and the latest exemplar of each counter series and histogram bucket.
 */
class SeriesPrinter {
  private readonly name: string;
  /** The name of a non-histogram sample: `<family>_total` for OpenMetrics counters. */
  private readonly sampleName: string;
  private readonly open: boolean;
  /** OpenMetrics counter or histogram: `_created` lines (and exemplars where the metric keeps them). */
  private readonly created: boolean;
  private readonly createdName: string;
  private readonly emitTs: boolean;
  private readonly histogram: boolean;
  private readonly templates: LabelTemplate[];
  /** Per source: `name{` and the text before the first value, and the text after the last value with `} `. */
  private readonly heads: string[];
  private readonly tails: string[];
  private readonly les: string[][];

  constructor(private readonly plan: FamilyPlan, format: TextFormat, emitTs: boolean) {
    this.name = plan.name;
    this.open = format === "openmetrics";
    this.emitTs = emitTs;
    this.histogram = plan.type === "histogram";
    this.templates = plan.sources.map(labelTemplate);
    let sample = plan.name;
    let family = plan.name;
    if (this.open && plan.type === "counter") {
      const c = openMetricsCounter(plan.name, familyHasExemplars(plan));
      ({ sample, family } = c);
      this.created = c.type === "counter";
    } else {
      this.created = this.open && this.histogram;
    }
    this.sampleName = sample;
    this.createdName = family + "_created";
    // Without label values to insert, the head is the whole text before the value.
    this.heads = this.templates.map((t) =>
      t.picks.length > 0 ? sample + "{" + t.consts[0]! : t.consts[0] === "" ? sample + " " : sample + "{" + t.consts[0]! + "} ",
    );
    this.tails = this.templates.map((t) => t.consts[t.consts.length - 1]! + "} ");
    this.les = this.histogram ? bucketLabels(plan) : [];
  }

  /** Writes series i, i+1, ... of `order` until the chunk is full or the family ends; returns the next index. */
  write(out: ChunkWriter, order: SeriesOrder, i: number): number {
    const ids = order.ids;
    const srcs = order.sources;
    const n = ids.length;
    const seqs = order.seqs;
    for (; i < n && !out.full; i++) {
      const k = srcs[i]!;
      const id = ids[i]!;
      const m = this.plan.sources[k]!.metric;
      if (seqs !== undefined && m.seqOf(id) !== seqs[i]) continue;
      const ts = this.emitTs ? " " + (this.open ? String(Math.floor(m.time(id)) / 1000) : String(Math.floor(m.time(id)))) : "";
      if (this.histogram) {
        this.writeHistogram(out, k, id, ts);
        continue;
      }
      const t = this.templates[k]!;
      const picks = t.picks;
      let line = this.heads[k]!;
      if (picks.length === 1) {
        line += escapeLabelValue(m.label(id, picks[0]!)) + this.tails[k]!;
      } else if (picks.length > 1) {
        for (let p = 0; p < picks.length; p++) {
          line += escapeLabelValue(m.label(id, picks[p]!)) + (p + 1 < picks.length ? t.consts[p + 1]! : this.tails[k]!);
        }
      }
      if (!this.created) {
        out.line(line + formatPromValue(numberOf(m, id)) + ts + "\n");
        continue;
      }
      // `name_total{labels} ` becomes `name_created{labels} `.
      const createdLine = this.createdName + line.slice(this.sampleName.length);
      out.line(
        line + formatPromValue(numberOf(m, id)) + ts + exemplarText(m.exemplar(id)) + "\n" +
          createdLine + createdText(m, id) + ts + "\n",
      );
    }
    return i;
  }

  /** Cumulative buckets; +Inf is the total of all buckets (which can be below _count: mtail counts an observation
   * at or below the lowest edge, or NaN, in no bucket). */
  private writeHistogram(out: ChunkWriter, k: number, id: number, ts: string): void {
    const name = this.name;
    const t = this.templates[k]!;
    const m = this.plan.sources[k]!.metric;
    let labels = t.consts[0]!;
    for (let p = 0; p < t.picks.length; p++) labels += escapeLabelValue(m.label(id, t.picks[p]!)) + t.consts[p + 1]!;
    const le = this.les[k]!;
    const bucketPrefix = labels === "" ? "" : labels + ",";
    const plain = labels === "" ? " " : "{" + labels + "} ";
    let text = "";
    let cum = 0;
    const exemplars = this.open && m.exemplarNames.length > 0;
    if (nativeOnly(m)) {
      // No classic buckets: the +Inf bucket alone (every observation), as client_golang's text encoder writes a
      // native-only histogram, and where OpenMetrics carries its exemplar.
      text += name + "_bucket{" + bucketPrefix + 'le="+Inf"} ' + formatPromValue(m.histCount(id)) + ts;
      text += (exemplars ? exemplarText(m.exemplar(id, 0)) : "") + "\n";
    }
    for (let b = 0; b < (nativeOnly(m) ? 0 : le.length); b++) {
      cum += m.bucket(id, b);
      text += name + "_bucket{" + bucketPrefix + le[b]! + "} " + formatPromValue(cum) + ts;
      text += (exemplars ? exemplarText(m.exemplar(id, b)) : "") + "\n";
    }
    text += name + "_sum" + plain + formatPromValue(m.histSum(id)) + ts + "\n";
    text += name + "_count" + plain + formatPromValue(m.histCount(id)) + ts + "\n";
    if (this.created) text += name + "_created" + plain + createdText(m, id) + ts + "\n";
    out.line(text);
  }
}

/** Each histogram source's `le="..."` labels: its upper edges, then +Inf. */
function bucketLabels(plan: FamilyPlan): string[][] {
  return plan.sources.map((src) => {
    const uppers = src.metric.layout?.uppers ?? [];
    return [...uppers.map((u) => `le="${formatPromValue(u)}"`), 'le="+Inf"'];
  });
}

/** OpenMetrics' exemplar after a sample: ` # {name="value",...} value timestamp` (seconds), or "" for none. */
function exemplarText(e: Exemplar | null): string {
  if (e === null) return "";
  let labels = "";
  for (const [k, v] of e.labels) labels += (labels === "" ? "" : ",") + k + '="' + escapeLabelValue(v) + '"';
  return " # {" + labels + "} " + formatPromValue(e.value) + " " + String(e.timeMs / 1000);
}

/** A `_created` sample's value: when the series was created, in seconds. */
function createdText(m: Metric, id: number): string {
  return String(m.created(id) / 1000);
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** The text format's label value escaping: backslash, double quote and newline. */
export function escapeLabelValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** HELP text escaping: backslash and newline. */
function escapeHelp(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
