// What `npm pack` makes installs and runs with production dependencies only, and `npm ci --omit=dev` in a clone
// succeeds (its `prepare` skips the build when the build tools are absent). Installs come from npm's cache
// (--prefer-offline), filled by the `npm ci` that ran before the tests.
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../helpers/logtally-process.js";

const NPM_QUIET = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

describe("npm package (integration)", function () {
  this.timeout(240_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "logtally-pack-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("npm pack: the tarball holds the built code and runs after an install with production dependencies only", () => {
    // --ignore-scripts: the suite already built dist/ (prepack would build it again, the same way).
    const packed = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: REPO_ROOT, encoding: "utf8" })) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).to.include.members(["bin/logtally.js", "bin/logtally.cjs", "dist/src/cli/main.js", "dist/src/cli/main.bundle.cjs", "dist/src/cli/quick-start.cjs", "dist/src/compiler/generated/parser.js", "package.json"]);
    expect(files.filter((f) => f.startsWith("dist/test/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).to.deep.equal([]);

    const app = path.join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    execFileSync("npm", ["install", "--omit=dev", ...NPM_QUIET, path.join(dir, packed[0]!.filename)], { cwd: app, encoding: "utf8" });
    for (const dev of ["peggy", "typescript", "mocha"]) expect(existsSync(path.join(app, "node_modules", dev)), dev).to.equal(false);

    const bin = path.join(app, "node_modules", ".bin", "logtally");
    expect(execFileSync(bin, ["--version"], { encoding: "utf8" })).to.match(/^logtally \d+\.\d+\.\d+/);
    const sshd = path.join(app, "node_modules", "logtally", "programs", "sshd.mtail");
    const out = execFileSync(bin, ["--progs", sshd, "--logs", path.join(REPO_ROOT, "programs", "sshd.test", "sample.log"), "--one_shot", "--one_shot_format=prometheus"], { encoding: "utf8" });
    expect(out).to.match(/^# TYPE \S+ counter$/m);
    expect(out).to.match(/prog="sshd\.mtail"\} [1-9]/);
  });

  it("npm ci --omit=dev in a clone succeeds and says the build was skipped", () => {
    for (const f of ["package.json", "package-lock.json"]) copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
    cpSync(path.join(REPO_ROOT, "scripts"), path.join(dir, "scripts"), { recursive: true });
    const r = spawnSync("npm", ["ci", "--omit=dev", ...NPM_QUIET], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include("the build tools (devDependencies) are not installed, so nothing is built");
    expect(existsSync(path.join(dir, "node_modules", "typescript"))).to.equal(false);
    expect(JSON.parse(readFileSync(path.join(dir, "node_modules", "chokidar", "package.json"), "utf8")).name).to.equal("chokidar");
  });
});
