// Fuzzing harness for the grammar, the compiler and the runtime: programs made by mutating the golden corpus and
// generated deep and wide programs are compiled and loaded as the daemon loads them, and each must end in a
// program or a located error, never an exception; loaded ones run a few lines and must never throw either.
// Used by test/hostile/fuzz.test.ts (a bounded slice in npm test) and by `npm run fuzz` (longer runs).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { Store } from "../../src/metrics/store.js";
import { Runtime } from "../../src/runtime/index.js";
import { seededRandom } from "../helpers/prng.js";

/** A program of the golden corpus with a few of its log lines. */
export interface CorpusEntry {
  readonly name: string;
  readonly source: string;
  readonly lines: readonly string[];
}

/** The golden cases' programs and logs (dist/test/fuzz -> test/golden/cases in the source tree). */
export function loadCorpus(root: string): CorpusEntry[] {
  const dir = path.join(root, "test", "golden", "cases");
  const out: CorpusEntry[] = [];
  for (const c of readdirSync(dir).sort()) {
    const prog = path.join(dir, c, "prog.mtail");
    if (!existsSync(prog)) continue;
    const log = path.join(dir, c, "input.log");
    const lines = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(0, 5) : ["x"];
    out.push({ name: c, source: readFileSync(prog, "utf8"), lines });
  }
  return out;
}

// Pieces the mutator inserts: every kind of bracket and operator, keywords old and new, odd literals.
const TOKENS = [
  "{", "}", "(", ")", "[", "]", "/", '"', "$", "&&", "||", "!", "-", "+", "*", "**", "=~", "!~", "==", "<", "=",
  "++", "+=", "json", "logfmt", "json($0)", "$a.b", '$"@t"', "defined(", "exemplar x", "native", "buckets 1, 2",
  "by a, b", 'as "x"', "hidden", "limit 3", "del", "after 1h", "otherwise", "else", "def d", "next", "@d", "const C",
  "counter c", "gauge g", "histogram h", "text t", "\n", "strptime(", "getfilename()", "$1", "1e309", "0x1F", "-0",
  '"\\', "/(?P<x>a+)+$/", "/\\p{L}/", "/[z-a]/", "/(?m)^a/", "# comment\n", "settime(", "tolower(", "len(", ";",
];

/** One mutation of `src`: a span deleted, duplicated or replaced, a token inserted, or two programs spliced. */
export function mutate(src: string, other: string, r: () => number): string {
  const pos = () => Math.floor(r() * (src.length + 1));
  const [a, b] = [pos(), pos()].sort((x, y) => x - y) as [number, number];
  switch (Math.floor(r() * 5)) {
    case 0:
      return src.slice(0, a) + src.slice(b);
    case 1:
      return src.slice(0, b) + src.slice(a, b) + src.slice(b);
    case 2:
      return src.slice(0, a) + TOKENS[Math.floor(r() * TOKENS.length)] + src.slice(a);
    case 3:
      return src.slice(0, a) + TOKENS[Math.floor(r() * TOKENS.length)] + src.slice(b);
    default:
      return src.slice(0, a) + other.slice(Math.floor(r() * other.length));
  }
}

/** A deep or wide program of one of the shapes that once overflowed the stack or took exponential time. */
export function generate(r: () => number): string {
  const n = 1 + Math.floor(r() ** 2 * 3000);
  switch (Math.floor(r() * 8)) {
    case 0: return "counter c\n" + "/a/ {\n".repeat(n) + "c++\n" + "}\n".repeat(n);
    case 1: return "gauge g\n/(?P<x>\\d+)/ {\n  g = " + "(".repeat(n) + "$x" + ")".repeat(n) + "\n}\n";
    case 2: return "gauge g\n/(?P<x>\\d+)/ {\n  g = " + Array(n).fill("$x").join("+") + "\n}\n";
    case 3: return "counter c\n/(?P<x>\\d+)/ && " + Array(n).fill("$x > 1").join(" && ") + " {\n  c++\n}\n";
    case 4: return "counter c\n" + Array.from({ length: Math.min(n, 200) }, (_, i) => `def d${i} {\n  ${i === 0 ? "next" : `@d${i - 1} {\n    next\n  }`}\n}\n`).join("") + `@d${Math.min(n, 200) - 1} {\n  c++\n}\n`;
    case 5: return "gauge g\n/(?P<x>\\d+)/ {\n  g = " + "-".repeat(n) + "$x\n}\n";
    case 6: return "counter c\n" + "json {\n".repeat(Math.min(n, 400)) + "c++\n" + "}\n".repeat(Math.min(n, 400));
    default: return "text t\n/(?P<x>\\w+)/ {\n  t = " + "string(".repeat(Math.min(n, 60)) + "$x" + ")".repeat(Math.min(n, 60)) + "\n}\n";
  }
}

/** What a fuzzing run saw. */
export interface FuzzReport {
  cases: number;
  compiled: number;
  refused: number;
  /** Cases that threw out of load() or processLine(), or refused without a `file:line:col` location. */
  failures: Array<{ seed: number; index: number; error: string; source: string }>;
  /** The slowest load, in ms, with its case (figures only: never asserted). */
  slowestMs: number;
  slowestSource: string;
}

/** Runs `count` cases (or until `deadlineMs`), half mutated corpus programs and half generated ones. */
export function fuzzCompiler(corpus: readonly CorpusEntry[], seed: number, count: number, deadlineMs = Infinity): FuzzReport {
  const r = seededRandom(seed);
  const report: FuzzReport = { cases: 0, compiled: 0, refused: 0, failures: [], slowestMs: 0, slowestSource: "" };
  for (let i = 0; i < count && Date.now() < deadlineMs; i++) {
    const base = corpus[Math.floor(r() * corpus.length)]!;
    let source: string;
    if (r() < 0.5) {
      source = base.source;
      const rounds = 1 + Math.floor(r() * 4);
      for (let k = 0; k < rounds; k++) source = mutate(source, corpus[Math.floor(r() * corpus.length)]!.source, r);
    } else {
      source = generate(r);
    }
    report.cases++;
    const runtime = new Runtime(new Store());
    const started = performance.now();
    try {
      const result = runtime.load("fuzz.mtail", source);
      const ms = performance.now() - started;
      if (ms > report.slowestMs) {
        report.slowestMs = ms;
        report.slowestSource = source.length > 300 ? source.slice(0, 300) + "..." : source;
      }
      if (result.ok) {
        report.compiled++;
        for (const line of base.lines) runtime.processLine(line, "/var/log/fuzz.log");
      } else {
        report.refused++;
        if (!/^fuzz\.mtail:\d+:\d+/m.test(result.diagnostics)) {
          report.failures.push({ seed, index: i, error: `unlocated error: ${result.diagnostics.slice(0, 200)}`, source });
        }
      }
    } catch (e) {
      report.failures.push({ seed, index: i, error: String((e as Error)?.stack ?? e).slice(0, 500), source });
    }
  }
  return report;
}
