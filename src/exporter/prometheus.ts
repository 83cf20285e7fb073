// Prometheus and OpenMetrics exposition of the store: a prom-client Registry that, at scrape time, adds the
// store's families (printed by prometheus-text.ts, read from the store, never touched per log line).

import { Registry, type MetricObject, type RegistryContentType } from "prom-client";
import type { Store } from "../metrics/store.js";
import {
  collectFamilies,
  formatPromValue,
  openMetricsCounter,
  type Family,
  type PrometheusOptions,
  type Sample,
} from "./prometheus-families.js";
import type { WorkSlicer } from "./prometheus-families.js";
import { StoreExposition, type TextSink } from "./prometheus-text.js";
import { encodeStore, encodeStoreSliced, promClientFamilies, type PromClientMetric } from "./prometheus-protobuf.js";

export { ExpositionError, collectFamilies, formatPromValue } from "./prometheus-families.js";
export type { Family, PrometheusOptions, Sample } from "./prometheus-families.js";
export { StoreExposition, type TextFormat, type TextSink } from "./prometheus-text.js";
export { PROTOBUF_CONTENT_TYPE } from "./prometheus-protobuf.js";

/** Options of a StoreRegistry. */
export interface StoreRegistryOptions extends PrometheusOptions {
  /** "prometheus" (text 0.0.4, the default) or "openmetrics" (1.0.0). */
  readonly format?: "prometheus" | "openmetrics";
  /** Told which metrics were left out of a scrape (invalid names, as mtail leaves them out) and why. */
  readonly onSkipped?: (messages: readonly string[]) => void;
}

/**
 * One exported family in the shape prom-client's Registry renders: `name`, `help`, `type`, and `get()` returning
 * the values (histograms as `_bucket` samples with an `le` label, `_sum` and `_count`).
 */
export class StoreFamilyMetric {
  name: string;
  readonly help: string;
  readonly type: Family["type"] | "unknown";
  readonly aggregator = "sum";

  /** @param type the family's type, or "unknown" to keep a counter's sample names in OpenMetrics (below) */
  constructor(
    readonly family: Family,
    type: Family["type"] | "unknown" = family.type,
  ) {
    this.name = family.name;
    this.help = family.help;
    this.type = type;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: Array<{ metricName?: string; labels: Record<string, string>; value: number }>;
  }> {
    // Counters leave metricName unset so prom-client can add OpenMetrics' `_total` to the family name itself.
    const counter = this.type === "counter";
    const values = this.family.samples.map((s) => ({
      ...(counter ? {} : { metricName: s.name }),
      labels: Object.fromEntries(s.labels) as Record<string, string>,
      value: s.value,
    }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Values live in the store; there is nothing to reset here. */
  reset(): void {}
}

type RenderOne = (this: Registry<RegistryContentType>, metric: unknown) => Promise<string>;
const renderOneBase = (Registry.prototype as unknown as { getMetricsAsString: RenderOne }).getMetricsAsString;

/**
 * A prom-client Registry that serves the store's metrics next to whatever is registered on it (the daemon's
 * self metrics). Use one instance per format: prom-client keeps the format as registry state.
 *
 * Design: prom-client renders what is registered on the registry (self metrics, default metrics) and chooses
 * the content type; the store's families are printed by StoreExposition (prometheus-text.ts) straight from the
 * datums and appended, in prom-client's layout (the same bytes as when prom-client rendered them). Going
 * through prom-client for the store cost, for 200,000 series, 1.6-2.0 s of CPU and +215 MB RSS per scrape (four
 * full copies of the exposition); the direct printer takes ~0.5 s and +37-50 MB (figures in
 * prometheus-text.ts). getMetricsAsArray still lists the store's families as metric objects, for prom-client's
 * JSON view (getMetricsAsJSON) and its getMetricsAsString.
 */
export class StoreRegistry extends Registry<RegistryContentType> {
  private readonly store: Store;
  private readonly options: StoreRegistryOptions;
  /** Set only while metrics() has prom-client render the registered metrics without the store's. */
  private ownOnly = false;

  constructor(store: Store, options: StoreRegistryOptions = {}) {
    super();
    this.store = store;
    this.options = options;
    if (options.format === "openmetrics") this.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  }

  /**
   * The registered metrics, then the store's families, as delimited protobuf MetricFamily messages (native
   * histograms and exemplars included). Call it on the Prometheus-format registry: prom-client renames counters
   * of an OpenMetrics one in place. Rejects with ExpositionError where the text formats fail.
   */
  async protobuf(): Promise<Buffer> {
    const { buffer, skipped } = encodeStore(this.store, this.options, await this.ownFamilies());
    if (skipped.length > 0) this.options.onSkipped?.(skipped);
    return Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /**
   * What protobuf() returns, as pieces to write in order, made in slices with `slicer.pause()` between them
   * (encodeStoreSliced): millions of series never hold the event loop. Rejects with ExpositionError before any piece.
   */
  async protobufSliced(slicer: WorkSlicer): Promise<Uint8Array[]> {
    const { pieces, skipped } = await encodeStoreSliced(this.store, this.options, await this.ownFamilies(), slicer);
    if (skipped.length > 0) this.options.onSkipped?.(skipped);
    return pieces;
  }

  /** prom-client's own metrics as MetricFamily messages. */
  private async ownFamilies() {
    this.ownOnly = true;
    let pending: Promise<unknown>;
    try {
      pending = this.getMetricsAsJSON();
    } finally {
      this.ownOnly = false;
    }
    return promClientFamilies((await pending) as PromClientMetric[]);
  }

  /** Registered metrics, then the store's families as they are now (for prom-client's JSON and string views). */
  override getMetricsAsArray(): MetricObject[] {
    const own = super.getMetricsAsArray();
    if (this.ownOnly) return own;
    const { families, skipped } = collectFamilies(this.store, this.options);
    if (skipped.length > 0) this.options.onSkipped?.(skipped);
    const open = this.contentType === Registry.OPENMETRICS_CONTENT_TYPE;
    const ours = families.map((f) => new StoreFamilyMetric(f, open ? openMetricsType(f) : f.type));
    return [...own, ...(ours as unknown as MetricObject[])];
  }

  /**
   * Renders one metric with prom-client, then, for store families, rewrites each sample's value the way Go
   * prints it and adds the timestamp: prom-client prints values with JavaScript's toString (1000000 where mtail
   * prints 1e+06, "Nan" for NaN) and has no sample timestamps. Each sample is exactly one line, and its value
   * is the text after the line's last space (label values and HELP escape newlines), so the rewrite is exact.
   * metrics() does not come here for the store's families; this keeps prom-client's own API consistent.
   */
  async getMetricsAsString(metric: unknown): Promise<string> {
    const text = await renderOneBase.call(this, metric);
    if (!(metric instanceof StoreFamilyMetric)) return text;
    const open = this.contentType === Registry.OPENMETRICS_CONTENT_TYPE;
    const lines = text.split("\n");
    const samples = metric.family.samples;
    for (let i = 0; i < samples.length; i++) {
      const line = lines[i + 2];
      if (line === undefined) break;
      lines[i + 2] = line.slice(0, line.lastIndexOf(" ") + 1) + valueText(samples[i]!, open);
    }
    // OpenMetrics also requires `"` escaped in HELP (a program file name could hold one).
    if (open && lines[0] !== undefined) lines[0] = lines[0].replace(/"/g, '\\"');
    return lines.join("\n");
  }

  /**
   * The exposition: the registered metrics as prom-client renders them, then the store's families. In
   * Prometheus format without the blank line prom-client puts between families, so the store's part is byte
   * for byte what mtail prints; "" when there is nothing to export (mtail prints nothing). Rejects with
   * ExpositionError where mtail fails too.
   */
  override async metrics(): Promise<string> {
    const exposition = new StoreExposition(this.store, this.options);
    return [...this.framed(await this.ownText(exposition), exposition)].join("");
  }

  /**
   * What metrics() returns, as chunks of about 64 KB, the store sorted in slices with `slicer.pause()` between
   * them (StoreExposition.sliced): a scrape of millions of series leaves the event loop free between slices.
   * Resolves once everything that can fail has been checked (rejects with ExpositionError before any chunk);
   * the caller pauses between chunks as the slicer says.
   */
  async sliced(slicer: WorkSlicer): Promise<Iterable<string>> {
    const exposition = await StoreExposition.sliced(this.store, this.options, slicer);
    return this.framed(await this.ownText(exposition), exposition);
  }

  /** prom-client's rendering of the registered metrics, without the store's families. */
  private async ownText(exposition: StoreExposition): Promise<string> {
    if (exposition.skipped.length > 0) this.options.onSkipped?.(exposition.skipped);
    // prom-client reads getMetricsAsArray synchronously, before its first await.
    this.ownOnly = true;
    let pending: Promise<string>;
    try {
      pending = super.metrics();
    } finally {
      this.ownOnly = false;
    }
    return pending;
  }

  /** The registered metrics' text, then the store's families, in the format's framing. */
  private *framed(own: string, exposition: StoreExposition): Generator<string, void, undefined> {
    if (this.contentType === Registry.OPENMETRICS_CONTENT_TYPE) {
      if (exposition.empty) {
        yield own;
        return;
      }
      // prom-client joins families with "\n" and ends with "\n# EOF\n" ("\n# EOF\n" alone when it has none).
      const head = own.slice(0, own.length - OPEN_METRICS_END.length);
      if (head !== "") yield head + "\n";
      yield* exposition.chunks("openmetrics");
      yield "# EOF\n";
      return;
    }
    const head = own === "\n" ? "" : own.replace(/\n\n/g, "\n");
    if (head !== "") yield head;
    yield* exposition.chunks("prometheus");
  }
}

const OPEN_METRICS_END = "\n# EOF\n";

/**
 * OpenMetrics names a counter's samples `<family>_total`, so a counter `bytes` would reach Prometheus as
 * `bytes_total` when it negotiates OpenMetrics (it prefers it), not as `bytes`, the series mtail users query.
 * Such counters go out as type "unknown", whose samples keep the family's name; counters already named
 * `..._total` stay counters (family `x`, samples `x_total`: the same series as mtail's). prometheus-text.ts
 * applies the same rule.
 */
function openMetricsType(f: Family): Family["type"] | "unknown" {
  return f.type === "counter" ? openMetricsCounter(f.name, f.exemplars === true).type : f.type;
}

function valueText(s: Sample, openMetrics: boolean): string {
  const v = formatPromValue(s.value);
  if (s.timestampMs === undefined) return v;
  // Prometheus text carries timestamps in ms; OpenMetrics in seconds.
  return v + " " + (openMetrics ? String(s.timestampMs / 1000) : String(s.timestampMs));
}

/**
 * The store in Prometheus text format, as `mtail --one_shot --one_shot_format=prometheus` prints it.
 * Rejects with ExpositionError where mtail fails too (duplicate series, one name with two types).
 * For large stores, writePrometheusText avoids holding the whole text.
 */
export async function renderPrometheusText(store: Store, opts: PrometheusOptions = {}): Promise<string> {
  return new StoreExposition(store, opts).text("prometheus");
}

/**
 * Prints the store in Prometheus text format to `sink`, in chunks of about 64 KB. Throws ExpositionError before
 * printing anything where mtail fails too.
 */
export function writePrometheusText(store: Store, opts: PrometheusOptions, sink: TextSink): void {
  new StoreExposition(store, opts).write(sink, "prometheus");
}

/** The store in OpenMetrics 1.0 text format (ends with `# EOF`). */
export async function renderOpenMetricsText(store: Store, opts: PrometheusOptions = {}): Promise<string> {
  return new StoreExposition(store, opts).text("openmetrics") + "# EOF\n";
}
