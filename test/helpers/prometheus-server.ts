// Runs Debian's `prometheus` for end-to-end tests: a free port, a temp TSDB, its log kept for failure messages,
// instant queries through the HTTP API, and a stop that never leaves it running.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, httpGet } from "./logtally-process.js";

/** Whether `prometheus` and `promtool` are installed (.ci/run installs them). */
export function havePrometheus(): boolean {
  return ["prometheus", "promtool"].every((b) => spawnSync(b, ["--version"], { stdio: "ignore" }).status === 0);
}

/** A running Prometheus. */
export class PrometheusServer {
  log = "";
  private constructor(readonly port: number, private readonly child: ChildProcess) {
    child.stdout!.on("data", (c: Buffer) => (this.log += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (this.log += c.toString()));
  }

  /** Starts prometheus with `configYaml` written to `dir`/prometheus.yml and its TSDB in `dir`/tsdb. */
  static async start(dir: string, configYaml: string, extraArgs: readonly string[] = []): Promise<PrometheusServer> {
    const port = await freePort();
    const config = path.join(dir, "prometheus.yml");
    writeFileSync(config, configYaml);
    const child = spawn("prometheus", [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
      ...extraArgs,
    ], { stdio: ["ignore", "pipe", "pipe"] });
    return new PrometheusServer(port, child);
  }

  /** An instant query: [labels, value] per series; empty when Prometheus does not answer yet. */
  async query(q: string): Promise<Array<[Record<string, string>, string]>> {
    const r = await httpGet({ port: this.port }, `/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => undefined);
    if (r === undefined || r.status !== 200) return [];
    const j = JSON.parse(r.body) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    return j.data.result.map((s) => [s.metric, s.value[1]]);
  }

  /** The scrape targets' health and last errors, for failure messages. */
  async targets(): Promise<string> {
    const r = await httpGet({ port: this.port }, "/api/v1/targets").catch((e: Error) => ({ body: e.message }));
    return r.body;
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
    this.child.kill("SIGKILL");
  }
}
