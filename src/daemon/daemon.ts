// The daemon: the one place that wires the store, runtime, program manager, log tailer, push exporters and
// HTTP server together, and starts and stops them in order.

import { stat } from "node:fs/promises";
import type { Logger } from "pino";
import type { Options } from "./options.js";
import { Store } from "../metrics/store.js";
import { Runtime } from "../runtime/index.js";
import { CompileWorker } from "../runtime/compile-client.js";
import { MetricsServer } from "../server/server.js";
import type { LogFileInfo, LogPatternInfo, ProgramInfo, RemoteWriteTotals, StatusSource, TailerTotals } from "../server/status.js";
import { createLineSource, type LineSource } from "./line-source.js";
import { ProgramManager } from "./program-manager.js";
import { PushScheduler } from "./push.js";
import { StateKeeper } from "./state-keeper.js";

/** A running logtally: construct, start(), and stop() once. */
export class Daemon implements StatusSource {
  readonly startedMs = Date.now();
  private readonly store: Store;
  private readonly runtime: Runtime;
  private readonly programManager: ProgramManager;
  private readonly server: MetricsServer;
  private readonly push: PushScheduler;
  private readonly lines: LineSource;
  private readonly state: StateKeeper | null;
  private gcTimer: NodeJS.Timeout | null = null;
  private started = false;
  private markReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => {
    this.markReady = resolve;
  });
  private stopping: Promise<void> | null = null;

  /** Throws for settings that cannot work (unknown time zone, malformed collector address). */
  constructor(private readonly options: Options, private readonly log: Logger, private readonly version: string) {
    const storeLog = log.child({ component: "store" });
    this.store = new Store({
      maxSeriesPerMetric: options.max_series_per_metric,
      // As mtail 3.3.1 (one-shot keeps rc50's output: limit applies at collection only, which one-shot never runs).
      limitOnCreate: true,
      onSeriesDropped: (m) =>
        storeLog.warn(
          { prog: m.program, metric: m.name, budget: m.seriesBudget },
          `Metric "${m.name}" of ${m.program} reached --max_series_per_metric (${m.seriesBudget} series); updates to new series are dropped and counted in logtally_series_dropped_total.`,
        ),
    });
    const runtimeLog = log.child({ component: "runtime" });
    this.runtime = new Runtime(this.store, {
      // Runtime errors (already rate-limited by the runtime) at info; its compile-failure note is left to the
      // program manager, which logs the full diagnostics.
      logger: {
        info: options.vm_logs_runtime_errors ? (o, m) => runtimeLog.warn(o, m) : () => {},
        warn: (o, m) => runtimeLog.debug(o, m),
      },
      overrideTimezone: options.override_timezone,
      syslogUseCurrentYear: options.syslog_use_current_year,
      maxRegexpLength: options.max_regexp_length,
      maxRecursionDepth: options.max_recursion_depth,
    });
    const programLog = log.child({ component: "programs" });
    // Programs compile in a worker thread, so a long compile (a 1 MB program, a hostile one) never stops /healthz,
    // scrapes or line reading; linking stays here. Worker start-up is measured and logged (docs/hardening.md).
    const compiler = new CompileWorker({
      timeoutMs: options.compile_timeout,
      compileOptions: this.runtime.compileOptions(),
      onWorkerReady: (ms) => programLog.debug({ startMs: Math.round(ms) }, "Compile worker ready."),
      onWorkerLost: (reason) => programLog.warn({ reason }, "Compile worker stopped; a new one takes the next compile."),
    });
    this.programManager = new ProgramManager(options.progs, this.runtime, programLog, options.dump_js, compiler);
    this.server = new MetricsServer({
      store: this.store,
      status: this,
      version,
      emitProgLabel: options.emit_prog_label,
      emitTimestamp: options.emit_metric_timestamp,
      log: log.child({ component: "http" }),
      webConfigFile: options.web_config_file,
    });
    this.push = new PushScheduler(
      this.store,
      {
        intervalMs: options.metric_push_interval,
        deadlineMs: options.metric_push_write_deadline,
        statsdHostPort: options.statsd_hostport,
        statsdPrefix: options.statsd_prefix,
        statsdTags: options.statsd_tags,
        graphiteHostPort: options.graphite_host_port,
        graphitePrefix: options.graphite_prefix,
        statsdCounters: options.statsd_counters,
        remoteWrite: {
          url: options.remote_write_url,
          headers: options.remote_write_header,
          labels: options.remote_write_label,
          bearerTokenFile: options.remote_write_bearer_token_file,
          username: options.remote_write_username,
          passwordFile: options.remote_write_password_file,
          caFile: options.remote_write_ca_file,
          certFile: options.remote_write_cert_file,
          keyFile: options.remote_write_key_file,
          insecureSkipVerify: options.remote_write_insecure_skip_verify,
          timeoutMs: options.remote_write_timeout,
          queueSamples: options.remote_write_queue_samples,
        },
        emitProgLabel: options.emit_prog_label,
        version,
      },
      log.child({ component: "push" }),
    );
    this.lines = createLineSource(options, this.runtime, log.child({ component: "tailer" }));
    this.state =
      options.state_dir === ""
        ? null
        : new StateKeeper(options.state_dir, this.store, this.lines, options.state_save_interval, log.child({ component: "state" }));
  }

  /**
   * Listens first (so a port in use fails before any work), then loads programs, watches them, starts
   * tailing, pushing and garbage collection. Resolves with the address served.
   * @throws ListenError when the port or socket cannot be bound
   * @throws WebConfigError when --web_config_file is wrong
   */
  async start(): Promise<string> {
    // A mistyped --progs should stop the daemon now, not leave it serving nothing.
    await stat(this.options.progs).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`cannot read --progs ${this.options.progs}: ${err.code === "ENOENT" ? "no such file or directory" : err.message}.`);
    });
    const address = await this.server.listen({
      address: this.options.address,
      port: this.options.port,
      unixSocket: this.options.unix_socket,
    });
    this.log.info({ address, version: this.version, tls: this.server.tls }, `Serving /metrics on ${address}.`);
    // A state folder that cannot be written is found now, not at the first save.
    await this.state?.prepare();
    const failed = await this.programManager.loadAll();
    const total = this.programManager.programs().length;
    this.log.info({ progs: this.options.progs, programs: total, failed }, `Loaded ${total - failed} of ${total} programs.`);
    await this.programManager.watch().catch((err: unknown) =>
      this.log.warn({ err, progs: this.options.progs }, "Cannot watch the programs folder; reload with SIGHUP."),
    );
    // Values first, then positions: the lines after the snapshot are read again onto the values it saved.
    const resume = await this.state?.restore();
    if (resume !== undefined) this.push.primeAfterRestore();
    await this.lines.start(resume);
    this.state?.start();
    // /metrics, /json and the first push wait until the lines written while logtally was down are counted, so
    // nobody sees a counter below a value it was shown before the restart.
    await this.lines.whenCaughtUp();
    if (this.stopping !== null) return address;
    this.push.start();
    if (this.options.expired_metrics_gc_interval > 0) {
      this.gcTimer = setInterval(() => this.collectGarbage(), this.options.expired_metrics_gc_interval);
      this.gcTimer.unref();
    }
    this.started = true;
    this.markReady();
    return address;
  }

  /** Reloads changed programs (SIGHUP). */
  reload(): Promise<void> {
    this.log.info({ progs: this.options.progs }, "Reloading programs.");
    return this.programManager.rescan();
  }

  /** Stops everything: tailing (positions saved), watching, a final push, then the HTTP server. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.started = false;
      if (this.gcTimer !== null) clearInterval(this.gcTimer);
      this.gcTimer = null;
      // Reading halts first so the last snapshot's positions and values agree, then files close.
      await this.settle("tailer", this.lines.halt());
      if (this.state !== null) await this.settle("state", this.state.stop());
      await this.settle("tailer", this.lines.stop());
      await this.settle("programs", this.programManager.close());
      await this.settle("push", this.push.stop());
      await this.settle("http", this.server.close());
    })();
    return this.stopping;
  }

  /** Runs the collector once: `del ... after` expiry and `limit`. */
  collectGarbage(): void {
    const removed = this.store.collectGarbage(Date.now());
    if (removed > 0) this.log.debug({ removed }, "Removed expired metric values.");
  }

  // StatusSource, read by the HTTP server at request time.
  programs(): readonly ProgramInfo[] {
    return this.programManager.programs();
  }
  files(): readonly LogFileInfo[] {
    return this.lines.files();
  }
  patterns(): readonly LogPatternInfo[] {
    return this.lines.patterns();
  }
  tailerStats(): TailerTotals {
    return this.lines.stats();
  }
  remoteWrite(): RemoteWriteTotals | undefined {
    return this.push.remoteWriteStats();
  }
  ready(): boolean {
    return this.started;
  }
  notReadyReason(): string {
    const programs = this.programs();
    const compiling = programs.filter((p) => p.compiling === true).map((p) => p.name);
    const never = programs.filter((p) => !p.loaded && p.compiling !== true).map((p) => p.name);
    if (compiling.length === 0 && never.length === 0) return "";
    // As at start: not ready until every program has been tried (a program added later is tried as it compiles).
    const why = [never.length > 0 ? `never compiled: ${never.join(", ")}` : "", compiling.length > 0 ? `compiling: ${compiling.join(", ")}` : ""];
    return `not ready: ${why.filter((w) => w !== "").join("; ")} (see the status page)`;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  settings(): Readonly<Record<string, string>> {
    const s: Record<string, string> = {
      progs: this.options.progs,
      logs: this.options.logs.join(", "),
      ...(this.options.sources.length > 0 ? { sources: this.options.sources.map((s) => s.paths.join(", ")).join("; ") } : {}),
    };
    for (const p of this.push.status()) s[p.name] = `${p.target} (${p.pushes} pushes, ${p.failures} failed)`;
    return s;
  }

  /** Shutdown steps must not stop each other: log a failure and go on. */
  private async settle(step: string, p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      this.log.warn({ err, step }, `Stopping ${step} failed.`);
    }
  }
}
