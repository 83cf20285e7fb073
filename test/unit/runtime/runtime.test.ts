// The Runtime API: load/reload/unload, compile failures keeping the old program, runtime errors counted and
// logged with a rate limit, log_filter, and V8's linear-time fallback for catastrophic regexes.
import { expect } from "chai";
import { Store } from "../../../src/metrics/store.js";
import { Runtime, compileOnly, type RuntimeLogger } from "../../../src/runtime/index.js";

function valueOf(store: Store, name: string, labels: string[] = []): number | string | undefined {
  const m = store.metrics().find((x) => x.name === name);
  if (m === undefined) return undefined;
  for (const d of m.datums()) if (d.labels.join("\u0000") === labels.join("\u0000")) return d.value;
  return undefined;
}

function recordingLogger(): RuntimeLogger & { messages: { obj: object; msg: string }[] } {
  const messages: { obj: object; msg: string }[] = [];
  return { messages, info: (obj, msg) => messages.push({ obj, msg }), warn: (obj, msg) => messages.push({ obj, msg }) };
}

describe("Runtime", () => {
  it("runs every loaded program on every line", () => {
    const store = new Store();
    const rt = new Runtime(store);
    expect(rt.load("/etc/progs/a.mtail", "counter a\n/x/ {\n  a++\n}\n")).to.deep.equal({ ok: true });
    expect(rt.load("b.mtail", "counter b\n// {\n  b++\n}\n")).to.deep.equal({ ok: true });
    for (const l of ["x", "y", "xx"]) rt.processLine(l, "f.log");
    expect(valueOf(store, "a")).to.equal(2);
    expect(valueOf(store, "b")).to.equal(3);
    expect(rt.programs().map((p) => [p.name, p.loaded, p.lines])).to.deep.equal([
      ["a.mtail", true, 3],
      ["b.mtail", true, 3],
    ]);
  });

  it("keeps the old program (and its values) when a reload fails to compile", () => {
    const store = new Store();
    const rt = new Runtime(store);
    rt.load("p.mtail", "counter c\n/x/ {\n  c++\n}\n");
    rt.processLine("x", "f");
    const r = rt.load("p.mtail", "counter c\n/x/ {\n  c++\n");
    expect(r.ok).to.equal(false);
    expect(r.ok ? "" : r.diagnostics).to.match(/^p\.mtail:4:1: syntax error/);
    rt.processLine("x", "f");
    expect(valueOf(store, "c")).to.equal(2);
    expect(rt.programs()[0]?.lastCompileError).to.match(/syntax error/);
  });

  it("keeps values across a successful reload with the same declarations, drops removed metrics", () => {
    const store = new Store();
    const rt = new Runtime(store);
    rt.load("p.mtail", "counter c\ncounter gone\n/x/ {\n  c++\n  gone++\n}\n");
    rt.processLine("x", "f");
    rt.load("p.mtail", "counter c\n/y/ {\n  c++\n}\n");
    rt.processLine("y", "f");
    expect(valueOf(store, "c")).to.equal(2);
    expect(valueOf(store, "gone")).to.equal(undefined);
  });

  it("unload removes the program and its metrics", () => {
    const store = new Store();
    const rt = new Runtime(store);
    rt.load("p.mtail", "counter c\n/x/ {\n  c++\n}\n");
    rt.unload("p.mtail");
    rt.processLine("x", "f");
    expect(store.metrics()).to.have.length(0);
    expect(rt.programs()).to.have.length(0);
  });

  it("counts runtime errors and logs them rate-limited, never throwing", () => {
    const store = new Store();
    const logger = recordingLogger();
    let now = 1_000_000;
    const rt = new Runtime(store, { logger, now: () => now, errorLogIntervalMs: 1000 });
    rt.load("p.mtail", "gauge g\n/(\\S+)/ {\n  g = int($1)\n}\n");
    for (let i = 0; i < 5; i++) rt.processLine("notanumber", "f");
    now += 2000;
    rt.processLine("stillnot", "f");
    const status = rt.programs()[0];
    expect(status?.runtimeErrors).to.equal(6);
    expect(status?.lastRuntimeError).to.include('parsing "stillnot": invalid syntax');
    // The status page shows when, on which line and in which file.
    expect(status).to.include({ lastRuntimeErrorMs: now, lastRuntimeErrorLine: "stillnot", lastRuntimeErrorFile: "f" });
    const logged = logger.messages.filter((m) => m.msg.startsWith("Runtime error"));
    expect(logged).to.have.length(2);
    expect(logged[1]?.obj).to.include({ suppressed: 4 });
  });

  it("log_filter restricts a program to matching files", () => {
    const store = new Store();
    const rt = new Runtime(store);
    rt.load("p.mtail", 'log_filter "*access.log"\ncounter c\n// {\n  c++\n}\n');
    rt.processLine("a", "/var/log/nginx/access.log");
    rt.processLine("b", "/var/log/nginx/error.log");
    rt.processLine("c", "other-access.log");
    expect(valueOf(store, "c")).to.equal(2);
  });

  it("compileOnly reports every error without loading anything", () => {
    const r = compileOnly("bad.mtail", "counter a\nb++\nc++\n");
    expect(r.ok).to.equal(false);
    const text = r.ok ? "" : r.diagnostics;
    expect(text).to.include("bad.mtail:2:1: Identifier `b' not declared.");
    expect(text).to.include("bad.mtail:3:1: Identifier `c' not declared.");
    expect(text).to.include("bad.mtail:1:9: Declaration of variable `a' here is never used.");
    expect(compileOnly("good.mtail", "counter a\n/x/ {\n  a++\n}\n")).to.deep.equal({ ok: true });
  });

  it("exposes the generated JavaScript for --dump_js", () => {
    const rt = new Runtime(new Store());
    rt.load("p.mtail", 'counter c by k\n/(?P<k>\\w+)/ {\n  c[$k + "\\");evil()//"]++\n}\n');
    const js = rt.generatedSource("p.mtail") ?? "";
    expect(js).to.include("function line(line, filename, astral)");
    // User strings are quoted with JSON.stringify, never pasted raw.
    expect(js).to.include(JSON.stringify('");evil()//'));
  });

  it("a catastrophic pattern completes thanks to V8's linear-time fallback", () => {
    const store = new Store();
    const rt = new Runtime(store);
    rt.load("redos.mtail", "counter c\ncounter done\n/^(a+)+$/ {\n  c++\n}\n// {\n  done++\n}\n");
    // Classic exponential backtracking input: without the fallback this takes far longer than the test timeout.
    rt.processLine("a".repeat(40) + "b", "f");
    rt.processLine("a".repeat(40), "f");
    expect(valueOf(store, "c")).to.equal(1);
    expect(valueOf(store, "done")).to.equal(2);
  });
});
