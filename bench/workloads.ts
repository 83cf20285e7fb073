// The benchmark workloads: which program runs over which generated log, how it is run (one-shot, tailing
// daemon or idle daemon), and the targets. Logs are generated once per (kind, lines) and reused.
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { generateApache, generateLatency, generateLatencyFive, generateSessions, type Generator } from "./generators.js";
import { criGenerator, generatePython } from "./framing-generators.js";
import { generateJsonFixed, generateJsonShuffled, generateLogfmtFixed, generateLogfmtShuffled } from "./structured-generator.js";
import { generateSyslog } from "./syslog-generator.js";

export type LogKind =
  | "apache" | "syslog" | "latency" | "latency5" | "sessions" | "cri" | "python" | "json" | "json-fixed" | "logfmt" | "logfmt-fixed";
/** The bare-Node floor a workload is compared with: count newlines, JSON.parse each line, or split on spaces. */
export type FloorKind = "count" | "json" | "split";
export type Mode = "one-shot" | "tail" | "idle";

export interface Workload {
  name: string;
  /** File in bench/programs/. */
  program: string;
  log: LogKind;
  mode: Mode;
  /** One sentence for the report. */
  about: string;
  /** A logtally extension mtail cannot run: measured without mtail. */
  logtallyOnly?: boolean;
  /** Extra logtally flags (framing). */
  flags?: readonly string[];
  /** The workload (same program, unwrapped or plain lines) whose logtally rate this one must reach 80% of. */
  baseline?: string;
  /**
   * What mtail runs instead, when it cannot run `program` (a json/logfmt program): a regex program (same file
   * name, in bench/programs/fixed-order/) on a log of the same records with the keys in one fixed order.
   */
  mtail?: { program: string; log: LogKind };
  /** The floor (default: count newlines). */
  floor?: FloorKind;
}

export const WORKLOADS: readonly Workload[] = [
  { name: "apache", program: "apache.mtail", log: "apache", mode: "one-shot", about: "combined log, named captures, strptime, two counters by method/version/status" },
  { name: "linecount", program: "linecount.mtail", log: "apache", mode: "one-shot", about: "one counter per line (read-and-split floor)" },
  { name: "histogram", program: "histogram.mtail", log: "latency", mode: "one-shot", about: "float latency into a 10-bucket histogram by handler" },
  { name: "native-histogram", program: "native-histogram.mtail", log: "latency5", mode: "one-shot", logtallyOnly: true, about: "float latency into a native histogram by handler, 5 series (logtally only: mtail has no native histograms)" },
  { name: "many-rules", program: "many-rules.mtail", log: "syslog", mode: "one-shot", about: "42 independent syslog rules, each strptime + regex" },
  { name: "high-cardinality", program: "high-cardinality.mtail", log: "sessions", mode: "one-shot", about: "counter by session id, 200,000 series" },
  { name: "json", program: "red-json.mtail", log: "json", mode: "one-shot", about: "RED metrics from JSON lines, 14 keys in shuffled order, 4 read (mtail: regex on fixed order; floor: JSON.parse per line)", mtail: { program: "fixed-order/red-json.mtail", log: "json-fixed" }, floor: "json" },
  { name: "logfmt", program: "red-logfmt.mtail", log: "logfmt", mode: "one-shot", about: "RED metrics from logfmt lines, 14 keys in shuffled order, 4 read (mtail: regex on fixed order; floor: split on spaces and =)", mtail: { program: "fixed-order/red-logfmt.mtail", log: "logfmt-fixed" }, floor: "split" },
  { name: "cri", program: "apache.mtail", log: "cri", mode: "one-shot", flags: ["--log_format=cri"], logtallyOnly: true, baseline: "apache",
    about: "the apache log in CRI wrappers (1 line in 9 split into P + F pieces, 10% of physical lines), --log_format=cri" },
  { name: "python", program: "python.mtail", log: "python", mode: "one-shot", logtallyOnly: true,
    about: "Python log, 5% of records tracebacks, read as plain lines (baseline of python-multiline)" },
  { name: "python-multiline", program: "python.mtail", log: "python", mode: "one-shot", flags: ["--multiline=python"], logtallyOnly: true, baseline: "python",
    about: "the same Python log with --multiline=python: each traceback joined into its ERROR record" },
  { name: "tail", program: "apache.mtail", log: "apache", mode: "tail", about: "daemon follows a file while the apache log is appended; time until /metrics shows every line" },
  { name: "idle", program: "linecount.mtail", log: "apache", mode: "idle", about: "daemon following 200 idle files for 10 s: CPU use" },
];

const GENERATORS: Record<LogKind, { generate: Generator; seed: number }> = {
  apache: { generate: generateApache, seed: 0x5eed0001 },
  syslog: { generate: generateSyslog, seed: 0x5eed0002 },
  latency: { generate: generateLatency, seed: 0x5eed0003 },
  latency5: { generate: generateLatencyFive, seed: 0x5eed0005 },
  sessions: { generate: generateSessions, seed: 0x5eed0004 },
  cri: { generate: criGenerator(0x5eed0001), seed: 0x5eed0007 },
  python: { generate: generatePython, seed: 0x5eed0006 },
  // The same seed: each shuffled log holds the records of its fixed-order twin.
  json: { generate: generateJsonShuffled, seed: 0x5eed0005 },
  "json-fixed": { generate: generateJsonFixed, seed: 0x5eed0005 },
  logfmt: { generate: generateLogfmtShuffled, seed: 0x5eed0005 },
  "logfmt-fixed": { generate: generateLogfmtFixed, seed: 0x5eed0005 },
};

/** Bump when a generator's output changes, so stale cached logs are not reused. */
const GENERATOR_VERSION = 1;

/** Path of the log for `kind` with `lines` lines, generating it first when it is not cached in `outDir`. */
export function ensureLog(outDir: string, kind: LogKind, lines: number, say: (s: string) => void): { path: string; bytes: number } {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${kind}-${lines}-v${GENERATOR_VERSION}.log`);
  if (!existsSync(path)) {
    const started = Date.now();
    const { generate, seed } = GENERATORS[kind];
    // Write to a temporary name first: an interrupted run must not leave a truncated log that looks cached.
    const partial = path + ".partial";
    generate(partial, lines, seed);
    renameSync(partial, path);
    say(`generated ${path} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return { path, bytes: statSync(path).size };
}
