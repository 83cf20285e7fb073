// Stores built by hand to hold what mtail's store holds after running the programs in testdata/ over their
// logs, so exporter output can be compared with the reference binary's output byte for byte.

import { readFileSync } from "node:fs";
import { Store } from "../../../src/metrics/store.js";
import type { Metric } from "../../../src/metrics/metric.js";
import { Kind, ValueType, type MetricDeclaration } from "../../../src/metrics/types.js";

/** Reads an expected output from test/unit/exporter/testdata (tests run from dist/test/unit/exporter). */
export function expected(file: string): string {
  return readFileSync(new URL("../../../../test/unit/exporter/testdata/" + file, import.meta.url), "utf8");
}

/** 2024-01-02T03:04:<sec>Z in ms, the times the testdata logs set with strptime. */
export function at(sec: number): number {
  return Date.UTC(2024, 0, 2, 3, 4, sec);
}

type Decl = Partial<MetricDeclaration> & Pick<MetricDeclaration, "name" | "kind" | "source">;

function declarer(store: Store, program: string) {
  return (d: Decl): Metric =>
    store.declare({
      program,
      type: d.kind === Kind.Histogram ? ValueType.Buckets : ValueType.Int,
      keys: [],
      hidden: false,
      limit: 0,
      buckets: [],
      ...d,
    });
}

/** testdata/basic.mtail over basic.log. */
export function basicStore(): Store {
  const s = new Store();
  const d = declarer(s, "basic.mtail");
  const linesTotal = d({ name: "lines_total", kind: Kind.Counter, source: "basic.mtail:1:9-19" });
  const bytes = d({ name: "bytes", kind: Kind.Counter, keys: ["host", "method"], source: "basic.mtail:2:9-13" });
  const g = d({ name: "g", kind: Kind.Gauge, type: ValueType.Float, keys: ["x"], source: "basic.mtail:3:7" });
  const t = d({ name: "t", kind: Kind.Timer, source: "basic.mtail:4:7" });
  const txt = d({ name: "txt", kind: Kind.Text, type: ValueType.String, source: "basic.mtail:5:6-8" });
  const h = d({
    name: "h",
    kind: Kind.Histogram,
    keys: ["code"],
    buckets: [1, 2.5, 10, 1000000],
    source: "basic.mtail:6:11",
  });
  const hid = d({ name: "hid", kind: Kind.Counter, hidden: true, source: "basic.mtail:7:16-18" });
  const weird = d({ name: "foo.bar-baz", kind: Kind.Counter, source: "basic.mtail:8:9-13" });
  const dashed = d({ name: "with-dash", kind: Kind.Counter, source: "basic.mtail:9:9-14" });
  const big = d({ name: "big", kind: Kind.Gauge, source: "basic.mtail:10:7-9" });
  const lines: Array<[string, string, number, number]> = [
    ["a", "GET", 10, 0.5],
    ["b", '"x\\y"', 20, 2.5],
    ["a", "GET", 5, -3],
    ["c", "PUT", 7, 1e6],
    ["d", "PUT", 1, 1000000],
    ["e", "PUT", 1, 1e21],
  ];
  lines.forEach(([host, method, n, v], i) => {
    const ts = at(5 + i);
    linesTotal.get0().add(1, ts);
    bytes.get2(host, method).add(n, ts);
    g.get1(host).set(v, ts);
    t.get0().set(n, ts);
    txt.get0().set(host, ts);
    h.get1(method).observe(v, ts);
    hid.get0().add(1, ts);
    weird.get0().add(1, ts);
    dashed.get0().add(1, ts);
    big.get0().set(12345678901234, ts);
  });
  return s;
}

/** testdata/buckets.mtail over buckets.log. */
export function bucketsStore(): Store {
  const s = new Store();
  const d = declarer(s, "buckets.mtail");
  const hs = [
    d({ name: "zero_first", kind: Kind.Histogram, buckets: [0, 1, 2], source: "buckets.mtail:1:11-20" }),
    d({ name: "neg_first", kind: Kind.Histogram, buckets: [-1, 1], source: "buckets.mtail:2:11-19" }),
    d({ name: "two_neg", kind: Kind.Histogram, buckets: [-2, -1, 1], source: "buckets.mtail:3:11-17" }),
  ];
  [0, -0, 1, 2, 0.5, -1, -0.5].forEach((v, i) => {
    for (const h of hs) h.get0().observe(v, at(5 + i));
  });
  return s;
}

/** testdata/special.mtail over special.log (no timestamps compared). */
export function specialStore(): Store {
  const s = new Store();
  const d = declarer(s, "special.mtail");
  const g = d({ name: "g", kind: Kind.Gauge, type: ValueType.Float, keys: ["k"], source: "special.mtail:1:7" });
  const h = d({
    name: "h",
    kind: Kind.Histogram,
    keys: ["k"],
    buckets: [1, 2],
    limit: 5,
    source: "special.mtail:2:11",
  });
  const lines: Array<[string, number]> = [
    ["nan", NaN],
    ["inf", Infinity],
    ["ninf", -Infinity],
    ["z", -0],
    ["small", 0.0000001],
    ["big", 1e300],
  ];
  for (const [k, v] of lines) {
    g.get1(k).set(v, 1);
    h.get1(k).observe(v, 1);
  }
  return s;
}

/** testdata/numbers.mtail over numbers.log. */
export function numbersStore(): Store {
  const s = new Store();
  const d = declarer(s, "numbers.mtail");
  const num = d({ name: "num", kind: Kind.Gauge, type: ValueType.Float, keys: ["k"], source: "numbers.mtail:1:7-9" });
  const hits = d({ name: "hits", kind: Kind.Counter, keys: ["who"], source: "numbers.mtail:2:9-12" });
  const last = d({ name: "last", kind: Kind.Text, type: ValueType.String, source: "numbers.mtail:3:6-9" });
  const nums: Array<[string, number]> = [
    ["a", 123456],
    ["b", 1234567],
    ["c", 0.0001],
    ["d", 0.00001],
    ["e", 12345678901234567890],
    ["f", -1],
    ["g", 1],
    ["h", 100000],
    ["i", 1.5e-300],
    ["j", 0.1],
    ["k", -2.5e10],
  ];
  nums.forEach(([k, v], i) => num.get1(k).set(v, at(5 + i)));
  const who: Array<[string, number]> = [
    ["z", 16],
    ["é", 17],
    ["😀", 19],
    ["é", 20],
    ["<a&b>", 21],
  ];
  for (const [w, sec] of who) {
    hits.get1(w).add(1, at(sec));
    last.get0().set(w, at(sec));
  }
  return s;
}

/** testdata/twoprogs/{a,b}.mtail over twoprogs/l.log: a shared name, and names Prometheus refuses. */
export function twoProgramsStore(): Store {
  const s = new Store();
  const a = declarer(s, "a.mtail");
  const sharedA = a({ name: "shared", kind: Kind.Counter, keys: ["k"], source: "a.mtail:1:9-14" });
  const onlyA = a({ name: "only_a", kind: Kind.Counter, source: "a.mtail:2:9-14" });
  const xy = a({ name: "x-y", kind: Kind.Counter, source: "a.mtail:3:9-10" });
  const oneabc = a({ name: "1abc", kind: Kind.Counter, source: "a.mtail:4:9-14" });
  const sp = a({ name: "a b", kind: Kind.Counter, source: "a.mtail:5:9-10" });
  const r = a({ name: "r", kind: Kind.Counter, keys: ["__k"], source: "a.mtail:6:9" });
  const b = declarer(s, "b.mtail");
  const sharedB = b({ name: "shared", kind: Kind.Counter, keys: ["k"], source: "b.mtail:1:9-14" });
  const zz = b({ name: "zz", kind: Kind.Gauge, keys: ["prog"], source: "b.mtail:2:7-8" });
  for (const line of ["q", "r"]) {
    sharedA.get1(line).add(1, 1);
    onlyA.get0().add(1, 1);
    xy.get0().add(1, 1);
    oneabc.get0().add(1, 1);
    sp.get0().add(1, 1);
    r.get1(line).add(1, 1);
    sharedB.get1(line).add(2, 1);
    zz.get1(line).set(3, 1);
  }
  return s;
}

/** testdata/untouched.mtail over an empty log: counters and histograms without keys exist anyway. */
export function untouchedStore(): Store {
  const s = new Store();
  const d = declarer(s, "untouched.mtail");
  d({ name: "never_total", kind: Kind.Counter, source: "untouched.mtail:1:9-19" });
  d({ name: "never_h", kind: Kind.Histogram, buckets: [1, 2], source: "untouched.mtail:2:11-17" });
  d({ name: "never_g", kind: Kind.Gauge, source: "untouched.mtail:3:7-13" });
  return s;
}
