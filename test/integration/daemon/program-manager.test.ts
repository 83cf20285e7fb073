// ProgramManager against real program files and a real runtime: load, reload only what changed, keep the old
// version when a reload fails, unload removed files. Rescans are called directly (the watcher is covered by
// daemon.test.ts).
import { expect } from "chai";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { ProgramManager, isProgramFile } from "../../../src/daemon/program-manager.js";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";

const GOOD = "counter hits\n/hit/ {\n  hits++\n}\n";
const BROKEN = "counter hits\n/hit/ {\n  hit++\n}\n";

describe("daemon/ProgramManager", () => {
  let dir: string;
  let store: Store;
  let runtime: Runtime;
  let manager: ProgramManager;
  const hits = () => store.metrics().find((m) => m.name === "hits");
  const value = () => {
    const m = hits();
    return m === undefined ? undefined : [...m.datums()][0]?.value;
  };
  const info = (name: string) => manager.programs().find((p) => p.name === name);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-progs-"));
    store = new Store();
    runtime = new Runtime(store);
    manager = new ProgramManager(dir, runtime, pino({ level: "silent" }));
  });
  afterEach(async () => {
    await manager.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads, keeps values over an unchanged-declaration reload, survives a broken edit, unloads on removal", async () => {
    const file = path.join(dir, "hits.mtail");
    writeFileSync(file, GOOD);
    writeFileSync(path.join(dir, ".hits.mtail.swp"), "junk");
    writeFileSync(path.join(dir, "README.txt"), "not a program");
    expect(await manager.loadAll()).to.equal(0);
    expect(manager.programs().map((p) => p.name)).to.deep.equal(["hits.mtail"]);
    runtime.processLine("hit", "/x.log");
    expect(value()).to.equal(1);

    // Unchanged file: no reload.
    await manager.rescan();
    expect(info("hits.mtail")!.loads).to.equal(1);

    writeFileSync(file, BROKEN);
    await manager.rescan();
    expect(info("hits.mtail")).to.include({ loaded: true, loads: 1, compileFailures: 1 });
    expect(info("hits.mtail")!.lastCompileError).to.match(/hits\.mtail:3:3/);
    runtime.processLine("hit", "/x.log");
    expect(value(), "the old version keeps counting").to.equal(2);

    writeFileSync(file, "# moved down a line\n" + GOOD);
    await manager.rescan();
    expect(info("hits.mtail")).to.include({ loaded: true, loads: 2, compileFailures: 1, lastCompileError: "" });
    expect(value(), "same declaration: the value survives").to.equal(2);

    unlinkSync(file);
    await manager.rescan();
    expect(manager.programs()).to.deep.equal([]);
    expect(hits()).to.equal(undefined);
  });

  it("reports a program that never compiled as not loaded", async () => {
    writeFileSync(path.join(dir, "bad.mtail"), BROKEN);
    expect(await manager.loadAll()).to.equal(1);
    expect(info("bad.mtail")).to.include({ loaded: false, loads: 0, compileFailures: 1 });
  });

  it("recognises program files", () => {
    const cases: Array<[string, boolean]> = [["a.mtail", true], ["/x/y/b.mtail", true], [".a.mtail", false], ["a.mtail~", false], ["a.txt", false]];
    for (const [name, want] of cases) expect(isProgramFile(name), name).to.equal(want);
  });
});
