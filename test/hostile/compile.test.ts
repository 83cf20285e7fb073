// Hostile programs compiled in process: each ends in its located error (or compiles), nothing throws, and the
// full load (generated function, metric declarations, log filter) agrees with the compile.
import { expect } from "chai";
import { compile } from "../../src/compiler/compile.js";
import { parseProgram } from "../../src/compiler/parse.js";
import { Store } from "../../src/metrics/store.js";
import { Runtime, compileOnly } from "../../src/runtime/index.js";
import { hostilePrograms } from "./programs.js";

describe("hostile programs: compile", () => {
  for (const c of hostilePrograms) {
    it(c.name, () => {
      const r = compile(c.name, c.source);
      if (c.error === null) {
        expect(r, "diagnostics" in r ? r.diagnostics : "").to.have.property("program");
        expect(compileOnly(c.name, c.source)).to.deep.equal({ ok: true });
        return;
      }
      expect(r).to.have.property("diagnostics");
      const text = (r as { diagnostics: string }).diagnostics;
      expect(text.startsWith(`${c.name}:${c.error[0]}`), text.slice(0, 300)).to.equal(true);
      expect(text.split("\n")[0]).to.include(c.error[1]);
      const loaded = compileOnly(c.name, c.source);
      expect(loaded.ok).to.equal(false);
    });
  }

  it("runs `g = - -5` as 5", () => {
    const store = new Store();
    const runtime = new Runtime(store);
    expect(runtime.load("neg.mtail", "gauge g\ngauge f\n/x/ {\n  g = - -5\n  f = - -1.5\n}\n")).to.deep.equal({ ok: true });
    runtime.processLine("x", "log");
    const value = (name: string) => store.metrics().find((m) => m.name === name)!.datums().map((d) => d.value);
    expect(value("g")).to.deep.equal([5]);
    expect(value("f")).to.deep.equal([1.5]);
  });

  it("--max_recursion_depth moves the limit", () => {
    const src = `counter c\n${"/x/ {\n".repeat(10)}c++\n${"}\n".repeat(10)}`;
    expect(compile("d.mtail", src, { maxRecursionDepth: 100 })).to.have.property("program");
    const r = compile("d.mtail", src, { maxRecursionDepth: 10 });
    expect((r as { diagnostics: string }).diagnostics).to.match(/^d\.mtail:5:1-3: Expression exceeded maximum recursion depth of 10\./);
  });
});

describe("hostile programs: the match operand after the one-parse grammar", () => {
  // The operand of `=~` is parsed once now; which left sides a match accepts must not change.
  const cases: { src: string; ok: boolean }[] = [
    { src: "$1 + $2 =~ /x/ {\n}\n", ok: false },
    { src: "($1 + $2) =~ /x/ {\n}\n", ok: true },
    { src: "$1 =~ /x/ && $2 !~ /y/ {\n}\n", ok: true },
    { src: "-$1 =~ /x/ {\n}\n", ok: false },
    { src: "$1++ =~ /x/ {\n}\n", ok: false },
    { src: 'string($1) =~ /x/ + /y/ {\n}\n', ok: true },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.src), () => {
      expect("ast" in parseProgram(c.src)).to.equal(c.ok);
    });
  }
});
