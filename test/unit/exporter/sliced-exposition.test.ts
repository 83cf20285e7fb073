// The sliced scrape (StoreExposition.sliced, sortSeriesSliced, measureCardinality): the same text as the one-pass
// exposition, pauses taken, series deleted during a pause left out, and the same errors.

import { expect } from "chai";
import { ExpositionError, StoreRegistry } from "../../../src/exporter/prometheus.js";
import { StoreExposition } from "../../../src/exporter/prometheus-text.js";
import type { WorkSlicer } from "../../../src/exporter/prometheus-families.js";
import { CardinalityCache, measureCardinality } from "../../../src/exporter/cardinality.js";
import { MetricFamilyType } from "../../../src/exporter/metrics-proto.js";
import { encodeStore, encodeStoreSliced } from "../../../src/exporter/prometheus-protobuf.js";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType, type MetricDeclaration } from "../../../src/metrics/types.js";

function decl(d: Partial<MetricDeclaration> & Pick<MetricDeclaration, "name" | "program">): MetricDeclaration {
  return { kind: Kind.Counter, type: ValueType.Int, keys: [], hidden: false, limit: 0, buckets: [], source: d.program + ":1:1", ...d };
}

/** A slicer that ends a slice at every look and runs `onPause` in each pause. */
class EveryStep implements WorkSlicer {
  pauses = 0;
  constructor(private readonly onPause: (n: number) => void = () => {}) {}
  due(): boolean {
    return true;
  }
  async pause(): Promise<void> {
    this.onPause(++this.pauses);
  }
}

/** Many series over several programs, one family above the run size (32,768) so runs are merged. */
function bigStore(seed: number, alphabet: readonly string[], series: number): Store {
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const value = () => Array.from({ length: 1 + Math.floor(rand() * 5) }, () => alphabet[Math.floor(rand() * alphabet.length)]!).join("");
  const store = new Store();
  const a = store.declare(decl({ name: "f", program: "a.mtail", keys: ["k"] }));
  const b = store.declare(decl({ name: "f", program: "b.mtail", keys: ["k", "j"] }));
  const h = store.declare(decl({ name: "h", program: "a.mtail", kind: Kind.Histogram, type: ValueType.Buckets, keys: ["k"], buckets: [1, 5] }));
  for (let i = 0; i < series; i++) {
    const r = rand();
    if (r < 0.6) a.add(a.id1(value() + i), 1, Math.floor(rand() * 100));
    else if (r < 0.9) b.add(b.id2(value(), String(i)), 2, Math.floor(rand() * 100));
    else h.observe(h.id1(String(i)), rand() * 6, i);
  }
  return store;
}

describe("exporter: sliced scrape", () => {
  const alphabets: Array<[string, string[]]> = [
    ["flat keys", ["a", "b", "Z", "0", " ", "~"]],
    ["values that need Go's comparison (NUL, surrogates)", ["a", "\u0000", "\ue000", "😀", "é"]],
  ];
  for (const [name, alphabet] of alphabets) {
    it(`prints what the one-pass exposition prints: ${name}`, async () => {
      const store = bigStore(7, alphabet, 80_000);
      for (const opts of [{}, { emitProgLabel: false, emitTimestamp: true }]) {
        const slicer = new EveryStep();
        const sliced = await StoreExposition.sliced(store, opts, slicer);
        expect(sliced.text(), JSON.stringify(opts)).to.equal(new StoreExposition(store, opts).text());
        expect(slicer.pauses).to.be.greaterThan(20);
      }
    });
  }

  it("encodes the protobuf exposition in slices to the bytes encodeStore makes", async () => {
    const store = bigStore(5, ["a", "b", "Z", "\u0000", "😀"], 80_000);
    for (const opts of [{}, { emitProgLabel: false, emitTimestamp: true }]) {
      const slicer = new EveryStep();
      const { pieces } = await encodeStoreSliced(store, opts, [], slicer);
      expect(Buffer.concat(pieces).equals(Buffer.from(encodeStore(store, opts).buffer)), JSON.stringify(opts)).to.equal(true);
      // Sorting and encoding both paused (a slicer always due ends a slice every step).
      expect(slicer.pauses, JSON.stringify(opts)).to.be.greaterThan(80_000 / 64);
    }
    const empty = await encodeStoreSliced(new Store(), {}, [], new EveryStep());
    expect(Buffer.concat(empty.pieces).length).to.equal(0);
  });

  it("leaves out of the protobuf exposition series deleted during a pause", async () => {
    const store = new Store();
    const m = store.declare(decl({ name: "g", program: "p.mtail", keys: ["k"] }));
    for (let i = 0; i < 10_000; i++) m.add(m.id1("s" + String(i).padStart(5, "0")), 1, i);
    // Pause 100 falls in the encoding (sorting 10,000 rows takes a handful of steps, encoding 157).
    const slicer = new EveryStep((n) => {
      if (n !== 100) return;
      m.deleteN(["s09999"]);
      m.add(m.id1("new"), 5, 1);
    });
    const { pieces } = await encodeStoreSliced(store, {}, [], slicer);
    const bytes = Buffer.concat(pieces);
    const family = MetricFamilyType.toObject(MetricFamilyType.decodeDelimited(bytes), { defaults: false }) as {
      metric: Array<{ label: Array<{ name: string; value: string }> }>;
    };
    const keys = family.metric.map((s) => s.label.find((l) => l.name === "k")!.value);
    expect(keys).to.have.length(9_999);
    expect(keys).to.not.include("s09999");
    expect(keys).to.not.include("new");
    expect(keys[0]).to.equal("s00000");
  });

  it("leaves out series deleted during a pause, even when their id is reused", async () => {
    const store = new Store();
    const m = store.declare(decl({ name: "g", program: "p.mtail", keys: ["k"] }));
    for (let i = 0; i < 10_000; i++) m.add(m.id1("s" + String(i).padStart(5, "0")), 1, i);
    const slicer = new EveryStep((n) => {
      if (n !== 1) return;
      m.deleteN(["s00003"]);
      m.add(m.id1("new"), 5, 1); // takes the freed id
    });
    const text = (await StoreExposition.sliced(store, {}, slicer)).text();
    expect(text).to.not.include('k="s00003"');
    expect(text).to.not.include('k="new"');
    expect(text).to.include('g{k="s00004",prog="p.mtail"} 1\n');
    expect(text.split("\n").filter((l) => l.startsWith("g{")).length).to.equal(9_999);
  });

  it("rejects the same duplicates as the one-pass exposition", async () => {
    const store = new Store();
    store.declare(decl({ name: "x", program: "a.mtail", keys: ["k"] })).get1("v").set(1, 1);
    store.declare(decl({ name: "x", program: "b.mtail", keys: ["k"] })).get1("v").set(1, 1);
    expect(() => new StoreExposition(store, { emitProgLabel: false })).to.throw(ExpositionError);
    let caught: unknown;
    await StoreExposition.sliced(store, { emitProgLabel: false }, new EveryStep()).catch((e: unknown) => (caught = e));
    expect(caught).to.be.instanceOf(ExpositionError);
  });

  it("StoreRegistry.sliced gives metrics()' text in both formats", async () => {
    const store = bigStore(3, ["a", "b"], 2_000);
    for (const format of ["prometheus", "openmetrics"] as const) {
      const reg = new StoreRegistry(store, { format });
      const chunks = [...(await reg.sliced(new EveryStep()))];
      expect(chunks.join(""), format).to.equal(await reg.metrics());
    }
  });

  it("measures cardinality: most series first, with the label that has the most values", async () => {
    const store = new Store();
    const big = store.declare(decl({ name: "req", program: "web.mtail", keys: ["method", "path"] }));
    const small = store.declare(decl({ name: "err", program: "web.mtail", keys: ["code"] }));
    store.declare(decl({ name: "up", program: "up.mtail" })).get0();
    for (let i = 0; i < 5_000; i++) big.add(big.id2(["GET", "POST"][i % 2]!, "/p/" + i), 1, i);
    for (const c of ["500", "502"]) small.add(small.id1(c), 1, 1);
    const slicer = new EveryStep();
    const c = await measureCardinality(store, 2, slicer);
    expect(c.totalSeries).to.equal(5_003);
    expect(c.metrics.map((m) => [m.name, m.series, m.topLabel])).to.deep.equal([
      ["req", 5_000, { name: "path", values: 5_000 }],
      ["err", 2, { name: "code", values: 2 }],
    ]);
    expect(slicer.pauses).to.be.greaterThan(0);
  });

  it("shares one cardinality measurement among concurrent requests and reuses it as its options say", async () => {
    const store = new Store();
    const m = store.declare(decl({ name: "req", program: "web.mtail", keys: ["path"] }));
    for (let i = 0; i < 1_000; i++) m.add(m.id1("/p/" + i), 1, i);
    let now = 1_000_000;
    // Each pause of a measurement takes 100 ms of the fake clock: a measurement's cost is 100 ms per pause.
    const slicer = (): WorkSlicer => ({ due: () => true, pause: async () => void (now += 100) });
    const cache = new CardinalityCache(store, 5, { minIntervalMs: 2_000, costFactor: 10, maxAgeMs: 60_000, now: () => now });
    const burst = await Promise.all(Array.from({ length: 10 }, () => cache.get(slicer())));
    expect(cache.measurements).to.equal(1);
    expect(new Set(burst).size).to.equal(1);
    expect(burst[0]!.totalSeries).to.equal(1_000);
    const cost = now - 1_000_000;
    expect(cost).to.be.greaterThan(0);

    // [what happens before the request, measured again?]
    const steps: Array<[string, () => void, boolean]> = [
      ["a new series, within 10x the measurement's cost", () => { m.add(m.id1("/new/1"), 1, 1); now += Math.max(2_000, 10 * cost) - 1; }, false],
      ["10x the cost later, the count having changed", () => { now += 1; }, true],
      ["59 s later, nothing changed", () => { now += 59_000; }, false],
      ["61 s later, nothing changed", () => { now += 2_000; }, true],
    ];
    let measurements = cache.measurements;
    for (const [what, before, again] of steps) {
      before();
      const view = await cache.get(slicer());
      expect(cache.measurements - measurements, what).to.equal(again ? 1 : 0);
      measurements = cache.measurements;
      if (again) expect(view.totalSeries, what).to.equal(1_001);
    }
  });
});
