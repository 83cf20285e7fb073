// The status page at "/": programs (or their compile errors with the caret excerpt), log files and runtime
// errors, as one self-contained HTML document (no external assets, so it works offline and behind proxies).

import type { Cardinality } from "../exporter/cardinality.js";
import type { LogFileInfo, LogPatternInfo, ProgramInfo, StatusSource } from "./status.js";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

// Long compile errors, paths and log lines wrap (pre-wrap, overflow-wrap:anywhere) instead of widening the tables
// past the window: at 1280 px a 300-character regex used to push the counters off screen.
const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin-bottom:1.5em;max-width:100%}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
pre{background:#fff4f4;border:1px solid #e0b4b4;padding:.5em;margin:.3em 0;white-space:pre-wrap;overflow-wrap:anywhere}
td code,td div{overflow-wrap:anywhere}td.name code{overflow-wrap:normal;white-space:nowrap}.when{color:#666;font-size:12px;white-space:nowrap}
.ok{color:#17692c}.bad{color:#b00020;font-weight:600}.warn{color:#8a5a00}code{font-size:13px}`;

/** A time on the status page: UTC to the second, with how long ago, e.g. "2026-12-05 06:31:02Z (3 min ago)". */
export function formatTime(ms: number, nowMs: number): string {
  const ago = Math.max(0, Math.round((nowMs - ms) / 1000));
  const rel = ago < 120 ? `${ago} s ago` : ago < 7200 ? `${Math.round(ago / 60)} min ago` : `${Math.round(ago / 3600)} h ago`;
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}Z (${rel})`;
}

/** `<span class="when">` with the time, or "" for 0/absent (never). */
function when(ms: number | undefined, nowMs: number, prefix: string): string {
  return ms === undefined || ms <= 0 ? "" : ` <span class="when">${prefix} ${escapeHtml(formatTime(ms, nowMs))}</span>`;
}

/** Renders the status page. `nowMs` is when it is rendered (uptime); `cardinality`, when given, gets a section. */
export function renderStatusPage(status: StatusSource, version: string, nowMs: number, cardinality?: Cardinality): string {
  const programs = status.programs();
  const files = status.files();
  const settings = Object.entries(status.settings())
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`)
    .join("");
  const uptime = Math.round((nowMs - status.startedMs) / 1000);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>logtally</title><style>${STYLE}</style></head>
<body>
<h1>logtally ${escapeHtml(version)}</h1>
<p>Up ${uptime} s. <a href="/metrics">/metrics</a> · <a href="/json">/json</a> · <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></p>
<table>${settings}</table>
<h2>Programs (${programs.length})</h2>
${programs.length === 0 ? "<p>No programs loaded.</p>" : programTable(programs, nowMs)}
${patternSection(status.patterns?.() ?? [])}
<h2>Log files (${files.length})</h2>
${totalsLine(status)}
${files.length === 0 ? "<p>No log files are being read (none match the --logs patterns yet).</p>" : fileTable(files)}
${cardinality === undefined ? "" : cardinalitySection(cardinality)}
</body></html>
`;
}

function programTable(programs: readonly ProgramInfo[], nowMs: number): string {
  const rows = programs.map((p) => {
    const state = p.compiling === true
      ? `<span class="warn">compiling</span>`
      : p.lastCompileError !== ""
      ? p.loaded
        ? `<span class="warn">reload failed: previous version still running</span>${when(p.lastCompileErrorMs, nowMs, "at")}` +
          when(p.lastLoadMs, nowMs, "; running version loaded")
        : `<span class="bad">compile failed: not running</span>${when(p.lastCompileErrorMs, nowMs, "at")}`
      : `<span class="ok">${p.loads > 1 ? "reloaded" : "loaded"}</span>${when(p.lastLoadMs, nowMs, "")}`;
    const detail = [
      p.lastCompileError !== "" ? `<pre>${escapeHtml(p.lastCompileError)}</pre>` : "",
      p.lastRuntimeError !== "" ? runtimeErrorDetail(p, nowMs) : "",
    ].join("");
    return `<tr><td class="name"><code>${escapeHtml(p.name)}</code></td><td>${state}${detail}</td><td class="n">${p.lines}</td><td class="n">${p.matchedLines ?? ""}</td>` +
      `<td class="n">${p.runtimeErrors}</td><td class="n">${p.loads}</td><td class="n">${p.compileFailures}</td></tr>`;
  });
  return `<table><tr><th>Program</th><th>Status</th><th>Lines</th><th title="Lines that matched at least one pattern (a line regex, or a json/logfmt block that parsed)">Matched</th><th>Runtime errors</th><th>Loads</th><th>Compile failures</th></tr>
${rows.join("\n")}</table>`;
}

function cardinalitySection(c: Cardinality): string {
  const head = `<h2>Series (${c.totalSeries})</h2>\n<p>The metrics with the most series (also as JSON: <a href="/api/cardinality">/api/cardinality</a>).</p>`;
  if (c.metrics.length === 0) return head;
  const rows = c.metrics.map((m) => {
    const cap = [m.limit > 0 ? `limit ${m.limit}` : "", m.budget > 0 ? `budget ${m.budget}` : ""].filter((x) => x !== "").join(", ");
    const dropped = m.dropped > 0 ? `<span class="bad">${m.dropped}</span>` : "0";
    const label = m.topLabel === null ? "" : `<code>${escapeHtml(m.topLabel.name)}</code> (${m.topLabel.values} values)`;
    return `<tr><td><code>${escapeHtml(m.name)}</code></td><td><code>${escapeHtml(m.program)}</code></td>` +
      `<td class="n">${m.series}</td><td>${label}</td><td>${escapeHtml(cap)}</td><td class="n">${dropped}</td></tr>`;
  });
  return `${head}
<table><tr><th>Metric</th><th>Program</th><th>Series</th><th>Most varied label</th><th>Limits</th><th>Updates dropped</th></tr>
${rows.join("\n")}</table>`;
}

// Each --logs pattern with how many files match it: one matching nothing is the usual reason for no metrics.
function patternSection(patterns: readonly LogPatternInfo[]): string {
  if (patterns.length === 0) return "";
  const rows = patterns.map((p) => {
    const note = p.files > 0
      ? ""
      : `<div class="warn">Matches no file${p.missingFolder !== undefined ? ` (the folder <code>${escapeHtml(p.missingFolder)}</code> does not exist)` : ""}; files that appear later will be followed.</div>`;
    return `<tr><td><code>${escapeHtml(p.pattern)}</code>${note}</td><td class="n">${p.files}</td></tr>`;
  });
  return `<h2>Log patterns (${patterns.length})</h2>
<table><tr><th>Pattern</th><th>Files now</th></tr>
${rows.join("\n")}</table>`;
}

// The error with when it happened and the line (and file) that caused it: enough to reproduce it with --one_shot.
function runtimeErrorDetail(p: ProgramInfo, nowMs: number): string {
  const where = p.lastRuntimeErrorFile ? ` in <code>${escapeHtml(p.lastRuntimeErrorFile)}</code>` : "";
  const line = p.lastRuntimeErrorLine !== undefined && p.lastRuntimeErrorFile !== undefined
    ? `<div>on the line${where}: <code>${escapeHtml(p.lastRuntimeErrorLine)}</code></div>`
    : "";
  return `<div>Last runtime error${when(p.lastRuntimeErrorMs, nowMs, "at")}: <code>${escapeHtml(p.lastRuntimeError)}</code></div>${line}`;
}

function totalsLine(status: StatusSource): string {
  const t = status.tailerStats?.();
  if (t === undefined) return "";
  return `<p class="totals">Read ${t.linesRead} lines (${t.bytesRead} bytes) with ${t.openFiles} files open; ` +
    `${t.rotations} rotations, ${t.truncations} truncations, ${t.linesCut} lines cut, ${t.readErrors} read errors.</p>`;
}

function fileTable(files: readonly LogFileInfo[]): string {
  const rows = files.map(
    (f) =>
      `<tr><td><code>${escapeHtml(f.path)}</code>${f.error !== "" ? `<div class="bad">${escapeHtml(f.error)}</div>` : ""}</td>` +
      `<td class="n">${f.offset}</td><td class="n">${f.lines}</td><td class="n">${f.bytes}</td>` +
      `<td class="n">${f.rotations}</td><td class="n">${f.truncations}</td><td class="n">${f.linesCut}</td>` +
      `<td class="n">${f.readErrors}</td></tr>`,
  );
  return `<table><tr><th>File</th><th>Offset</th><th>Lines</th><th>Bytes</th><th>Rotations</th><th>Truncations</th>` +
    `<th>Lines cut</th><th>Read errors</th></tr>
${rows.join("\n")}</table>`;
}
