// Runs `node bin/logtally.js` as a real child process for integration tests: collects its output, waits for
// HTTP conditions with bounded timeouts, and stops it with a signal.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait-for.js";

/** The repository root (dist/test/helpers/ is three levels below it). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = fileURLToPath(new URL("../../../bin/logtally.js", import.meta.url));

/** A response read whole. */
export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** GET (or another method) over TCP or a UNIX socket; rejects on connection errors. */
export function httpGet(
  target: { port: number; host?: string } | { socketPath: string },
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const where = "socketPath" in target ? { socketPath: target.socketPath } : { host: target.host ?? "127.0.0.1", port: target.port };
    const req = http.request({ ...where, path, headers, method, agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** A running logtally process. */
export class LogtallyProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  constructor(args: readonly string[], cwd = REPO_ROOT) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (c: string) => (this.stdout += c));
    this.child.stderr!.setEncoding("utf8").on("data", (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        resolve();
      });
    });
  }

  /** Resolves with the exit code once the process has exited (rejects after timeoutMs). */
  async exit(timeoutMs = 10_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.exited,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`logtally did not exit within ${timeoutMs} ms; stderr:\n${this.stderr}`)), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return this.exitCode;
  }

  /** Sends `signal` and waits for the exit; kills it hard if it does not stop in time. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10_000): Promise<number | null> {
    if (this.exitCode !== null || this.signal !== null) return this.exitCode;
    this.child.kill(signal);
    try {
      return await this.exit(timeoutMs);
    } catch (err) {
      this.child.kill("SIGKILL");
      throw err;
    }
  }

  /** Waits until GET `path` answers `status` (the server is up). */
  async waitForHttp(port: number, path = "/readyz", status = 200, timeoutMs = 10_000): Promise<void> {
    let last = "no answer";
    await waitFor(
      async () => {
        if (this.exitCode !== null) throw new Error(`logtally exited with ${this.exitCode}; stderr:\n${this.stderr}`);
        try {
          const r = await httpGet({ port }, path);
          last = `${r.status}`;
          return r.status === status;
        } catch (err) {
          last = (err as Error).message;
          return false;
        }
      },
      timeoutMs,
      () => `GET ${path} on port ${port}: ${last}; stderr:\n${this.stderr}`,
      50,
    );
  }
}

/** Waits until the body of GET `path` satisfies `predicate`; the failure message shows the last body. */
export async function waitForBody(port: number, path: string, predicate: (body: string) => boolean, timeoutMs = 10_000): Promise<string> {
  let last = "";
  await waitFor(
    async () => {
      try {
        last = (await httpGet({ port }, path)).body;
      } catch (err) {
        last = (err as Error).message;
        return false;
      }
      return predicate(last);
    },
    timeoutMs,
    () => `GET ${path}; last body:\n${last}`,
    50,
  );
  return last;
}
