// Golden conformance tests: runs every case in test/golden/cases and every program in programs/ through
// `node bin/logtally.js ... --one_shot --one_shot_format=prometheus` and compares with mtail 3.0.0~rc50's output.
// UPDATE_GOLDEN=1 rewrites expected.prom from logtally's own output: only after reviewing the diff (see README.md).

import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  abstractCaseDir, cliArgs, expandCaseDir, loadCases, loadProgramCases, repoRoot, runLogtally,
  type GoldenCase, type RunResult,
} from "./cases.js";
import { diffMetadata, diffSamples, parseExposition } from "./exposition.js";
import { diffJson, normaliseJsonExport } from "./json-export.js";

const update = process.env.UPDATE_GOLDEN === "1";

/** A short account of a run for failure messages: the command, exit status and the start of stderr. */
function describeRun(c: GoldenCase, r: RunResult, format = "prometheus"): string {
  const cmd = `(cd ${c.dir} && node ${join(repoRoot, "bin", "logtally.js")} ${cliArgs(c, format).join(" ")})`;
  const err = r.stderr.length > 2000 ? `${r.stderr.slice(0, 2000)}...` : r.stderr;
  return `${cmd}\nexit status ${r.status}${r.signal ? ` (signal ${r.signal})` : ""}${r.error ? ` (${r.error.message})` : ""}\nstderr:\n${err}`;
}

function defineCase(c: GoldenCase, expectedPath: string): void {
  const title = c.extension ? `${c.name} (extension beyond mtail rc50)` : c.name;
  describe(title, function () {
    let run: RunResult;
    before(function () {
      this.timeout(30000);
      if (c.progs.length > 0) run = runLogtally(c);
    });

    it("has a program and an expectation", () => {
      expect(c.progs, `${c.dir} holds no .mtail program`).to.not.be.empty;
      expect(c.expectedProm !== undefined || c.expectedErr !== undefined, `${c.dir} holds no expected.prom or expected.err`)
        .to.equal(true);
    });

    if (c.expectedErr) {
      const want = c.expectedErr;
      it("fails to compile, naming the file and line on stderr", () => {
        expect(run, "case did not run").to.not.equal(undefined);
        expect(run.status, `expected a non-zero exit\n${describeRun(c, run)}`).to.not.equal(0);
        expect(run.status, `expected an exit status, not a crash\n${describeRun(c, run)}`).to.not.equal(null);
        for (const s of want.stderr) expect(run.stderr, `stderr should contain ${JSON.stringify(s)}\n${describeRun(c, run)}`).to.include(s);
      });
      return;
    }
    if (c.expectedProm === undefined) return;
    const expectedText = expandCaseDir(c.expectedProm, c.dir);

    it("prints the same samples as mtail", () => {
      expect(run, "case did not run").to.not.equal(undefined);
      if (update && run.status === 0) writeFileSync(expectedPath, abstractCaseDir(run.stdout, c.dir));
      expect(run.status, `expected exit status 0\n${describeRun(c, run)}`).to.equal(0);
      const want = parseExposition(expectedText);
      const got = parseExposition(run.stdout);
      expect(got.errors, `logtally printed lines that are not Prometheus text\n${describeRun(c, run)}`).to.deep.equal([]);
      const diffs = diffSamples(want, got);
      if (diffs.length > 0) {
        expect.fail(`${diffs.length} sample difference(s) from mtail:\n  ${diffs.join("\n  ")}\n${describeRun(c, run)}`);
      }
    });

    it("prints the same HELP and TYPE lines as mtail", () => {
      expect(run, "case did not run").to.not.equal(undefined);
      const diffs = diffMetadata(parseExposition(expectedText), parseExposition(run.stdout));
      if (diffs.length > 0) expect.fail(`${diffs.length} HELP/TYPE difference(s) from mtail:\n  ${diffs.join("\n  ")}`);
    });

    if (c.expectedJson !== undefined) {
      const expectedJson = expandCaseDir(c.expectedJson, c.dir);
      it("prints the same JSON as mtail (Time fields aside)", function () {
        this.timeout(30000);
        const r = runLogtally(c, "json");
        expect(r.status, `expected exit status 0\n${describeRun(c, r, "json")}`).to.equal(0);
        let got: unknown;
        try {
          got = JSON.parse(r.stdout);
        } catch (e) {
          expect.fail(`logtally printed invalid JSON (${(e as Error).message}):\n${r.stdout.slice(0, 500)}`);
        }
        const diffs = diffJson(normaliseJsonExport(JSON.parse(expectedJson)), normaliseJsonExport(got));
        if (diffs.length > 0) expect.fail(`JSON differs from mtail's:\n  ${diffs.join("\n  ")}`);
      });
    }
  });
}

describe("golden: test/golden/cases against mtail 3.0.0~rc50", () => {
  const cases = loadCases(join(repoRoot, "test", "golden", "cases"));
  it("finds the golden cases", () => expect(cases.length).to.be.greaterThan(0));
  for (const c of cases) defineCase(c, join(c.dir, "expected.prom"));
});

describe("golden: programs/ with their samples", () => {
  const cases = loadProgramCases(join(repoRoot, "programs"));
  it("finds the example programs", () => expect(cases.length).to.be.greaterThan(0));
  for (const c of cases) defineCase(c, join(c.dir, "expected", `${c.name}.prom`));
});
