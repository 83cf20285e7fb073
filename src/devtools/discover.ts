// Finds the programs and test cases `logtally test` runs. A program DIR/NAME.mtail has its cases in DIR/NAME.test/:
// CASE.log (the input), CASE.prom (the metrics expected, Prometheus text) and optionally CASE.yaml (flags).
// The daemon loads only *.mtail files directly in --progs, so these folders can live beside the programs.

import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** One case: its log, where its expected metrics are (or go), and its optional flags file. */
export interface TestCase {
  /** `DIR/NAME.test/CASE`, as printed on the ok/FAIL line. */
  display: string;
  log: string;
  prom: string;
  /** CASE.yaml when it exists. */
  yaml: string | null;
}

/** A program and the cases to run it on; `problems` are files that are not a runnable case (each a failure). */
export interface TestTarget {
  /** DIR/NAME.mtail, or null when a test folder has no program (a failure of every case). */
  program: string | null;
  /** DIR/NAME.test, or null when the program has no test folder. */
  testDir: string | null;
  cases: TestCase[];
  problems: Array<{ display: string; message: string }>;
}

/** A path that cannot be tested (nothing there, or nothing to test in it): a usage error. */
export class TestPathError extends Error {
  override readonly name = "TestPathError";
}

const PROGRAM = ".mtail";
const TESTS = ".test";

/**
 * The targets for the paths given to `logtally test`: a folder (every program in it and every test folder, even
 * one without its program), a program file, a NAME.test folder, or one case (its .log, .prom or .yaml file).
 * @throws TestPathError for a path that does not exist or holds neither programs nor tests
 */
export async function discoverTargets(paths: readonly string[]): Promise<TestTarget[]> {
  const targets: TestTarget[] = [];
  const addTarget = (t: TestTarget): void => {
    const key = t.program ?? t.testDir ?? "";
    const old = targets.find((x) => (x.program ?? x.testDir ?? "") === key);
    if (old === undefined) {
      targets.push(t);
      return;
    }
    // The same program named twice, or once as a whole and once by case: every case once.
    for (const c of t.cases) if (!old.cases.some((o) => o.log === c.log)) old.cases.push(c);
  };
  for (const path of paths) {
    const s = await statOrNull(path);
    if (s === null) throw new TestPathError(`${path}: no such file or directory.`);
    if (s.isDirectory() && path.replace(/\/+$/, "").endsWith(TESTS)) {
      addTarget(await targetOfTestDir(path.replace(/\/+$/, "")));
    } else if (s.isDirectory()) {
      const found = await targetsInFolder(path);
      if (found.length === 0) throw new TestPathError(`${path}: no *.mtail programs and no NAME.test folders here.`);
      for (const t of found) addTarget(t);
    } else if (path.endsWith(PROGRAM)) {
      addTarget(await targetOfProgram(path));
    } else if (/\.(log|prom|yaml)$/.test(path) && dirname(path).endsWith(TESTS)) {
      const whole = await targetOfTestDir(dirname(path));
      const name = basename(path).replace(/\.(log|prom|yaml)$/, "");
      const one = whole.cases.filter((c) => basename(c.log) === `${name}.log`);
      const problems = whole.problems.filter((p) => p.display === join(dirname(path), name));
      if (one.length === 0 && problems.length === 0) throw new TestPathError(`${path}: no case ${name} here (its log would be ${join(dirname(path), name)}.log).`);
      addTarget({ ...whole, cases: one, problems });
    } else {
      throw new TestPathError(`${path}: not a program (NAME.mtail), a test folder (NAME.test) or a case (NAME.test/CASE.log).`);
    }
  }
  return targets;
}

/** Every program in a folder with its cases, then test folders that have no program. */
async function targetsInFolder(dir: string): Promise<TestTarget[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  const out: TestTarget[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith(".")) continue;
    if (!e.isDirectory() && e.name.endsWith(PROGRAM)) out.push(await targetOfProgram(join(dir, e.name)));
    else if (e.isDirectory() && e.name.endsWith(TESTS) && !names.has(e.name.slice(0, -TESTS.length) + PROGRAM)) {
      out.push(await targetOfTestDir(join(dir, e.name)));
    }
  }
  return out;
}

async function targetOfProgram(program: string): Promise<TestTarget> {
  const testDir = program.slice(0, -PROGRAM.length) + TESTS;
  const s = await statOrNull(testDir);
  if (s === null || !s.isDirectory()) return { program, testDir: null, cases: [], problems: [] };
  return { program, testDir, ...(await casesIn(testDir)) };
}

async function targetOfTestDir(testDir: string): Promise<TestTarget> {
  const program = testDir.slice(0, -TESTS.length) + PROGRAM;
  const s = await statOrNull(program);
  return { program: s !== null && s.isFile() ? program : null, testDir, ...(await casesIn(testDir)) };
}

/** The cases of a test folder: one per CASE.log; a .prom or .yaml without its .log is a problem. */
async function casesIn(testDir: string): Promise<Pick<TestTarget, "cases" | "problems">> {
  const files = (await readdir(testDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const have = new Set(files);
  const cases: TestCase[] = [];
  const problems: TestTarget["problems"] = [];
  for (const f of files.sort()) {
    const m = /^(.*)\.(log|prom|yaml)$/.exec(f);
    if (m === null || f.startsWith(".")) continue;
    const [, name, ext] = m as unknown as [string, string, string];
    const display = join(testDir, name);
    if (ext === "log") {
      cases.push({ display, log: join(testDir, f), prom: join(testDir, `${name}.prom`), yaml: have.has(`${name}.yaml`) ? join(testDir, `${name}.yaml`) : null });
    } else if (!have.has(`${name}.log`) && !problems.some((p) => p.display === display)) {
      problems.push({ display, message: `${join(testDir, f)} has no log ${display}.log to run the program on.` });
    }
  }
  return { cases, problems };
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
