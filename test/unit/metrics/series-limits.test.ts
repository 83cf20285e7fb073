// `limit` enforced when a series is created (daemon, as mtail 3.3.1) and the --max_series_per_metric budget:
// what is kept, what is dropped and counted, and that over-budget updates never reach an export.

import { expect } from "chai";
import { Metric } from "../../../src/metrics/metric.js";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType, type MetricDeclaration } from "../../../src/metrics/types.js";

function decl(over: Partial<MetricDeclaration> = {}): MetricDeclaration {
  return { name: "m", program: "p.mtail", kind: Kind.Counter, type: ValueType.Int, keys: ["k"], hidden: false, limit: 0, buckets: [], source: "p.mtail:1:7", ...over };
}

const labelsOf = (m: Metric): string[] => m.datums().map((d) => d.labels.join(","));

describe("metrics: series limits", () => {
  describe("limit on create (limitOnCreate) evicts the least recently updated series, the first created on a tie", () => {
    const cases: { name: string; updates: Array<[string, number]>; limit: number; want: string[] }[] = [
      { name: "oldest time goes", updates: [["a", 300], ["b", 100], ["c", 200]], limit: 2, want: ["a", "c"] },
      { name: "tie: first created goes", updates: [["a", 100], ["b", 100], ["c", 100]], limit: 2, want: ["b", "c"] },
      { name: "updating an existing series never evicts", updates: [["a", 1], ["b", 2], ["a", 3], ["b", 4]], limit: 2, want: ["a", "b"] },
      { name: "limit 1 keeps the newest", updates: [["a", 1], ["b", 2], ["c", 3]], limit: 1, want: ["c"] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const store = new Store({ limitOnCreate: true });
        const m = store.declare(decl({ limit: c.limit }));
        for (const [k, t] of c.updates) m.add(m.id1(k), 1, t);
        expect(labelsOf(m)).to.deep.equal(c.want);
        expect(m.size).to.equal(c.want.length);
      });
    }

    it("applies to two and more keys too, and not without limitOnCreate (mtail rc50 one-shot)", () => {
      const on = new Store({ limitOnCreate: true });
      const m2 = on.declare(decl({ keys: ["a", "b"], limit: 2 }));
      const m3 = on.declare(decl({ name: "n", keys: ["a", "b", "c"], limit: 2 }));
      for (let i = 0; i < 5; i++) {
        m2.add(m2.id2("x", String(i)), 1, i);
        m3.add(m3.idN(["x", "y", String(i)]), 1, i);
      }
      expect(labelsOf(m2)).to.deep.equal(["x,3", "x,4"]);
      expect(labelsOf(m3)).to.deep.equal(["x,y,3", "x,y,4"]);
      const off = new Store().declare(decl({ limit: 2 }));
      for (let i = 0; i < 5; i++) off.add(off.id1(String(i)), 1, i);
      expect(off.size).to.equal(5);
    });
  });

  describe("--max_series_per_metric", () => {
    it("keeps the first N series, drops and counts updates to new ones, and says so once", () => {
      const told: string[] = [];
      const store = new Store({ maxSeriesPerMetric: 3, onSeriesDropped: (m) => told.push(m.name) });
      const m = store.declare(decl());
      for (let i = 0; i < 10; i++) m.add(m.id1("k" + (i % 6)), 1, i);
      expect(labelsOf(m)).to.deep.equal(["k0", "k1", "k2"]);
      // k0..k2 got 2 updates each (i and i + 6 for i < 4 ... k0: 0, 6; k1: 1, 7; k2: 2, 8); k3..k5 were dropped.
      expect(m.datums().map((d) => d.value)).to.deep.equal([2, 2, 2]);
      expect(m.dropped).to.equal(4);
      expect(told).to.deep.equal(["m"]);
    });

    it("writes over budget go nowhere visible: not in ids, datums or lookups, and deleting them is harmless", () => {
      const store = new Store({ maxSeriesPerMetric: 1 });
      const m = store.declare(decl({ kind: Kind.Histogram, type: ValueType.Buckets, buckets: [1, 2] }));
      m.observe(m.id1("a"), 1.5, 1);
      const discard = m.id1("b");
      m.observe(discard, 0.5, 2);
      m.expire(discard, 10);
      m.deleteId(discard);
      expect(m.ids().length).to.equal(1);
      expect(m.find(["b"])).to.equal(undefined);
      expect(labelsOf(m)).to.deep.equal(["a"]);
      expect(m.histCount(m.id1("a"))).to.equal(1);
      expect(m.dropped).to.equal(1);
      // Room again after a deletion: the next new series is created.
      m.deleteN(["a"]);
      m.observe(m.id1("c"), 1, 3);
      expect(labelsOf(m)).to.deep.equal(["c"]);
    });

    it("with limit as well, limit evicts first and the budget never drops", () => {
      const store = new Store({ maxSeriesPerMetric: 3, limitOnCreate: true });
      const m = store.declare(decl({ limit: 2 }));
      for (let i = 0; i < 6; i++) m.add(m.id1(String(i)), 1, i);
      expect(labelsOf(m)).to.deep.equal(["4", "5"]);
      expect(m.dropped).to.equal(0);
    });

    it("seqOf tells a series from a later one that reused its id", () => {
      const m = new Store().declare(decl());
      const a = m.id1("a");
      const seqA = m.seqOf(a);
      m.deleteId(a);
      expect(m.seqOf(a)).to.equal(-1);
      const b = m.id1("b");
      expect(b).to.equal(a);
      expect(m.seqOf(b)).to.not.equal(seqA);
    });
  });
});
