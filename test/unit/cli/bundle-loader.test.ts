// The bundled CLI (scripts/bundle-cli.js) that bin/logtally.cjs (and bin/logtally.js) runs for --one_shot and --compile_only: it behaves as
// the modules do, its code cache is made once, used after, refused when unsafe, and never breaks a run.
import { expect } from "chai";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_PATH, isBundleCurrent, loadBundledMain } from "../../../src/cli/bundle-loader.js";
import { Capture, runMain } from "../../helpers/run-main.js";

const REPO = path.join(path.dirname(BUNDLE_PATH), "..", "..", "..");

/**
 * Loads the bundle in a process of its own (V8 keeps what one process compiled in memory, which would hide whether the
 * cache file was read) and reports the cache state it saw.
 */
function runBundledProcess(argv: string[], cacheRoot: string): { cache: string; code: number | null; stderr: string } {
  const script = `
    const { loadBundledMain, BUNDLE_PATH } = await import(${JSON.stringify(pathToFileURL(path.join(path.dirname(BUNDLE_PATH), "bundle-loader.js")).href)});
    const loaded = loadBundledMain(BUNDLE_PATH, { cacheRoot: ${JSON.stringify(cacheRoot)}, env: {} });
    process.exitCode = await loaded.main(${JSON.stringify(argv)}, { stdout: process.stdout, stderr: process.stderr, env: {} });
    loaded.saveCodeCache();
    process.stderr.write("cache=" + loaded.cache + "\\n");`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  return { cache: /cache=(\w+)/.exec(r.stderr)?.[1] ?? `(none: ${r.stderr})`, code: r.status, stderr: r.stderr };
}

async function runBundled(argv: string[], cacheRoot: string) {
  const loaded = loadBundledMain(BUNDLE_PATH, { cacheRoot, env: {} });
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await loaded.main(argv, { stdout, stderr, env: {} });
  loaded.saveCodeCache();
  return { cache: loaded.cache, code, stdout: stdout.text, stderr: stderr.text };
}

describe("cli: the bundled CLI and its code cache", function () {
  this.timeout(30_000);
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), "logtally-bundle-"))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("prints what the modules print, for every bundled program on its sample log", async () => {
    const argv = ["--one_shot", "--one_shot_format=prometheus", "--progs", path.join(REPO, "programs"), "--logs", path.join(REPO, "programs", "sshd.test", "sample.log")];
    const bundled = await runBundled(argv, root);
    const modules = await runMain(argv);
    expect(bundled.code).to.equal(0);
    expect(bundled.stdout).to.match(/prog="sshd\.mtail"\} [1-9]/);
    expect(bundled.stdout).to.equal(modules.stdout);
  });

  it("reports compile errors as the modules do", async () => {
    const prog = path.join(root, "bad.mtail");
    writeFileSync(prog, "counter c\n/x/ {\n  c+++\n}\n");
    const bundled = await runBundled(["--compile_only", "--progs", prog], root);
    const modules = await runMain(["--compile_only", "--progs", prog]);
    expect(bundled.code).to.equal(1);
    expect(bundled.stderr).to.include("bad.mtail:4:1: syntax error");
    expect(bundled.stderr).to.equal(modules.stderr);
  });

  it("makes the cache on the first run and uses it on the next", async () => {
    const argv = ["--compile_only", "--progs", path.join(REPO, "programs", "sshd.mtail")];
    expect(runBundledProcess(argv, root)).to.include({ cache: "none", code: 0 });
    const dir = path.join(root, `logtally-code-cache-${process.getuid!()}`);
    expect(readdirSync(dir).filter((f) => f.endsWith(".bin"))).to.have.length(1);
    expect(runBundledProcess(argv, root)).to.include({ cache: "used", code: 0 });
  });

  it("refuses a cache folder others may write, and runs without it", async () => {
    const dir = path.join(root, `logtally-code-cache-${process.getuid!()}`);
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const r = runBundledProcess(["--compile_only", "--progs", path.join(REPO, "programs", "sshd.mtail")], root);
    expect(r).to.include({ cache: "off", code: 0 });
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it("survives a corrupt cache file: V8 refuses it, the run succeeds and a good one replaces it", async () => {
    const argv = ["--compile_only", "--progs", path.join(REPO, "programs", "sshd.mtail")];
    runBundledProcess(argv, root);
    const dir = path.join(root, `logtally-code-cache-${process.getuid!()}`);
    const [file] = readdirSync(dir);
    writeFileSync(path.join(dir, file!), Buffer.alloc(4096, 7));
    expect(runBundledProcess(argv, root)).to.include({ cache: "rejected", code: 0 });
    expect(runBundledProcess(argv, root)).to.include({ cache: "used", code: 0 });
  });

  it("serves the dynamic imports it keeps (the subcommands load their modules)", async () => {
    // healthcheck is imported by the bundle from dist/src/cli/healthcheck.js; port 1 refuses at once.
    const r = await runBundled(["healthcheck", "--port", "1"], root);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/logtally healthcheck: /);
  });

  for (const entry of ["logtally.cjs", "logtally.js"]) {
    it(`is what bin/${entry} runs for --one_shot and --compile_only, and not for the daemon's modes`, () => {
      const bin = path.join(REPO, "bin", entry);
      const env = { ...process.env, TMPDIR: root, LOGTALLY_DEBUG_BUNDLE: "1" };
      const dir = path.join(root, `logtally-code-cache-${process.getuid!()}`);
      const version = spawnSync(process.execPath, [bin, "--version"], { env, encoding: "utf8" });
      expect(version.status).to.equal(0);
      expect(version.stdout).to.match(/^logtally \d+\.\d+\.\d+/);
      // (Node 22+ puts its own module compile cache, node-compile-cache, in the same folder.)
      expect(readdirSync(root).filter((f) => f.startsWith("logtally-")), "no cache without the bundle").to.deep.equal([]);
      const r = spawnSync(process.execPath, [bin, "--compile_only", "--progs", path.join(REPO, "programs", "sshd.mtail")], { env, encoding: "utf8" });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.not.include("bundle not used");
      expect(readdirSync(dir).filter((f) => f.endsWith(".bin"))).to.have.length(1);
    });
  }

  it("bin/logtally.cjs hands a one-shot run to the modules when the bundle is older than them", () => {
    // A copy of bin/ and dist/src/ whose main.js is newer than the bundle (tsc run without `npm run build`).
    const app = path.join(root, "app");
    mkdirSync(path.join(app, "dist"), { recursive: true });
    cpSync(path.join(REPO, "bin"), path.join(app, "bin"), { recursive: true });
    cpSync(path.join(REPO, "dist", "src"), path.join(app, "dist", "src"), { recursive: true });
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(path.join(REPO, "node_modules"), path.join(app, "node_modules"));
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(app, "dist", "src", "cli", "main.js"), future, future);
    const env = { ...process.env, TMPDIR: root, LOGTALLY_DEBUG_BUNDLE: "1" };
    const argv = ["--one_shot", "--one_shot_format=prometheus", "--progs", path.join(REPO, "programs", "sshd.mtail"), "--logs", path.join(REPO, "programs", "sshd.test", "sample.log")];
    const copied = spawnSync(process.execPath, [path.join(app, "bin", "logtally.cjs"), ...argv], { env, encoding: "utf8" });
    const installed = spawnSync(process.execPath, [path.join(REPO, "bin", "logtally.cjs"), ...argv], { env: { ...env, NODE_DISABLE_COMPILE_CACHE: "1" }, encoding: "utf8" });
    expect(copied.status, copied.stderr).to.equal(0);
    expect(copied.stderr).to.equal("");
    expect(copied.stdout).to.match(/prog="sshd\.mtail"\} [1-9]/);
    expect(copied.stdout).to.equal(installed.stdout);
    expect(readdirSync(root).filter((f) => f.startsWith("logtally-code-cache")), "the stale bundle made no cache").to.deep.equal([]);
  });

  it("is ASCII only (the loader reads it as latin1)", () => {
    const bytes = readFileSync(BUNDLE_PATH);
    expect(bytes.length).to.be.greaterThan(100_000);
    expect(bytes.findIndex((b) => b > 0x7f)).to.equal(-1);
  });

  it("is current only when built after the modules", () => {
    const copy = path.join(root, "main.bundle.cjs");
    const main = path.join(root, "main.js");
    writeFileSync(copy, "");
    writeFileSync(main, "");
    utimesSync(main, new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect(isBundleCurrent(copy)).to.equal(true);
    utimesSync(main, new Date(), new Date(Date.now() + 60_000));
    expect(isBundleCurrent(copy)).to.equal(false);
    rmSync(copy);
    expect(isBundleCurrent(copy)).to.equal(false);
    expect(isBundleCurrent(BUNDLE_PATH), "npm run build leaves a current bundle").to.equal(true);
  });
});
