// The compile worker (runtime/compile-client.ts): it compiles exactly as Runtime.load does, a compile over budget
// ends in a located error and the next compile still works (a fresh worker), compiles queue in order, close()
// answers what is pending.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { compile, type CompileResult } from "../../../src/compiler/compile.js";
import { Store } from "../../../src/metrics/store.js";
import { CompileWorker } from "../../../src/runtime/compile-client.js";
import { Runtime } from "../../../src/runtime/index.js";
import { REPO_ROOT } from "../../helpers/logtally-process.js";
import { largeProgram } from "../../hostile/programs.js";

const SMALL = "counter lines_total\n/$/ {\n  lines_total++\n}\n";

/** The data of a result, without the link() closure, to compare two compiles. */
function plain(r: CompileResult): unknown {
  if (!("program" in r)) return r;
  const { link: _link, ...data } = r.program;
  return data;
}

describe("CompileWorker", function () {
  this.timeout(60_000);
  const runtime = new Runtime(new Store(), { maxRecursionDepth: 100 });
  let worker: CompileWorker;
  const starts: number[] = [];
  const lost: string[] = [];
  beforeEach(() => {
    starts.length = 0;
    lost.length = 0;
    worker = new CompileWorker({
      timeoutMs: 0,
      compileOptions: runtime.compileOptions(),
      onWorkerReady: (ms) => starts.push(ms),
      onWorkerLost: (reason) => lost.push(reason),
    });
  });
  afterEach(() => worker.close());

  // Every shipped program, and failures of each kind: syntax, types, a strptime layout (checked by a function the
  // worker supplies itself), depth.
  const shipped = readdirSync(path.join(REPO_ROOT, "programs"))
    .filter((f) => f.endsWith(".mtail"))
    .map((f) => ({ name: f, source: readFileSync(path.join(REPO_ROOT, "programs", f), "utf8") }));
  const failing = [
    { name: "syntax.mtail", source: "counter c\n/x/ {\n  c++\n" },
    { name: "types.mtail", source: 'counter c\n/x/ {\n  c = "a" + 1\n}\n' },
    { name: "layout.mtail", source: 'counter x\n/(.*)/ {\n  strptime($1, "2006-01-02T15:04:05Z")\n  x++\n}\n' },
    { name: "depth.mtail", source: `counter c\n${"/x/ {\n".repeat(60)}c++\n${"}\n".repeat(60)}` },
  ];
  it(`gives what compile() gives (${shipped.length} shipped programs and ${failing.length} failures)`, async () => {
    expect(shipped.length).to.be.greaterThan(10);
    for (const p of [...shipped, ...failing]) {
      const inPlace = compile(p.name, p.source, runtime.compileOptions());
      const viaWorker = await worker.compile(`/some/dir/${p.name}`, p.source);
      expect("program" in viaWorker, p.name).to.equal("program" in inPlace);
      expect(plain(viaWorker), p.name).to.deep.equal(plain(inPlace));
    }
    expect(compile("layout.mtail", failing[2]!.source, runtime.compileOptions())).to.have.property("diagnostics").that.includes("layout.mtail:3:16-37:");
    expect(starts).to.have.length(1);
  });

  it("a compiled program links and runs on this thread", async () => {
    const store = new Store();
    const rt = new Runtime(store);
    expect(rt.install("small.mtail", await worker.compile("small.mtail", SMALL))).to.deep.equal({ ok: true });
    rt.processLine("a", "f.log");
    rt.processLine("b", "f.log");
    expect(store.metrics().find((m) => m.name === "lines_total")!.datums().map((d) => d.value)).to.deep.equal([2]);
  });

  it("stops a compile over budget with a located error, and the next compile works", async () => {
    const big = largeProgram(1_000_000);
    // 1 ms against a program that takes seconds: over budget on any machine.
    const r = await worker.compile("big.mtail", big, 1);
    expect(r).to.have.property("diagnostics");
    const text = (r as { diagnostics: string }).diagnostics;
    expect(text.split("\n")[0]).to.match(/^big\.mtail:1:1: Compile did not finish within 1ms( \(it was [a-z ]+\))? and was stopped; raise --compile_timeout/);
    expect(text).to.include("\n    counter requests_0_total by method, code\n    ^");
    expect(lost).to.deep.equal(["big.mtail: compile over budget"]);
    const next = await worker.compile("small.mtail", SMALL, 60_000);
    expect(next, JSON.stringify(plain(next)).slice(0, 300)).to.have.property("program");
    // A fresh worker took it.
    expect(starts.length).to.equal(2);
  });

  it("names the stage a compile was in when it was stopped", async () => {
    // Long enough for the worker to receive the program and report its first stage.
    const r = await worker.compile("big.mtail", largeProgram(4_000_000), 300);
    expect((r as { diagnostics: string }).diagnostics).to.match(
      /^big\.mtail:1:1: Compile did not finish within 300ms \(it was (parsing|checking|generating code|building the function and regexes)\)/,
    );
  });

  it("answers queued compiles in order, a stopped one in between", async () => {
    const results = await Promise.all([
      worker.compile("a.mtail", SMALL),
      worker.compile("big.mtail", largeProgram(1_000_000), 1),
      worker.compile("b.mtail", SMALL.replace(/lines_total/g, "b_total")),
      worker.compile("c.mtail", "counter c\n/x/ {\n"),
    ]);
    expect(results.map((r) => ("program" in r ? r.program.name : r.diagnostics.split(":")[0]))).to.deep.equal([
      "a.mtail", "big.mtail", "b.mtail", "c.mtail",
    ]);
    expect(results.map((r) => "program" in r)).to.deep.equal([true, false, true, false]);
  });

  const crashing = (workerData?: string) =>
    new CompileWorker({
      timeoutMs: 0,
      compileOptions: runtime.compileOptions(),
      onWorkerReady: (ms) => starts.push(ms),
      onWorkerLost: (reason) => lost.push(reason),
      workerUrl: new URL("../../helpers/crashing-compile-worker.js", import.meta.url),
      workerData,
    });
  const firstLines = (results: CompileResult[]) => results.map((r) => ("program" in r ? "ok" : r.diagnostics.split("\n")[0]));

  it("fails the compile in flight when the worker dies, and starts another for the next", async () => {
    const w = crashing();
    try {
      const results = await Promise.all([w.compile("a.mtail", "exit"), w.compile("b.mtail", SMALL), w.compile("c.mtail", "exit"), w.compile("d.mtail", SMALL)]);
      expect(firstLines(results)).to.deep.equal([
        "a.mtail:1:1: Internal error: the compile worker exited with code 3.",
        "ok",
        "c.mtail:1:1: Internal error: the compile worker exited with code 3.",
        "ok",
      ]);
      expect(lost).to.deep.equal(["the compile worker exited with code 3", "the compile worker exited with code 3"]);
      expect(starts).to.have.length(3);
    } finally {
      await w.close();
    }
  });

  it("ends each compile with an error when no worker can start (one start per compile, no loop)", async () => {
    const w = crashing("broken");
    try {
      const results = await Promise.all([w.compile("a.mtail", SMALL), w.compile("b.mtail", SMALL)]);
      expect(firstLines(results)).to.deep.equal([
        "a.mtail:1:1: Internal error: the compile worker failed: cannot start.",
        "b.mtail:1:1: Internal error: the compile worker failed: cannot start.",
      ]);
      expect(lost).to.deep.equal(["the compile worker failed: cannot start", "the compile worker failed: cannot start"]);
      expect(starts).to.have.length(0);
    } finally {
      await w.close();
    }
  });

  it("close() answers a compile in flight and refuses later ones", async () => {
    const pending = worker.compile("big.mtail", largeProgram(1_000_000));
    const queued = worker.compile("small.mtail", SMALL);
    await worker.close();
    for (const r of await Promise.all([pending, queued])) {
      expect((r as { diagnostics: string }).diagnostics).to.match(/:1:1: The compile was stopped: logtally is stopping\./);
    }
    expect(((await worker.compile("late.mtail", SMALL)) as { diagnostics: string }).diagnostics).to.match(/^late\.mtail:1:1: The compile was not started/);
  });
});
