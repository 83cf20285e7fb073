// What Runtime.load refuses beyond the compiler's own checks, as mtail 3.0.0~rc50 does (each case checked against
// the binary): a metric name another program declares with another kind, and strptime layouts mtail calls invalid.
// Also the per-program CPU time that programs() reports.
import { expect } from "chai";
import { compile } from "../../../src/compiler/compile.js";
import { Kind, ValueType } from "../../../src/metrics/types.js";
import { Store } from "../../../src/metrics/store.js";
import { Runtime, TIME_SAMPLE_EVERY, compileOnly } from "../../../src/runtime/runtime.js";

const prog = (decl: string, use: string): string => `${decl}\n/a/ {\n  ${use}\n}\n`;

describe("Runtime.load: metric kind conflicts between programs", () => {
  const cases: { name: string; first: string; second: string; error?: string }[] = [
    {
      name: "gauge after counter",
      first: prog("counter x", "x++"),
      second: prog("gauge x", "x = 3"),
      error: 'b.mtail:1:7: Metric "x" is declared as a gauge, but a.mtail already declares it as a counter',
    },
    {
      name: "histogram after gauge, renamed with as",
      first: prog("gauge y", "y = 1"),
      second: prog('histogram h as "y" buckets 1, 2', "h = 1"),
      error: 'b.mtail:1:11: Metric "y" is declared as a histogram, but a.mtail already declares it as a gauge',
    },
    { name: "same kind in both programs", first: prog("counter x", "x++"), second: prog("counter x", "x++") },
    { name: "different names", first: prog("counter x", "x++"), second: prog("gauge z", "z = 1") },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const store = new Store();
      const rt = new Runtime(store);
      expect(rt.load("a.mtail", c.first)).to.deep.equal({ ok: true });
      const r = rt.load("b.mtail", c.second);
      if (c.error === undefined) {
        expect(r).to.deep.equal({ ok: true });
        return;
      }
      expect(r.ok).to.equal(false);
      expect(r.ok ? "" : r.diagnostics).to.include(c.error);
      // Nothing of the refused program reaches the store, and it is reported as not loaded.
      expect(store.metrics().map((m) => m.program)).to.deep.equal(["a.mtail"]);
      expect(rt.programs().map((p) => [p.name, p.loaded])).to.deep.equal([["a.mtail", true], ["b.mtail", false]]);
    });
  }

  it("a reload of the same program may change a metric's kind", () => {
    const store = new Store();
    const rt = new Runtime(store);
    rt.load("a.mtail", prog("counter x", "x++"));
    expect(rt.load("a.mtail", prog("gauge x", "x = 3"))).to.deep.equal({ ok: true });
    rt.processLine("a", "f");
    expect(store.metrics().map((m) => [m.name, m.kind])).to.deep.equal([["x", Kind.Gauge]]);
  });

  it("a refused reload keeps the old version running", () => {
    const store = new Store();
    const rt = new Runtime(store);
    rt.load("a.mtail", prog("counter x", "x++"));
    rt.load("b.mtail", prog("counter y", "y++"));
    expect(rt.load("b.mtail", prog("gauge x", "x = 3")).ok).to.equal(false);
    rt.processLine("a", "f");
    expect(store.metrics().map((m) => [m.program, m.name, [...m.datums()][0]?.value])).to.deep.equal([
      ["a.mtail", "x", 1],
      ["b.mtail", "y", 1],
    ]);
  });
});

describe("strptime layouts checked at compile time", () => {
  // [layout, error location or null when mtail accepts it]
  const cases: [string, string | null][] = [
    ["2006-01-02T15:04:05.000Z", "layout.mtail:3:16-41:"],
    ["2006-01-02T15:04:05Z", "layout.mtail:3:16-37:"],
    ["2006-01-02T15:04:05Z07:00", null],
    ["Jan _2 15:04:05", null],
    ["02/Jan/2006:15:04:05 -0700", null],
    ["foo", null],
  ];
  for (const [layout, where] of cases) {
    it(`${layout} is ${where === null ? "accepted" : "refused"}`, () => {
      const src = `counter x\n/(.*)/ {\n  strptime($1, "${layout}")\n  x++\n}\n`;
      const rt = new Runtime(new Store());
      for (const r of [rt.load("layout.mtail", src), compileOnly("layout.mtail", src)]) {
        if (where === null) {
          expect(r).to.deep.equal({ ok: true });
          continue;
        }
        expect(r.ok).to.equal(false);
        expect(r.ok ? "" : r.diagnostics).to.include(`${where} invalid time format string "${layout}"`);
      }
    });
  }

  it("the compiler alone leaves layouts to its checkTimeLayout option", () => {
    const src = 'counter x\n/(.*)/ {\n  strptime($1, "bad")\n  x++\n}\n';
    expect("program" in compile("p.mtail", src)).to.equal(true);
    const r = compile("p.mtail", src, { checkTimeLayout: (l) => (l === "bad" ? "Bad layout." : null) });
    expect("diagnostics" in r ? r.diagnostics : "").to.match(/^p\.mtail:3:16-20: Bad layout\.\n/);
  });
});

describe("declarations", () => {
  it("histograms are declared with the Buckets value type, as mtail's JSON reports them", () => {
    const r = compile("h.mtail", "histogram h buckets 1, 2\nhistogram f buckets 1, 5\ngauge g\n/(\\d+) (\\d+\\.\\d+)/ {\n  h = $1\n  f = $2\n  g = $2\n}\n");
    if (!("program" in r)) throw new Error(r.diagnostics);
    expect(r.program.declarations.map((d) => [d.name, d.type])).to.deep.equal([
      ["h", ValueType.Buckets],
      ["f", ValueType.Buckets],
      ["g", ValueType.Float],
    ]);
  });
});

describe("programs(): per-program CPU time", () => {
  it("reports seconds that grow with the lines a program runs on", () => {
    const rt = new Runtime(new Store());
    rt.load("a.mtail", prog("counter x", "x++"));
    expect(rt.programs()[0]?.seconds).to.equal(0);
    for (let i = 0; i < TIME_SAMPLE_EVERY * 4; i++) rt.processLine("a", "f");
    const s = rt.programs()[0]?.seconds ?? 0;
    expect(s).to.be.greaterThan(0);
    expect(s).to.be.lessThan(60);
  });
});
