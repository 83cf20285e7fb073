// Graphite export: a pure encoder for the plaintext protocol (`prefix + prog.name.key.value value seconds`)
// and a TCP sink that connects, writes one push and closes, with a timeout, never throwing.

import net from "node:net";
import type { Store } from "../metrics/store.js";
import { Kind } from "../metrics/types.js";
import { formatGoFloat, formatGoInt } from "./go-format.js";
import { labelledName, parseHostPort, pathName, valueString, type PushResult } from "./push-format.js";

/** How metrics are written as graphite lines. */
export interface GraphiteEncodeOptions {
  /** Prepended verbatim to every path (--graphite_prefix; mtail adds no separator). */
  readonly prefix?: string;
}

/**
 * Encodes the store as graphite plaintext lines, each ending in "\n", as mtail writes them: the datum's value
 * at its last update time in seconds. Histograms add, as mtail does, `.bin_<upper>` per bucket (non-cumulative,
 * `bin_inf` for +Inf) and `.count`, then the sum on the plain path. A datum never updated (time 0) is stamped
 * with nowMs instead of 1970. Text and hidden metrics are not exported.
 */
export function encodeGraphite(store: Store, opts: GraphiteEncodeOptions = {}, nowMs = Date.now()): string[] {
  const prefix = opts.prefix ?? "";
  const out: string[] = [];
  for (const m of store.metrics()) {
    if (m.hidden || m.kind === Kind.Text) continue;
    for (const d of m.datums()) {
      if (typeof d.value !== "number") continue;
      const path = prefix + pathName(m.program) + "." + labelledName(m, d);
      const t = String(Math.floor((d.timeMs > 0 ? d.timeMs : nowMs) / 1000));
      if (m.kind === Kind.Histogram) {
        const uppers = m.layout?.uppers ?? [];
        for (let i = 0; i < d.counts.length; i++) {
          const bin = i < uppers.length ? formatGoFloat(uppers[i]!) : "inf";
          out.push(`${path}.bin_${bin} ${formatGoInt(d.counts[i] ?? 0)} ${t}\n`);
        }
        out.push(`${path}.count ${formatGoInt(d.count)} ${t}\n`);
        out.push(`${path} ${formatGoFloat(d.sum)} ${t}\n`);
      } else {
        out.push(`${path} ${valueString(m, d.value)} ${t}\n`);
      }
    }
  }
  return out;
}

/** Where and how a GraphiteSink pushes. */
export interface GraphiteSinkOptions extends GraphiteEncodeOptions {
  /** "host:port" of the carbon plaintext listener (--graphite_host_port). */
  readonly hostPort: string;
  /** Longest a push may take, connect included (default 10 s, mtail's write deadline). */
  readonly timeoutMs?: number;
}

/**
 * Pushes the store to carbon over TCP: one connection per push, closed after writing, as mtail does, so a
 * collector that went away is simply retried at the next push. pushOnce never rejects; while one push is still
 * running (a slow collector), the next one is skipped rather than queued.
 */
export class GraphiteSink {
  private readonly host: string;
  private readonly port: number;
  private readonly opts: GraphiteSinkOptions;
  private inFlight: net.Socket | null = null;

  /** Throws when hostPort is not host:port (a configuration error, reported at startup). */
  constructor(opts: GraphiteSinkOptions) {
    const hp = parseHostPort(opts.hostPort, "graphite address");
    this.host = hp.host;
    this.port = hp.port;
    this.opts = opts;
  }

  /** Encodes the store and writes it; resolves with what was sent, or the error. */
  pushOnce(store: Store, nowMs = Date.now()): Promise<PushResult> {
    if (this.inFlight !== null) {
      return Promise.resolve({ ok: false, sent: 0, error: new Error("The previous graphite push is still running.") });
    }
    const lines = encodeGraphite(store, this.opts, nowMs);
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    return new Promise<PushResult>((resolve) => {
      let error: Error | null = null;
      const socket = net.connect({ host: this.host, port: this.port });
      this.inFlight = socket;
      // A whole-push deadline (socket.setTimeout only measures idleness), so a collector that accepts and then
      // stalls cannot hold a push forever.
      const timer = setTimeout(() => {
        error ??= new Error(`Graphite push to ${this.host}:${this.port} timed out after ${timeoutMs} ms.`);
        socket.destroy();
      }, timeoutMs);
      timer.unref();
      socket.on("error", (err) => {
        error ??= err;
      });
      socket.on("connect", () => {
        socket.end(lines.join(""));
      });
      socket.on("close", () => {
        clearTimeout(timer);
        this.inFlight = null;
        resolve(error === null ? { ok: true, sent: lines.length } : { ok: false, sent: 0, error });
      });
    });
  }

  /** Aborts a push still running (at shutdown, after the final push had its chance). */
  close(): Promise<void> {
    this.inFlight?.destroy();
    return Promise.resolve();
  }
}
