// /metrics in each exposition format the Accept header can ask for, with exemplars and a native histogram in the
// store, and the count of exemplars dropped for OpenMetrics' length limit among the self metrics.
import { expect } from "chai";
import http from "node:http";
import { MetricFamilyType } from "../../../src/exporter/metrics-proto.js";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";
import { MetricsServer } from "../../../src/server/server.js";
import type { StatusSource } from "../../../src/server/status.js";

let PORT = 0;

function get(path: string, accept?: string): Promise<{ type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = accept === undefined ? {} : { Accept: accept };
    const req = http.request({ host: "127.0.0.1", port: PORT, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ type: String(res.headers["content-type"]), body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The names of the delimited MetricFamily messages in a protobuf body. */
function familyNames(buf: Buffer): string[] {
  const names: string[] = [];
  const reader = { buf, at: 0 };
  while (reader.at < buf.length) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = buf[reader.at++]!;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    names.push((MetricFamilyType.decode(buf.subarray(reader.at, reader.at + len)) as unknown as { name: string }).name);
    reader.at += len;
  }
  return names;
}

describe("server: exposition formats", () => {
  const store = new Store();
  const runtime = new Runtime(store);
  const status: StatusSource = {
    programs: () => [],
    files: () => [],
    ready: () => true,
    settings: () => ({ progs: "/etc/logtally" }),
    startedMs: Date.now(),
  };
  const server = new MetricsServer({ store, status, version: "9.9.9", emitProgLabel: true, emitTimestamp: false, log: { info: () => {}, warn: () => {} } });

  before(async () => {
    const r = runtime.load(
      "ex.mtail",
      "histogram latency_seconds native by route exemplar trace_id\n/^(?P<route>\\S+) (?P<secs>\\S+) (?P<trace_id>\\S+)$/ {\n  latency_seconds[$route] = $secs\n}\n",
    );
    expect(r.ok, r.ok ? "" : r.diagnostics).to.equal(true);
    // The second id is 129 characters with its name: dropped and counted.
    for (const l of ["/a 0.2 abc", `/a 0.3 ${"x".repeat(121)}`]) runtime.processLine(l, "/var/log/app.log");
    await server.listen({ address: "127.0.0.1", port: 0, unixSocket: "" });
    PORT = server.port()!;
  });
  after(() => server.close());

  it("serves Prometheus text without Accept, the native-only histogram as +Inf, _count and _sum", async () => {
    const r = await get("/metrics");
    expect(r.type).to.match(/^text\/plain; version=0\.0\.4/);
    const text = r.body.toString();
    expect(text).to.include('latency_seconds_bucket{prog="ex.mtail",route="/a",le="+Inf"} 2\n');
    expect(text).to.include('latency_seconds_count{prog="ex.mtail",route="/a"} 2\n');
    expect(text).not.to.include("# {");
    expect(text).to.include('logtally_exemplars_dropped_total{prog="ex.mtail"} 1');
  });

  it("serves OpenMetrics with the kept exemplar when asked", async () => {
    const r = await get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
    expect(r.type).to.match(/^application\/openmetrics-text/);
    expect(r.body.toString()).to.match(/latency_seconds_bucket\{prog="ex\.mtail",route="\/a",le="\+Inf"\} 2 # \{trace_id="abc"\} 0\.2 [0-9.]+\n/);
  });

  it("serves the delimited protobuf format, self metrics first, when the scraper ranks it first", async () => {
    const r = await get("/metrics", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8");
    expect(r.type).to.equal("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
    const names = familyNames(r.body);
    expect(names).to.include("logtally_exemplars_dropped_total");
    expect(names[names.length - 1]).to.equal("latency_seconds");
  });
});
