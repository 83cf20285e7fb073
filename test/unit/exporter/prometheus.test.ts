// Prometheus/OpenMetrics exposition through prom-client, compared byte for byte with mtail 3.0.0~rc50's output
// for the same programs (testdata/), plus the registry behaviour the HTTP server relies on.

import { expect } from "chai";
import { Counter, Registry } from "prom-client";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType } from "../../../src/metrics/types.js";
import {
  ExpositionError,
  StoreRegistry,
  renderOpenMetricsText,
  renderPrometheusText,
} from "../../../src/exporter/prometheus.js";
import {
  basicStore,
  bucketsStore,
  expected,
  numbersStore,
  specialStore,
  twoProgramsStore,
  untouchedStore,
} from "./fixtures.js";

describe("exporter/prometheus", () => {
  describe("matches mtail's one-shot output", () => {
    const cases = [
      { name: "basic.prom", store: basicStore, opts: {} },
      { name: "basic.ts.prom", store: basicStore, opts: { emitTimestamp: true } },
      { name: "basic.noprog.prom", store: basicStore, opts: { emitProgLabel: false } },
      { name: "buckets.prom", store: bucketsStore, opts: {} },
      { name: "special.prom", store: specialStore, opts: {} },
      { name: "numbers.ts.prom", store: numbersStore, opts: { emitTimestamp: true } },
      { name: "twoprogs/expected.prom", store: twoProgramsStore, opts: {} },
      { name: "untouched.ts.prom", store: untouchedStore, opts: { emitTimestamp: true } },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        expect(await renderPrometheusText(c.store(), c.opts)).to.equal(expected(c.name));
      });
    }
  });

  it("sorts label values by code point as Go does, not by UTF-16 unit", async () => {
    const store = new Store();
    const m = store.declare({
      name: "u",
      program: "p.mtail",
      kind: Kind.Gauge,
      type: ValueType.Int,
      keys: ["v"],
      hidden: false,
      limit: 0,
      buckets: [],
      source: "p.mtail:1:7",
    });
    for (const v of ["😀", "\ue000", "é", "z", "Z"]) m.get1(v).set(1, 1);
    const text = await renderPrometheusText(store, { emitProgLabel: false });
    const order = [...text.matchAll(/u\{v="(.*)"\}/g)].map((x) => x[1]);
    expect(order).to.deep.equal(["Z", "z", "é", "\ue000", "😀"]);
  });

  it("prints nothing for an empty store, as mtail does", async () => {
    expect(await renderPrometheusText(new Store())).to.equal("");
  });

  it("fails like mtail when, without the prog label, two programs export the same series", async () => {
    let err: unknown;
    try {
      await renderPrometheusText(twoProgramsStore(), { emitProgLabel: false });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ExpositionError);
    expect((err as Error).message).to.match(/"shared".*\{k="q"\} twice, from a\.mtail and b\.mtail/);
  });

  it("reports the metrics it leaves out and why", async () => {
    const skipped: string[] = [];
    await new StoreRegistry(twoProgramsStore(), { onSkipped: (m) => skipped.push(...m) }).metrics();
    expect(skipped).to.have.length(4);
    expect(skipped.join("\n")).to.include('metric "1abc" is not a valid Prometheus metric name');
    expect(skipped.join("\n")).to.include('metric "zz" has the label "prog" twice');
  });

  it("reads the store at scrape time, next to metrics registered on the registry", async () => {
    const store = new Store();
    const m = store.declare({
      name: "requests",
      program: "p.mtail",
      kind: Kind.Counter,
      type: ValueType.Int,
      keys: [],
      hidden: false,
      limit: 0,
      buckets: [],
      source: "p.mtail:1:9",
    });
    const reg = new StoreRegistry(store);
    new Counter({ name: "logtally_lines_total", help: "Lines read.", registers: [reg as unknown as Registry] }).inc(3);
    m.get0().add(1_000_000, 5);
    const first = await reg.metrics();
    expect(first).to.include("logtally_lines_total 3\n");
    expect(first).to.include('requests{prog="p.mtail"} 1e+06\n');
    m.get0().add(1, 6);
    expect(await reg.metrics()).to.include('requests{prog="p.mtail"} 1.000001e+06\n');
    const json = await reg.getMetricsAsJSON();
    expect(json.map((f) => f.name)).to.deep.equal(["logtally_lines_total", "requests"]);
  });

  it("serves OpenMetrics with the same series names as the Prometheus text, timestamps in seconds, # EOF", async () => {
    const text = await renderOpenMetricsText(basicStore(), { emitTimestamp: true });
    expect(text).to.match(/\n# EOF\n$/);
    // A counter named ..._total stays a counter (family "lines", samples "lines_total")...
    expect(text).to.include("# TYPE lines counter\n");
    expect(text).to.include('lines_total{prog="basic.mtail"} 6 1704164650\n');
    // ...any other counter is "unknown", or Prometheus would store it as bytes_total instead of bytes.
    expect(text).to.include("# TYPE bytes unknown\n");
    expect(text).to.include('bytes{host="a",method="GET",prog="basic.mtail"} 15 1704164647\n');
    expect(text).to.include('h_bucket{code="GET",prog="basic.mtail",le="+Inf"} 1 1704164647\n');
    expect(text).to.include('g{prog="basic.mtail",x="c"} 1e+06 1704164648\n');
    expect(text).to.not.include("\n\n");
  });
});
