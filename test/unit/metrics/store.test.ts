// Store: declarations reuse live metrics across reloads; programs' metrics are kept apart.

import { expect } from "chai";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType, type MetricDeclaration } from "../../../src/metrics/types.js";

function decl(over: Partial<MetricDeclaration> = {}): MetricDeclaration {
  return {
    name: "requests",
    program: "a.mtail",
    kind: Kind.Counter,
    type: ValueType.Int,
    keys: ["code"],
    hidden: false,
    limit: 0,
    buckets: [],
    source: "a.mtail:1:9-16",
    ...over,
  };
}

describe("metrics/store", () => {
  describe("declare after a reload", () => {
    const cases = [
      { name: "identical declaration keeps the metric", change: {}, same: true },
      { name: "moved declaration keeps the metric", change: { source: "a.mtail:7:9-16" }, same: true },
      { name: "new limit keeps the metric", change: { limit: 10 }, same: true },
      { name: "other kind is a new metric", change: { kind: Kind.Gauge }, same: false },
      { name: "other type is a new metric", change: { type: ValueType.Float }, same: false },
      { name: "other keys are a new metric", change: { keys: ["code", "method"] }, same: false },
      { name: "other program is a new metric", change: { program: "b.mtail" }, same: false },
      {
        name: "other buckets are a new metric",
        base: { kind: Kind.Histogram, type: ValueType.Buckets, buckets: [1, 2] },
        change: { kind: Kind.Histogram, type: ValueType.Buckets, buckets: [1, 3] },
        same: false,
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const s = new Store();
        const before = s.declare(decl(c.base ?? {}));
        before.getN(["200"]).add(3, 1);
        const after = s.declare(decl({ ...(c.base ?? {}), ...c.change }));
        expect(after === before).to.equal(c.same);
        if (c.same) {
          expect(after.getN(["200"]).value).to.equal(3);
          expect(after.source).to.equal(c.change.source ?? "a.mtail:1:9-16");
          expect(s.metrics()).to.have.length(1);
        }
      });
    }
  });

  it("retainProgram drops the program's metrics that the reload no longer declares", () => {
    const s = new Store();
    const kept = s.declare(decl());
    s.declare(decl({ name: "gone" }));
    const other = s.declare(decl({ program: "b.mtail" }));
    s.retainProgram("a.mtail", new Set([kept]));
    expect(s.metrics()).to.deep.equal([kept, other]);
  });

  it("after retainProgram and removeProgram, declarations find exactly the metrics still there", () => {
    const s = new Store();
    const kept = s.declare(decl());
    const gone = s.declare(decl({ name: "gone" }));
    const twin = s.declare(decl({ keys: ["other"] })); // same name, other shape: a second metric of that name
    s.retainProgram("a.mtail", new Set([kept, twin]));
    expect(s.declare(decl())).to.equal(kept);
    expect(s.declare(decl({ keys: ["other"] }))).to.equal(twin);
    expect(s.declare(decl({ name: "gone" }))).not.to.equal(gone);
    s.removeProgram("a.mtail");
    expect(s.declare(decl())).not.to.equal(kept);
  });

  it("findConflict looks at other programs' metrics of the same name only, and forgets removed programs", () => {
    const s = new Store();
    for (let i = 0; i < 100; i++) s.declare(decl({ name: `m${i}`, program: "b.mtail" }));
    expect(s.findConflict(decl({ name: "m42", kind: Kind.Gauge }))).to.match(/Metric "m42" is declared as a gauge, but b\.mtail already declares it as a counter/);
    expect(s.findConflict(decl({ name: "m42" }))).to.equal(null);
    expect(s.findConflict(decl({ name: "m42", kind: Kind.Gauge, program: "b.mtail" }))).to.equal(null);
    expect(s.findConflict(decl({ name: "m100", kind: Kind.Gauge }))).to.equal(null);
    s.retainProgram("b.mtail", new Set());
    expect(s.findConflict(decl({ name: "m42", kind: Kind.Gauge }))).to.equal(null);
  });

  it("removeProgram drops every metric of that program only", () => {
    const s = new Store();
    s.declare(decl());
    const other = s.declare(decl({ program: "b.mtail" }));
    s.removeProgram("a.mtail");
    expect(s.metrics()).to.deep.equal([other]);
    s.removeProgram("nope.mtail");
    expect(s.metrics()).to.deep.equal([other]);
  });

  it("lists metrics by program in load order, each in declaration order", () => {
    const s = new Store();
    const a1 = s.declare(decl({ name: "z" }));
    const b1 = s.declare(decl({ program: "b.mtail", name: "a" }));
    const a2 = s.declare(decl({ name: "y" }));
    expect(s.metrics()).to.deep.equal([a1, a2, b1]);
  });

  describe("findConflict", () => {
    const cases = [
      { name: "same name and kind in another program is fine", other: {}, conflict: null },
      { name: "another kind in the same program is a reload, not a conflict", other: { kind: Kind.Gauge, program: "a.mtail" }, conflict: null },
      {
        name: "another kind in another program is refused, as mtail refuses it",
        other: { kind: Kind.Gauge, program: "b.mtail" },
        conflict: 'Metric "requests" is declared as a gauge, but a.mtail already declares it as a counter; use another name or the same kind.',
      },
      { name: "another name is fine", other: { name: "other", kind: Kind.Gauge, program: "b.mtail" }, conflict: null },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const s = new Store();
        s.declare(decl());
        expect(s.findConflict(decl({ program: "b.mtail", ...c.other }))).to.equal(c.conflict);
      });
    }
  });

  it("collectGarbage applies every metric's limit", () => {
    const s = new Store();
    const m = s.declare(decl({ limit: 1 }));
    m.getN(["1"]).add(1, 10);
    m.getN(["2"]).add(1, 20);
    expect(s.collectGarbage(100)).to.equal(1);
    expect([...m.datums()].map((d) => d.labels[0])).to.deep.equal(["2"]);
  });
});
