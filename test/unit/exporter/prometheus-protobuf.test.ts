// The protobuf exposition: what each family's messages hold (decoded back with protobufjs's reader for the same
// schema), the length-delimited framing (walked by hand), and the Accept header negotiation. The real Prometheus
// reads it in test/integration/prometheus/exemplars-native.test.ts.
import { expect } from "chai";
import { MetricFamilyType } from "../../../src/exporter/metrics-proto.js";
import { encodeFamilies, encodeStore, encodeStoreSliced, promClientFamilies, storeFamilies } from "../../../src/exporter/prometheus-protobuf.js";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";
import { chooseExposition } from "../../../src/server/server.js";

function run(src: string, lines: string[]): Store {
  const store = new Store();
  const runtime = new Runtime(store, {});
  const r = runtime.load("p.mtail", src);
  if (!r.ok) throw new Error(r.diagnostics);
  for (const l of lines) runtime.processLine(l, "/var/log/p.log");
  return store;
}

/** Splits a delimited stream by its varint length prefixes. */
function frames(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = buf[at++]!;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    out.push(buf.subarray(at, at + len));
    at += len;
  }
  return out;
}

type Decoded = Record<string, unknown> & { name: string; type: number; metric: Array<Record<string, any>> };

function decode(buf: Uint8Array): Decoded[] {
  return frames(buf).map((f) => MetricFamilyType.toObject(MetricFamilyType.decode(f), { longs: Number, defaults: false }) as Decoded);
}

const PROGRAM = [
  "counter requests by route exemplar trace_id",
  "gauge last_seconds",
  "histogram latency buckets 0.1, 1 by route exemplar trace_id",
  "histogram native_seconds native",
  "/^(?P<route>\\S+) (?P<secs>-?\\d+\\.\\d+) (?P<trace_id>\\w+)$/ {",
  "  requests[$route]++",
  "  last_seconds = $secs",
  "  latency[$route] = $secs",
  "  native_seconds = $secs",
  "}",
  "",
].join("\n");

describe("exporter/prometheus-protobuf", () => {
  const values = [0.05, 0.3, 0.31, 2, 0, -0.5];
  const store = run(PROGRAM, values.map((v, i) => `/r ${v.toFixed(2)} t${i}`));
  const { families } = storeFamilies(store, {});
  const decoded = decode(encodeFamilies(families));
  const family = (name: string) => decoded.find((f) => f.name === name)!;

  it("frames one MetricFamily per exported name, sorted as in the text formats", () => {
    expect(decoded.map((f) => f.name)).to.deep.equal(["last_seconds", "latency", "native_seconds", "requests"]);
    // COUNTER is 0, the default, which protobufjs leaves out of the bytes (a proto2 reader then reads 0).
    expect(decoded.map((f) => f.type ?? 0)).to.deep.equal([1, 4, 4, 0]);
  });

  it("writes counters under mtail's name with their exemplar and created timestamp", () => {
    const m = family("requests").metric[0]!;
    expect(m.label).to.deep.equal([{ name: "prog", value: "p.mtail" }, { name: "route", value: "/r" }]);
    expect(m.counter.value).to.equal(values.length);
    expect(m.counter.exemplar.label).to.deep.equal([{ name: "trace_id", value: `t${values.length - 1}` }]);
    expect(m.counter.exemplar.value).to.equal(1);
    const created = store.metrics().find((x) => x.name === "requests")!.created(0);
    expect(m.counter.createdTimestamp.seconds * 1000 + m.counter.createdTimestamp.nanos / 1e6).to.be.closeTo(created, 0.001);
  });

  it("writes classic buckets cumulatively with +Inf, each with the exemplar of the last value in it", () => {
    const h = family("latency").metric[0]!.histogram;
    expect(h.sampleCount).to.equal(values.length);
    expect(h.sampleSum).to.be.closeTo(values.reduce((a, b) => a + b, 0), 1e-12);
    // mtail's buckets: (0, 0.1], (0.1, 1], (1, +Inf]; 0 and -0.5 are in none.
    expect(h.bucket.map((b: any) => [b.upperBound, b.cumulativeCount])).to.deep.equal([[0.1, 1], [1, 3], [Infinity, 4]]);
    expect(h.bucket.map((b: any) => b.exemplar?.label[0].value)).to.deep.equal(["t0", "t2", "t3"]);
    expect(h.schema).to.equal(undefined);
  });

  it("writes native buckets as schema, zero bucket, spans and deltas", () => {
    const h = family("native_seconds").metric[0]!.histogram;
    expect(h.sampleCount).to.equal(values.length);
    expect(h.schema).to.equal(3);
    expect(h.zeroThreshold).to.equal(2.938735877055719e-39);
    expect(h.zeroCount).to.equal(1);
    expect(h.bucket ?? []).to.deep.equal([]);
    // Rebuild each side's counts from spans and deltas, and compare with Prometheus' bucket definition.
    const side = (spans: Array<{ offset?: number; length?: number }>, deltas: number[]) => {
      const out = new Map<number, number>();
      let idx = 0;
      let k = 0;
      let count = 0;
      for (const s of spans) {
        idx += s.offset ?? 0;
        for (let j = 0; j < (s.length ?? 0); j++) {
          count += deltas[k++]!;
          if (count !== 0) out.set(idx, count);
          idx++;
        }
      }
      return out;
    };
    const expected = (vs: number[]) => {
      const out = new Map<number, number>();
      for (const v of vs) {
        const i = Math.ceil(Math.log2(v) * 8 - 1e-12);
        out.set(i, (out.get(i) ?? 0) + 1);
      }
      return out;
    };
    expect(side(h.positiveSpan, h.positiveDelta)).to.deep.equal(expected(values.filter((v) => v > 0)));
    expect(side(h.negativeSpan ?? [], h.negativeDelta ?? [])).to.deep.equal(expected(values.filter((v) => v < 0).map((v) => -v)));
  });

  it("encodes series by series exactly as the whole tree of messages", () => {
    expect(Buffer.from(encodeStore(store, {}).buffer).equals(Buffer.from(encodeFamilies(families)))).to.equal(true);
    expect(encodeStore(store, {}).buffer.length).to.be.greaterThan(100);
  });

  it("encodes in slices (exemplars, classic and native buckets, families before) exactly as in one piece", async () => {
    const before = [{ name: "logtally_up", help: "Up.", type: 1, metric: [{ label: [], gauge: { value: 1 } }] }];
    let pauses = 0;
    const slicer = { due: () => true, pause: async () => void pauses++ };
    const { pieces } = await encodeStoreSliced(store, {}, before, slicer);
    expect(Buffer.concat(pieces).equals(Buffer.from(encodeStore(store, {}, before).buffer))).to.equal(true);
    expect(decode(Buffer.concat(pieces)).map((f) => f.name)).to.deep.equal(["logtally_up", ...decoded.map((f) => f.name)]);
    expect(pauses).to.be.greaterThan(0);
  });

  it("converts prom-client's histograms and counters", () => {
    const [h, c] = promClientFamilies([
      { name: "gc_seconds", help: "h", type: "histogram", values: [
        { metricName: "gc_seconds_bucket", labels: { le: 0.1, kind: "minor" }, value: 2 },
        { metricName: "gc_seconds_bucket", labels: { le: "+Inf", kind: "minor" }, value: 3 },
        { metricName: "gc_seconds_sum", labels: { kind: "minor" }, value: 0.4 },
        { metricName: "gc_seconds_count", labels: { kind: "minor" }, value: 3 },
      ] },
      { name: "lines_total", help: "c", type: "counter", values: [{ labels: { prog: "a" }, value: 7 }] },
    ]);
    expect(h!.metric).to.deep.equal([{ label: [{ name: "kind", value: "minor" }], histogram: { sampleCount: 3, sampleSum: 0.4, bucket: [{ cumulativeCount: 2, upperBound: 0.1 }, { cumulativeCount: 3, upperBound: Infinity }] } }]);
    expect(c!.metric).to.deep.equal([{ label: [{ name: "prog", value: "a" }], counter: { value: 7 } }]);
  });

  const accepts: Array<[string | undefined, string]> = [
    [undefined, "prometheus"],
    ["text/plain;version=0.0.4", "prometheus"],
    // Prometheus 2.42 without and with --enable-feature=native-histograms.
    ["application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "openmetrics"],
    ["application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,application/openmetrics-text;version=1.0.0;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "openmetrics"],
    ["application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "protobuf"],
    // The text encoding of the protobuf format is not served.
    ["application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text", "prometheus"],
    ["application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", "protobuf"],
  ];
  for (const [accept, want] of accepts) {
    it(`serves ${want} for Accept: ${accept ?? "(none)"}`, () => expect(chooseExposition(accept)).to.equal(want));
  }
});
