// `npm run bench`: generates deterministic logs, runs logtally (and mtail, when installed) on each workload as
// whole processes, alternating, and prints medians, targets and output differences. See docs/performance.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DaemonUnavailable, runIdle, runTailCatchUp, type DaemonCommand } from "./daemon-workloads.js";
import { diffExpositions, parseExposition } from "./exposition-diff.js";
import { median, runMeasured, type RunResult } from "./measure.js";
import { HelpRequested, parseOptions, USAGE, type BenchOptions } from "./options.js";
import { formatSummary, summariseProfile } from "./profile-summary.js";
import { formatTable, formatWarnings } from "./report.js";
import type { IdleRow, OneShotRow, Outcome, Row, Stats, TailRow } from "./results.js";
import { runStatePush } from "./state-push.js";
import { ensureLog, WORKLOADS, type Workload } from "./workloads.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const LOGTALLY_BIN = join(ROOT, "bin", "logtally.js");
const LOGTALLY_MAIN = join(ROOT, "dist", "src", "cli", "main.js");
const FLOOR_SCRIPT = join(ROOT, "dist", "bench", "floor-count.js");
const FLOOR_PARSE_SCRIPT = join(ROOT, "dist", "bench", "floor-parse.js");
const PROGRAMS_DIR = join(ROOT, "bench", "programs");
const IDLE_FILES = 200;

const say = (s: string) => process.stderr.write(s + "\n");

/** One implementation's one-shot command for a workload. */
interface Contender {
  name: "logtally" | "mtail" | "floor";
  command: string;
  args: (program: string, log: string, flags?: readonly string[]) => string[];
}

function contenders(opts: BenchOptions, withMtail: boolean, w: Workload): Contender[] {
  const list: Contender[] = [
    { name: "logtally", command: process.execPath, args: (p, l, flags = []) => [LOGTALLY_BIN, "--progs", p, "--logs", l, "--one_shot", "--one_shot_format=prometheus", ...flags] },
  ];
  if (withMtail) {
    // --log_dir keeps mtail's glog files (one set per run) out of /tmp itself. --port 0: rc50 starts its HTTP
    // server even in one-shot mode, on 3903 by default, and fails when anything else holds that port.
    const logDir = join(opts.tmpDir, "mtail-logs");
    list.push({ name: "mtail", command: "mtail", args: (p, l) => ["--progs", p, "--logs", l, "--one_shot", "--one_shot_format=prometheus", "--log_dir", logDir, "--port", "0"] });
  }
  const floor = w.floor ?? "count";
  list.push({ name: "floor", command: process.execPath, args: (_p, l) => (floor === "count" ? [FLOOR_SCRIPT, l] : [FLOOR_PARSE_SCRIPT, floor, l]) });
  return list;
}

function mtailVersion(): string | null {
  const r = spawnSync("mtail", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split("\n")[0]! : null;
}

function statsOf(results: readonly RunResult[], lines: number, bytes: number): Stats {
  const medianMs = median(results.map((r) => r.wallMs));
  const rss = results.map((r) => r.maxRssKb).filter((v): v is number => v !== null);
  const cpu = results.map((r) => r.cpuMs).filter((v): v is number => v !== null);
  return {
    runsMs: results.map((r) => Math.round(r.wallMs)),
    medianMs,
    linesPerSec: lines / (medianMs / 1000),
    mbPerSec: bytes / 1e6 / (medianMs / 1000),
    maxRssKb: rss.length ? Math.max(...rss) : null,
    medianCpuMs: cpu.length ? median(cpu) : null,
  };
}

/** "exit code N: <the most telling stderr line>": an Error line from a stack dump, else the last line. */
function failureText(r: RunResult): string {
  const lines = r.stderrTail.split("\n").map((l) => l.trim()).filter((l) => l && l !== "}" && !l.startsWith("Node.js v"));
  const telling = lines.find((l) => /error/i.test(l) && !l.startsWith("at ")) ?? lines[lines.length - 1];
  return `exit code ${r.exitCode}${telling ? ": " + telling : ""}`;
}

async function runOneShot(w: Workload, opts: BenchOptions, withMtail: boolean): Promise<OneShotRow> {
  const log = ensureLog(opts.outDir, w.log, opts.lines, say);
  const program = join(PROGRAMS_DIR, w.program);
  // The bare-Node floor counts lines: not the records of a framed workload (--log_format, --multiline).
  const list = contenders(opts, withMtail, w).filter((c) => c.name !== "floor" || w.flags === undefined);
  // mtail runs its own regex program on the fixed-order twin of the log where it cannot run the program.
  const mtailLog = w.mtail === undefined ? log : ensureLog(opts.outDir, w.mtail.log, opts.lines, say);
  const inputs = (name: string): [string, string] =>
    name === "mtail" && w.mtail !== undefined ? [join(PROGRAMS_DIR, w.mtail.program), mtailLog.path] : [program, log.path];
  const results = new Map<string, RunResult[]>(list.map((c) => [c.name, []]));
  const failed = new Map<string, string>();
  if (!existsSync(LOGTALLY_MAIN)) failed.set("logtally", `not built yet (${LOGTALLY_MAIN} is missing)`);
  const outPath = (name: string) => join(opts.tmpDir, `${w.name}.${name}.out`);
  for (let run = 1; run <= opts.runs; run++) {
    for (const c of list) {
      if (failed.has(c.name)) continue;
      const r = await runMeasured(c.command, c.args(...inputs(c.name), w.flags), { stdoutPath: outPath(c.name), cwd: ROOT, timeReportPath: join(opts.tmpDir, "time.txt") });
      if (r.exitCode !== 0) {
        failed.set(c.name, failureText(r));
        say(`  ${w.name} run ${run}/${opts.runs} ${c.name}: FAILED, ${failureText(r)}`);
        continue;
      }
      results.get(c.name)!.push(r);
      say(`  ${w.name} run ${run}/${opts.runs} ${c.name}: ${(r.wallMs / 1000).toFixed(2)} s, ${r.maxRssKb === null ? "?" : (r.maxRssKb / 1024).toFixed(0)} MB`);
    }
  }
  const outcome = (name: string): Outcome =>
    failed.has(name) ? { ok: false, error: failed.get(name)! } : { ok: true, stats: statsOf(results.get(name)!, opts.lines, log.bytes) };
  const floor = w.flags === undefined ? outcome("floor") : { ok: false as const, error: "not run" };
  const floorCount = floor.ok ? Number(readFileSync(outPath("floor"), "utf8")) : NaN;
  if (floor.ok && floorCount !== opts.lines) say(`  warning: the floor counted ${floorCount} lines in ${log.path}, expected ${opts.lines}.`);
  const row: OneShotRow = {
    mode: "one-shot", workload: w.name, lines: opts.lines, bytes: log.bytes,
    logtally: outcome("logtally"), mtail: withMtail ? outcome("mtail") : null, floor, diff: null,
  };
  if (row.logtally.ok && row.mtail?.ok) {
    row.diff = diffExpositions(parseExposition(readFileSync(outPath("logtally"), "utf8")), parseExposition(readFileSync(outPath("mtail"), "utf8")));
  }
  return row;
}

function daemonCommands(opts: BenchOptions): { logtally: DaemonCommand; mtail: DaemonCommand } {
  const logDir = join(opts.tmpDir, "mtail-logs");
  return {
    logtally: { command: process.execPath, args: (progs, logs, port) => [LOGTALLY_BIN, "--progs", progs, "--logs", logs, "--port", String(port), "--address", "127.0.0.1"] },
    mtail: { command: "mtail", args: (progs, logs, port) => ["--progs", progs, "--logs", logs, "--port", String(port), "--address", "127.0.0.1", "--log_dir", logDir] },
  };
}

/** The counter whose samples add up to one per line of the tailed log. */
const TAIL_METRIC = "http_requests_total";

async function runTail(w: Workload, opts: BenchOptions, withMtail: boolean): Promise<TailRow> {
  const log = ensureLog(opts.outDir, w.log, opts.lines, say);
  const program = join(PROGRAMS_DIR, w.program);
  const cmds = daemonCommands(opts);
  const impls: Array<["logtally" | "mtail", DaemonCommand, number]> = [["logtally", cmds.logtally, opts.port]];
  if (withMtail) impls.push(["mtail", cmds.mtail, opts.port + 1]);
  const results = new Map<string, RunResult[]>([["logtally", []], ["mtail", []]]);
  const failed = new Map<string, string>();
  for (let run = 1; run <= opts.runs; run++) {
    for (const [name, cmd, port] of impls) {
      if (failed.has(name)) continue;
      try {
        const r = await runTailCatchUp(cmd, program, log.path, TAIL_METRIC, opts.lines, port, join(opts.tmpDir, `tail-${name}`));
        results.get(name)!.push({ wallMs: r.catchUpMs, maxRssKb: r.maxRssKb, cpuMs: r.cpuMs, exitCode: 0, stderrTail: "" });
        // Every run's peak RSS, not only the median: the daemon's peak depends on when V8 collects, and varies.
        const rss = r.maxRssKb === null ? "" : `, peak RSS ${Math.round(r.maxRssKb / 1024)} MB`;
        say(`  ${w.name} run ${run}/${opts.runs} ${name}: caught up in ${(r.catchUpMs / 1000).toFixed(2)} s${rss}`);
      } catch (err) {
        const why = err instanceof DaemonUnavailable ? `skipped: ${err.message}` : (err as Error).message;
        failed.set(name, why);
        say(`  ${w.name} ${name}: ${why}`);
      }
    }
  }
  const outcome = (name: string): Outcome =>
    failed.has(name) ? { ok: false, error: failed.get(name)! } : { ok: true, stats: statsOf(results.get(name)!, opts.lines, log.bytes) };
  return { mode: "tail", workload: w.name, lines: opts.lines, bytes: log.bytes, logtally: outcome("logtally"), mtail: withMtail ? outcome("mtail") : null };
}

async function runIdleWorkload(w: Workload, opts: BenchOptions, withMtail: boolean): Promise<IdleRow> {
  const program = join(PROGRAMS_DIR, w.program);
  const cmds = daemonCommands(opts);
  const measure = async (name: string, cmd: DaemonCommand, port: number) => {
    try {
      const r = await runIdle(cmd, program, IDLE_FILES, opts.idleSeconds * 1000, port, join(opts.tmpDir, `idle-${name}`));
      say(`  ${w.name} ${name}: ${r.cpuPercent.toFixed(2)}% of a core`);
      return { ok: true as const, ...r };
    } catch (err) {
      const why = err instanceof DaemonUnavailable ? `skipped: ${err.message}` : (err as Error).message;
      say(`  ${w.name} ${name}: ${why}`);
      return { ok: false as const, error: why };
    }
  };
  const logtally = await measure("logtally", cmds.logtally, opts.port);
  const mtail = withMtail ? await measure("mtail", cmds.mtail, opts.port + 1) : null;
  return { mode: "idle", workload: w.name, files: IDLE_FILES, logtally, mtail };
}

/** Runs logtally once under --cpu-prof on each one-shot workload and prints the heaviest functions. */
async function profile(opts: BenchOptions): Promise<void> {
  for (const w of WORKLOADS.filter((x) => x.mode === "one-shot" && opts.workloads.includes(x.name))) {
    const log = ensureLog(opts.outDir, w.log, opts.lines, say);
    const dir = join(opts.tmpDir, "prof", w.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const args = ["--cpu-prof", `--cpu-prof-dir=${dir}`, LOGTALLY_BIN, "--progs", join(PROGRAMS_DIR, w.program), "--logs", log.path, "--one_shot", "--one_shot_format=prometheus", ...(w.flags ?? [])];
    const r = await runMeasured(process.execPath, args, { stdoutPath: "ignore", cwd: ROOT, timeReportPath: join(opts.tmpDir, "time.txt") });
    const file = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (r.exitCode !== 0 || !file) {
      say(`profile ${w.name}: logtally failed (${failureText(r)})`);
      continue;
    }
    const text = formatSummary(summariseProfile(JSON.parse(readFileSync(file, "utf8"))), 20);
    writeFileSync(join(dir, "summary.txt"), text + "\n");
    process.stdout.write(`\n### profile: ${w.name} (${file})\n${text}\n`);
  }
}

function machine(mtail: string | null): string {
  const cpuModel = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} cores, ${cpuModel}; node ${process.version}; ${mtail ?? "mtail not installed"}`;
}

async function main(argv: string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(argv, { outDir: join(ROOT, "bench", "out") });
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 2;
  }
  mkdirSync(opts.tmpDir, { recursive: true });
  // mtail's glog files (it logs every runtime error: hundreds of MB over a full run) are only kept until the next run.
  rmSync(join(opts.tmpDir, "mtail-logs"), { recursive: true, force: true });
  mkdirSync(join(opts.tmpDir, "mtail-logs"), { recursive: true });
  const mtail = opts.mtail ? mtailVersion() : null;
  if (opts.mtail && !mtail) say("mtail is not installed (apt-get install mtail): measuring logtally alone.");
  say(`machine: ${machine(mtail)}`);
  say(`runs: ${opts.runs}, lines: ${opts.lines}, workloads: ${opts.workloads.join(", ")}`);

  const rows: Row[] = [];
  for (const w of WORKLOADS.filter((x) => opts.workloads.includes(x.name))) {
    say(`${w.name}: ${w.about}`);
    if (w.mode === "one-shot") rows.push(await runOneShot(w, opts, mtail !== null && w.logtallyOnly !== true));
    else if (w.mode === "tail") rows.push(await runTail(w, opts, mtail !== null));
    else rows.push(await runIdleWorkload(w, opts, mtail !== null));
  }

  process.stdout.write(`\nMachine: ${machine(mtail)}\nCommand: npm run bench -- ${argv.join(" ")}\n` +
    `Medians of ${opts.runs} runs; wall time of the whole process (start-up, compile, read, print).\n\n`);
  process.stdout.write(formatTable(rows) + "\n");
  const warnings = formatWarnings(rows);
  if (warnings.length) process.stdout.write("\n" + warnings.map((w) => "WARNING " + w).join("\n") + "\n");
  if (opts.jsonPath) {
    writeFileSync(opts.jsonPath, JSON.stringify({ machine: machine(mtail), argv, date: new Date().toISOString(), rows }, null, 2) + "\n");
  }
  if (opts.statePush) process.stdout.write("\n" + (await runStatePush()) + "\n");
  if (opts.profile) await profile(opts);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
