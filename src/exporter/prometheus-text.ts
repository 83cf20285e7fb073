// Prints the store's families as Prometheus text (0.0.4) or OpenMetrics 1.0 straight from the datums, in one
// pass and in chunks: one string per sample piece, label values escaped once. Pure: no I/O, and no prom-client.

import type { Store } from "../metrics/store.js";
import {
  formatPromValue,
  numberOf,
  planFamilies,
  sortSeries,
  type FamilyPlan,
  type FamilySource,
  type PrometheusOptions,
  type SortedSeries,
} from "./prometheus-families.js";

// The one-shot imports this module, not prometheus.ts, so it does not load prom-client (+12.5 MB RSS and
// tens of ms of start-up, issue 4 findings F5/F6) for a text it prints without it.
export { ExpositionError } from "./prometheus-families.js";

/** Where printed text goes; each chunk is a flat string of about CHUNK_CHARS characters. */
export type TextSink = (chunk: string) => void;

/** Exposition format: Prometheus text 0.0.4 (what mtail prints) or OpenMetrics 1.0.0. */
export type TextFormat = "prometheus" | "openmetrics";

const CHUNK_CHARS = 64 * 1024;

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
  private readonly families: ReadonlyArray<{ plan: FamilyPlan; series: SortedSeries[] }>;
  private readonly emitTs: boolean;

  constructor(store: Store, opts: PrometheusOptions = {}) {
    const { families, skipped } = planFamilies(store, opts);
    this.skipped = skipped;
    this.families = families.map((plan) => ({ plan, series: sortSeries(plan) }));
    this.emitTs = opts.emitTimestamp ?? false;
  }

  /** True when there is no family to print (mtail then prints nothing at all). */
  get empty(): boolean {
    return this.families.length === 0;
  }

  /**
   * The text in flat chunks of about 64 KB, each ending at a line end (every line ends in "\n"); OpenMetrics'
   * closing `# EOF` is the caller's. A generator, so a writer can wait for a stream to drain between chunks.
   */
  *chunks(format: TextFormat = "prometheus"): Generator<string, void, undefined> {
    const out = new ChunkWriter();
    for (const f of this.families) yield* writeFamily(out, f.plan, f.series, format, this.emitTs);
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

/** Collects pieces; take() joins them: join() yields a flat string, where `+=` would build a rope per chunk. */
class ChunkWriter {
  private pieces: string[] = [];
  chars = 0;

  push(s: string): void {
    this.pieces.push(s);
    this.chars += s.length;
  }

  /** Ends a line; true when the chunk is full (callers take it between lines, so chunks end at line ends). */
  endLine(): boolean {
    this.pieces.push("\n");
    return ++this.chars >= CHUNK_CHARS;
  }

  take(): string {
    const chunk = this.pieces.join("");
    this.pieces = [];
    this.chars = 0;
    return chunk;
  }
}

/** How one source's label set prints: constant text between the values, prog already filled in. */
interface LabelTemplate {
  /** consts[0] v0 consts[1] v1 ... consts[k]: k = picks.length. Empty when the source has no labels. */
  readonly consts: readonly string[];
  /** For each value slot, its index in datum.labels. */
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

function* writeFamily(
  out: ChunkWriter,
  plan: FamilyPlan,
  series: readonly SortedSeries[],
  format: TextFormat,
  emitTs: boolean,
): Generator<string, void, undefined> {
  const open = format === "openmetrics";
  const name = plan.name;
  // As prom-client renders them (see StoreRegistry): in OpenMetrics, a counter named `x_total` is family `x`
  // (samples keep `x_total`) and any other counter is "unknown", so its samples keep the name mtail gives them.
  let family = name;
  let type: string = plan.type;
  if (open && type === "counter") {
    if (name.endsWith("_total")) family = name.slice(0, -"_total".length);
    else type = "unknown";
  }
  let help = escapeHelp(plan.help);
  if (open) help = help.replace(/"/g, '\\"');
  out.push("# HELP " + family + " " + help);
  out.endLine();
  out.push("# TYPE " + family + " " + type);
  out.endLine();

  const templates = new Map<FamilySource, LabelTemplate>();
  for (const src of plan.sources) templates.set(src, labelTemplate(src));
  const histogram = plan.type === "histogram";
  const les = histogram ? bucketLabels(plan) : null;
  for (const { datum: d, source } of series) {
    const t = templates.get(source)!;
    // Label values escaped once per series; a histogram prints them 2 + buckets times.
    let labels = t.consts[0]!;
    for (let k = 0; k < t.picks.length; k++) labels += escapeLabelValue(d.labels[t.picks[k]!] ?? "") + t.consts[k + 1]!;
    const ts = emitTs ? " " + (open ? String(Math.floor(d.timeMs) / 1000) : String(Math.floor(d.timeMs))) : "";
    if (!histogram) {
      if (writeSample(out, name, labels, formatPromValue(numberOf(source.metric, d)), ts)) yield out.take();
      continue;
    }
    // Cumulative buckets; +Inf is the total of all buckets (which can be below _count: mtail counts an
    // observation at or below the lowest edge, or NaN, in no bucket).
    const le = les!.get(source)!;
    const bucketPrefix = labels === "" ? "" : labels + ",";
    let cum = 0;
    for (let i = 0; i < le.length; i++) {
      cum += d.counts[i] ?? 0;
      writeSample(out, name + "_bucket", bucketPrefix + le[i]!, formatPromValue(cum), ts);
    }
    writeSample(out, name + "_sum", labels, formatPromValue(d.sum), ts);
    if (writeSample(out, name + "_count", labels, formatPromValue(d.count), ts)) yield out.take();
  }
}

/** Pushes one sample line; true when the chunk is full. */
function writeSample(out: ChunkWriter, name: string, labels: string, value: string, ts: string): boolean {
  if (labels === "") out.push(name + " ");
  else {
    out.push(name);
    out.push("{");
    out.push(labels);
    out.push("} ");
  }
  out.push(value);
  if (ts !== "") out.push(ts);
  return out.endLine();
}

/** Each histogram source's `le="..."` labels: its upper edges, then +Inf. */
function bucketLabels(plan: FamilyPlan): Map<FamilySource, string[]> {
  const out = new Map<FamilySource, string[]>();
  for (const src of plan.sources) {
    const uppers = src.metric.layout?.uppers ?? [];
    out.set(src, [...uppers.map((u) => `le="${formatPromValue(u)}"`), 'le="+Inf"']);
  }
  return out;
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
