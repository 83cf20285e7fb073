// Result records of a benchmark run, shared by the runner (run.ts) and the report (report.ts).
import type { ExpositionDiff } from "./exposition-diff.js";

/** Medians over the timed runs of one implementation on one workload. */
export interface Stats {
  runsMs: number[];
  medianMs: number;
  linesPerSec: number;
  mbPerSec: number;
  /** Highest peak RSS seen across the runs. */
  maxRssKb: number | null;
  medianCpuMs: number | null;
}

/** Stats, or why there are none (the implementation failed, or is not available yet). */
export type Outcome = { ok: true; stats: Stats } | { ok: false; error: string };

export interface OneShotRow {
  mode: "one-shot";
  workload: string;
  lines: number;
  bytes: number;
  logtally: Outcome;
  mtail: Outcome | null;
  floor: Outcome;
  /** logtally's output against mtail's (null when either did not run). */
  diff: ExpositionDiff | null;
}

export interface TailRow {
  mode: "tail";
  workload: string;
  lines: number;
  bytes: number;
  logtally: Outcome;
  mtail: Outcome | null;
}

export interface IdleRow {
  mode: "idle";
  workload: string;
  files: number;
  logtally: { ok: true; cpuPercent: number; maxRssKb: number | null } | { ok: false; error: string };
  mtail: { ok: true; cpuPercent: number; maxRssKb: number | null } | { ok: false; error: string } | null;
}

export type Row = OneShotRow | TailRow | IdleRow;
