// Program discovery: a folder's *.mtail files (no dotfiles, no subfolders, sorted), or a single file.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileOnly, listProgramFiles, loadProgramsFromPath } from "../../../src/runtime/index.js";

describe("loading programs from a path", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "logtally-load-"));
    writeFileSync(join(dir, "b.mtail"), "counter b\n/x/ {\n  b++\n}\n");
    writeFileSync(join(dir, "a.mtail"), "counter a\n/x/ {\n  nope++\n}\n");
    writeFileSync(join(dir, ".hidden.mtail"), "garbage");
    writeFileSync(join(dir, "notes.mtail.txt"), "garbage");
    mkdirSync(join(dir, "sub.mtail"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lists only regular *.mtail files, sorted", async () => {
    expect(await listProgramFiles(dir)).to.deep.equal([join(dir, "a.mtail"), join(dir, "b.mtail")]);
    expect(await listProgramFiles(join(dir, "b.mtail"))).to.deep.equal([join(dir, "b.mtail")]);
  });

  it("loads each file and reports each result", async () => {
    const results = await loadProgramsFromPath(dir, compileOnly);
    expect(results.map((r) => r.result.ok)).to.deep.equal([false, true]);
    const first = results[0]?.result;
    expect(first !== undefined && !first.ok ? first.diagnostics : "").to.match(/^a\.mtail:3:3-6: Identifier `nope' not declared\./);
  });
});
