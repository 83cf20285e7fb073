// Who may use the HTTP endpoints: the web config's headers, rate limit and basic auth applied to every request
// before it is served, and the file re-read when it changes (new users, rotated certificates) without a restart.

import { stat } from "node:fs/promises";
import type http from "node:http";
import { BasicAuth } from "./basic-auth.js";
import { loadWebConfig, type TlsServerConfig, type WebConfig } from "./web-config.js";

/** The logging the guard needs (pino's shape). */
export interface GuardLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** How often, at most, the web config file's modification time is looked at (on requests). */
const RELOAD_CHECK_MS = 1000;

/** Applies a web config to requests. Without a file it only adds `X-Content-Type-Options: nosniff`. */
export class WebGuard {
  private auth: BasicAuth;
  private bucket: TokenBucket | undefined;
  private lastCheckMs = 0;
  private checking = false;

  constructor(
    private config: WebConfig | undefined,
    private mtimeMs: number,
    private readonly log: GuardLogger,
    /** Called with the new TLS settings when a reload changes them (the server swaps its secure context). */
    private readonly onTlsChange: (tls: TlsServerConfig) => void = () => {},
  ) {
    this.auth = new BasicAuth(config?.users ?? new Map());
    this.bucket = config?.rateLimit && new TokenBucket(config.rateLimit.intervalMs, config.rateLimit.burst);
  }

  /** Reads `file` (throws WebConfigError naming the key) and builds the guard; no file: the default guard. */
  static async load(file: string, log: GuardLogger, onTlsChange?: (tls: TlsServerConfig) => void): Promise<WebGuard> {
    if (file === "") return new WebGuard(undefined, 0, log);
    const config = await loadWebConfig(file);
    const mtimeMs = (await stat(file)).mtimeMs;
    return new WebGuard(config, mtimeMs, log, onTlsChange);
  }

  /** The TLS settings in force, if the server is to speak TLS. */
  get tls(): TlsServerConfig | undefined {
    return this.config?.tls;
  }

  /**
   * Sets the response headers, then checks the rate limit and the credentials. Resolves true when the request may
   * be served; otherwise it has been answered (429 or 401).
   */
  async admit(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    this.checkForReload();
    res.setHeader("X-Content-Type-Options", "nosniff");
    for (const [name, value] of Object.entries(this.config?.headers ?? {})) res.setHeader(name, value);
    if (this.bucket !== undefined && !this.bucket.take(Date.now())) {
      reject(res, 429, "Too many requests.\n");
      return false;
    }
    if (!this.auth.enabled || (await this.auth.check(req.headers.authorization))) return true;
    res.setHeader("WWW-Authenticate", 'Basic realm="logtally"');
    reject(res, 401, "Unauthorized.\n");
    return false;
  }

  // exporter-toolkit reads the file on every request; a stat at most once a second gives the same effect cheaply.
  private checkForReload(): void {
    const file = this.config?.file;
    const now = Date.now();
    if (file === undefined || this.checking || now - this.lastCheckMs < RELOAD_CHECK_MS) return;
    this.lastCheckMs = now;
    this.checking = true;
    void this.reloadIfChanged(file).finally(() => (this.checking = false));
  }

  private async reloadIfChanged(file: string): Promise<void> {
    try {
      const mtimeMs = (await stat(file)).mtimeMs;
      if (mtimeMs === this.mtimeMs) return;
      const config = await loadWebConfig(file);
      this.mtimeMs = mtimeMs;
      const tlsChanged = JSON.stringify(config.tls) !== JSON.stringify(this.config?.tls);
      if (tlsChanged && config.tls === undefined) {
        this.log.warn({ file }, "The web config no longer has tls_server_config; a restart is needed to serve plain HTTP.");
      }
      this.config = config;
      this.auth = new BasicAuth(config.users);
      this.bucket = config.rateLimit && new TokenBucket(config.rateLimit.intervalMs, config.rateLimit.burst);
      if (tlsChanged && config.tls !== undefined) this.onTlsChange(config.tls);
      this.log.info({ file, users: config.users.size, tls: config.tls !== undefined }, "Reloaded the web config.");
    } catch (err) {
      // A broken edit keeps the settings in force, as a broken program keeps its running version.
      this.log.warn({ file, err: (err as Error).message }, "Cannot reload the web config; keeping the previous settings.");
    }
  }
}

/** A token bucket: `burst` requests at once, then one every `intervalMs`. */
export class TokenBucket {
  private tokens: number;
  private lastMs = Date.now();

  constructor(private readonly intervalMs: number, private readonly burst: number) {
    this.tokens = burst;
  }

  take(nowMs: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (nowMs - this.lastMs) / this.intervalMs);
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function reject(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
