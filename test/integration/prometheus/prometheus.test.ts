// End to end with the real Prometheus: Debian's `prometheus` scrapes a real logtally process on 127.0.0.1
// (ports picked free at run time, so parallel runs on one machine do not clash); log lines written to a file must arrive as series with the right values through
// Prometheus' query API, and `promtool check metrics` must accept logtally's /metrics. Skipped, with a message,
// when the binaries are not installed (.ci/run installs them).
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, freePort, httpGet } from "../../helpers/logtally-process.js";
import { scrapeConfig } from "../../helpers/prometheus-config.js";
import { waitFor } from "../../helpers/wait-for.js";

let PROM_PORT = 0;
let LOGTALLY_PORT = 0;

function have(binary: string): boolean {
  return spawnSync(binary, ["--version"], { stdio: "ignore" }).status === 0;
}

/** Runs an instant query and returns [labels, value] of each result series. */
async function query(q: string): Promise<Array<[Record<string, string>, string]>> {
  const r = await httpGet({ port: PROM_PORT }, `/api/v1/query?query=${encodeURIComponent(q)}`);
  if (r.status !== 200) return [];
  const j = JSON.parse(r.body) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return j.data.result.map((s) => [s.metric, s.value[1]]);
}

describe("Prometheus end to end (integration)", function () {
  this.timeout(60_000);
  let dir: string;
  let prometheus: ChildProcess | null = null;
  let promLog = "";
  let logtally: LogtallyProcess | null = null;

  before(function () {
    if (!have("prometheus") || !have("promtool")) {
      console.log("    (skipped: `prometheus` and `promtool` are not installed; .ci/run installs them with apt-get)");
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), "logtally-prom-"));
  });
  after(async () => {
    await logtally?.stop("SIGTERM").catch(() => logtally?.child.kill("SIGKILL"));
    if (prometheus !== null && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once("exit", resolve));
      prometheus.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      prometheus.kill("SIGKILL");
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("scrapes the derived series with the right values", async () => {
    const progs = path.join(dir, "progs");
    mkdirSync(progs);
    writeFileSync(
      path.join(progs, "web.mtail"),
      [
        "counter web_requests_total by method, code",
        "histogram web_latency_seconds buckets 0.1, 0.5, 1",
        "gauge web_last_bytes",
        "/^(?P<method>[A-Z]+) (?P<code>\\d+) (?P<latency>\\d+\\.\\d+) (?P<bytes>\\d+)$/ {",
        "  web_requests_total[$method][$code]++",
        "  web_latency_seconds = $latency",
        "  web_last_bytes = $bytes",
        "}",
        "",
      ].join("\n"),
    );
    const log = path.join(dir, "web.log");
    writeFileSync(log, "");
    logtally = new LogtallyProcess(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1"]);
    LOGTALLY_PORT = await logtally.waitForHttp();
    PROM_PORT = await freePort();

    const config = path.join(dir, "prometheus.yml");
    writeFileSync(config, scrapeConfig(LOGTALLY_PORT));
    prometheus = spawn("prometheus", [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${PROM_PORT}`,
      "--log.level=warn",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    prometheus.stdout!.on("data", (c: Buffer) => (promLog += c.toString()));
    prometheus.stderr!.on("data", (c: Buffer) => (promLog += c.toString()));

    appendFileSync(log, "GET 200 0.05 100\nGET 200 0.7 200\nPOST 500 2.5 300\n");
    const series = async () => Object.fromEntries((await query("web_requests_total")).map(([l, v]) => [`${l.method} ${l.code} ${l.prog}`, v]));
    let seen: Record<string, string> = {};
    await waitFor(async () => {
      seen = await series().catch(() => ({}));
      return seen["GET 200 web.mtail"] === "2" && seen["POST 500 web.mtail"] === "1";
    }, 45_000, () => `web_requests_total: ${JSON.stringify(seen)}; prometheus log:\n${promLog}`, 250);

    const bucket = await query('web_latency_seconds_bucket{le="0.5"}');
    expect(bucket.map(([, v]) => v)).to.deep.equal(["1"]);
    expect((await query("web_latency_seconds_count")).map(([, v]) => v)).to.deep.equal(["3"]);
    expect((await query("web_last_bytes")).map(([, v]) => v)).to.deep.equal(["300"]);
    expect((await query('logtally_lines_total{prog="web.mtail"}')).map(([, v]) => v)).to.deep.equal(["3"]);
    expect((await query('up{job="logtally"}')).map(([, v]) => v)).to.deep.equal(["1"]);

    // Later lines arrive too.
    appendFileSync(log, "GET 200 0.2 10\n");
    await waitFor(async () => (await series().catch(() => seen))["GET 200 web.mtail"] === "3", 30_000, () => promLog, 250);
  });

  it("passes `promtool check metrics`", async () => {
    const body = (await httpGet({ port: LOGTALLY_PORT }, "/metrics")).body;
    expect(body).to.include("web_requests_total");
    const r = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
    expect(r.stdout + r.stderr).to.equal("");
    expect(r.status).to.equal(0);
  });
});
