// Remote write end to end: Debian's prometheus with --web.enable-remote-write-receiver receives logtally's pushes
// (nothing scrapes logtally), the values are read back through Prometheus's query API with the instance label
// logtally adds; then Prometheus is stopped for a while: logtally retries (counted in its self metrics), does not
// crash, and once Prometheus is back on the same port the newer values arrive. Skipped when prometheus is missing.
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, freePort, httpGet } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

describe("Prometheus remote write end to end (integration)", function () {
  this.timeout(120_000);
  let dir: string;
  let prometheus: ChildProcess | null = null;
  let promLog = "";
  let logtally: LogtallyProcess | null = null;
  let promPort = 0;

  const startPrometheus = () => {
    prometheus = spawn("prometheus", [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      "--web.enable-remote-write-receiver",
      "--log.level=warn",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    prometheus.stdout!.on("data", (c: Buffer) => (promLog += c.toString()));
    prometheus.stderr!.on("data", (c: Buffer) => (promLog += c.toString()));
  };
  const stopPrometheus = async () => {
    const p = prometheus;
    if (p === null || p.exitCode !== null) return;
    const exited = new Promise((resolve) => p.once("exit", resolve));
    p.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
    p.kill("SIGKILL");
    prometheus = null;
  };
  const query = async (q: string): Promise<Array<[Record<string, string>, string]>> => {
    const r = await httpGet({ port: promPort }, `/api/v1/query?query=${encodeURIComponent(q)}`);
    if (r.status !== 200) return [];
    const j = JSON.parse(r.body) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    return j.data.result.map((s) => [s.metric, s.value[1]]);
  };
  const value = async (q: string): Promise<string | undefined> => (await query(q).catch(() => []))[0]?.[1];
  const selfMetric = async (port: number, name: string): Promise<number> => {
    const body = (await httpGet({ port }, "/metrics")).body;
    const line = body.split("\n").find((l) => l.startsWith(name + "{"));
    return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(" ") + 1));
  };

  before(function () {
    if (spawnSync("prometheus", ["--version"], { stdio: "ignore" }).status !== 0) {
      console.log("    (skipped: `prometheus` is not installed; .ci/run installs it with apt-get)");
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), "logtally-rw-e2e-"));
  });
  after(async () => {
    await logtally?.stop("SIGTERM").catch(() => logtally?.child.kill("SIGKILL"));
    await stopPrometheus();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("delivers the counters, retries while Prometheus is down and recovers", async () => {
    const progs = path.join(dir, "progs");
    mkdirSync(progs);
    writeFileSync(
      path.join(progs, "web.mtail"),
      ["counter web_requests_total by code", "histogram web_latency buckets 0.5, 1", "/^(?P<code>\\d+) (?P<l>\\d+\\.\\d+)$/ {", "  web_requests_total[$code]++", "  web_latency = $l", "}", ""].join("\n"),
    );
    writeFileSync(path.join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1m\n");
    const log = path.join(dir, "web.log");
    writeFileSync(log, "");
    promPort = await freePort();
    startPrometheus();
    await waitFor(async () => (await httpGet({ port: promPort }, "/-/ready").catch(() => ({ status: 0 }))).status === 200, 45_000, () => promLog, 200);

    logtally = new LogtallyProcess([
      "--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1",
      "--remote_write_url", `http://127.0.0.1:${promPort}/api/v1/write`,
      "--remote_write_label", "instance=node-a", "--remote_write_label", "node=worker-1",
      "--metric_push_interval", "300ms",
    ]);
    const port = await logtally.waitForHttp();
    appendFileSync(log, "200 0.1\n200 0.7\n500 2.0\n");
    const q = 'web_requests_total{instance="node-a",node="worker-1",prog="web.mtail",code="200"}';
    await waitFor(async () => (await value(q)) === "2", 45_000, () => `prometheus log:\n${promLog}\nlogtally:\n${logtally!.stderr}`, 250);
    expect(await value('web_requests_total{code="500",instance="node-a"}')).to.equal("1");
    expect(await value('web_latency_bucket{le="0.5",instance="node-a"}')).to.equal("1");
    expect(await value('web_latency_count{instance="node-a"}')).to.equal("3");

    // Prometheus goes away: logtally keeps counting and retries.
    await stopPrometheus();
    appendFileSync(log, "200 0.1\n200 0.1\n200 0.1\n");
    await waitFor(async () => (await selfMetric(port, "logtally_remote_write_retries_total")) >= 3, 20_000, () => logtally!.stderr);
    expect(logtally.exitCode).to.equal(null);
    expect(logtally.stderr).to.match(/Remote write failed; retrying with backoff/);

    // Back on the same port and data: the newer value arrives.
    startPrometheus();
    await waitFor(async () => (await value(q)) === "5", 60_000, () => `prometheus log:\n${promLog}\nlogtally:\n${logtally!.stderr}`, 250);
    expect(logtally.stderr).to.match(/Remote write works again/);
    expect(await selfMetric(port, "logtally_remote_write_samples_sent_total")).to.be.greaterThan(0);
    expect(await selfMetric(port, "logtally_remote_write_samples_failed_total")).to.equal(0);
  });
});
