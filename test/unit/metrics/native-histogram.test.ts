// Native histogram buckets: the bucket index against Prometheus' definition (bucket i at schema s holds
// (2^((i-1)/2^s), 2^(i/2^s)]), client_golang's schema-3 boundary table, spans and deltas, and the resolution
// halving once too many buckets are populated.
import { expect } from "chai";
import {
  NATIVE_MAX_BUCKETS,
  NATIVE_SCHEMA,
  NativeBuckets,
  bucketIndex,
  fractionBounds,
} from "../../../src/metrics/native-histogram.js";

/** Prometheus' definition, computed independently: the smallest i with v <= 2^(i / 2^schema). */
function referenceIndex(v: number, schema: number): number {
  let i = Math.ceil(Math.log2(v) * Math.pow(2, schema));
  // Math.log2 can be off by an ulp around a boundary: settle on the exact side.
  while (Math.pow(2, (i - 1) / Math.pow(2, schema)) >= v) i--;
  while (Math.pow(2, i / Math.pow(2, schema)) < v) i++;
  return i;
}

describe("metrics/native-histogram", () => {
  it("uses schema 3 (client_golang's bucket factor 1.1)", () => {
    // The widest buckets not wider than asked: the lowest s in -4..8 with 2^(2^-s) <= 1.1.
    let best = 8;
    for (let t = 8; t >= -4; t--) if (Math.pow(2, Math.pow(2, -t)) <= 1.1) best = t;
    expect(NATIVE_SCHEMA).to.equal(best);
    expect(best).to.equal(3);
  });

  it("has client_golang's schema-3 boundaries", () => {
    // client_golang's nativeHistogramBounds[3].
    const table = [0.5, 0.5452538663326288, 0.5946035575013605, 0.6484197773255048, 0.7071067811865475, 0.7711054127039704, 0.8408964152537144, 0.9170040432046711];
    expect(Array.from(fractionBounds(3))).to.deep.equal(table);
  });

  const values = [1e-9, 0.0001, 0.001, 0.0123, 0.05, 0.1, 0.25, 0.5, 0.9999, 1, 1.0001, 1.09, 2, 3, 7.5, 100, 12345.678, 1e12];
  for (const schema of [3, 2, 1, 0, -1, -2, -4]) {
    it(`indexes values as Prometheus defines buckets at schema ${schema}`, () => {
      for (const v of values) expect(bucketIndex(v, schema), `v=${v}`).to.equal(referenceIndex(v, schema));
    });
  }

  it("puts powers of two on the upper edge of their bucket", () => {
    // 2^(k) is the upper bound of bucket k * 2^schema.
    for (const k of [-10, -1, 0, 1, 5]) expect(bucketIndex(Math.pow(2, k), 3)).to.equal(k * 8);
  });

  it("counts zero and tiny values in the zero bucket, NaN nowhere, negatives on their own side", () => {
    const n = new NativeBuckets();
    for (const v of [0, 1e-40, -1e-40, NaN, -0.5, -0.5, 0.5]) n.observe(v);
    expect(n.zeroCount).to.equal(3);
    expect(n.buckets(-1)).to.deep.equal([[bucketIndex(0.5, 3), 2]]);
    expect(n.buckets(1)).to.deep.equal([[bucketIndex(0.5, 3), 1]]);
  });

  it("writes spans and deltas, keeping gaps of up to two buckets inside a span", () => {
    const n = new NativeBuckets();
    // Buckets 0 (x3), 1 (x1), 4 (x2), 10 (x1) at schema 3: bucket i is (2^((i-1)/8), 2^(i/8)], so take its middle.
    const at = (i: number) => Math.pow(2, (i - 0.5) / 8);
    for (const [i, c] of [[0, 3], [1, 1], [4, 2], [10, 1]] as const) for (let k = 0; k < c; k++) n.observe(at(i));
    const { spans, deltas } = n.spans(1);
    // Gap 1..4 is two empty buckets (2, 3): one span 0..4; gap 4..10 is five: a new span at offset 5.
    expect(spans).to.deep.equal([[0, 5], [5, 1]]);
    expect(deltas).to.deep.equal([3, -2, -1, 0, 2, -1]);
  });

  it("halves the resolution once more than the bucket limit is populated, keeping every count", () => {
    const n = new NativeBuckets();
    let total = 0;
    // One value per schema-3 bucket over a wide range: more than NATIVE_MAX_BUCKETS buckets.
    for (let i = -100; i < NATIVE_MAX_BUCKETS; i++) {
      n.observe(Math.pow(2, i / 8) * 0.99);
      total++;
    }
    expect(n.schema).to.be.lessThan(3);
    expect(n.bucketCount).to.be.at.most(NATIVE_MAX_BUCKETS);
    const counted = n.buckets(1).reduce((s, [, c]) => s + c, 0);
    expect(counted).to.equal(total);
    // Every value is in the bucket Prometheus' definition gives at the final schema.
    const m = new Map(n.buckets(1));
    for (let i = -100; i < NATIVE_MAX_BUCKETS; i++) expect(m.get(referenceIndex(Math.pow(2, i / 8) * 0.99, n.schema)), `i=${i}`).to.be.greaterThan(0);
  });
});
