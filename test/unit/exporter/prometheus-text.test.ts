// The direct text printer (prometheus-text.ts) and the series order it relies on (sortSeries' flat keys),
// checked against an independent comparator, plus how StoreRegistry joins it with prom-client's own metrics.

import { expect } from "chai";
import { Counter, Registry } from "prom-client";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType, type MetricDeclaration } from "../../../src/metrics/types.js";
import { compareGoStrings } from "../../../src/exporter/go-format.js";
import { labelValue, planFamilies, seriesList, sortSeries, type SortedSeries } from "../../../src/exporter/prometheus-families.js";
import { StoreExposition, escapeLabelValue } from "../../../src/exporter/prometheus-text.js";
import { StoreRegistry, renderPrometheusText } from "../../../src/exporter/prometheus.js";
import { basicStore } from "./fixtures.js";

function decl(d: Partial<MetricDeclaration> & Pick<MetricDeclaration, "name" | "program">): MetricDeclaration {
  return { kind: Kind.Gauge, type: ValueType.Int, keys: [], hidden: false, limit: 0, buckets: [], source: d.program + ":1:1", ...d };
}

/** Go client's order, written out plainly: fewer labels first, values by code point, then update time. */
function referenceCompare(a: SortedSeries, b: SortedSeries): number {
  const na = a.source.labelNames.length;
  const nb = b.source.labelNames.length;
  if (na !== nb) return na - nb;
  for (let j = 0; j < na; j++) {
    const c = compareGoStrings(labelValue(a.source, a.id, j), labelValue(b.source, b.id, j));
    if (c !== 0) return c;
  }
  return a.source.metric.time(a.id) - b.source.metric.time(b.id);
}

/** Deterministic random stores whose label values mix plain ASCII with "\0", surrogates and U+E000..U+FFFF. */
function randomStore(seed: number, alphabet: readonly string[]): Store {
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const value = () => Array.from({ length: Math.floor(rand() * 4) }, () => pick(alphabet)).join("");
  const store = new Store();
  // One family from three programs with 1, 2 and 0 keys (mixed label counts), and one single-program family.
  const metrics = [
    store.declare(decl({ name: "f", program: "a.mtail", keys: ["k"] })),
    store.declare(decl({ name: "f", program: "b\u00e9.mtail", keys: ["k", "j"] })),
    store.declare(decl({ name: "f", program: "c.mtail" })),
    store.declare(decl({ name: "g", program: "a.mtail", keys: ["z", "a"] })),
  ];
  for (let i = 0; i < 400; i++) {
    const m = pick(metrics);
    m.getN(m.keys.map(() => value())).set(i, Math.floor(rand() * 5));
  }
  return store;
}

describe("exporter/prometheus-text", () => {
  describe("sorts series as Go's client does", () => {
    const alphabets: Array<[string, string[]]> = [
      ["ASCII only (flat keys)", ["a", "b", "B", "0", " ", "~"]],
      ["with NUL, surrogates and U+E000..U+FFFF (fallback)", ["a", "b", "\u0000", "\ue000", "\uffff", "😀", "é", "\u007f"]],
      ["with chars above U+007F but below U+D800 (packed prefix stops)", ["a", "é", "\u0080", "\u00ff", "\u07ff", "z"]],
    ];
    for (const [name, alphabet] of alphabets) {
      for (const emitProgLabel of [true, false]) {
        it(`${name}, prog label ${emitProgLabel ? "on" : "off"}`, () => {
          let compared = 0;
          for (let seed = 1; seed <= 5; seed++) {
            const { families } = planFamilies(randomStore(seed, alphabet), { emitProgLabel });
            for (const plan of families) {
              let series: SortedSeries[];
              try {
                series = seriesList(plan, sortSeries(plan));
              } catch (err) {
                // Without the prog label two programs may repeat a series (tested below); with it, never.
                if (emitProgLabel) throw err;
                continue;
              }
              for (let i = 1; i < series.length; i++) {
                expect(referenceCompare(series[i - 1]!, series[i]!), `${plan.name} #${i}`).to.be.at.most(0);
                compared++;
              }
            }
          }
          // Each store holds 400 series over a few families: most pairs must have been compared.
          expect(compared).to.be.greaterThan(1000);
        });
      }
    }
  });

  it("keeps two series with the same values but other label names", async () => {
    const store = new Store();
    store.declare(decl({ name: "x", program: "a.mtail", keys: ["k"] })).get1("v").set(1, 2);
    store.declare(decl({ name: "x", program: "b.mtail", keys: ["j"] })).get1("v").set(2, 1);
    expect(await renderPrometheusText(store, { emitProgLabel: false })).to.equal(
      '# HELP x defined at a.mtail:1:1\n# TYPE x gauge\nx{j="v"} 2\nx{k="v"} 1\n',
    );
  });

  it("prints in chunks that end at line ends and add up to the whole text", () => {
    const store = new Store();
    const m = store.declare(decl({ name: "many", program: "p.mtail", keys: ["id"] }));
    for (let i = 0; i < 5000; i++) m.get1("id-" + String(i).padStart(5, "0")).set(i * 1.5, i);
    const exposition = new StoreExposition(store, { emitTimestamp: true });
    const chunks = [...exposition.chunks()];
    expect(chunks.length).to.be.greaterThan(1);
    for (const c of chunks) expect(c.endsWith("\n")).to.equal(true);
    expect(chunks.join("")).to.equal(exposition.text());
    expect(exposition.text()).to.include('many{id="id-04999",prog="p.mtail"} 7498.5 4999\n');
  });

  it("escapes label values as the text format requires", () => {
    expect(escapeLabelValue('a\\b"c\nd')).to.equal('a\\\\b\\"c\\nd');
    expect(escapeLabelValue("plain")).to.equal("plain");
  });

  describe("StoreRegistry joins prom-client's metrics and the store's", () => {
    function registry(format: "prometheus" | "openmetrics", withOwn: boolean): StoreRegistry {
      const reg = new StoreRegistry(basicStore(), { format, emitTimestamp: true });
      if (withOwn) {
        new Counter({ name: "logtally_lines_total", help: "Lines read.", registers: [reg as unknown as Registry] }).inc(3);
      }
      return reg;
    }

    it("Prometheus text: prom-client's part, then exactly what the one-shot prints", async () => {
      const store = await renderPrometheusText(basicStore(), { emitTimestamp: true });
      expect(await registry("prometheus", false).metrics()).to.equal(store);
      const both = await registry("prometheus", true).metrics();
      expect(both).to.equal("# HELP logtally_lines_total Lines read.\n# TYPE logtally_lines_total counter\nlogtally_lines_total 3\n" + store);
    });

    it("OpenMetrics: one # EOF at the end, with or without registered metrics", async () => {
      for (const withOwn of [false, true]) {
        const text = await registry("openmetrics", withOwn).metrics();
        expect(text.match(/# EOF/g)).to.have.length(1);
        expect(text).to.match(/\n# EOF\n$/);
        expect(text).to.not.include("\n\n");
        expect(text).to.include('lines_total{prog="basic.mtail"} 6 1704164650\n');
        expect(text.includes("# TYPE logtally_lines counter\nlogtally_lines_total 3\n")).to.equal(withOwn);
      }
    });

    it("OpenMetrics of an empty store is prom-client's own output", async () => {
      const reg = new StoreRegistry(new Store(), { format: "openmetrics" });
      expect(await reg.metrics()).to.equal("\n# EOF\n");
    });
  });
});
