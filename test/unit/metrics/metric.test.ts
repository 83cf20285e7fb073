// Metric: datum lookup by label values, deletion, expiry and `limit` as mtail's store collection applies them.

import { expect } from "chai";
import { Metric } from "../../../src/metrics/metric.js";
import { Kind, ValueType, type MetricDeclaration } from "../../../src/metrics/types.js";

function decl(over: Partial<MetricDeclaration> = {}): MetricDeclaration {
  return {
    name: "m",
    program: "p.mtail",
    kind: Kind.Gauge,
    type: ValueType.Int,
    keys: [],
    hidden: false,
    limit: 0,
    buckets: [],
    source: "p.mtail:1:7",
    ...over,
  };
}

function labelsOf(m: Metric): string[][] {
  return [...m.datums()].map((d) => [...d.labels]);
}

describe("metrics/metric", () => {
  describe("lookups return the same datum for the same labels", () => {
    const cases = [
      { name: "no keys", keys: [], get: (m: Metric) => m.get0(), other: null },
      { name: "one key", keys: ["a"], get: (m: Metric) => m.get1("x"), other: (m: Metric) => m.get1("y") },
      {
        name: "two keys",
        keys: ["a", "b"],
        get: (m: Metric) => m.get2("x", "y"),
        other: (m: Metric) => m.get2("y", "x"),
      },
      {
        name: "three keys",
        keys: ["a", "b", "c"],
        get: (m: Metric) => m.getN(["x", "y", "z"]),
        other: (m: Metric) => m.getN(["x", "y", "w"]),
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const m = new Metric(decl({ keys: c.keys }));
        const d = c.get(m);
        expect(c.get(m)).to.equal(d);
        if (c.other) expect(c.other(m)).to.not.equal(d);
        expect(m.size).to.equal(c.other ? 2 : 1);
      });
    }
  });

  it("getN agrees with get1 and get2 and copies the values array only on creation", () => {
    const two = new Metric(decl({ keys: ["a", "b"] }));
    const values = ["p", "q"];
    const d = two.getN(values);
    values[0] = "changed";
    expect(d.labels).to.deep.equal(["p", "q"]);
    expect(two.get2("p", "q")).to.equal(d);
    const one = new Metric(decl({ keys: ["a"] }));
    expect(one.getN(["z"])).to.equal(one.get1("z"));
  });

  it("keeps datums in creation order", () => {
    const m = new Metric(decl({ keys: ["a"] }));
    for (const k of ["c", "a", "b", "a"]) m.get1(k);
    expect(labelsOf(m)).to.deep.equal([["c"], ["a"], ["b"]]);
  });

  describe("delete", () => {
    const cases = [
      { name: "delete1", keys: ["a"], make: [["x"], ["y"]], del: (m: Metric) => m.delete1("x"), left: [["y"]] },
      {
        name: "delete2 leaves siblings",
        keys: ["a", "b"],
        make: [["x", "1"], ["x", "2"], ["y", "1"]],
        del: (m: Metric) => m.delete2("x", "1"),
        left: [["x", "2"], ["y", "1"]],
      },
      {
        name: "deleteN of a missing label set is not an error",
        keys: ["a", "b", "c"],
        make: [["x", "y", "z"]],
        del: (m: Metric) => m.deleteN(["x", "y", "nope"]),
        left: [["x", "y", "z"]],
      },
      { name: "delete0", keys: [], make: [[]], del: (m: Metric) => m.delete0(), left: [] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const m = new Metric(decl({ keys: c.keys }));
        for (const l of c.make) m.getN(l);
        c.del(m);
        expect(labelsOf(m)).to.deep.equal(c.left);
        // A deleted label set comes back as a new datum.
        for (const l of c.left) expect(m.find(l)).to.not.equal(undefined);
      });
    }

    it("a deleted datum is recreated fresh", () => {
      const m = new Metric(decl({ keys: ["a", "b"] }));
      m.get2("x", "y").add(5, 1);
      m.delete2("x", "y");
      expect(m.get2("x", "y").value).to.equal(0);
    });
  });

  it("counters and histograms without keys exist from the start, other kinds do not (as in mtail)", () => {
    expect(new Metric(decl({ kind: Kind.Counter })).size).to.equal(1);
    expect(new Metric(decl({ kind: Kind.Histogram, type: ValueType.Buckets, buckets: [1, 2] })).size).to.equal(1);
    expect(new Metric(decl({ kind: Kind.Gauge })).size).to.equal(0);
    expect(new Metric(decl({ kind: Kind.Counter, keys: ["a"] })).size).to.equal(0);
    expect(new Metric(decl({ kind: Kind.Counter })).get0().timeMs).to.equal(0);
  });

  describe("collectGarbage", () => {
    it("removes datums not updated within their ttl", () => {
      const m = new Metric(decl({ keys: ["a"] }));
      m.get1("old").set(1, 1_000);
      m.get1("fresh").set(1, 9_000);
      m.get1("forever").set(1, 0);
      m.expire(m.get1("old"), 5_000);
      m.expire(m.get1("fresh"), 5_000);
      expect(m.collectGarbage(10_000)).to.equal(1);
      expect(labelsOf(m)).to.deep.equal([["fresh"], ["forever"]]);
    });

    it("over the limit, removes the least recently updated datums, the first created on a tie", () => {
      const m = new Metric(decl({ keys: ["a"], limit: 2 }));
      m.get1("a").set(1, 300);
      m.get1("b").set(1, 100);
      m.get1("c").set(1, 100);
      m.get1("d").set(1, 200);
      expect(m.collectGarbage(1_000)).to.equal(2);
      expect(labelsOf(m)).to.deep.equal([["a"], ["d"]]);
    });

    it("leaves a metric within its limit alone", () => {
      const m = new Metric(decl({ keys: ["a"], limit: 3 }));
      for (const k of ["a", "b", "c"]) m.get1(k).set(1, 5);
      expect(m.collectGarbage(10)).to.equal(0);
      expect(m.size).to.equal(3);
    });
  });
});
