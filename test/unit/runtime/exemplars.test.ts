// Exemplars from program to exposition: the `exemplar` attribute, which capture labels each update, what is kept
// per bucket or series, the OpenMetrics limit, program time, and the OpenMetrics / Prometheus / JSON output.
// Expected values are computed here from the lines the tests write, not taken from the code under test.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { renderJson } from "../../../src/exporter/json.js";
import { StoreExposition } from "../../../src/exporter/prometheus-text.js";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";

function run(src: string, lines: string[]): Store {
  const store = new Store();
  const runtime = new Runtime(store, {});
  const r = runtime.load("ex.mtail", src);
  if (!r.ok) throw new Error(r.diagnostics);
  for (const l of lines) runtime.processLine(l, "/var/log/app.log");
  return store;
}

function metric(store: Store, name: string) {
  const m = store.metrics().find((x) => x.name === name);
  if (m === undefined) throw new Error(`no metric ${name}`);
  return m;
}

const LATENCY = [
  "histogram latency buckets 0.05, 0.1, 0.5, 1 by route exemplar trace_id, span_id",
  "counter errors_total by route exemplar request_id",
  "/^(?P<route>\\S+) (?P<code>\\d+) (?P<secs>\\d+\\.\\d+) trace=(?P<trace_id>\\w*)( span=(?P<span_id>\\w+))? req=(?P<request_id>\\S+)$/ {",
  "  latency[$route] = $secs",
  "  $code >= 500 {",
  "    errors_total[$route]++",
  "  }",
  "}",
  "",
].join("\n");

interface Line {
  route: string;
  code: number;
  secs: number;
  trace: string;
  span?: string;
  req: string;
}

const lines: Line[] = [
  { route: "/a", code: 200, secs: 0.07, trace: "t1", span: "s1", req: "r1" },
  { route: "/a", code: 500, secs: 0.3, trace: "t2", req: "r2" },
  { route: "/a", code: 200, secs: 0.08, trace: "t3", span: "s3", req: "r3" },
  { route: "/b", code: 503, secs: 2.5, trace: "t4", span: "s4", req: "r4" },
  // No trace id, no span: the bucket keeps its earlier exemplar (this one would link to nothing).
  { route: "/b", code: 200, secs: 2.0, trace: "", req: "r5" },
];
const text = (l: Line): string => `${l.route} ${l.code} ${l.secs} trace=${l.trace}${l.span ? ` span=${l.span}` : ""} req=${l.req}`;
const BOUNDS = [0.05, 0.1, 0.5, 1, Infinity];

/** The latest line (with a trace id) per route and bucket, computed from the lines. */
function expectedHistogramExemplars(): Map<string, Line> {
  const out = new Map<string, Line>();
  for (const l of lines) {
    if (l.trace === "" && l.span === undefined) continue;
    const b = BOUNDS.findIndex((u) => l.secs <= u);
    out.set(`${l.route} ${b}`, l);
  }
  return out;
}

describe("exemplars", () => {
  it("parses `exemplar` and `native` as attributes and still as names", () => {
    const store = run(
      [
        "counter exemplar by native",
        "counter native by exemplar",
        "histogram h buckets 1, 2 by exemplar native",
        "/(?P<exemplar>\\w+) (?P<native>\\d+)/ {",
        "  exemplar[$exemplar]++",
        "  native[$native] += 2",
        "  h[$exemplar] = $native",
        "}",
        "",
      ].join("\n"),
      ["x 1"],
    );
    expect(metric(store, "exemplar").keys).to.deep.equal(["native"]);
    expect(metric(store, "exemplar").num(metric(store, "exemplar").findId(["x"]))).to.equal(1);
    expect(metric(store, "native").num(metric(store, "native").findId(["1"]))).to.equal(2);
    const h = metric(store, "h");
    expect(h.keys).to.deep.equal(["exemplar"]);
    expect(h.native).to.equal(true);
    expect(h.exemplarNames).to.deep.equal([]);
  });

  it("keeps the latest exemplar of each histogram bucket and counter series", () => {
    const store = run(LATENCY, lines.map(text));
    const h = metric(store, "latency");
    const want = expectedHistogramExemplars();
    for (const route of ["/a", "/b"]) {
      const id = h.findId([route]);
      for (let b = 0; b < BOUNDS.length; b++) {
        const l = want.get(`${route} ${b}`);
        const e = h.exemplar(id, b);
        if (l === undefined) {
          expect(e, `${route} bucket ${b}`).to.equal(null);
          continue;
        }
        const labels: [string, string][] = [["trace_id", l.trace]];
        if (l.span !== undefined) labels.push(["span_id", l.span]);
        expect(e?.labels).to.deep.equal(labels);
        expect(e?.value).to.equal(l.secs);
      }
    }
    const c = metric(store, "errors_total");
    for (const route of ["/a", "/b"]) {
      const last = lines.filter((l) => l.route === route && l.code >= 500).pop()!;
      expect(c.exemplar(c.findId([route]))).to.deep.include({ labels: [["request_id", last.req]], value: 1 });
    }
  });

  it("keeps the exemplar of a histogram observed from a string capture (\\S+)", () => {
    const store = run("histogram h buckets 1, 2 exemplar id\n/^(?P<v>\\S+) (?P<id>\\S+)$/ {\n  h = $v\n}\n", ["1.5 a", "0.5 b"]);
    const h = metric(store, "h");
    expect(h.histCount(0)).to.equal(2);
    expect(h.exemplar(0, 0)).to.deep.include({ labels: [["id", "b"]], value: 0.5 });
    expect(h.exemplar(0, 1)).to.deep.include({ labels: [["id", "a"]], value: 1.5 });
  });

  it("stamps exemplars with the program's time when it set one, else the wall clock", () => {
    const src = [
      "counter hits_total exemplar id",
      "/^(?P<when>\\S+) (?P<id>\\w+)( (?P<t>set))?$/ {",
      "  defined($t) {",
      "    strptime($when, \"2006-01-02T15:04:05Z07:00\")",
      "  }",
      "  hits_total++",
      "}",
      "",
    ].join("\n");
    const before = Date.now();
    const store = run(src, ["2024-03-01T10:00:00Z a set"]);
    const c = metric(store, "hits_total");
    expect(c.exemplar(c.findId([]))?.timeMs).to.equal(Date.UTC(2024, 2, 1, 10, 0, 0));
    const wall = run(src, ["2024-03-01T10:00:00Z b"]);
    const w = metric(wall, "hits_total").exemplar(0)!;
    expect(w.timeMs).to.be.within(before, Date.now());
  });

  it("drops (and counts) an exemplar over OpenMetrics' 128 characters, keeping the previous one", () => {
    const src = "counter c_total exemplar trace_id\n/(?P<trace_id>\\S+)/ {\n  c_total++\n}\n";
    // "trace_id" is 8 characters: 120 characters of value is the most that fits; multi-byte characters count once.
    const fits = "é".repeat(120);
    const store = run(src, [fits, "x".repeat(121)]);
    const c = metric(store, "c_total");
    expect(c.exemplar(0)?.labels).to.deep.equal([["trace_id", fits]]);
    expect(c.exemplarsDropped).to.equal(1);
    expect(c.num(0)).to.equal(2);
  });

  it("writes exemplars and _created in OpenMetrics, nothing new in Prometheus text", () => {
    const store = run(LATENCY, lines.map(text));
    const exposition = new StoreExposition(store, {});
    const om = exposition.text("openmetrics");
    const h = metric(store, "latency");
    const created = (id: number) => String(h.created(id) / 1000);
    const idA = h.findId(["/a"]);
    const ts = (id: number, b: number) => String(h.exemplar(id, b)!.timeMs / 1000);
    expect(om).to.include(
      `latency_bucket{prog="ex.mtail",route="/a",le="0.1"} 2 # {trace_id="t3",span_id="s3"} 0.08 ${ts(idA, 1)}\n` +
        `latency_bucket{prog="ex.mtail",route="/a",le="0.5"} 3 # {trace_id="t2"} 0.3 ${ts(idA, 2)}\n` +
        `latency_bucket{prog="ex.mtail",route="/a",le="1"} 3\n`,
    );
    expect(om).to.include(`latency_count{prog="ex.mtail",route="/a"} 3\nlatency_created{prog="ex.mtail",route="/a"} ${created(idA)}\n`);
    const c = metric(store, "errors_total");
    const idB = c.findId(["/b"]);
    expect(om).to.include("# TYPE errors counter\n");
    expect(om).to.include(
      `errors_total{prog="ex.mtail",route="/b"} 1 # {request_id="r4"} 1 ${String(c.exemplar(idB)!.timeMs / 1000)}\n` +
        `errors_created{prog="ex.mtail",route="/b"} ${String(c.created(idB) / 1000)}\n`,
    );
    const prom = exposition.text("prometheus");
    expect(prom).not.to.include("#  {");
    expect(prom).not.to.include(" # {");
    expect(prom).not.to.include("_created");
  });

  it("types a counter declared with `exemplar` as a counter in OpenMetrics (samples gain _total)", () => {
    const store = run("counter c by route exemplar request_id\n/(?P<route>\\S+) (?P<request_id>\\S+)/ {\n  c[$route]++\n}\n", ["/x r9"]);
    const om = new StoreExposition(store, {}).text("openmetrics");
    expect(om).to.match(/^# HELP c defined at ex\.mtail:1:9\n# TYPE c counter\nc_total\{prog="ex\.mtail",route="\/x"\} 1 # \{request_id="r9"\} 1 [0-9.]+\nc_created\{prog="ex\.mtail",route="\/x"\} [0-9.]+\n$/);
    // Prometheus text 0.0.4 keeps mtail's name.
    expect(new StoreExposition(store, {}).text("prometheus")).to.include('c{prog="ex.mtail",route="/x"} 1\n');
  });

  it("passes a strict OpenMetrics parser (python3-prometheus-client) when installed", function () {
    const probe = spawnSync("/usr/bin/python3", ["-c", "import prometheus_client.openmetrics.parser"], { stdio: "ignore" });
    if (probe.status !== 0) {
      console.log("    (skipped: python3-prometheus-client is not installed)");
      this.skip();
    }
    const store = run(LATENCY, lines.map(text));
    const om = new StoreExposition(store, {}).text("openmetrics") + "# EOF\n";
    const script = [
      "import sys, json",
      "from prometheus_client.openmetrics.parser import text_string_to_metric_families",
      "out = []",
      "for f in text_string_to_metric_families(sys.stdin.read()):",
      "  for s in f.samples:",
      "    if s.exemplar: out.append([s.name, s.labels, s.exemplar.labels, s.exemplar.value])",
      "print(json.dumps(out))",
    ].join("\n");
    const r = spawnSync("/usr/bin/python3", ["-c", script], { input: om, encoding: "utf8" });
    expect(r.stderr).to.equal("");
    const parsed = JSON.parse(r.stdout) as [string, Record<string, string>, Record<string, string>, number][];
    const want = expectedHistogramExemplars();
    const fromHistogram = parsed.filter((p) => p[0] === "latency_bucket");
    expect(fromHistogram.length).to.equal(want.size);
    for (const [, labels, ex, value] of fromHistogram) {
      const b = labels.le === "+Inf" ? 4 : BOUNDS.indexOf(Number(labels.le));
      const l = want.get(`${labels.route} ${b}`)!;
      expect(ex).to.deep.equal(l.span === undefined ? { trace_id: l.trace } : { trace_id: l.trace, span_id: l.span });
      expect(value).to.equal(l.secs);
    }
    expect(parsed.filter((p) => p[0] === "errors_total").map((p) => p[2].request_id)).to.have.members(["r2", "r4"]);
  });

  it("programs/request_traces.mtail: each bucket's exemplar is the last traced line in it, stamped with its time", () => {
    const root = new URL("../../../../programs/", import.meta.url);
    const src = readFileSync(new URL("request_traces.mtail", root), "utf8");
    const log = readFileSync(new URL("request_traces.test/sample.log", root), "utf8").trimEnd().split("\n");
    const store = run(src, log);
    const bounds = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, Infinity];
    // From the sample itself: the last line with a trace id per (route, bucket), the last 5xx per route.
    const wantBucket = new Map<string, { trace: string; span: string; secs: number; ms: number }>();
    const wantError = new Map<string, string>();
    for (const l of log) {
      const f = JSON.parse(l) as Record<string, string | number | undefined>;
      const secs = Number(f.duration_ms) / 1000;
      if (f.trace_id !== undefined) {
        wantBucket.set(`${f.route} ${bounds.findIndex((b) => secs <= b)}`, { trace: String(f.trace_id), span: String(f.span_id), secs, ms: Date.parse(String(f.time)) });
      }
      if (Number(f.status) >= 500 && f.request_id !== undefined) wantError.set(String(f.route), String(f.request_id));
    }
    const h = metric(store, "http_request_duration_seconds");
    let seen = 0;
    for (const id of h.ids()) {
      for (let b = 0; b < bounds.length; b++) {
        const want = wantBucket.get(`${h.label(id, 0)} ${b}`);
        const e = h.exemplar(id, b);
        if (want === undefined) {
          expect(e).to.equal(null);
          continue;
        }
        expect(e).to.deep.equal({ labels: [["trace_id", want.trace], ["span_id", want.span]], value: want.secs, timeMs: want.ms });
        seen++;
      }
    }
    expect(seen).to.equal(wantBucket.size);
    const errors = metric(store, "http_request_errors_total");
    expect(Object.fromEntries(errors.ids().map((id) => [errors.label(id, 0), errors.exemplar(id)?.labels[0]?.[1]]))).to.deep.equal(Object.fromEntries(wantError));
  });

  it("stamps _created with the series' first update time (the program's time here)", () => {
    const store = run(
      "counter hits_total by route\n/^(?P<t>\\S+) (?P<route>\\S+)$/ {\n  strptime($t, \"2006-01-02T15:04:05Z07:00\")\n  hits_total[$route]++\n}\n",
      ["2024-01-01T00:00:10Z /a", "2024-01-01T00:00:20Z /a"],
    );
    const c = metric(store, "hits_total");
    expect(c.created(c.findId(["/a"]))).to.equal(Date.UTC(2024, 0, 1, 0, 0, 10));
    expect(c.time(c.findId(["/a"]))).to.equal(Date.UTC(2024, 0, 1, 0, 0, 20));
  });

  it("takes exemplar labels from json and logfmt fields, leaving out a missing field", () => {
    const store = run(
      [
        "histogram latency_seconds buckets 0.1, 1 by route exemplar trace_id, span_id",
        "counter errors_total exemplar request_id",
        "json {",
        "  latency_seconds[$route] = $secs",
        "}",
        "logfmt {",
        "  errors_total++",
        "}",
        "",
      ].join("\n"),
      [
        '{"route":"/a","secs":0.05,"trace_id":"abc","span_id":"s1"}',
        '{"route":"/a","secs":0.5,"trace_id":"def"}',
        "level=error request_id=r-7",
      ],
    );
    const h = metric(store, "latency_seconds");
    const id = h.findId(["/a"]);
    expect(h.exemplar(id, 0)).to.deep.include({ labels: [["trace_id", "abc"], ["span_id", "s1"]], value: 0.05 });
    expect(h.exemplar(id, 1)).to.deep.include({ labels: [["trace_id", "def"]], value: 0.5 });
    expect(metric(store, "errors_total").exemplar(0)?.labels).to.deep.equal([["request_id", "r-7"]]);
  });

  it("lists exemplars in /json", () => {
    const store = run(LATENCY, lines.map(text));
    const j = JSON.parse(renderJson(store)) as Record<string, Array<{ LabelValues: Array<{ Labels: string[]; Value: Record<string, unknown> }> }>>;
    const a = j.latency![0]!.LabelValues.find((v) => v.Labels[0] === "/a")!;
    const ex = a.Value.Exemplars as Record<string, { Labels: Record<string, string>; Value: number }>;
    expect(Object.keys(ex)).to.deep.equal(["0.1", "0.5"]);
    expect(ex["0.5"]).to.deep.include({ Labels: { trace_id: "t2" }, Value: 0.3 });
    const e = j.errors_total![0]!.LabelValues.find((v) => v.Labels[0] === "/a")!;
    expect(e.Value.Exemplar).to.deep.include({ Labels: { request_id: "r2" }, Value: 1 });
  });
});
