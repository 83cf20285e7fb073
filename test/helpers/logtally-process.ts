// Runs `node bin/logtally.js` as a real child process for integration tests: collects its output, waits for
// HTTP conditions with bounded timeouts, and stops it with a signal.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
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

/** How to start the process, when not as `node bin/logtally.js` with this process's environment and user. */
export interface LaunchOptions {
  command?: readonly string[];
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/** A running logtally process. */
export class LogtallyProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  /**
   * Runs `node bin/logtally.js ...args`, or `...launch.command, ...args` (`npm start --`); with `launch.uid`/`gid`
   * (root only) as that user, without supplementary groups, so file permissions apply as they would to a service.
   */
  constructor(args: readonly string[], cwd = REPO_ROOT, launch: LaunchOptions = {}) {
    const [file, ...pre] = launch.command ?? [process.execPath, BIN];
    this.child = spawn(file, [...pre, ...args], {
      cwd,
      env: launch.env ?? process.env,
      uid: launch.uid,
      gid: launch.gid,
      stdio: ["ignore", "pipe", "pipe"],
    });
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

  /**
   * The TCP port the process serves on, from its "Serving /metrics on HOST:PORT." log line (for `--port 0`, where
   * the kernel picks a free port, so parallel test runs on one machine never answer each other's requests).
   */
  async servingPort(timeoutMs = 10_000): Promise<number> {
    const re = /"address":"[^"]*:(\d+)"/;
    await waitFor(
      () => {
        if (this.exitCode !== null) throw new Error(`logtally exited with ${this.exitCode}; stderr:\n${this.stderr}`);
        return re.test(this.stderr);
      },
      timeoutMs,
      () => `no "Serving /metrics on" line (needs --log_level info or lower); stderr:\n${this.stderr}`,
      20,
    );
    return Number(re.exec(this.stderr)![1]);
  }

  /**
   * Waits until GET `path` answers `status` (the server is up) and resolves with the port. With port 0 (the process
   * was started with `--port 0`) the port is read from the process's log first.
   */
  async waitForHttp(port = 0, path = "/readyz", status = 200, timeoutMs = 10_000): Promise<number> {
    if (port === 0) port = await this.servingPort(timeoutMs);
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
    return port;
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

/**
 * A TCP port free on 127.0.0.1 right now (bound to port 0 and released), for servers that cannot report the port
 * they picked themselves (Prometheus). Fixed ports clash when two test runs share a machine.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
