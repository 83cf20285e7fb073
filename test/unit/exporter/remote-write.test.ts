// Remote-Write 1.0: requests decode with the protobuf schema to the series /metrics shows (plus __name__, the
// instance labels, sorted label names), split at the sample limit; the sink retries 5xx, 429 and network errors
// with backoff, drops 4xx without retrying, drops the oldest requests when its queue is full, and sends auth and
// headers. Against a real HTTP server on 127.0.0.1 (port 0) that decodes with snappy and protobufjs.
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import snappy from "snappy";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType } from "../../../src/metrics/types.js";
import { RemoteWriteSink, encodeStore, parseRemoteWriteConfig, writeRequestType, type RemoteWriteFlags } from "../../../src/exporter/remote-write/index.js";
import { waitFor } from "../../helpers/wait-for.js";

interface Decoded {
  timeseries?: Array<{ labels: Array<{ name: string; value: string }>; samples: Array<{ value: number; timestamp: number | { toNumber(): number } }> }>;
  metadata?: Array<{ type: number; metric_family_name: string; help: string }>;
}

function decode(body: Uint8Array): Decoded {
  const t = writeRequestType();
  return t.toObject(t.decode(body), { longs: Number, defaults: true }) as Decoded;
}

/** "name{a="x",b="y"} value" per sample, labels in the order sent. */
function lines(d: Decoded): string[] {
  return (d.timeseries ?? []).map((ts) => {
    const name = ts.labels.find((l) => l.name === "__name__")?.value;
    const rest = ts.labels.filter((l) => l.name !== "__name__").map((l) => `${l.name}="${l.value}"`);
    return `${name}{${rest.join(",")}} ${ts.samples[0]!.value}`;
  });
}

function store(): Store {
  const s = new Store();
  const base = { program: "web.mtail", hidden: false, limit: 0, source: "web.mtail:1:1" };
  const c = s.declare({ ...base, name: "requests_total", kind: Kind.Counter, type: ValueType.Int, keys: ["code", "Method"], buckets: [] });
  c.add(c.id2("200", "GET"), 3, 1);
  c.add(c.id2("500", "POST"), 1, 1);
  const h = s.declare({ ...base, name: "latency", kind: Kind.Histogram, type: ValueType.Buckets, keys: [], buckets: [0.5, 1] });
  for (const v of [0.1, 0.7, 3]) h.observe(h.id0(), v, 1);
  const t = s.declare({ ...base, name: "version", kind: Kind.Text, type: ValueType.String, keys: [], buckets: [] });
  t.setStr(t.id0(), "1.0", 1);
  return s;
}

const FLAGS: RemoteWriteFlags = {
  url: "http://127.0.0.1:1/api/v1/write",
  headers: [],
  labels: [],
  bearerTokenFile: "",
  username: "",
  passwordFile: "",
  caFile: "",
  certFile: "",
  keyFile: "",
  insecureSkipVerify: false,
  timeoutMs: 2000,
  queueSamples: 1_000_000,
};

describe("exporter/remote-write encoder", () => {
  it("sends the series of /metrics with __name__, instance labels (a series' own label wins) and label names sorted", () => {
    const reqs = [...encodeStore(store(), { emitProgLabel: true, extraLabels: [["node", "n1"], ["code", "from-instance"]], timestampMs: 1234, maxSamplesPerRequest: 1000 })];
    expect(reqs).to.have.length(1);
    const d = decode(reqs[0]!.body);
    expect(lines(d)).to.deep.equal([
      'latency_bucket{code="from-instance",le="0.5",node="n1",prog="web.mtail"} 1',
      'latency_bucket{code="from-instance",le="1",node="n1",prog="web.mtail"} 2',
      'latency_bucket{code="from-instance",le="+Inf",node="n1",prog="web.mtail"} 3',
      'latency_sum{code="from-instance",node="n1",prog="web.mtail"} 3.8',
      'latency_count{code="from-instance",node="n1",prog="web.mtail"} 3',
      'requests_total{Method="GET",code="200",node="n1",prog="web.mtail"} 3',
      'requests_total{Method="POST",code="500",node="n1",prog="web.mtail"} 1',
    ]);
    expect(reqs[0]!.samples).to.equal(7);
    for (const ts of d.timeseries!) {
      expect(ts.samples[0]!.timestamp).to.equal(1234);
      const names = ts.labels.map((l) => l.name);
      expect(names).to.deep.equal([...names].sort(), "label names sorted by byte order");
    }
    expect(d.metadata!.map((m) => [m.metric_family_name, m.type])).to.deep.equal([["latency", 3], ["requests_total", 1]]);
  });

  it("splits the store into requests of at most maxSamplesPerRequest samples", () => {
    const s = new Store();
    const c = s.declare({ program: "p", name: "c", kind: Kind.Counter, type: ValueType.Int, keys: ["k"], buckets: [], hidden: false, limit: 0, source: "p:1:1" });
    for (let i = 0; i < 25; i++) c.add(c.id1(String(i)), i, 1);
    const reqs = [...encodeStore(s, { emitProgLabel: false, extraLabels: [], timestampMs: 1, maxSamplesPerRequest: 10 })];
    expect(reqs.map((r) => r.samples)).to.deep.equal([10, 10, 5]);
    const all = reqs.flatMap((r) => lines(decode(r.body)));
    expect(all).to.have.length(25);
    expect(all).to.include('c{k="24"} 24');
  });
});

describe("exporter/remote-write config", () => {
  const bad = [
    { name: "not a URL", flags: { url: "prometheus:9090" }, re: /--remote_write_url/ },
    { name: "another scheme", flags: { url: "ftp://x/y" }, re: /only http/ },
    { name: "a header without a colon", flags: { headers: ["X-Scope-OrgID team"] }, re: /--remote_write_header/ },
    { name: "a header logtally sets", flags: { headers: ["Content-Encoding: gzip"] }, re: /set by logtally/ },
    { name: "a label that is not a label name", flags: { labels: ["1node=x"] }, re: /--remote_write_label/ },
    { name: "a reserved label", flags: { labels: ["__name__=x"] }, re: /--remote_write_label/ },
    { name: "a missing token file", flags: { bearerTokenFile: "/nonexistent/token" }, re: /Cannot read --remote_write_bearer_token_file/ },
    { name: "a user without password", flags: { username: "u" }, re: /go together/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.name} at start-up`, () => {
      expect(() => parseRemoteWriteConfig({ ...FLAGS, ...c.flags })).to.throw(c.re);
    });
  }
});

describe("exporter/remote-write sink", function () {
  this.timeout(20_000);
  let server: http.Server;
  let port = 0;
  let answer: (n: number) => number = () => 204;
  let received: Array<{ headers: http.IncomingHttpHeaders; samples: string[] }> = [];
  let attempts = 0;
  let dir: string;
  const silent = { info() {}, warn() {} };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-rw-"));
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const status = answer(++attempts);
        if (status === 0) {
          req.socket.destroy(); // a network error
          return;
        }
        if (status < 300) received.push({ headers: req.headers, samples: lines(decode(snappy.uncompressSync(Buffer.concat(chunks)) as Buffer)) });
        res.writeHead(status).end(status < 300 ? "" : "nope");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    received = [];
    attempts = 0;
  });

  const sink = (extra: Partial<RemoteWriteFlags> = {}) =>
    new RemoteWriteSink(parseRemoteWriteConfig({ ...FLAGS, url: `http://127.0.0.1:${port}/api/v1/write`, ...extra }), { emitProgLabel: true, version: "test", log: silent });

  it("sends with the protocol's headers, extra headers and a bearer token read from its file", async () => {
    answer = () => 204;
    const token = path.join(dir, "token");
    writeFileSync(token, "s3cret\n");
    const s = sink({ headers: ["X-Scope-OrgID: team-a"], bearerTokenFile: token });
    await s.pushOnce(store());
    await waitFor(() => s.stats.samplesSent === 7, 5000);
    const h = received[0]!.headers;
    expect(h["content-encoding"]).to.equal("snappy");
    expect(h["content-type"]).to.equal("application/x-protobuf");
    expect(h["x-prometheus-remote-write-version"]).to.equal("0.1.0");
    expect(h["x-scope-orgid"]).to.equal("team-a");
    expect(h.authorization).to.equal("Bearer s3cret");
    await s.close(1000);
  });

  it("sends basic auth from the password file", async () => {
    answer = () => 200;
    const pw = path.join(dir, "pw");
    writeFileSync(pw, "pa:ss\n");
    const s = sink({ username: "me", passwordFile: pw });
    await s.pushOnce(store());
    await waitFor(() => s.stats.samplesSent === 7, 5000);
    expect(received[0]!.headers.authorization).to.equal(`Basic ${Buffer.from("me:pa:ss").toString("base64")}`);
    await s.close(1000);
  });

  it("retries 5xx, 429 and network errors with backoff, then delivers once", async () => {
    answer = (n) => [503, 0, 429, 500][n - 1] ?? 204;
    const s = sink();
    await s.pushOnce(store());
    await waitFor(() => s.stats.samplesSent === 7, 10_000, () => JSON.stringify(s.stats));
    expect(attempts).to.equal(5);
    expect(s.stats.retries).to.equal(4);
    expect(received).to.have.length(1);
    expect(s.stats).to.include({ samplesFailed: 0, samplesDropped: 0, queuedSamples: 0 });
    await s.close(1000);
  });

  it("does not retry a 4xx: the request is dropped and counted as failed", async () => {
    answer = (n) => (n === 1 ? 400 : 204);
    const s = sink();
    await s.pushOnce(store());
    await waitFor(() => s.stats.samplesFailed === 7, 5000, () => JSON.stringify(s.stats));
    expect(attempts).to.equal(1);
    expect(s.stats.retries).to.equal(0);
    expect(s.stats.lastError).to.match(/HTTP 400/);
    await s.close(1000);
  });

  it("drops the oldest requests when the queue is full, counts them, and sends the newest once the endpoint is back", async () => {
    let down = true;
    answer = () => (down ? 503 : 204);
    const s = sink({ queueSamples: 10 });
    const st = store();
    await s.pushOnce(st); // 7 samples
    await s.pushOnce(st); // 14 > 10: the first push's request is dropped
    await s.pushOnce(st);
    expect(s.stats.samplesDropped).to.equal(14);
    expect(s.stats.queuedSamples).to.equal(7);
    down = false;
    await waitFor(() => s.stats.samplesSent === 7 && s.stats.queuedSamples === 0, 10_000, () => JSON.stringify(s.stats));
    expect(received).to.have.length(1);
    await s.close(1000);
  });
});
