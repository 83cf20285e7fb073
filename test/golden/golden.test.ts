// Golden conformance tests: runs every case in test/golden/cases and every program in programs/ through
// `node bin/logtally.js ... --one_shot --one_shot_format=prometheus` (and json) and compares with the output
// recorded from mtail 3.0.0~rc50. UPDATE_GOLDEN rewrites expected.prom from logtally's own output: only after
// reviewing the diff (see README.md).

import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import {
  abstractCaseDir, cliArgs, expandCaseDir, loadCases, loadProgramCases, repoRoot, runLogtallyAsync,
  type GoldenCase, type RunResult,
} from "./cases.js";
import { diffMetadata, diffSamples, parseExposition } from "./exposition.js";
import { diffJson, normaliseJsonExport } from "./json-export.js";

// UPDATE_GOLDEN=1 rewrites every case's expected.prom from logtally's output; UPDATE_GOLDEN=name,name only those.
const updateSpec = process.env.UPDATE_GOLDEN ?? "";
const shouldUpdate = (name: string): boolean =>
  updateSpec === "1" || (updateSpec !== "" && updateSpec.split(",").map((s) => s.trim()).includes(name));
// Cases are independent processes: run a few side by side (the machine is shared, so not more than the cores).
const parallel = Math.max(1, Math.min(4, availableParallelism()));

/** A short account of a run for failure messages: the command, exit status and the start of stderr. */
function describeRun(c: GoldenCase, r: RunResult, format = "prometheus"): string {
  const cmd = `(cd ${c.dir} && node ${join(repoRoot, "bin", "logtally.js")} ${cliArgs(c, format).join(" ")})`;
  const err = r.stderr.length > 2000 ? `${r.stderr.slice(0, 2000)}...` : r.stderr;
  return `${cmd}\nexit status ${r.status}${r.signal ? ` (signal ${r.signal})` : ""}${r.error ? ` (${r.error.message})` : ""}\nstderr:\n${err}`;
}

/**
 * Runs a list of cases lazily, a few ahead: asking for case i starts the runs of cases i .. i+parallel-1 that
 * have not started yet, so tests (which mocha runs one after another) overlap without starting filtered-out cases.
 */
class CaseRunner {
  private readonly started = new Map<string, Promise<RunResult>>();
  private readonly order: GoldenCase[];
  constructor(cases: GoldenCase[]) {
    this.order = cases.filter((c) => c.progs.length > 0);
  }
  result(c: GoldenCase, format: string): Promise<RunResult> {
    const i = this.order.indexOf(c);
    for (let j = i; j >= 0 && j < Math.min(this.order.length, i + parallel); j++) this.start(this.order[j]);
    const r = this.started.get(`${c.name}:${format}`);
    if (r === undefined) throw new Error(`case ${c.name} has no ${format} run`);
    return r;
  }
  private start(c: GoldenCase): void {
    if (this.started.has(`${c.name}:prometheus`)) return;
    this.started.set(`${c.name}:prometheus`, runLogtallyAsync(c, "prometheus"));
    if (c.expectedJson !== undefined && c.expectedErr === undefined) this.started.set(`${c.name}:json`, runLogtallyAsync(c, "json"));
  }
}

function defineCase(c: GoldenCase, expectedPath: string, runner: CaseRunner): void {
  const title = c.extension ? `${c.name} (extension beyond mtail rc50)` : c.name;
  const result = (format: string): Promise<RunResult> => runner.result(c, format);
  describe(title, function () {
    this.timeout(60000);

    it("has a program and an expectation", () => {
      expect(c.progs, `${c.dir} holds no .mtail program`).to.not.be.empty;
      expect(c.expectedProm !== undefined || c.expectedErr !== undefined, `${c.dir} holds no expected.prom or expected.err`)
        .to.equal(true);
    });

    if (c.expectedErr) {
      const want = c.expectedErr;
      it("fails to compile, naming the file and line on stderr", async () => {
        const run = await result("prometheus");
        expect(run.status, `expected a non-zero exit\n${describeRun(c, run)}`).to.not.equal(0);
        expect(run.status, `expected an exit status, not a crash\n${describeRun(c, run)}`).to.not.equal(null);
        for (const s of want.stderr) expect(run.stderr, `stderr should contain ${JSON.stringify(s)}\n${describeRun(c, run)}`).to.include(s);
      });
      return;
    }
    if (c.expectedProm === undefined) return;
    const expectedText = expandCaseDir(c.expectedProm, c.dir);

    it("prints the same samples as mtail", async () => {
      const run = await result("prometheus");
      if (shouldUpdate(c.name) && run.status === 0) writeFileSync(expectedPath, abstractCaseDir(run.stdout, c.dir));
      expect(run.status, `expected exit status 0\n${describeRun(c, run)}`).to.equal(0);
      const want = parseExposition(expectedText);
      const got = parseExposition(run.stdout);
      expect(got.errors, `logtally printed lines that are not Prometheus text\n${describeRun(c, run)}`).to.deep.equal([]);
      const diffs = diffSamples(want, got);
      if (diffs.length > 0) {
        expect.fail(`${diffs.length} sample difference(s) from mtail:\n  ${diffs.join("\n  ")}\n${describeRun(c, run)}`);
      }
    });

    it("prints the same HELP and TYPE lines as mtail", async () => {
      const run = await result("prometheus");
      const diffs = diffMetadata(parseExposition(expectedText), parseExposition(run.stdout));
      if (diffs.length > 0) expect.fail(`${diffs.length} HELP/TYPE difference(s) from mtail:\n  ${diffs.join("\n  ")}`);
    });

    if (c.expectedJson !== undefined) {
      const expectedJson = expandCaseDir(c.expectedJson, c.dir);
      it("prints the same JSON as mtail (Time fields aside)", async () => {
        const r = await result("json");
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

/** One suite per folder of cases. */
function defineSuite(title: string, cases: GoldenCase[], expectedPath: (c: GoldenCase) => string, noun: string): void {
  describe(title, function () {
    const runner = new CaseRunner(cases);
    it(`finds the ${noun}`, () => expect(cases.length).to.be.greaterThan(0));
    for (const c of cases) defineCase(c, expectedPath(c), runner);
  });
}

defineSuite(
  "golden: test/golden/cases against mtail 3.0.0~rc50",
  loadCases(join(repoRoot, "test", "golden", "cases")),
  (c) => join(c.dir, "expected.prom"),
  "golden cases",
);
defineSuite(
  "golden: programs/ with their samples",
  loadProgramCases(join(repoRoot, "programs")),
  (c) => c.expectedPath ?? join(c.dir, "expected", `${c.name}.prom`),
  "example programs",
);
