// The HTTP server against a real store and a fake StatusSource, on 127.0.0.1 (port 0: the kernel picks a free one).
import { expect } from "chai";
import http from "node:http";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";
import { ListenError, MetricsServer, wantsOpenMetrics } from "../../../src/server/server.js";
import { escapeHtml } from "../../../src/server/status-page.js";
import type { ProgramInfo, StatusSource } from "../../../src/server/status.js";

/** The port the server under test was given by the kernel (set in `before`). */
let PORT = 0;
const silent = { info: () => {}, warn: () => {} };

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: PORT, path, headers, method, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("server/MetricsServer", () => {
  const store = new Store();
  const runtime = new Runtime(store);
  let ready = false;
  let notReady = "";
  const programs: ProgramInfo[] = [
    { name: "count.mtail", loaded: true, lastCompileError: "", lines: 3, matchedLines: 2, runtimeErrors: 1, lastRuntimeError: "bad <number>", loads: 1, compileFailures: 0 },
    { name: "broken.mtail", loaded: false, lastCompileError: "broken.mtail:3:3-5: Identifier `b' not declared.\n  b++\n  ^", lines: 0, runtimeErrors: 0, lastRuntimeError: "", loads: 0, compileFailures: 2 },
  ];
  const status: StatusSource = {
    programs: () => programs,
    files: () => [{ path: "/var/log/app.log", offset: 42, lines: 3, bytes: 42, rotations: 1, truncations: 0, linesCut: 2, readErrors: 0, error: "" }],
    tailerStats: () => ({ linesRead: 7, bytesRead: 90, rotations: 1, truncations: 4, readErrors: 5, linesCut: 2, openFiles: 1 }),
    ready: () => ready,
    notReadyReason: () => notReady,
    settings: () => ({ progs: "/etc/logtally" }),
    startedMs: Date.now(),
  };
  const server = new MetricsServer({ store, status, version: "9.9.9", emitProgLabel: true, emitTimestamp: false, log: silent });

  before(async () => {
    const r = runtime.load("count.mtail", "counter lines_seen by kind\n/^(?P<kind>\\w+)/ {\n  lines_seen[$kind]++\n}\n");
    expect(r.ok).to.equal(true);
    for (const l of ["get a", "put b", "get c"]) runtime.processLine(l, "/var/log/app.log");
    const bound = await server.listen({ address: "127.0.0.1", port: 0, unixSocket: "" });
    PORT = server.port()!;
    expect(PORT).to.be.greaterThan(0);
    expect(bound).to.equal(`127.0.0.1:${PORT}`);
  });
  after(() => server.close());

  it("serves program and self metrics in Prometheus text", async () => {
    const r = await get("/metrics");
    expect(r.status).to.equal(200);
    expect(r.type).to.match(/^text\/plain; version=0\.0\.4/);
    expect(r.body).to.include('lines_seen{kind="get",prog="count.mtail"} 2');
    expect(r.body).to.include('logtally_lines_total{prog="count.mtail"} 3');
    expect(r.body).to.include('logtally_lines_matched_total{prog="count.mtail"} 2');
    expect(r.body).to.include('logtally_program_compile_failures_total{prog="broken.mtail"} 2');
    expect(r.body).to.include('logtally_log_rotations_total{logfile="/var/log/app.log"} 1');
    expect(r.body).to.include("logtally_files_tailed 1");
    expect(r.body).to.include("process_cpu_seconds_total");
  });

  it("serves the tailer's totals and per-file counters", async () => {
    const r = await get("/metrics");
    const want = [
      'logtally_log_lines_total{logfile="/var/log/app.log"} 3',
      'logtally_log_bytes_total{logfile="/var/log/app.log"} 42',
      'logtally_log_lines_cut_total{logfile="/var/log/app.log"} 2',
      'logtally_log_read_errors_total{logfile="/var/log/app.log"} 0',
      "logtally_lines_read_total 7",
      "logtally_bytes_read_total 90",
      "logtally_rotations_total 1",
      "logtally_truncations_total 4",
      "logtally_read_errors_total 5",
      "logtally_lines_cut_total 2",
      "logtally_open_files 1",
    ];
    for (const line of want) expect(r.body).to.include(`\n${line}\n`);
    const page = (await get("/")).body;
    expect(page).to.include("Read 7 lines (90 bytes) with 1 files open; 1 rotations, 4 truncations, 2 lines cut, 5 read errors.");
    expect(page).to.include("<th>Lines cut</th>");
  });

  it("shows per program the lines read and the lines that matched a pattern", async () => {
    const page = (await get("/")).body;
    expect(page).to.match(/<th>Lines<\/th><th [^>]*>Matched<\/th>/);
    // count.mtail's row: 3 lines read, 2 matched, in that order.
    expect(page).to.match(/<code>count\.mtail<\/code>.*?<td class="n">3<\/td><td class="n">2<\/td>/s);
  });

  it("serves OpenMetrics when Accept asks for it", async () => {
    const r = await get("/metrics", { Accept: "application/openmetrics-text;version=1.0.0,text/plain;q=0.5" });
    expect(r.status).to.equal(200);
    expect(r.type).to.match(/^application\/openmetrics-text/);
    // The exporter decides how a counter without `_total` is typed in OpenMetrics; the series must be there.
    expect(r.body).to.match(/^lines_seen(_total)?\{kind="get",prog="count\.mtail"\} 2$/m);
    expect(r.body).to.include('logtally_lines_total{prog="count.mtail"} 3');
    expect(r.body.trimEnd().endsWith("# EOF")).to.equal(true);
  });

  it("keeps Prometheus names intact after an OpenMetrics scrape", async () => {
    await get("/metrics", { Accept: "application/openmetrics-text" });
    const r = await get("/metrics");
    expect(r.body).to.include("# TYPE logtally_lines_total counter");
    expect(r.body).to.include('logtally_lines_total{prog="count.mtail"} 3');
  });

  it("serves mtail's JSON", async () => {
    const r = await get("/json");
    expect(r.status).to.equal(200);
    const j = JSON.parse(r.body) as Record<string, Array<{ Program: string }>>;
    expect(j["lines_seen"]![0]!.Program).to.equal("count.mtail");
  });

  it("shows programs, compile errors and files on the status page, escaped", async () => {
    const r = await get("/");
    expect(r.status).to.equal(200);
    expect(r.type).to.match(/^text\/html/);
    expect(r.body).to.include("count.mtail");
    expect(r.body).to.include("compile failed: not running");
    expect(r.body).to.include("broken.mtail:3:3-5: Identifier `b&#39; not declared.");
    expect(r.body).to.include("bad &lt;number&gt;");
    expect(r.body).to.include("/var/log/app.log");
    expect(r.body).not.to.match(/<(script|link|img)\b/);
  });

  it("answers health and readiness", async () => {
    expect((await get("/healthz")).status).to.equal(200);
    ready = false;
    expect((await get("/readyz")).status).to.equal(503);
    ready = true;
    expect((await get("/readyz")).status).to.equal(200);
    // A program that never compiled: not ready, saying which, while /metrics answers without waiting.
    notReady = "not ready: never compiled: broken.mtail (see the status page)";
    const r = await get("/readyz");
    expect(r).to.include({ status: 503, body: `${notReady}\n` });
    expect((await get("/metrics")).status).to.equal(200);
    notReady = "";
  });

  it("answers 404 for unknown paths and 405 for other methods", async () => {
    expect((await get("/nope")).status).to.equal(404);
    expect((await get("/metrics", {}, "POST")).status).to.equal(405);
  });

  it("answers HEAD without a body", async () => {
    const r = await get("/metrics", {}, "HEAD");
    expect(r.status).to.equal(200);
    expect(r.body).to.equal("");
  });

  it("names the port when it is already in use", async () => {
    const other = new MetricsServer({ store, status, version: "x", emitProgLabel: true, emitTimestamp: false, log: silent });
    let err: unknown;
    try {
      await other.listen({ address: "127.0.0.1", port: PORT, unixSocket: "" });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ListenError);
    expect((err as Error).message).to.equal(
      `Cannot listen on port ${PORT} on 127.0.0.1: it is already in use. Stop the other process or choose another --port.`,
    );
  });
});

describe("server helpers", () => {
  it("negotiates OpenMetrics from Accept", () => {
    expect(wantsOpenMetrics(undefined)).to.equal(false);
    expect(wantsOpenMetrics("text/plain")).to.equal(false);
    expect(wantsOpenMetrics("application/openmetrics-text; version=1.0.0")).to.equal(true);
  });
  it("escapes HTML", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).to.equal("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("server/MetricsServer before start-up has finished", () => {
  let READY_PORT = 0;
  const store = new Store();
  let ready = false;
  const events: string[] = [];
  let markReady: () => void = () => {};
  let requestArrived: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (requestArrived = resolve));
  const status: StatusSource = {
    programs: () => [],
    files: () => [],
    ready: () => ready,
    whenReady: () => {
      requestArrived();
      return new Promise<void>((resolve) => (markReady = resolve));
    },
    settings: () => ({}),
    startedMs: Date.now(),
  };
  const server = new MetricsServer({ store, status, version: "0", emitProgLabel: true, emitTimestamp: false, log: silent });
  before(async () => {
    await server.listen({ address: "127.0.0.1", port: 0, unixSocket: "" });
    READY_PORT = server.port()!;
  });
  after(() => server.close());

  it("holds /metrics until the daemon is ready, then answers", async () => {
    const answer = new Promise<number>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: READY_PORT, path: "/metrics", agent: false }, (res) => {
          events.push("answered");
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on("error", reject);
    });
    await arrived;
    events.push("ready");
    ready = true;
    markReady();
    expect(await answer).to.equal(200);
    expect(events).to.deep.equal(["ready", "answered"]);
  });
});
