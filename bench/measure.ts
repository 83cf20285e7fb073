// Runs one command as a whole process and measures it: wall time (from spawn to exit, in this process),
// peak RSS and CPU time (from /usr/bin/time when installed, else by polling /proc/<pid>/status).
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";

const GNU_TIME = "/usr/bin/time";

/** What one process run cost. `maxRssKb` and `cpuMs` are null when they could not be measured. */
export interface RunResult {
  wallMs: number;
  maxRssKb: number | null;
  cpuMs: number | null;
  exitCode: number;
  /** The last few KB of stderr, for error messages. */
  stderrTail: string;
}

export interface RunOptions {
  /** Where stdout goes; "ignore" discards it. */
  stdoutPath: string | "ignore";
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Scratch file for /usr/bin/time's report. */
  timeReportPath: string;
}

const STDERR_TAIL_CHARS = 8192;

/** True when GNU time can report peak RSS (`apt-get install time`). */
export function haveGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

/** Runs `command args` to completion and measures it. Never rejects on a non-zero exit: see `exitCode`. */
export async function runMeasured(command: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const useTime = haveGnuTime();
  // %M: peak RSS in KB; %U %S: user and system CPU seconds. -o keeps the report out of the child's stderr.
  const argv = useTime ? ["-f", "%M %U %S", "-o", opts.timeReportPath, command, ...args] : [...args];
  const stdoutFd = opts.stdoutPath === "ignore" ? "ignore" : openSync(opts.stdoutPath, "w");
  const started = process.hrtime.bigint();
  const child = spawn(useTime ? GNU_TIME : command, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", stdoutFd, "pipe"],
  });
  let stderrTail = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const poller = useTime ? null : new PeakRssPoller(child.pid!);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (typeof stdoutFd === "number") closeSync(stdoutFd);
  poller?.stop();

  let maxRssKb: number | null = poller?.peakKb ?? null;
  let cpuMs: number | null = null;
  if (useTime && existsSync(opts.timeReportPath)) {
    // GNU time may add lines such as "Command exited with non-zero status N": take the line of three numbers.
    const report = readFileSync(opts.timeReportPath, "utf8");
    const m = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/m.exec(report);
    if (m) {
      maxRssKb = Number(m[1]);
      cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
    } else {
      process.stderr.write(`  note: no figures in /usr/bin/time's report for ${command}: ${JSON.stringify(report.slice(0, 200))}\n`);
    }
    rmSync(opts.timeReportPath, { force: true });
  }
  return { wallMs, maxRssKb, cpuMs, exitCode, stderrTail };
}

/** Fallback when GNU time is missing: samples VmHWM (the kernel's own peak-RSS mark) every 20 ms. */
class PeakRssPoller {
  peakKb: number | null = null;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 20);
  }
  sample(): void {
    const kb = readVmHwmKb(this.pid);
    if (kb !== null && (this.peakKb === null || kb > this.peakKb)) this.peakKb = kb;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Peak RSS of a live process in KB, or null once it has gone. */
export function readVmHwmKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** User+system CPU time of a live process in ms (from /proc/<pid>/stat), or null once it has gone. */
export function readCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name (which may contain spaces): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** USER_HZ is 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
