// `npm test` runs `logtally test programs`: every case of every program in the library must pass, and every
// program must have cases (NAME.test/CASE.log with CASE.prom).
import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../../src/cli/main.js";
import { repoRoot } from "./cases.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Programs written before the NAME.test/ layout whose owner is moving them (their cases run in golden.test.ts). */
const OLD_LAYOUT = new Set(["app_json", "red_logfmt"]);

describe("golden: logtally test programs", function () {
  this.timeout(60000);
  const dir = join(repoRoot, "programs");

  it("passes every case of the library, and says so on its last line", async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await main(["test", dir], { stdout, stderr, env: {} });
    const lines = stdout.text.trimEnd().split("\n");
    const failures = lines.filter((l) => l.startsWith("FAIL "));
    expect(failures, stdout.text).to.deep.equal([]);
    expect(lines.at(-1)).to.match(/^\d+ passed, 0 failed$/);
    expect(code, stdout.text + stderr.text).to.equal(0);
  });

  it("has cases for every program", () => {
    const programs = readdirSync(dir).filter((f) => f.endsWith(".mtail")).map((f) => f.replace(/\.mtail$/, ""));
    expect(programs.length).to.be.greaterThan(0);
    const without = programs.filter((p) => !OLD_LAYOUT.has(p) && !(existsSync(join(dir, `${p}.test`)) && readdirSync(join(dir, `${p}.test`)).some((f) => f.endsWith(".log"))));
    expect(without).to.deep.equal([]);
  });
});
