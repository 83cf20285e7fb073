// `npm test` runs `logtally test programs`: every case of every program in the library must pass, and every
// program must have cases (NAME.test/CASE.log with CASE.prom).
import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runMain } from "../helpers/run-main.js";
import { repoRoot } from "./cases.js";

describe("golden: logtally test programs", function () {
  this.timeout(60000);
  const dir = join(repoRoot, "programs");

  it("passes every case of the library, and says so on its last line", async () => {
    const { code, stdout, stderr, lines } = await runMain(["test", dir]);
    const failures = lines.filter((l) => l.startsWith("FAIL "));
    expect(failures, stdout).to.deep.equal([]);
    expect(lines.at(-1)).to.match(/^\d+ passed, 0 failed$/);
    expect(code, stdout + stderr).to.equal(0);
  });

  it("has cases for every program", () => {
    const programs = readdirSync(dir).filter((f) => f.endsWith(".mtail")).map((f) => f.replace(/\.mtail$/, ""));
    expect(programs.length).to.be.greaterThan(0);
    const without = programs.filter((p) => !(existsSync(join(dir, `${p}.test`)) && readdirSync(join(dir, `${p}.test`)).some((f) => f.endsWith(".log"))));
    expect(without).to.deep.equal([]);
  });
});
