// Turns benchmark rows into a Markdown table (pasteable into docs/performance.md), with the targets
// checked beside each row, and the warnings about differing outputs.
import type { OneShotRow, Outcome, Row, TailRow } from "./results.js";
import { WORKLOADS } from "./workloads.js";

/** Targets from issue 4. */
export const TARGETS = {
  speedUpOverMtail: 5,
  linecountWithinFloor: 3,
  tailShareOfOneShot: 0.7,
  rssLimitMb: 100,
  idleCpuPercent: 1,
  /** Issue 10: a framed workload against its baseline (same program, plain or unwrapped lines). */
  framedShareOfPlain: 0.8,
  /** native-histogram lines/s as a share of the classic histogram workload's. */
  nativeShareOfClassic: 0.8,
} as const;

function rate(n: number): string {
  if (n >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (n >= 1e3) return (n / 1e3).toFixed(0) + "k";
  return n.toFixed(0);
}
const mb = (kb: number | null) => (kb === null ? "?" : (kb / 1024).toFixed(0) + " MB");
const secs = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const mark = (ok: boolean) => (ok ? "PASS" : "FAIL");

function cells(o: Outcome | null): [string, string, string, string, string] {
  if (o === null) return ["-", "-", "-", "-", "-"];
  if (!o.ok) return ["failed", "-", "-", "-", "-"];
  const s = o.stats;
  const cpu = s.medianCpuMs === null ? "?" : secs(s.medianCpuMs);
  return [secs(s.medianMs), rate(s.linesPerSec), s.mbPerSec.toFixed(0), mb(s.maxRssKb), cpu];
}

/** The one-shot rate of the workload the tail row should be held to (same program, same log). */
function oneShotFor(rows: readonly Row[], tail: TailRow): OneShotRow | undefined {
  return rows.find((r): r is OneShotRow => r.mode === "one-shot" && r.workload === "apache" && r.lines === tail.lines);
}

function targetsOf(row: Row, rows: readonly Row[]): string {
  const out: string[] = [];
  if (row.mode === "idle") {
    if (row.logtally.ok) out.push(`<${TARGETS.idleCpuPercent}% core: ${mark(row.logtally.cpuPercent < TARGETS.idleCpuPercent)}`);
    return out.join("; ") || "-";
  }
  if (!row.logtally.ok) return "not measured";
  const lt = row.logtally.stats;
  if (row.mode === "one-shot") {
    if (row.mtail?.ok) {
      const x = lt.linesPerSec / row.mtail.stats.linesPerSec;
      out.push(`>=${TARGETS.speedUpOverMtail}x mtail: ${mark(x >= TARGETS.speedUpOverMtail)}`);
    }
    // Structured logs: at least the bare JSON.parse / split loop's lines/s (issue 9).
    if ((row.workload === "json" || row.workload === "logfmt") && row.floor.ok) {
      const x = lt.linesPerSec / row.floor.stats.linesPerSec;
      out.push(`>= bare ${row.workload === "json" ? "JSON.parse" : "split"} loop: ${mark(x >= 1)} (${x.toFixed(2)}x)`);
    }
    const baseline = WORKLOADS.find((w) => w.name === row.workload)?.baseline;
    const base = baseline === undefined ? undefined : rows.find((r): r is OneShotRow => r.mode === "one-shot" && r.workload === baseline && r.lines === row.lines);
    if (base?.logtally.ok) {
      // As for native-histogram below: judged per CPU second (wall-clock share beside it), since other load on a
      // shared machine changes between the two workloads' runs.
      const b = base.logtally.stats;
      const wall = lt.linesPerSec / b.linesPerSec;
      const cpu = lt.medianCpuMs !== null && b.medianCpuMs !== null ? b.medianCpuMs / lt.medianCpuMs : null;
      const share = cpu ?? wall;
      const detail = cpu === null ? `${(wall * 100).toFixed(0)}%` : `${(cpu * 100).toFixed(0)}% per CPU s, ${(wall * 100).toFixed(0)}% wall`;
      out.push(`>=${TARGETS.framedShareOfPlain * 100}% of ${baseline}: ${mark(share >= TARGETS.framedShareOfPlain)} (${detail})`);
    }
    const classic = rows.find((r): r is OneShotRow => r.mode === "one-shot" && r.workload === "histogram" && r.lines === row.lines);
    if (row.workload === "native-histogram" && classic?.logtally.ok) {
      // Both are one process on one core: lines per CPU second compare them even when other load on the machine
      // changes between the two workloads' runs (wall-clock share shown beside it).
      const c = classic.logtally.stats;
      const wall = lt.linesPerSec / c.linesPerSec;
      const cpu = lt.medianCpuMs !== null && c.medianCpuMs !== null ? c.medianCpuMs / lt.medianCpuMs : null;
      const share = cpu ?? wall;
      const detail = cpu === null ? `${(wall * 100).toFixed(0)}%` : `${(cpu * 100).toFixed(0)}% per CPU s, ${(wall * 100).toFixed(0)}% wall`;
      out.push(`>=${TARGETS.nativeShareOfClassic * 100}% of histogram: ${mark(share >= TARGETS.nativeShareOfClassic)} (${detail})`);
    }
    if (row.workload === "linecount" && row.floor.ok) {
      const within = row.floor.stats.linesPerSec / lt.linesPerSec;
      out.push(`within ${TARGETS.linecountWithinFloor}x of floor: ${mark(within <= TARGETS.linecountWithinFloor)} (${within.toFixed(1)}x)`);
    }
  } else {
    const one = oneShotFor(rows, row);
    if (one?.logtally.ok) {
      const share = lt.linesPerSec / one.logtally.stats.linesPerSec;
      out.push(`>=${TARGETS.tailShareOfOneShot * 100}% of one-shot apache: ${mark(share >= TARGETS.tailShareOfOneShot)} (${(share * 100).toFixed(0)}%)`);
    }
  }
  if (row.workload === "high-cardinality") {
    if (row.mtail?.ok && lt.maxRssKb !== null && row.mtail.stats.maxRssKb !== null) {
      out.push(`RSS <= mtail: ${mark(lt.maxRssKb <= row.mtail.stats.maxRssKb)}`);
    }
  } else if (lt.maxRssKb !== null) {
    out.push(`RSS <${TARGETS.rssLimitMb} MB: ${mark(lt.maxRssKb < TARGETS.rssLimitMb * 1024)}`);
  }
  return out.join("; ") || "-";
}

/** A Markdown table of every row, one line per workload. */
export function formatTable(rows: readonly Row[]): string {
  const head = "| workload | lines | logtally s | logtally lines/s | MB/s | mtail s | mtail lines/s | speed-up | floor lines/s | logtally RSS | mtail RSS | logtally CPU s | mtail CPU s | targets |";
  const lines = [head, "|" + " --- |".repeat(14)];
  for (const row of rows) {
    if (row.mode === "idle") {
      const lt = row.logtally.ok ? `${row.logtally.cpuPercent.toFixed(2)}% core` : "failed";
      const mt = row.mtail === null ? "-" : row.mtail.ok ? `${row.mtail.cpuPercent.toFixed(2)}% core` : "failed";
      const ltRss = row.logtally.ok ? mb(row.logtally.maxRssKb) : "-";
      const mtRss = row.mtail?.ok ? mb(row.mtail.maxRssKb) : "-";
      lines.push(`| ${row.workload} (${row.files} files) | - | ${lt} | - | - | ${mt} | - | - | - | ${ltRss} | ${mtRss} | - | - | ${targetsOf(row, rows)} |`);
      continue;
    }
    const [lts, ltr, ltm, ltRss, ltCpu] = cells(row.logtally);
    const [mts, mtr, , mtRss, mtCpu] = cells(row.mtail);
    const speedUp = row.logtally.ok && row.mtail?.ok ? (row.logtally.stats.linesPerSec / row.mtail.stats.linesPerSec).toFixed(1) + "x" : "-";
    const floor = row.mode === "one-shot" && row.floor.ok ? rate(row.floor.stats.linesPerSec) : "-";
    lines.push(`| ${row.workload} | ${rate(row.lines)} | ${lts} | ${ltr} | ${ltm} | ${mts} | ${mtr} | ${speedUp} | ${floor} | ${ltRss} | ${mtRss} | ${ltCpu} | ${mtCpu} | ${targetsOf(row, rows)} |`);
  }
  return lines.join("\n");
}

/** Warnings: failures (with their reason) and output differences against mtail. */
export function formatWarnings(rows: readonly Row[]): string[] {
  const warnings: string[] = [];
  for (const row of rows) {
    for (const [who, o] of [["logtally", row.logtally], ["mtail", row.mtail]] as const) {
      if (o && !o.ok) warnings.push(`${row.workload}: ${who} not measured: ${o.error}`);
    }
    if (row.mode !== "one-shot" || !row.diff) continue;
    const d = row.diff;
    if (d.missing || d.extra || d.changed) {
      warnings.push(`${row.workload}: OUTPUT DIFFERS from mtail: ${d.missing} samples missing, ${d.extra} extra, ${d.changed} with another value\n    ` +
        d.sampleDifferences.join("\n    "));
    }
    if (d.metaDifferences.length) warnings.push(`${row.workload}: HELP/TYPE lines differ from mtail:\n    ${d.metaDifferences.join("\n    ")}`);
  }
  return warnings;
}
