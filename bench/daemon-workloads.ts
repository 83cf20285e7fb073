// Workloads that run a daemon rather than one-shot: "tail" (catch up with a file while the log is appended,
// timed until /metrics counts every line) and "idle" (CPU used while following 200 idle files).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { request } from "node:http";
import { basename, join } from "node:path";
import { parseExposition } from "./exposition-diff.js";
import { readCpuMs, readVmHwmKb } from "./measure.js";

/** How to start one implementation's daemon: command, and the arguments after the program dir and log glob. */
export interface DaemonCommand {
  command: string;
  args: (progsDir: string, logs: string, port: number) => string[];
}

export interface TailResult {
  /** From the first appended byte until /metrics counted every line. */
  catchUpMs: number;
  maxRssKb: number | null;
  /** The daemon's CPU time over the same interval. */
  cpuMs: number | null;
}

export class DaemonUnavailable extends Error {}

const READY_TIMEOUT_MS = 15_000;
/** Catch-up fails when the count stops moving for this long. */
const STALL_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const APPEND_CHUNK_BYTES = 1 << 20;

/** GET http://127.0.0.1:port/path -> body, or null when nothing answers (or not 200). */
function httpGet(port: number, path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on("error", () => resolve(null));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a daemon and waits until /metrics answers; throws DaemonUnavailable (with its stderr) if it never does. */
async function startDaemon(cmd: DaemonCommand, progsDir: string, logs: string, port: number, workDir: string): Promise<ChildProcess> {
  const stderrPath = join(workDir, "daemon.stderr");
  const errFd = openSync(stderrPath, "w");
  const child = spawn(cmd.command, cmd.args(progsDir, logs, port), { stdio: ["ignore", "ignore", errFd] });
  closeSync(errFd);
  let exited = false;
  child.on("exit", () => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    if ((await httpGet(port, "/metrics")) !== null) return child;
    await delay(100);
  }
  await stopDaemon(child);
  const lines = readFileSync(stderrPath, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && l !== "}" && !l.startsWith("Node.js v"));
  const telling = lines.find((l) => /error/i.test(l) && !l.startsWith("at ")) ?? lines[lines.length - 1];
  throw new DaemonUnavailable(
    (exited ? `the daemon exited before serving /metrics on port ${port}` : `the daemon did not serve /metrics on port ${port} within ${READY_TIMEOUT_MS / 1000} s`) +
      (telling ? ` (stderr: ${telling})` : "") + ".",
  );
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Sum of every sample of `metric` in a /metrics body. */
function sumOf(body: string, metric: string): number {
  let sum = 0;
  for (const [key, value] of parseExposition(body).samples) if (key.startsWith(metric + "{") || key === metric) sum += value;
  return sum;
}

/**
 * Starts the daemon on an empty file, appends `sourceLog` to it in 1 MB writes, and polls /metrics until the
 * sum of `metric` reaches `expected` (plus the warm-up line). A file that exists (empty) at start-up is followed from its end by both
 * mtail and logtally, so every appended line must be counted exactly once.
 */
export async function runTailCatchUp(
  cmd: DaemonCommand, programPath: string, sourceLog: string, metric: string, expected: number, port: number, workDir: string,
): Promise<TailResult> {
  rmSync(workDir, { recursive: true, force: true });
  const progsDir = join(workDir, "progs");
  mkdirSync(progsDir, { recursive: true });
  copyFileSync(programPath, join(progsDir, basename(programPath)));
  const target = join(workDir, "target.log");
  writeFileSync(target, "");
  const child = await startDaemon(cmd, progsDir, target, port, workDir);
  try {
    const base = await warmUp(port, metric, readFirstLine(sourceLog), target, basename(cmd.command));
    const cpuBefore = readCpuMs(child.pid!);
    const started = process.hrtime.bigint();
    await appendFile(sourceLog, target);
    await waitForCount(port, metric, base + expected, STALL_TIMEOUT_MS, `${basename(cmd.command)} stopped counting short of ${base + expected} lines`);
    const catchUpMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuAfter = readCpuMs(child.pid!);
    const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    return { catchUpMs, maxRssKb: readVmHwmKb(child.pid!), cpuMs };
  } finally {
    await stopDaemon(child);
    rmSync(target, { force: true }); // a copy of the whole log: 160 MB at a million lines
  }
}

/**
 * /metrics can answer before the file is being followed, and a file present at start-up is followed from its end,
 * so lines written in between are never read (by mtail or logtally). Append one warm-up line every 200 ms until
 * one is counted, then wait for the count to settle: the timed part then measures catching up, not start-up.
 * Returns the settled count of warm-up lines.
 */
async function warmUp(port: number, metric: string, line: string, target: string, who: string): Promise<number> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let count = 0;
  while (count === 0) {
    if (Date.now() > deadline) throw new Error(`${who} did not count lines appended to ${target} within ${READY_TIMEOUT_MS / 1000} s.`);
    writeFileSync(target, line + "\n", { flag: "a" });
    await delay(200);
    const body = await httpGet(port, "/metrics");
    if (body !== null) count = sumOf(body, metric);
  }
  for (;;) {
    await delay(300);
    const body = await httpGet(port, "/metrics");
    const now = body === null ? count : sumOf(body, metric);
    if (now === count) return count;
    count = now;
  }
}

function readFirstLine(path: string): string {
  const fd = openSync(path, "r");
  const buf = Buffer.alloc(64 * 1024);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const nl = buf.subarray(0, n).indexOf(10);
  return buf.toString("utf8", 0, nl < 0 ? n : nl);
}

/**
 * Polls /metrics until the samples of `metric` add up to `expected`. Fails with `what` and the last count when
 * the count has not moved for `stallMs` (or the daemon stops answering), or when it overshoots.
 */
async function waitForCount(port: number, metric: string, expected: number, stallMs: number, what: string): Promise<void> {
  let seen = -1;
  let lastChange = Date.now();
  for (;;) {
    const body = await httpGet(port, "/metrics");
    const now = body === null ? seen : sumOf(body, metric);
    if (now === expected) return;
    if (now > expected) throw new Error(`${what}: counted ${now}, more than the ${expected} lines written (duplicates).`);
    if (now !== seen) {
      seen = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      throw new Error(`${what}: counted ${seen} of ${expected} lines, no progress for ${stallMs / 1000} s.`);
    }
    await delay(POLL_MS);
  }
}

/** Appends `from` to `to` in 1 MB writes, yielding to the event loop between them like a busy writer would. */
async function appendFile(from: string, to: string): Promise<void> {
  const src = openSync(from, "r");
  const dst = openSync(to, "a");
  const buf = Buffer.allocUnsafe(APPEND_CHUNK_BYTES);
  try {
    for (let n = readSync(src, buf, 0, buf.length, null); n > 0; n = readSync(src, buf, 0, buf.length, null)) {
      writeSync(dst, buf, 0, n);
      await delay(0);
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
}

export interface IdleResult {
  /** CPU used by the daemon over the measured window, as a percentage of one core. */
  cpuPercent: number;
  maxRssKb: number | null;
}

/** Follows `files` idle files for `windowMs` after a settling second, and reports the daemon's CPU use. */
export async function runIdle(cmd: DaemonCommand, programPath: string, files: number, windowMs: number, port: number, workDir: string): Promise<IdleResult> {
  rmSync(workDir, { recursive: true, force: true });
  const progsDir = join(workDir, "progs");
  const logsDir = join(workDir, "logs");
  mkdirSync(progsDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  copyFileSync(programPath, join(progsDir, basename(programPath)));
  for (let i = 0; i < files; i++) writeFileSync(join(logsDir, `idle-${String(i).padStart(3, "0")}.log`), `first line of file ${i}\n`);
  const child = await startDaemon(cmd, progsDir, join(logsDir, "*.log"), port, workDir);
  try {
    await delay(2000); // let start-up work (discovery, first reads, JIT) finish before measuring
    const cpu0 = readCpuMs(child.pid!);
    const t0 = Date.now();
    await delay(windowMs);
    const cpu1 = readCpuMs(child.pid!);
    const wall = Date.now() - t0;
    if (cpu0 === null || cpu1 === null) throw new Error(`${basename(cmd.command)} exited during the idle window.`);
    return { cpuPercent: ((cpu1 - cpu0) / wall) * 100, maxRssKb: readVmHwmKb(child.pid!) };
  } finally {
    await stopDaemon(child);
  }
}
