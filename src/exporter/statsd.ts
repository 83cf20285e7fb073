// StatsD export: a pure encoder (mtail's `prefix + prog.name.key.value:value|type` lines, or DogStatsD tags)
// and a UDP sink that pushes the store once per call and never blocks or throws on a dead collector.

import dgram from "node:dgram";
import { lookup } from "node:dns/promises";
import type { Datum } from "../metrics/datum.js";
import type { Metric } from "../metrics/metric.js";
import type { Store } from "../metrics/store.js";
import { Kind } from "../metrics/types.js";
import { formatGoFloat } from "./go-format.js";
import { labelledName, parseHostPort, pathName, valueString, type PushResult } from "./push-format.js";

/** How metrics are written as statsd lines. */
export interface StatsdEncodeOptions {
  /** Prepended verbatim to every name (--statsd_prefix; mtail adds no separator). */
  readonly prefix?: string;
  /** DogStatsD: labels (and prog) as `|#key:value` tags instead of name segments. */
  readonly tags?: boolean;
  /** Type of histogram samples: "ms" timing (default), "h" histogram or "d" DogStatsD distribution. */
  readonly histogramType?: "ms" | "h" | "d";
  /**
   * "total" (the encoder's default, mtail's behaviour, the daemon's --statsd_counters=cumulative): a counter's
   * running total on every push, which a statsd server adds up. "delta" (the daemon's default): what it gained
   * since the last push that was committed (see commit()), which is what statsd's `c` means; nothing when it did
   * not change, and its new value when it went backwards (a reload or a restore reset it).
   */
  readonly counters?: "delta" | "total";
}

interface Last {
  value: number;
  counts: Float64Array | null;
}

/**
 * Encodes the store as statsd datagrams, one metric per datagram as mtail sends them: counters `c`, gauges `g`,
 * timers `ms`. A negative gauge is sent as "0|g" then the value in one datagram, since statsd reads a leading
 * sign as a change (mtail sends the bare negative value). Histograms, which mtail sends as an untyped sum that
 * collectors reject, go out as samples instead (below). Keeps what was sent last
 * (per datum) for counter deltas and for histograms, which go out as samples for the observations made since
 * the previous push: one line per bucket that gained k observations, valued at the bucket's upper bound (the
 * last bound for +Inf) with sample rate 1/k, so the collector counts k samples.
 */
export class StatsdEncoder {
  private readonly opts: StatsdEncodeOptions;
  private last = new WeakMap<Datum, Last>();
  /** What the last encode() sent, made the baseline by commit() once the push went through. */
  private pending: Array<[Datum, Last]> = [];

  constructor(opts: StatsdEncodeOptions = {}) {
    this.opts = opts;
  }

  /** The datagrams for one push. Text and hidden metrics are not exported. */
  encode(store: Store): string[] {
    this.pending = [];
    const out: string[] = [];
    for (const m of store.metrics()) {
      if (m.hidden || m.kind === Kind.Text) continue;
      for (const d of m.datums()) this.encodeDatum(out, m, d);
    }
    return out;
  }

  /**
   * The push of the last encode() reached the collector: its values become the baseline of the next deltas.
   * Without a commit (a failed push) the next push sends the increase since the last push that went through.
   */
  commit(): void {
    for (const [d, l] of this.pending) this.last.set(d, l);
    this.pending = [];
  }

  private encodeDatum(out: string[], m: Metric, d: Datum): void {
    if (typeof d.value !== "number") return;
    const last = this.last.get(d);
    if (m.kind === Kind.Histogram) {
      const prev = last?.counts ?? null;
      const uppers = m.layout?.uppers ?? [];
      for (let i = 0; i < d.counts.length; i++) {
        const k = (d.counts[i] ?? 0) - (prev?.[i] ?? 0);
        if (k <= 0) continue;
        const rep = i < uppers.length ? uppers[i]! : uppers.length > 0 ? uppers[uppers.length - 1]! : 0;
        out.push(this.line(m, d, formatGoFloat(rep), this.opts.histogramType ?? "ms", k > 1 ? 1 / k : 1));
      }
      this.pending.push([d, { value: d.count, counts: Float64Array.from(d.counts) }]);
      return;
    }
    const v = d.value;
    if (m.kind === Kind.Counter) {
      const delta = this.opts.counters === "delta";
      const send = delta && v >= (last?.value ?? 0) ? v - (last?.value ?? 0) : v;
      if (!(delta && send === 0)) out.push(this.line(m, d, valueString(m, send), "c", 1));
      this.pending.push([d, { value: v, counts: null }]);
    } else if (m.kind === Kind.Timer) {
      out.push(this.line(m, d, valueString(m, v), "ms", 1));
    } else {
      // A leading sign means "change by" to statsd, so a negative gauge is first set to 0 (one datagram).
      const n = v === 0 ? 0 : v; // -0 as 0
      const set = this.line(m, d, valueString(m, n), "g", 1);
      out.push(n < 0 ? this.line(m, d, "0", "g", 1) + "\n" + set : set);
    }
  }

  private line(m: Metric, d: Datum, value: string, type: string, rate: number): string {
    const prefix = this.opts.prefix ?? "";
    const sampled = rate < 1 ? "|@" + formatGoFloat(rate) : "";
    if (!this.opts.tags) return `${prefix}${pathName(m.program)}.${labelledName(m, d)}:${value}|${type}${sampled}`;
    const tags = [`prog:${tagText(m.program)}`];
    for (let i = 0; i < m.keys.length; i++) tags.push(`${tagText(m.keys[i]!)}:${tagText(d.labels[i] ?? "")}`);
    return `${prefix}${pathName(m.name)}:${value}|${type}${sampled}|#${tags.join(",")}`;
  }
}

function tagText(s: string): string {
  return s.replace(/[,|#\s]/g, "_");
}

/** Where and how a StatsdSink pushes. */
export interface StatsdSinkOptions extends StatsdEncodeOptions {
  /** "host:port" of the collector (--statsd_hostport). */
  readonly hostPort: string;
}

/**
 * Pushes the store to a statsd collector over UDP. Each pushOnce resolves (never rejects) once every datagram
 * is handed to the OS; UDP never waits for the collector, so a dead one costs nothing but the send errors.
 */
export class StatsdSink {
  private readonly host: string;
  private readonly port: number;
  private readonly encoder: StatsdEncoder;
  private socket: dgram.Socket | null = null;
  private socketType: "udp4" | "udp6" = "udp4";
  private socketError: Error | null = null;

  /** Throws when hostPort is not host:port (a configuration error, reported at startup). */
  constructor(opts: StatsdSinkOptions) {
    const hp = parseHostPort(opts.hostPort, "statsd address");
    this.host = hp.host;
    this.port = hp.port;
    this.encoder = new StatsdEncoder(opts);
  }

  /** Encodes the store and sends it; resolves with what was sent, or the error. */
  async pushOnce(store: Store): Promise<PushResult> {
    const lines = this.encoder.encode(store);
    if (lines.length === 0) {
      this.encoder.commit();
      return { ok: true, sent: 0 };
    }
    let address: { address: string; family: number };
    try {
      address = await lookup(this.host);
    } catch (err) {
      return { ok: false, sent: 0, error: err as Error };
    }
    const socket = this.open(address.family === 6 ? "udp6" : "udp4");
    let sent = 0;
    let error: Error | null = null;
    await Promise.all(
      lines.map(
        (line) =>
          new Promise<void>((resolve) => {
            socket.send(line, this.port, address.address, (err) => {
              if (err) error ??= err;
              else sent++;
              resolve();
            });
          }),
      ),
    );
    error ??= this.socketError;
    this.socketError = null;
    // UDP cannot tell whether statsd got them; a send error at least says they did not leave.
    if (error === null) this.encoder.commit();
    return error === null ? { ok: true, sent } : { ok: false, sent, error };
  }

  /**
   * Takes the store's current values as already sent: after a restore from saved state, the next delta is what
   * was counted since the snapshot, not the whole restored total again.
   */
  prime(store: Store): void {
    this.encoder.encode(store);
    this.encoder.commit();
  }

  /** Closes the socket; a later pushOnce opens a new one. */
  close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s === null) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }

  private open(type: "udp4" | "udp6"): dgram.Socket {
    if (this.socket !== null && this.socketType === type) return this.socket;
    if (this.socket !== null) this.socket.close();
    this.socketType = type;
    const s = dgram.createSocket(type);
    // An unhandled 'error' would crash the daemon; remember it for the push result instead.
    s.on("error", (err) => {
      this.socketError = err;
    });
    s.unref(); // pushing must never keep the process alive
    this.socket = s;
    return s;
  }
}
