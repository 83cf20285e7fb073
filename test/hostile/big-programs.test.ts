// Programs of 1 MB in every shape of big-programs.ts: each compiles, as the daemon would load it (generated function
// and metrics included), or ends in its located error; nothing throws. The time is measured by bench/compile-big.ts,
// never asserted here.
import { expect } from "chai";
import { compileOnly } from "../../src/runtime/index.js";
import { bigPrograms } from "./big-programs.js";

describe("hostile programs: 1 MB programs", function () {
  // Seconds each on a loaded 2-core machine before the parser work of issue 15; well under one since.
  this.timeout(60_000);
  for (const p of bigPrograms()) {
    it(`${p.name} (${(p.source.length / 1e6).toFixed(2)} MB) ${p.error === null ? "compiles" : "gives a located error"}`, () => {
      expect(p.source.length).to.be.above(800_000);
      const r = compileOnly(p.name, p.source);
      if (p.error === null) {
        expect(r.ok, r.ok ? "" : r.diagnostics.slice(0, 500)).to.equal(true);
        return;
      }
      if (r.ok) throw new Error(`${p.name} compiled; expected ${p.error[1]}`);
      const first = r.diagnostics.split("\n")[0]!;
      expect(first.startsWith(`${p.name}:${p.error[0]}`), first.slice(0, 300)).to.equal(true);
      expect(first).to.include(p.error[1]);
    });
  }
});
