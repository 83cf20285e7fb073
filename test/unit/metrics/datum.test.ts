// Datum views: values, and histogram bucketing as mtail 3.0.0~rc50 does it (ranges (lower, upper], the first from 0
// when the first bound is positive). Expected counts were read from `mtail --one_shot --one_shot_format=json`.

import { expect } from "chai";
import { bucketLayout, type Datum } from "../../../src/metrics/datum.js";
import { Metric } from "../../../src/metrics/metric.js";
import { Kind, ValueType } from "../../../src/metrics/types.js";

/** A datum of a fresh metric: a histogram with these bounds, else a gauge (string-typed for text). */
function datumOf(labels: string[], bounds: number[] | null, type = ValueType.Int): Datum {
  const m = new Metric({
    name: "m",
    program: "p.mtail",
    kind: bounds === null ? (type === ValueType.String ? Kind.Text : Kind.Gauge) : Kind.Histogram,
    type: bounds === null ? type : ValueType.Buckets,
    keys: labels.map((_, i) => "k" + i),
    hidden: false,
    limit: 0,
    buckets: bounds ?? [],
    source: "p.mtail:1:1",
  });
  return m.getN(labels);
}

describe("metrics/datum", () => {
  describe("bucketLayout", () => {
    const cases = [
      { name: "positive first bound starts at 0", bounds: [1, 2.5, 10], lowest: 0, uppers: [1, 2.5, 10] },
      { name: "zero first bound is only a lower edge", bounds: [0, 1, 2], lowest: 0, uppers: [1, 2] },
      { name: "negative first bound is only a lower edge", bounds: [-2, -1, 1], lowest: -2, uppers: [-1, 1] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const l = bucketLayout(c.bounds);
        expect(l.lowest).to.equal(c.lowest);
        expect(l.uppers).to.deep.equal(c.uppers);
      });
    }
  });

  describe("observe", () => {
    // counts: per bucket (uppers then +Inf), not cumulative.
    const cases = [
      {
        name: "a value equal to a bound counts in that bound's bucket",
        bounds: [1, 2.5, 10, 1e6],
        values: [0.5, 2.5, -3, 1e6, 1000000, 1e21],
        counts: [1, 1, 0, 2, 1],
        count: 6,
      },
      {
        name: "zero and negative zero are at the lowest edge, so in no bucket",
        bounds: [0, 1, 2],
        values: [0, -0, 1, 2, 0.5, -1, -0.5],
        counts: [2, 1, 0],
        count: 7,
      },
      { name: "negative bounds", bounds: [-2, -1, 1], values: [0, -0, 1, 2, 0.5, -1, -0.5], counts: [1, 5, 1], count: 7 },
      {
        name: "NaN and -Inf in no bucket, +Inf in the +Inf bucket",
        bounds: [1, 2],
        values: [NaN, -Infinity, Infinity, 1e-7],
        counts: [1, 0, 1],
        count: 4,
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const d = datumOf([], c.bounds);
        for (const v of c.values) d.observe(v, 7);
        expect(Array.from(d.counts)).to.deep.equal(c.counts);
        expect(d.count).to.equal(c.count);
        expect(d.timeMs).to.equal(7);
      });
    }

    it("keeps the sum of all observations", () => {
      const d = datumOf(["a"], [1, 2]);
      d.observe(0.5, 1);
      d.set(3, 2); // `h = 3` observes too
      d.add(-1, 3);
      expect(d.sum).to.equal(2.5);
      expect(d.count).to.equal(3);
      expect(d.timeMs).to.equal(3);
    });
  });

  describe("values", () => {
    it("set, add and timestamps", () => {
      const d = datumOf(["x"], null);
      expect(d.value).to.equal(0);
      d.add(2, 10);
      d.add(3.5, 20);
      expect(d.value).to.equal(5.5);
      expect(d.timeMs).to.equal(20);
      d.set(-1, 30);
      expect(d.value).to.equal(-1);
      expect(d.counts.length).to.equal(0);
    });

    it("text values start empty", () => {
      const d = datumOf([], null, ValueType.String);
      expect(d.value).to.equal("");
      d.set("hello", 1);
      expect(d.value).to.equal("hello");
    });
  });
});
