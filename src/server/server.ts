// The HTTP endpoints: /metrics (Prometheus text, or OpenMetrics when Accept asks for it), /json, the status page
// at /, /healthz and /readyz. Reads the store through the exporters and the daemon through StatusSource. With a web
// config file (Prometheus's format) it speaks TLS and asks for credentials: see web-guard.ts.

import { lstat, unlink } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { CardinalityCache } from "../exporter/cardinality.js";
import { jsonChunks } from "../exporter/json.js";
import { ExpositionError, PROTOBUF_CONTENT_TYPE, StoreRegistry } from "../exporter/prometheus.js";
import { Slicer } from "../exporter/slicer.js";
import type { Store } from "../metrics/store.js";
import { registerSelfMetrics } from "./self-metrics.js";
import { renderStatusPage } from "./status-page.js";
import type { StatusSource } from "./status.js";
import { clientCertRefusal, tlsServerOptions } from "./tls.js";
import { WebGuard } from "./web-guard.js";

/** The logging the server needs (pino's shape). */
export interface ServerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What the server serves. */
export interface ServerOptions {
  readonly store: Store;
  readonly status: StatusSource;
  readonly version: string;
  readonly emitProgLabel: boolean;
  readonly emitTimestamp: boolean;
  readonly log: ServerLogger;
  /** Prometheus web configuration file (TLS, basic auth, headers); "" or undefined: plain HTTP, no auth. */
  readonly webConfigFile?: string;
}

/** Where to listen: a UNIX socket when `unixSocket` is set, else address and port (port 0 picks a free one). */
export interface ListenOptions {
  readonly address: string;
  readonly port: number;
  readonly unixSocket: string;
}

/** Thrown by listen() when the address cannot be bound; the message names the port or socket and what to do. */
export class ListenError extends Error {
  override readonly name = "ListenError";
}

const SKIPPED_LOG_INTERVAL_MS = 60_000;
/** Metrics listed by the cardinality view (status page and /api/cardinality). */
const CARDINALITY_TOP = 20;
/** Longest a /metrics or /json request waits for start-up to finish before it is answered anyway. */
const READY_WAIT_MS = 30_000;

/** logtally's HTTP server. */
export class MetricsServer {
  private server: http.Server | https.Server | undefined;
  private guard: WebGuard;
  private lastRefusalLogMs = -Infinity;
  private readonly prometheus: StoreRegistry;
  private readonly openMetrics: StoreRegistry;
  private lastSkippedLogMs = -Infinity;
  /** One measurement shared by concurrent requests and reused a while (a burst on 1M series walks them once). */
  private readonly cardinality: CardinalityCache;

  constructor(private readonly opts: ServerOptions) {
    const exposition = {
      emitProgLabel: opts.emitProgLabel,
      emitTimestamp: opts.emitTimestamp,
      onSkipped: (messages: readonly string[]) => this.logSkipped(messages),
    };
    // One registry per format: prom-client keeps the content type as registry state.
    this.prometheus = new StoreRegistry(opts.store, { ...exposition, format: "prometheus" });
    this.openMetrics = new StoreRegistry(opts.store, { ...exposition, format: "openmetrics" });
    registerSelfMetrics([this.prometheus, this.openMetrics], opts.status, opts.store);
    this.cardinality = new CardinalityCache(opts.store, CARDINALITY_TOP);
    this.guard = new WebGuard(undefined, 0, opts.log);
  }

  /** Whether the server speaks TLS (known once listen() has read the web config). */
  get tls(): boolean {
    return this.server instanceof https.Server;
  }

  /**
   * Reads the web config (if any), then starts listening; resolves with a description of the bound address
   * ("127.0.0.1:3903" or the socket path).
   * @throws WebConfigError when the web config file is wrong (the message names the file, line and key)
   * @throws ListenError when the address cannot be bound
   */
  async listen(where: ListenOptions): Promise<string> {
    this.guard = await WebGuard.load(this.opts.webConfigFile ?? "", this.opts.log, (tls) => {
      if (this.server instanceof https.Server) this.server.setSecureContext(tlsServerOptions(tls));
    });
    const server = this.createServer();
    this.server = server;
    if (where.unixSocket !== "") await removeStaleSocket(where.unixSocket);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.off("listening", onListening);
        reject(listenError(err, where));
      };
      const onListening = () => {
        server.off("error", onError);
        resolve();
      };
      server.once("error", onError);
      server.once("listening", onListening);
      if (where.unixSocket !== "") server.listen(where.unixSocket);
      else if (where.address !== "") server.listen(where.port, where.address);
      else server.listen(where.port);
    });
    return this.describeAddress();
  }

  private createServer(): http.Server | https.Server {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((err: unknown) => {
        this.opts.log.warn({ err, url: req.url }, "HTTP handler failed.");
        if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "Internal error; see logtally's log.\n");
        else res.destroy();
      });
    };
    const tls = this.guard.tls;
    let server: http.Server | https.Server;
    if (tls === undefined) {
      server = http.createServer(handler);
    } else {
      server = https.createServer(tlsServerOptions(tls), handler);
      // Go's RequireAnyClientCert, VerifyClientCertIfGiven and client_allowed_sans have no Node option.
      server.on("secureConnection", (socket) => {
        const current = this.guard.tls;
        const why = current === undefined ? undefined : clientCertRefusal(current, socket);
        if (why === undefined) return;
        this.logRefusal(why, socket.remoteAddress);
        socket.destroy();
      });
    }
    // Prometheus keeps connections alive between scrapes; bound how long an idle one holds the process open.
    server.keepAliveTimeout = 65_000;
    return server;
  }

  private logRefusal(why: string, remote: string | undefined): void {
    const now = Date.now();
    if (now - this.lastRefusalLogMs < SKIPPED_LOG_INTERVAL_MS) return;
    this.lastRefusalLogMs = now;
    this.opts.log.warn({ remote, why }, "Refused a TLS client (logged at most once a minute).");
  }

  /** The bound TCP port (for tests that listen on port 0), or undefined on a UNIX socket. */
  port(): number | undefined {
    const a = this.server?.address();
    return a !== null && typeof a === "object" ? (a as AddressInfo).port : undefined;
  }

  /** Stops accepting connections and closes open ones (idle at once, busy ones after a short grace). */
  close(): Promise<void> {
    const server = this.server;
    if (server === undefined || !server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      const t = setTimeout(() => server.closeAllConnections(), 1000);
      t.unref();
    });
  }

  private describeAddress(): string {
    const a = this.server?.address();
    if (a === null || a === undefined) return "";
    if (typeof a === "string") return a;
    return a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!(await this.guard.admit(req, res))) return;
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      send(res, 405, "text/plain; charset=utf-8", "Method not allowed; use GET.\n");
      return;
    }
    if ((path === "/metrics" || path === "/json") && !this.opts.status.ready()) {
      await this.waitUntilReady();
      // Still reading the lines written while logtally was down: values below what an earlier scrape saw would
      // read as a counter reset, so answer "not yet" (Prometheus records a failed scrape and tries again).
      if (!this.opts.status.ready() && this.opts.status.whenReady !== undefined) {
        res.setHeader("Retry-After", "5");
        return send(res, 503, "text/plain; charset=utf-8", "starting: still reading the log lines written since the last saved state\n");
      }
    }
    switch (path) {
      case "/metrics":
        return this.serveMetrics(req, res);
      case "/json":
        return stream(res, "application/json; charset=utf-8", jsonChunks(this.opts.store), new Slicer());
      case "/api/cardinality": {
        const cardinality = await this.cardinality.get(new Slicer());
        return send(res, 200, "application/json; charset=utf-8", JSON.stringify(cardinality, null, 2) + "\n");
      }
      case "/": {
        const cardinality = await this.cardinality.get(new Slicer());
        return send(res, 200, "text/html; charset=utf-8", renderStatusPage(this.opts.status, this.opts.version, Date.now(), cardinality));
      }
      case "/healthz":
        return send(res, 200, "text/plain; charset=utf-8", "ok\n");
      case "/readyz": {
        const why = this.opts.status.ready() ? (this.opts.status.notReadyReason?.() ?? "") : "starting: programs or log files not loaded yet";
        return why === "" ? send(res, 200, "text/plain; charset=utf-8", "ready\n") : send(res, 503, "text/plain; charset=utf-8", `${why}\n`);
      }
      default:
        // The path is not echoed: an error body that repeats the request is a reflection point for injected text.
        return send(res, 404, "text/plain; charset=utf-8", "Not found. Try /metrics, /json or / for the status page.\n");
    }
  }

  /**
   * The port is bound before programs load and files open (so a port in use fails fast); a scrape arriving in
   * that window is held until start-up ends (files followed and caught up), at most READY_WAIT_MS, instead of
   * answering with metrics of a daemon that does not yet see its log files.
   */
  private async waitUntilReady(): Promise<void> {
    if (this.opts.status.whenReady === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.opts.status.whenReady(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, READY_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Sorts and prints in slices (Slicer: ~20 ms each, then a turn of the event loop) and streams the chunks, so a
   * scrape of millions of series never holds /healthz or the log readers for long (issue 15: 2M series held the
   * loop for 5 s). Everything that can fail is checked before the first byte, so a failure is still a 500.
   */
  private async serveMetrics(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const format = chooseExposition(req.headers.accept);
    const registry = format === "openmetrics" ? this.openMetrics : this.prometheus;
    const slicer = new Slicer();
    let chunks: Iterable<string | Uint8Array>;
    try {
      chunks = format === "protobuf" ? await registry.protobufSliced(slicer) : await registry.sliced(slicer);
    } catch (err) {
      if (!(err instanceof ExpositionError)) throw err;
      this.opts.log.warn({ err: err.message }, "Cannot export the metrics.");
      send(res, 500, "text/plain; charset=utf-8", `Cannot export the metrics: ${err.message}\n`);
      return;
    }
    await stream(res, format === "protobuf" ? PROTOBUF_CONTENT_TYPE : registry.contentType, chunks, slicer);
  }

  private logSkipped(messages: readonly string[]): void {
    const now = Date.now();
    if (now - this.lastSkippedLogMs < SKIPPED_LOG_INTERVAL_MS) return;
    this.lastSkippedLogMs = now;
    this.opts.log.warn({ skipped: messages }, "Some metrics are not exported to Prometheus.");
  }
}

/** True when the Accept header lists OpenMetrics (Prometheus sends it first when it supports it). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes("application/openmetrics-text");
}

/**
 * Writes `chunks` as a 200 response (chunked transfer encoding), waiting for the socket to drain when it is full and
 * ending the slice when the slicer says; stops early if the client goes away.
 */
async function stream(res: http.ServerResponse, type: string, chunks: Iterable<string | Uint8Array>, slicer: Slicer): Promise<void> {
  res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" });
  if (res.req.method === "HEAD") {
    res.end();
    return;
  }
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drained(res);
    if (slicer.due()) await slicer.pause();
  }
  res.end();
}

function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * The exposition format for an Accept header: the delimited protobuf format when the scraper ranks it above
 * the text formats (Prometheus does with --enable-feature=native-histograms; only it carries native
 * histograms), else OpenMetrics when listed at all, else Prometheus text 0.0.4.
 */
export function chooseExposition(accept: string | undefined): "protobuf" | "openmetrics" | "prometheus" {
  if (accept === undefined) return "prometheus";
  let protobufQ = -1;
  let textQ = -1;
  for (const range of accept.split(",")) {
    const [type = "", ...params] = range.split(";").map((p) => p.trim());
    const param = new Map(params.map((p) => p.split("=").map((x) => x.trim().replace(/^"|"$/g, "")) as [string, string]));
    const q = param.has("q") ? Number(param.get("q")) : 1;
    if (!(q > 0)) continue;
    const t = type.toLowerCase();
    if (t === "application/vnd.google.protobuf") {
      if (param.get("proto") === "io.prometheus.client.MetricFamily" && param.get("encoding") === "delimited") protobufQ = Math.max(protobufQ, q);
    } else if (t === "application/openmetrics-text" || t === "text/plain" || t === "*/*" || t === "text/*") {
      textQ = Math.max(textQ, q);
    }
  }
  if (protobufQ > 0 && protobufQ >= textQ) return "protobuf";
  return wantsOpenMetrics(accept) ? "openmetrics" : "prometheus";
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function listenError(err: NodeJS.ErrnoException, where: ListenOptions): Error {
  const what = where.unixSocket !== "" ? `UNIX socket ${where.unixSocket}` : `port ${where.port}${where.address ? ` on ${where.address}` : ""}`;
  if (err.code === "EADDRINUSE") {
    return new ListenError(`Cannot listen on ${what}: it is already in use. Stop the other process or choose another --port.`);
  }
  if (err.code === "EACCES") {
    return new ListenError(`Cannot listen on ${what}: permission denied (ports below 1024 need privileges).`);
  }
  return new ListenError(`Cannot listen on ${what}: ${err.message}`);
}

/** A socket file left by a process that died would make listen fail; remove it if it is a socket. */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    const s = await lstat(path);
    if (s.isSocket()) await unlink(path);
  } catch {
    // Not there: nothing to remove.
  }
}
