// Sends encoded WriteRequests to the remote-write endpoint: a bounded FIFO queue (oldest requests dropped and
// counted when it is full), one request in flight so samples of a series arrive in order, retries with exponential
// backoff on 5xx, 429 and network errors, none on other 4xx (the request is dropped, counted and logged).
import http from "node:http";
import https from "node:https";
import { readFile } from "node:fs/promises";
import snappy from "snappy";
import type { Store } from "../../metrics/store.js";
import type { PushResult } from "../push-format.js";
import type { RemoteWriteConfig } from "./config.js";
import { encodeStore } from "./encoder.js";

/** Samples per request, as Prometheus's own queue sends at most 2000 by default; larger requests cost the receiver. */
export const MAX_SAMPLES_PER_REQUEST = 5000;
/** Backoff between retries of one request: from MIN, doubling, up to MAX (Prometheus's defaults: 30 ms, 5 s). */
const MIN_BACKOFF_MS = 30;
const MAX_BACKOFF_MS = 5000;

/** Totals for the self metrics and the status page. */
export interface RemoteWriteStats {
  /** The endpoint, without credentials. */
  readonly url: string;
  samplesSent: number;
  samplesFailed: number;
  samplesDropped: number;
  retries: number;
  requestsSent: number;
  queuedSamples: number;
  lastError: string;
}

/** The logging the sink needs (pino's shape). */
export interface SinkLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

interface Pending {
  readonly body: Buffer;
  readonly samples: number;
  dropped: boolean;
}

/** One remote-write endpoint. */
export class RemoteWriteSink {
  readonly stats: RemoteWriteStats;
  private readonly queue: Pending[] = [];
  private sending: Promise<void> | null = null;
  private readonly agent: http.Agent;
  private closed = false;
  private failing = false;
  private wakeBackoff: (() => void) | null = null;

  constructor(
    private readonly config: RemoteWriteConfig,
    private readonly opts: { readonly emitProgLabel: boolean; readonly version: string; readonly log: SinkLogger },
  ) {
    this.stats = { url: this.safeUrl(), samplesSent: 0, samplesFailed: 0, samplesDropped: 0, retries: 0, requestsSent: 0, queuedSamples: 0, lastError: "" };
    const isHttps = config.url.protocol === "https:";
    this.agent = isHttps ? new https.Agent({ keepAlive: true, maxSockets: 1, ...config.tls }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  /**
   * Encodes every series of the store now and queues the requests; resolves once they are queued (sending goes
   * on in the background). Never rejects.
   */
  async pushOnce(store: Store): Promise<PushResult> {
    let queued = 0;
    try {
      for (const r of encodeStore(store, {
        emitProgLabel: this.opts.emitProgLabel,
        extraLabels: this.config.labels,
        timestampMs: Date.now(),
        maxSamplesPerRequest: MAX_SAMPLES_PER_REQUEST,
      })) {
        this.enqueue({ body: snappy.compressSync(Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength)), samples: r.samples, dropped: false });
        queued += r.samples;
        // Let the line loop and scrapes run between two requests' worth of encoding.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      return { ok: false, sent: 0, error: err as Error };
    }
    this.sending ??= this.drain();
    return { ok: !this.failing, sent: queued, error: this.failing ? new Error(this.stats.lastError) : undefined };
  }

  /** Waits for the queue to empty (bounded by the caller), then stops retrying and closes connections. */
  async close(flushMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.sending ?? Promise.resolve(), new Promise<void>((resolve) => (timer = setTimeout(resolve, flushMs)))]);
    clearTimeout(timer);
    this.closed = true;
    this.wakeBackoff?.();
    await this.sending;
    this.agent.destroy();
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    this.stats.queuedSamples += p.samples;
    // Full: drop the oldest requests (the one being retried included: newer values supersede it).
    while (this.stats.queuedSamples > this.config.queueSamples && this.queue.length > 1) {
      const old = this.queue.shift()!;
      old.dropped = true;
      this.stats.queuedSamples -= old.samples;
      this.stats.samplesDropped += old.samples;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (!this.closed && this.queue.length > 0) {
        const p = this.queue[0]!;
        await this.sendWithRetries(p);
        if (this.queue[0] === p) {
          this.queue.shift();
          this.stats.queuedSamples -= p.samples;
        }
      }
    } finally {
      this.sending = null;
    }
  }

  private async sendWithRetries(p: Pending): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    for (;;) {
      const r = await this.post(p.body);
      if (r.ok) {
        this.stats.samplesSent += p.samples;
        this.stats.requestsSent++;
        if (this.failing) this.opts.log.info({ url: this.stats.url }, "Remote write works again.");
        this.failing = false;
        return;
      }
      this.stats.lastError = r.error;
      if (!r.retry) {
        this.stats.samplesFailed += p.samples;
        this.opts.log.warn({ url: this.stats.url, error: r.error, samples: p.samples }, "Remote write rejected a request; it is dropped, not retried.");
        return;
      }
      if (!this.failing) this.opts.log.warn({ url: this.stats.url, error: r.error }, "Remote write failed; retrying with backoff.");
      this.failing = true;
      if (this.closed || p.dropped) {
        if (!p.dropped) this.stats.samplesFailed += p.samples;
        return;
      }
      this.stats.retries++;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoff);
        this.wakeBackoff = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeBackoff = null;
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      if (this.closed || p.dropped) {
        if (!p.dropped) this.stats.samplesFailed += p.samples;
        return;
      }
    }
  }

  private async post(body: Buffer): Promise<{ ok: true } | { ok: false; retry: boolean; error: string }> {
    const headers: Record<string, string> = {
      ...this.config.headers,
      "Content-Type": "application/x-protobuf",
      "Content-Encoding": "snappy",
      "X-Prometheus-Remote-Write-Version": "0.1.0",
      "User-Agent": `logtally/${this.opts.version}`,
      "Content-Length": String(body.length),
    };
    try {
      const auth = await this.authorization();
      if (auth !== null) headers.Authorization = auth;
    } catch (err) {
      return { ok: false, retry: true, error: `cannot read credentials: ${(err as Error).message}` };
    }
    const client = this.config.url.protocol === "https:" ? https : http;
    return new Promise((resolve) => {
      const req = client.request(this.config.url, { method: "POST", headers, agent: this.agent, timeout: this.config.timeoutMs }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          if (text.length < 512) text += c;
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ ok: true });
          else resolve({ ok: false, retry: status >= 500 || status === 429, error: `HTTP ${status}: ${text.trim().slice(0, 200)}` });
        });
        res.on("error", (err) => resolve({ ok: false, retry: true, error: err.message }));
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.config.timeoutMs} ms`)));
      req.on("error", (err) => resolve({ ok: false, retry: true, error: err.message }));
      req.end(body);
    });
  }

  private async authorization(): Promise<string | null> {
    if (this.config.bearerTokenFile !== "") {
      return `Bearer ${(await readFile(this.config.bearerTokenFile, "utf8")).trim()}`;
    }
    if (this.config.basicAuth !== null) {
      const password = (await readFile(this.config.basicAuth.passwordFile, "utf8")).replace(/\r?\n$/, "");
      return `Basic ${Buffer.from(`${this.config.basicAuth.username}:${password}`).toString("base64")}`;
    }
    return null;
  }

  // The URL without credentials, for logs.
  private safeUrl(): string {
    const u = new URL(this.config.url.href);
    u.username = "";
    u.password = "";
    return u.href;
  }
}
