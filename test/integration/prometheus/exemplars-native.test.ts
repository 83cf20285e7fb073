// End to end with the real Prometheus: exemplars and native histograms. Two Prometheus servers scrape one
// logtally: one with --enable-feature=exemplar-storage,native-histograms (it negotiates the protobuf format,
// the only one that carries native histograms), one with exemplar-storage only (it negotiates OpenMetrics text).
// Both must return the trace and request ids of the lines written through /api/v1/query_exemplars, and
// histogram_count() / histogram_quantile() over the native histogram must agree with the values written.
// Expected values are computed here from the lines. Skipped, with a message, without `prometheus`.
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, freePort, httpGet } from "../../helpers/logtally-process.js";
import { scrapeConfig } from "../../helpers/prometheus-config.js";
import { waitFor } from "../../helpers/wait-for.js";

const PROGRAM = [
  "histogram http_request_duration_seconds buckets 0.05, 0.1, 0.5, 1 by route exemplar trace_id",
  "histogram request_seconds native by route exemplar trace_id",
  "counter http_errors_total by route exemplar request_id",
  "/^(?P<route>\\S+) (?P<code>\\d+) (?P<secs>\\d+\\.\\d+) trace_id=(?P<trace_id>\\w+) request_id=(?P<request_id>\\S+)$/ {",
  "  http_request_duration_seconds[$route] = $secs",
  "  request_seconds[$route] = $secs",
  "  $code >= 500 {",
  "    http_errors_total[$route]++",
  "  }",
  "}",
  "",
].join("\n");

interface Line {
  route: string;
  code: number;
  secs: number;
  trace: string;
  req: string;
}

/** 60 requests on two routes, latencies spread over three decades, every 7th an error. */
function makeLines(): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < 60; i++) {
    const route = i % 3 === 0 ? "/b" : "/a";
    const secs = Number((0.002 * Math.pow(1.13, i)).toFixed(6));
    out.push({ route, code: i % 7 === 0 ? 503 : 200, secs, trace: `trace${i.toString(16).padStart(4, "0")}`, req: `req-${i}` });
  }
  return out;
}

function have(binary: string): boolean {
  return spawnSync(binary, ["--version"], { stdio: "ignore" }).status === 0;
}

/** A Prometheus server scraping one target every second. */
class PrometheusServer {
  child: ChildProcess | null = null;
  log = "";
  port = 0;

  async start(dir: string, target: number, features: string): Promise<void> {
    this.port = await freePort();
    mkdirSync(dir, { recursive: true });
    const config = path.join(dir, "prometheus.yml");
    writeFileSync(config, scrapeConfig(target));
    this.child = spawn("prometheus", [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${this.port}`,
      `--enable-feature=${features}`,
      "--log.level=warn",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (c: Buffer) => (this.log += c.toString()));
    this.child.stderr!.on("data", (c: Buffer) => (this.log += c.toString()));
  }

  async api<T>(pathAndQuery: string): Promise<T | null> {
    const r = await httpGet({ port: this.port }, pathAndQuery).catch(() => null);
    if (r === null || r.status !== 200) return null;
    return (JSON.parse(r.body) as { data: T }).data;
  }

  /** Instant query: each result's labels and value (or native histogram). */
  async query(q: string): Promise<Array<{ metric: Record<string, string>; value?: [number, string] }>> {
    return (await this.api<{ result: Array<{ metric: Record<string, string>; value?: [number, string] }> }>(
      `/api/v1/query?query=${encodeURIComponent(q)}`,
    ))?.result ?? [];
  }

  /** Exemplar label values of `name` per series, over the last ten minutes. */
  async exemplars(q: string, label: string): Promise<Array<{ series: Record<string, string>; values: string[] }>> {
    const now = Date.now() / 1000;
    const data = await this.api<Array<{ seriesLabels: Record<string, string>; exemplars: Array<{ labels: Record<string, string> }> }>>(
      `/api/v1/query_exemplars?query=${encodeURIComponent(q)}&start=${now - 600}&end=${now + 60}`,
    );
    return (data ?? []).map((d) => ({ series: d.seriesLabels, values: d.exemplars.map((e) => e.labels[label]!) }));
  }

  async stop(): Promise<void> {
    const p = this.child;
    if (p === null || p.exitCode !== null) return;
    const exited = new Promise((resolve) => p.once("exit", resolve));
    p.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
    if (p.exitCode === null) p.kill("SIGKILL");
  }
}

const BOUNDS = [0.05, 0.1, 0.5, 1, Infinity];
/** The bucket a value falls in, by its upper bound. */
const upperOf = (secs: number): number => BOUNDS.find((u) => secs <= u)!;
/** An `le` label as a number: Prometheus writes le="1.0" for a bound read from protobuf, le="1" from text. */
const leValue = (le: string | undefined): number => (le === "+Inf" ? Infinity : Number(le));

describe("Prometheus end to end: exemplars and native histograms (integration)", function () {
  this.timeout(120_000);
  let dir: string;
  let logtally: LogtallyProcess | null = null;
  let logtallyPort = 0;
  const native = new PrometheusServer();
  const openMetrics = new PrometheusServer();
  const lines = makeLines();

  before(async function () {
    if (!have("prometheus")) {
      console.log("    (skipped: `prometheus` is not installed; .ci/run installs it with apt-get)");
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), "logtally-prom-ex-"));
    const progs = path.join(dir, "progs");
    mkdirSync(progs);
    writeFileSync(path.join(progs, "requests.mtail"), PROGRAM);
    const log = path.join(dir, "requests.log");
    writeFileSync(log, "");
    logtally = new LogtallyProcess(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1"]);
    const port = (logtallyPort = await logtally.waitForHttp());
    await native.start(path.join(dir, "native"), port, "exemplar-storage,native-histograms");
    await openMetrics.start(path.join(dir, "openmetrics"), port, "exemplar-storage");
    appendFileSync(log, lines.map((l) => `${l.route} ${l.code} ${l.secs} trace_id=${l.trace} request_id=${l.req}\n`).join(""));
    // Both servers have scraped every line once the counters show them all.
    const errors = lines.filter((l) => l.code >= 500).length;
    for (const p of [native, openMetrics]) {
      await waitFor(async () => {
        const r = await p.query("sum(http_errors_total)");
        return r[0]?.value?.[1] === String(errors);
      }, 60_000, () => `sum(http_errors_total) != ${errors}; prometheus log:\n${p.log}`, 250);
    }
  });

  after(async () => {
    await native.stop();
    await openMetrics.stop();
    await logtally?.stop("SIGTERM").catch(() => logtally?.child.kill("SIGKILL"));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The last line per (route, le) of the classic histogram: the exemplar logtally must have exposed. */
  function latestPerBucket(): Map<string, string> {
    const out = new Map<string, string>();
    for (const l of lines) out.set(`${l.route} ${upperOf(l.secs)}`, l.trace);
    return out;
  }

  for (const [name, server] of [["protobuf (native-histograms)", native], ["OpenMetrics", openMetrics]] as const) {
    it(`returns the trace ids of the histogram buckets through query_exemplars (${name})`, async () => {
      const want = latestPerBucket();
      const written = new Set(lines.map((l) => l.trace));
      let got: Awaited<ReturnType<PrometheusServer["exemplars"]>> = [];
      await waitFor(async () => {
        got = await server.exemplars("http_request_duration_seconds_bucket", "trace_id");
        const seen = new Set(got.flatMap((g) => g.values.map((v) => `${g.series.route} ${leValue(g.series.le)} ${v}`)));
        return [...want].every(([k, trace]) => seen.has(`${k} ${trace}`));
      }, 30_000, () => `exemplars: ${JSON.stringify(got)}`, 250);
      // Every exemplar Prometheus holds is a trace id that was written, on the bucket its line's value fell in.
      const byTrace = new Map(lines.map((l) => [l.trace, l]));
      for (const g of got) {
        for (const v of g.values) {
          expect(written.has(v), v).to.equal(true);
          const l = byTrace.get(v)!;
          expect(g.series.route).to.equal(l.route);
          expect(leValue(g.series.le)).to.equal(upperOf(l.secs));
        }
      }
    });

    it(`returns the request ids of the errors through query_exemplars (${name})`, async () => {
      const lastError = new Map<string, string>();
      for (const l of lines) if (l.code >= 500) lastError.set(l.route, l.req);
      let got: Awaited<ReturnType<PrometheusServer["exemplars"]>> = [];
      await waitFor(async () => {
        got = await server.exemplars("http_errors_total", "request_id");
        return [...lastError].every(([route, req]) => got.some((g) => g.series.route === route && g.values.includes(req)));
      }, 30_000, () => `exemplars: ${JSON.stringify(got)}`, 250);
      const errorIds = new Set(lines.filter((l) => l.code >= 500).map((l) => l.req));
      for (const g of got) for (const v of g.values) expect(errorIds.has(v), v).to.equal(true);
    });
  }

  it("counts the native histogram's observations (histogram_count)", async () => {
    for (const route of ["/a", "/b"]) {
      const r = await native.query(`histogram_count(request_seconds{route="${route}"})`);
      expect(r.map((x) => x.value?.[1])).to.deep.equal([String(lines.filter((l) => l.route === route).length)]);
    }
  });

  it("gives quantiles inside the native bucket of the true quantile (histogram_quantile)", async () => {
    for (const route of ["/a", "/b"]) {
      const values = lines.filter((l) => l.route === route).map((l) => l.secs).sort((a, b) => a - b);
      for (const q of [0.5, 0.9, 0.99]) {
        const r = await native.query(`histogram_quantile(${q}, request_seconds{route="${route}"})`);
        const got = Number(r[0]?.value?.[1]);
        // The observation of rank q * count lies in bucket i, (2^((i-1)/8), 2^(i/8)] at schema 3; Prometheus
        // interpolates inside that bucket.
        const v = values[Math.max(0, Math.ceil(q * values.length) - 1)]!;
        const i = Math.ceil(Math.log2(v) * 8 - 1e-9);
        expect(got, `q=${q} route=${route} true value ${v}`).to.be.within(Math.pow(2, (i - 1) / 8) * (1 - 1e-9), Math.pow(2, i / 8) * (1 + 1e-9));
      }
    }
  });

  it("passes `promtool check metrics` on the Prometheus text (promtool 2.42 reads no OpenMetrics: the strict parser in test/unit/runtime/exemplars.test.ts and the OpenMetrics server above check that)", async function () {
    if (!have("promtool")) this.skip();
    const body = (await httpGet({ port: logtallyPort }, "/metrics")).body;
    expect(body).to.include('request_seconds_bucket{prog="requests.mtail",route="/a",le="+Inf"}');
    const r = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
    expect(r.stdout + r.stderr).to.equal("");
    expect(r.status).to.equal(0);
  });

  it("keeps the classic histogram and the counters' mtail names in both formats", async () => {
    for (const p of [native, openMetrics]) {
      const r = await p.query('http_request_duration_seconds_bucket{route="/a",le="0.1"}');
      expect(r.map((x) => x.value?.[1])).to.deep.equal([String(lines.filter((l) => l.route === "/a" && l.secs <= 0.1).length)]);
    }
    // The native-only histogram reaches the OpenMetrics server as its _count and _sum.
    const count = await openMetrics.query('request_seconds_count{route="/b"}');
    expect(count.map((x) => x.value?.[1])).to.deep.equal([String(lines.filter((l) => l.route === "/b").length)]);
  });
});
