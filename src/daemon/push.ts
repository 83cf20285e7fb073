// Pushes the store to statsd, graphite and remote write every --metric_push_interval, and once more at shutdown.
// A dead collector is logged (once per failure streak, so it cannot flood the log) and never blocks the daemon.

import type { Logger } from "pino";
import { GraphiteSink } from "../exporter/graphite.js";
import type { PushResult } from "../exporter/push-format.js";
import { StatsdSink } from "../exporter/statsd.js";
import { RemoteWriteSink, parseRemoteWriteConfig, type RemoteWriteFlags, type RemoteWriteStats } from "../exporter/remote-write/index.js";
import type { Store } from "../metrics/store.js";

/** One configured collector. */
interface Sink {
  readonly name: "statsd" | "graphite" | "remote_write";
  readonly target: string;
  pushOnce(store: Store): Promise<PushResult>;
  /** Closes; `flushMs` bounds how long queued data may still be sent. */
  close(flushMs: number): Promise<void>;
  failing: boolean;
  pushes: number;
  failures: number;
}

/** What the push flags say. */
export interface PushOptions {
  readonly intervalMs: number;
  readonly deadlineMs: number;
  readonly statsdHostPort: string;
  readonly statsdPrefix: string;
  readonly statsdTags: boolean;
  readonly graphiteHostPort: string;
  readonly graphitePrefix: string;
  /** "delta" (increase since the last successful push) or "cumulative" (mtail's running totals). */
  readonly statsdCounters: string;
  /** Remote write, when `url` is set. */
  readonly remoteWrite: RemoteWriteFlags;
  readonly emitProgLabel: boolean;
  readonly version: string;
}

/** Runs the push exporters. Construct throws for a malformed host:port, so a bad flag fails at startup. */
export class PushScheduler {
  private readonly sinks: Sink[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly store: Store, private readonly opts: PushOptions, private readonly log: Logger) {
    if (opts.statsdHostPort !== "") {
      const counters = opts.statsdCounters === "cumulative" ? "total" : "delta";
      const s = new StatsdSink({ hostPort: opts.statsdHostPort, prefix: opts.statsdPrefix, tags: opts.statsdTags, counters });
      this.statsd = s;
      this.sinks.push(Object.assign(s, { name: "statsd" as const, target: opts.statsdHostPort, failing: false, pushes: 0, failures: 0 }));
    }
    if (opts.graphiteHostPort !== "") {
      const g = new GraphiteSink({ hostPort: opts.graphiteHostPort, prefix: opts.graphitePrefix, timeoutMs: opts.deadlineMs });
      this.sinks.push(Object.assign(g, { name: "graphite" as const, target: opts.graphiteHostPort, failing: false, pushes: 0, failures: 0 }));
    }
    if (opts.remoteWrite.url !== "") {
      const config = parseRemoteWriteConfig(opts.remoteWrite);
      const r = new RemoteWriteSink(config, { emitProgLabel: opts.emitProgLabel, version: opts.version, log });
      this.remoteWrite = r;
      const target = `${config.url.origin}${config.url.pathname}`;
      this.sinks.push(Object.assign(r, { name: "remote_write" as const, target, failing: false, pushes: 0, failures: 0 }));
    }
  }

  /** The remote-write sink, for its self metrics. */
  readonly remoteWrite: RemoteWriteSink | null = null;

  /** After values were restored from saved state: statsd deltas start from them (see StatsdSink.prime). */
  primeAfterRestore(): void {
    this.statsd?.prime(this.store);
  }

  private statsd: StatsdSink | null = null;

  /** Remote-write totals, or undefined when it is not configured. */
  remoteWriteStats(): RemoteWriteStats | undefined {
    return this.remoteWrite?.stats;
  }

  /** Whether any collector is configured. */
  get enabled(): boolean {
    return this.sinks.length > 0;
  }

  /** Starts pushing every interval. */
  start(): void {
    if (!this.enabled || this.opts.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.pushNow(), this.opts.intervalMs);
    // The interval must not keep the process alive on its own; the server and tailer do that.
    this.timer.unref();
  }

  /** Pushes to every collector now; skipped while the previous push is still running. */
  pushNow(): Promise<void> {
    if (this.running !== null) return this.running;
    this.running = Promise.all(this.sinks.map((s) => this.pushOne(s))).then(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the timer, makes a final push (bounded by the write deadline) and closes the sinks. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (!this.enabled) return;
    await this.running;
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      this.pushNow(),
      new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, this.opts.deadlineMs);
      }),
    ]);
    clearTimeout(deadline);
    await Promise.all(this.sinks.map((s) => s.close(this.opts.deadlineMs)));
  }

  /** Push counts per collector, for the status page. */
  status(): Array<{ name: string; target: string; pushes: number; failures: number }> {
    return this.sinks.map((s) => ({ name: s.name, target: s.target, pushes: s.pushes, failures: s.failures }));
  }

  private async pushOne(s: Sink): Promise<void> {
    const r = await s.pushOnce(this.store);
    s.pushes++;
    if (r.ok) {
      if (s.failing) this.log.info({ exporter: s.name, target: s.target }, `Pushing to ${s.name} works again.`);
      s.failing = false;
      this.log.debug({ exporter: s.name, target: s.target, sent: r.sent }, `Pushed metrics to ${s.name}.`);
      return;
    }
    s.failures++;
    if (!s.failing) {
      this.log.warn({ exporter: s.name, target: s.target, err: r.error?.message }, `Pushing to ${s.name} failed; will retry every interval.`);
    }
    s.failing = true;
  }
}
