// `logtally test`: runs every case of every program in one process (each program compiled once, a fresh store per
// case), prints one `ok` / `FAIL` line per case with a diff under each failure, and ends with `N passed, M failed`.

import { readFileSync, writeFileSync } from "node:fs";
import type { CompiledProgram } from "../compiler/compile.js";
import { compileProgram } from "../runtime/index.js";
import { discoverTargets, TestPathError, type TestCase, type TestTarget } from "./discover.js";
import { diffPromText, renderDifferences } from "./prom-diff.js";
import { PromSyntaxError, parsePromText, type PromText } from "./prom-text.js";
import { runCase, type CaseRun, type CaseSettings } from "./run-case.js";

export interface TestRunOptions {
  paths: readonly string[];
  /** Write each case's .prom from the program's output (new or changed ones), instead of failing on a difference. */
  update: boolean;
  /** List the lines of each case's log that no pattern matched. */
  unmatched: boolean;
  /** mtail's --max_regexp_length for compiling the programs. */
  maxRegexpLength?: number;
  /** Settings of every case, before its CASE.yaml. */
  defaults: CaseSettings;
  /** Reads a CASE.yaml into settings; throws an Error whose message names the file and line for a bad one. */
  loadCaseSettings(file: string): Promise<CaseSettings>;
}

/** Where the report goes: stdout gets the case lines and the summary, stderr notes and usage errors. */
export interface TestIo {
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes: all passed, some failed, a usage error (a path that is not there). */
export const TEST_PASSED = 0;
export const TEST_FAILED = 1;
export const TEST_USAGE = 2;

/** A program's compilation, shared by all its cases. */
type Compiled = { program: CompiledProgram; traced: CompiledProgram | null } | { error: string };

/** Runs the tests and returns the exit code. */
export async function runTests(options: TestRunOptions, io: TestIo): Promise<number> {
  let targets: TestTarget[];
  try {
    targets = await discoverTargets(options.paths);
  } catch (err) {
    if (!(err instanceof TestPathError)) throw err;
    io.err(`logtally test: ${err.message}`);
    return TEST_USAGE;
  }
  let passed = 0;
  let failed = 0;
  const fail = (display: string, details: string[]): void => {
    failed++;
    io.out(`FAIL ${display}`);
    for (const d of details) io.out(d);
  };
  for (const t of targets) {
    if (t.program === null) {
      const why = `  ${t.testDir} has no program ${(t.testDir ?? "").replace(/\.test$/, ".mtail")} beside it.`;
      if (t.cases.length === 0) fail(t.testDir ?? "", [why]);
      for (const c of t.cases) fail(c.display, [why]);
      for (const p of t.problems) fail(p.display, [`  ${p.message}`]);
      continue;
    }
    if (t.testDir === null || (t.cases.length === 0 && t.problems.length === 0)) {
      io.err(`logtally test: ${t.program} has no cases (put CASE.log and CASE.prom in ${t.program.replace(/\.mtail$/, ".test")}/).`);
      continue;
    }
    for (const p of t.problems) fail(p.display, [`  ${p.message}`]);
    if (t.cases.length === 0) continue;
    const compiled = await compileTarget(t.program, options);
    for (const c of t.cases) {
      const r = await runOne(c, compiled, options);
      if (r.ok) {
        passed++;
        io.out(`ok ${c.display}`);
      } else {
        fail(c.display, r.details);
      }
      for (const line of r.notes) io.out(line);
    }
  }
  io.out(`${passed} passed, ${failed} failed`);
  return failed > 0 ? TEST_FAILED : TEST_PASSED;
}

async function compileTarget(path: string, options: TestRunOptions): Promise<Compiled> {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (err) {
    return { error: `  cannot read ${path}: ${(err as Error).message}` };
  }
  const r = compileProgram(path, source, { maxRegexpLength: options.maxRegexpLength });
  if (!("program" in r)) return { error: `  ${path} does not compile:\n${indent(r.diagnostics, "    ")}` };
  if (!options.unmatched) return { program: r.program, traced: null };
  const t = compileProgram(path, source, { maxRegexpLength: options.maxRegexpLength, trace: true });
  return { program: r.program, traced: "program" in t ? t.program : null };
}

/** A case's verdict: details print under a FAIL line, notes after the ok/FAIL line either way. */
interface Verdict {
  ok: boolean;
  details: string[];
  notes: string[];
}

async function runOne(c: TestCase, compiled: Compiled, options: TestRunOptions): Promise<Verdict> {
  if ("error" in compiled) return { ok: false, details: [compiled.error], notes: [] };
  let settings = options.defaults;
  if (c.yaml !== null) {
    try {
      settings = { ...settings, ...(await options.loadCaseSettings(c.yaml)) };
    } catch (err) {
      return { ok: false, details: [`  ${(err as Error).message}`], notes: [] };
    }
  }
  const traced = compiled.traced !== null && options.unmatched;
  const run = await runCase(traced ? (compiled.traced as CompiledProgram) : compiled.program, c.log, settings, traced);
  const notes = unmatchedNotes(c, run);
  if (run.failure !== null || run.text === null) return { ok: false, details: [indent(run.failure ?? "no output", "  ")], notes };
  if (run.runtimeErrors > 0) {
    const more = run.runtimeErrors - run.errorSamples.length;
    return {
      ok: false,
      details: [
        `  ${run.runtimeErrors} runtime error${run.runtimeErrors === 1 ? "" : "s"} in ${compiled.program.name} (each abandons the line):`,
        ...run.errorSamples.map((e) => `    ${e}`),
        ...(more > 0 ? [`    ... and ${more} more`] : []),
      ],
      notes,
    };
  }
  const actual = parsePromText(run.text);
  let expectedText: string | null;
  try {
    expectedText = readFileSync(c.prom, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") return { ok: false, details: [`  cannot read ${c.prom}: ${(err as Error).message}`], notes };
    expectedText = null;
  }
  if (expectedText === null) {
    if (options.update) return written(c, run.text, "wrote", notes);
    return { ok: false, details: [`  ${c.prom} is missing (run logtally test --update to write it from the current output).`], notes };
  }
  let expected: PromText;
  try {
    expected = parsePromText(expectedText);
  } catch (err) {
    if (!(err instanceof PromSyntaxError)) throw err;
    if (options.update) return written(c, run.text, "updated", notes);
    return { ok: false, details: [`  ${c.prom}:${err.line}: not valid Prometheus text: ${err.message}`], notes };
  }
  const diffs = diffPromText(expected, actual);
  if (diffs.length === 0) return { ok: true, details: [], notes };
  if (options.update) return written(c, run.text, "updated", notes);
  return { ok: false, details: [`  ${c.prom} (expected) differs from the output:`, ...renderDifferences(diffs, "    ")], notes };
}

/** Writes a case's .prom (--update); the case passes, and the note says which file changed. */
async function written(c: TestCase, text: string, verb: "wrote" | "updated", notes: string[]): Promise<Verdict> {
  try {
    writeFileSync(c.prom, text);
  } catch (err) {
    return { ok: false, details: [`  cannot write ${c.prom}: ${(err as Error).message}`], notes };
  }
  return { ok: true, details: [], notes: [`${verb} ${c.prom}`, ...notes] };
}

function unmatchedNotes(c: TestCase, run: CaseRun): string[] {
  if (run.unmatched === null) return [];
  if (run.unmatched.length === 0) return [`  unmatched: none (every line of ${c.log} matched a pattern)`];
  return [
    `  unmatched: ${run.unmatched.length} line${run.unmatched.length === 1 ? "" : "s"} of ${c.log} matched no pattern:`,
    ...run.unmatched.map(([n, text]) => `    ${c.log}:${n}: ${text}`),
  ];
}

function indent(text: string, by: string): string {
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}
