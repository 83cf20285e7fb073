// `logtally healthcheck [flags]`: asks a running daemon's /healthz, finding it from the same flags and --config
// the daemon was given (address, port or UNIX socket, TLS from --web_config_file), so a container's HEALTHCHECK
// follows --port and --address instead of assuming 127.0.0.1:3903. Without flags, in a container whose process 1
// is logtally, it reads that process's own arguments. Exit 0 when it answers, 1 when not.
import http from "node:http";
import https from "node:https";
import { readFile, readlink } from "node:fs/promises";
import { resolve } from "node:path";
import { parse } from "yaml";
import { UsageError } from "./flags.js";
import type { Options } from "./flag-table.js";
import { resolveOptions } from "./options.js";
import { loadConfigFile } from "./config.js";

const TIMEOUT_MS = 3000;

/** Runs the check; writes one line to stderr when unhealthy. Resolves with the exit code. */
export async function runHealthcheck(argv: readonly string[], io: { stderr: NodeJS.WritableStream }): Promise<number> {
  let options: Options;
  const daemon = argv.length === 0 ? await containerDaemon() : undefined;
  try {
    options = await resolveOptions(daemon?.argv ?? argv, daemon ? (file) => loadConfigFile(resolve(daemon.cwd, file)) : undefined);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`logtally healthcheck: ${err.message}\n`);
    return 2;
  }
  const tls = await servesTls(options.web_config_file);
  const where = options.unix_socket !== "" ? { socketPath: options.unix_socket } : { host: localAddress(options.address), port: options.port };
  const what = "socketPath" in where ? where.socketPath : `${tls ? "https" : "http"}://${where.host}:${where.port}/healthz`;
  const status = await new Promise<number | string>((resolve) => {
    // The server's certificate is for its public name, not for 127.0.0.1: this only asks whether it answers.
    const req = (tls ? https : http).request({ ...where, path: "/healthz", method: "GET", timeout: TIMEOUT_MS, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", (err) => resolve(err.message));
    req.end();
  });
  // 401: the web config asks for basic auth, and the daemon answered, which is what a liveness check asks.
  if (status === 200 || status === 401) return 0;
  io.stderr.write(`logtally healthcheck: ${what}: ${typeof status === "number" ? `HTTP ${status}` : status}\n`);
  return 1;
}

// Where a daemon listening on `address` is reached from the same machine.
function localAddress(address: string): string {
  if (address === "" || address === "0.0.0.0") return "127.0.0.1";
  if (address === "::" || address === "[::]") return "::1";
  return address.replace(/^\[|\]$/g, "");
}

async function servesTls(webConfigFile: string): Promise<boolean> {
  if (webConfigFile === "") return false;
  try {
    const doc = parse(await readFile(webConfigFile, "utf8")) as { tls_server_config?: unknown } | null;
    return doc?.tls_server_config != null;
  } catch {
    return false; // the daemon refuses to start with a bad file; plain HTTP then fails the check as it should
  }
}

/**
 * The arguments and working folder of process 1 when it is logtally (a container started from our image, whose
 * ENTRYPOINT runs it directly), so the check finds the port whatever the container was started with.
 */
async function containerDaemon(): Promise<{ argv: string[]; cwd: string } | undefined> {
  try {
    const args = (await readFile("/proc/1/cmdline", "utf8")).split("\0");
    if (args[args.length - 1] === "") args.pop();
    const at = args.findIndex((a) => a.endsWith("/logtally.js") || a.endsWith("/logtally.cjs") || a.endsWith("/logtally"));
    if (at < 0) return undefined;
    return { argv: args.slice(at + 1), cwd: await readlink("/proc/1/cwd").catch(() => "/") };
  } catch {
    return undefined;
  }
}
