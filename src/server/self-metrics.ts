// logtally's own metrics (logtally_*) through prom-client, read from the StatusSource at scrape time, next to
// prom-client's default process and Node.js metrics. Nothing here is touched per log line.

import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric, type RegistryContentType } from "prom-client";
import type { Store } from "../metrics/store.js";
import type { RemoteWriteTotals, StatusSource, TailerTotals } from "./status.js";

/**
 * Registers the self metrics and the default metrics on each registry (one per exposition format). Each registry
 * gets its own metric objects: prom-client renames a counter object in place (drops `_total`) when it renders
 * OpenMetrics, which would corrupt the Prometheus text of a shared one.
 */
export function registerSelfMetrics(
  registries: ReadonlyArray<Registry<RegistryContentType>>,
  status: StatusSource,
  store?: Store,
): void {
  for (const r of registries) {
    registerDefaultMetrics(r);
    registerOwnMetrics(r, status);
    if (store !== undefined) registerStoreMetrics(r, store);
  }
}

/** Totals the metric store keeps: updates dropped for --max_series_per_metric, exemplars over OpenMetrics' limit. */
function registerStoreMetrics(registry: Registry<RegistryContentType>, store: Store): void {
  new Counter({
    name: "logtally_series_dropped_total",
    help: "Updates dropped because they would have created a series beyond --max_series_per_metric.",
    labelNames: ["prog", "metric"],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of store.metrics()) if (m.dropped > 0) this.inc({ prog: m.program, metric: m.name }, m.dropped);
    },
  });
  new Counter({
    name: "logtally_exemplars_dropped_total",
    help: "Exemplars not kept because their labels were over OpenMetrics' 128 characters, per program.",
    labelNames: ["prog"],
    registers: [registry],
    collect() {
      this.reset();
      const byProgram = new Map<string, number>();
      for (const m of store.metrics()) {
        if (m.exemplarNames.length > 0) byProgram.set(m.program, (byProgram.get(m.program) ?? 0) + m.exemplarsDropped);
      }
      for (const [prog, n] of byProgram) this.inc({ prog }, n);
    },
  });
}

function registerOwnMetrics(registry: Registry<RegistryContentType>, status: StatusSource): void {
  const registers = [registry];

  // Counters are set from totals kept elsewhere: reset, then add the current total for each label set.
  const labelledCounter = <Row>(
    name: string,
    help: string,
    label: string,
    rows: () => readonly Row[],
    labelOf: (row: Row) => string,
    pick: (row: Row) => number | undefined,
  ) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const row of rows()) {
          const v = pick(row);
          if (v !== undefined) this.inc({ [label]: labelOf(row) }, v);
        }
      },
    });
  type ProgramRow = ReturnType<StatusSource["programs"]>[number];
  type FileRow = ReturnType<StatusSource["files"]>[number];
  const perProgram = (name: string, help: string, pick: (p: ProgramRow) => number | undefined) =>
    labelledCounter(name, help, "prog", () => status.programs(), (p) => p.name, pick);
  const perFile = (name: string, help: string, pick: (f: FileRow) => number) =>
    labelledCounter(name, help, "logfile", () => status.files(), (f) => f.path, pick);
  perProgram("logtally_lines_total", "Log lines processed by each program (records, for sources with --log_format or a multi-line rule: a record of several lines counts once).", (p) => p.lines);
  perProgram("logtally_lines_matched_total", "Log lines (records) that matched at least one pattern of each program: a line regex, or a json/logfmt block that parsed.", (p) => p.matchedLines);
  perProgram("logtally_runtime_errors_total", "Runtime errors of each program (the line is abandoned for that program).", (p) => p.runtimeErrors);
  perProgram("logtally_program_loads_total", "Successful loads and reloads of each program.", (p) => p.loads);
  perProgram("logtally_program_compile_failures_total", "Failed compilations of each program (a failed reload keeps the old version).", (p) => p.compileFailures);
  perProgram("logtally_program_seconds_total", "Time spent running each program on log lines.", (p) => p.seconds);
  perProgram("logtally_field_skipped_updates_total", "Statements of each program skipped because a json/logfmt field they read was missing.", (p) => p.skippedUpdates);
  new Counter({
    name: "logtally_record_parse_failures_total",
    help: "Texts each program's json or logfmt conditions found not to parse, by format.",
    labelNames: ["prog", "format"],
    registers,
    collect() {
      this.reset();
      for (const p of status.programs()) {
        if (p.parseFailures === undefined) continue;
        this.inc({ prog: p.name, format: "json" }, p.parseFailures.json);
        this.inc({ prog: p.name, format: "logfmt" }, p.parseFailures.logfmt);
      }
    },
  });
  new Gauge({
    name: "logtally_program_loaded",
    help: "1 when a version of the program is running, 0 when it never compiled.",
    labelNames: ["prog"],
    registers,
    collect() {
      this.reset();
      for (const p of status.programs()) this.set({ prog: p.name }, p.loaded ? 1 : 0);
    },
  });
  new Gauge({
    name: "logtally_files_tailed",
    help: "Log files currently followed.",
    registers,
    collect() {
      this.set(status.files().length);
    },
  });

  perFile("logtally_log_lines_total", "Lines read from each log file.", (f) => f.lines);
  perFile("logtally_log_bytes_total", "Bytes read from each log file.", (f) => f.bytes);
  perFile("logtally_log_rotations_total", "Rotations seen for each log file.", (f) => f.rotations);
  perFile("logtally_log_truncations_total", "Truncations seen for each log file.", (f) => f.truncations);
  perFile("logtally_log_lines_cut_total", "Lines of each log file cut for being longer than --max_line_length.", (f) => f.linesCut);
  perFile("logtally_log_read_errors_total", "Errors opening or reading each log file.", (f) => f.readErrors);

  // Totals from the tailer (they include files no longer followed, so they never go down).
  const total = (name: string, help: string, pick: (t: TailerTotals) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const t = status.tailerStats?.();
        this.reset();
        if (t !== undefined) this.inc(pick(t));
      },
    });
  total("logtally_lines_read_total", "Lines read from all log sources.", (t) => t.linesRead);
  total("logtally_bytes_read_total", "Bytes read from all log sources.", (t) => t.bytesRead);
  total("logtally_rotations_total", "Log file rotations seen.", (t) => t.rotations);
  total("logtally_truncations_total", "Log file truncations seen.", (t) => t.truncations);
  total("logtally_read_errors_total", "Errors opening or reading log files.", (t) => t.readErrors);
  total("logtally_lines_cut_total", "Lines cut for being longer than --max_line_length.", (t) => t.linesCut);
  // Framing (sources with --log_format or a multi-line rule).
  total("logtally_records_total", "Records handed to the programs by framed sources (a multi-line record counts once).", (t) => t.framing?.records ?? 0);
  total("logtally_records_cut_total", "Multi-line records cut at --multiline_max_lines or --max_line_length; the rest began a new record.", (t) => t.framing?.recordsCut ?? 0);
  total("logtally_records_idle_total", "Records handed on because their source was quiet for --multiline_timeout.", (t) => t.framing?.idleFlushes ?? 0);
  total("logtally_container_lines_cut_total", "Container lines whose joined pieces exceeded --max_line_length and were cut.", (t) => t.framing?.linesCut ?? 0);
  total("logtally_container_lines_unrecognised_total", "Lines of cri or docker sources that were not in that format (handed on unchanged).", (t) => t.framing?.unrecognised ?? 0);
  // Remote write: labelled by endpoint, so nothing is exported when it is off.
  const remote = (name: string, help: string, pick: (r: RemoteWriteTotals) => number, kind: "counter" | "gauge" = "counter") => {
    const collect = function (this: Counter | Gauge) {
      this.reset();
      const r = status.remoteWrite?.();
      if (r !== undefined) (this as Gauge).inc({ url: r.url }, pick(r));
    };
    return kind === "counter"
      ? new Counter({ name, help, labelNames: ["url"], registers, collect })
      : new Gauge({ name, help, labelNames: ["url"], registers, collect });
  };
  remote("logtally_remote_write_samples_sent_total", "Samples accepted by the remote-write endpoint.", (r) => r.samplesSent);
  remote("logtally_remote_write_samples_failed_total", "Samples the remote-write endpoint rejected (4xx, not retried) or still failing at shutdown.", (r) => r.samplesFailed);
  remote("logtally_remote_write_samples_dropped_total", "Samples dropped unsent because the remote-write queue was full (oldest first).", (r) => r.samplesDropped);
  remote("logtally_remote_write_retries_total", "Remote-write requests retried after a 5xx, 429 or network error.", (r) => r.retries);
  remote("logtally_remote_write_queued_samples", "Samples waiting to be sent by remote write.", (r) => r.queuedSamples, "gauge");
  new Gauge({
    name: "logtally_open_files",
    help: "Log files held open, rotated files still being drained included.",
    registers,
    collect() {
      this.set(status.tailerStats?.().openFiles ?? 0);
    },
  });
}

/**
 * prom-client's default process and Node.js metrics, except the gauges it names `*_total`
 * (nodejs_active_handles_total...): `promtool check metrics` rejects a non-counter with that suffix, and the
 * same values are exported without it (nodejs_active_handles...).
 */
function registerDefaultMetrics(target: Registry<RegistryContentType>): void {
  const scratch = new Registry();
  // prom-client samples event-loop delay with a libuv timer every `eventLoopMonitoringPrecision` ms. Its 10 ms default
  // was most of an idle daemon's CPU: with 200 idle files followed, 16 ticks (0.53% of a core) over 30 s, the same
  // as with no files at all; at 100 ms the sampler costs ~0.1% (see README, "Idle CPU").
  collectDefaultMetrics({ register: scratch, eventLoopMonitoringPrecision: 100 });
  for (const m of scratch.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string };
    if (type === "gauge" && name.endsWith("_total")) continue;
    target.registerMetric(m as unknown as Metric);
  }
}
