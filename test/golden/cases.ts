// Finds golden cases on disk and runs one through the logtally CLI exactly as the conformance suite does.
// A case is a folder of *.mtail programs, *.log inputs and the reference output recorded from mtail 3.0.0~rc50.

import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file's place in either test/golden or dist/test/golden. */
export const repoRoot = findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));

/** Absolute log paths (from getfilename()) differ per checkout, so expected files spell the case folder this way. */
export const CASEDIR = "@CASEDIR@";

/** One golden case: where its files are and what mtail did with them. */
export interface GoldenCase {
  name: string;
  dir: string;
  /** Program file names relative to dir; passed as one file, or as the folder when there are several. */
  progs: string[];
  /** Log file names relative to dir, in the order given to --logs. */
  logs: string[];
  /** Extra command-line flags, one per line in the `args` file. */
  args: string[];
  /** Reference exposition, with CASEDIR standing for the case folder; absent for compile-error cases. */
  expectedProm?: string;
  /** mtail's --one_shot_format=json output, with CASEDIR for the case folder; compared without "Time" fields. */
  expectedJson?: string;
  /** Compile-error expectation (see README.md): substrings that must appear on stderr. */
  expectedErr?: { stderr: string[] };
  /** True when the expectation was written by hand for a feature mtail rc50 lacks (see the EXTENSION file). */
  extension: boolean;
  /** Where the expected exposition lives (programs/ cases; golden cases keep expected.prom in `dir`). */
  expectedPath?: string;
}

/** The result of one CLI run. */
export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function findRepoRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "test", "golden"))) return dir;
    dir = join(dir, "..");
  }
  throw new Error(`Cannot find the logtally repository root above ${start}.`);
}

/** Loads every case folder under `root` (sorted by name); a folder with no program is reported, not skipped. */
export function loadCases(root: string): GoldenCase[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => statSync(join(root, n)).isDirectory())
    .sort()
    .map((name) => loadCase(name, join(root, name)));
}

/** Reads one case folder. */
export function loadCase(name: string, dir: string): GoldenCase {
  const files = readdirSync(dir).sort();
  const read = (f: string): string | undefined => (files.includes(f) ? readFileSync(join(dir, f), "utf8") : undefined);
  const err = read("expected.err");
  return {
    name,
    dir: realpathSync(dir),
    progs: files.filter((f) => f.endsWith(".mtail")),
    logs: files.filter((f) => f.endsWith(".log")),
    args: (read("args") ?? "").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")),
    expectedProm: read("expected.prom"),
    expectedJson: read("expected.json"),
    expectedErr: err === undefined ? undefined : parseExpectedErr(err),
    extension: files.includes("EXTENSION"),
  };
}

/** expected.err: `stderr: <text>` lines must each appear in stderr; `#` lines are comments; exit must be non-zero. */
export function parseExpectedErr(text: string): { stderr: string[] } {
  const stderr: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line === "exit: nonzero") continue;
    const m = /^stderr: (.+)$/.exec(line);
    if (!m) throw new Error(`expected.err: cannot read line ${JSON.stringify(line)}; use "stderr: <text>".`);
    stderr.push(m[1]);
  }
  return { stderr };
}

/** The command-line arguments the conformance suite would use for this case, relative to the case folder. */
export function cliArgs(c: GoldenCase, format = "prometheus"): string[] {
  const progs = c.progs.length === 1 ? c.progs[0] : ".";
  const args = ["--progs", progs];
  if (c.logs.length > 0) args.push("--logs", c.logs.join(","));
  return [...args, "--one_shot", `--one_shot_format=${format}`, ...c.args];
}

/** Runs bin/logtally.js on a case from inside its folder (so relative names match the recorded output), with TZ=UTC. */
export function runLogtallyAsync(c: GoldenCase, format = "prometheus", timeoutMs = 30000): Promise<RunResult> {
  const bin = join(repoRoot, "bin", "logtally.js");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...cliArgs(c, format)], {
      cwd: c.dir,
      env: { ...process.env, TZ: "UTC" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const finish = (status: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), error });
    };
    child.on("error", (e) => finish(null, null, e));
    child.on("close", (status, signal) => finish(status, signal));
  });
}

/** Puts the real case folder into a recorded exposition. */
export function expandCaseDir(text: string, dir: string): string {
  return text.split(CASEDIR).join(dir);
}

/** Replaces the real case folder by CASEDIR, so a recorded exposition does not depend on the checkout's path. */
export function abstractCaseDir(text: string, dir: string): string {
  return text.split(dir).join(CASEDIR);
}

/**
 * The ready-to-use programs in programs/: each case DIR/NAME.test/CASE.log of a program NAME.mtail runs with
 * --emit_prog_label=false (and the flags of CASE.yaml) against CASE.prom, the contract of `logtally test`. A
 * program still in the older layout runs on samples/NAME.log against expected/NAME.prom (prog label included).
 */
export function loadProgramCases(programsDir: string): GoldenCase[] {
  if (!existsSync(programsDir)) return [];
  const dir = realpathSync(programsDir);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".mtail"))
    .sort()
    .flatMap((prog): GoldenCase[] => {
      const name = prog.replace(/\.mtail$/, "");
      const testDir = join(dir, `${name}.test`);
      if (existsSync(testDir)) {
        return readdirSync(testDir)
          .filter((f) => f.endsWith(".log"))
          .sort()
          .map((log) => {
            const base = log.replace(/\.log$/, "");
            const prom = join(testDir, `${base}.prom`);
            const yaml = join(testDir, `${base}.yaml`);
            return {
              name: `${name}.test/${base}`,
              dir,
              progs: [prog],
              logs: [join(`${name}.test`, log)],
              args: ["--emit_prog_label=false", ...(existsSync(yaml) ? yamlFlags(readFileSync(yaml, "utf8")) : [])],
              expectedProm: existsSync(prom) ? readFileSync(prom, "utf8") : undefined,
              expectedPath: prom,
              extension: false,
            };
          });
      }
      const expected = join(dir, "expected", `${name}.prom`);
      return [{
        name,
        dir,
        progs: [prog],
        logs: [join("samples", `${name}.log`)],
        args: [],
        expectedProm: existsSync(expected) ? readFileSync(expected, "utf8") : undefined,
        expectedPath: expected,
        extension: false,
      }];
    });
}

/** A CASE.yaml's `key: value` lines as --key=value flags (cases set only scalar flags). */
function yamlFlags(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l !== "")
    .map((l) => {
      const m = /^([a-z_]+)\s*:\s*(.*)$/.exec(l);
      if (m === null) throw new Error(`cannot read CASE.yaml line ${JSON.stringify(l)}`);
      return `--${m[1]}=${(m[2] as string).replace(/^["']|["']$/g, "")}`;
    });
}
