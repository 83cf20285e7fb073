// `logtally explain`: runs the programs of --progs on given lines and tells, for each line and program, which
// patterns were tried (in order) and whether each matched, with every capture; which conditions held; and every
// metric update with its labels and the value before and after. It runs the daemon's generated code, linked to
// recording wrappers (trace-recorder.ts), so what it says is what the daemon does with the line.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Store } from "../metrics/store.js";
import { Runtime, listProgramFiles } from "../runtime/index.js";
import { readFileLines } from "../tailer/index.js";
import type { CaseSettings } from "./run-case.js";
import { TraceRecorder, type TraceEvent, type UpdateEvent } from "./trace-recorder.js";

export interface ExplainOptions {
  /** A folder of programs or one program file. */
  progs: string;
  /** Log files whose lines to explain. */
  logs: readonly string[];
  /** Lines given as arguments (explained after the files' lines). */
  lines: readonly string[];
  json: boolean;
  maxRegexpLength?: number;
  settings: CaseSettings;
}

export interface ExplainIo {
  out(text: string): void;
  err(line: string): void;
}

/** What one program did with one line. */
export interface ProgramExplanation {
  program: string;
  /** Whether some pattern matched. */
  matched: boolean;
  /** Everything in the order it happened. */
  events: TraceEvent[];
  /** The same events by type, for tools. */
  patterns: TraceEvent[];
  /** json/logfmt records parsed, with the fields the program reads. */
  records: TraceEvent[];
  conditions: TraceEvent[];
  updates: TraceEvent[];
  errors: TraceEvent[];
}

/** One explained line. */
export interface LineExplanation {
  /** Where the line came from: `FILE:N`, or `argument N`. */
  source: string;
  text: string;
  programs: ProgramExplanation[];
}

/** Explains the lines; returns the exit code (1: a program did not compile or a log could not be read; 2: usage). */
export async function runExplain(options: ExplainOptions, io: ExplainIo): Promise<number> {
  let files: string[];
  try {
    files = await listProgramFiles(options.progs);
  } catch (err) {
    io.err(`logtally explain: cannot read --progs ${options.progs}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message}.`);
    return 2;
  }
  if (files.length === 0) {
    io.err(`logtally explain: no *.mtail programs in ${options.progs}.`);
    return 2;
  }
  const recorder = new TraceRecorder();
  let runtime: Runtime;
  try {
    runtime = new Runtime(new Store(), {
      overrideTimezone: options.settings.overrideTimezone,
      syslogUseCurrentYear: options.settings.syslogUseCurrentYear,
      maxRegexpLength: options.maxRegexpLength,
      tracer: recorder.tracerFor,
    });
  } catch (err) {
    io.err(`logtally explain: ${(err as Error).message}`);
    return 2;
  }
  let failed = false;
  for (const f of files) {
    const r = runtime.load(f, await readFile(f, "utf8"));
    if (!r.ok) {
      failed = true;
      io.err(`compile failed for ${f}:\n${r.diagnostics.replace(/\n$/, "")}`);
    }
  }
  if (failed) return 1;
  const names = runtime.programs().map((p) => p.name);
  // Runtime errors are counted per program: a count that moved during a line is that line's error.
  const errorCounts = (): number[] => runtime.programs().map((p) => p.runtimeErrors);
  // Begin blocks ran at load: their updates are not any line's.
  recorder.take();

  const explained: LineExplanation[] = [];
  const explainLine = (text: string, filename: string, source: string, stream = "", timeMs = NaN): void => {
    const before = errorCounts();
    recorder.currentLine = text;
    runtime.processRecord(text, filename, stream, timeMs);
    const after = runtime.programs();
    after.forEach((p, i) => {
      if (p.runtimeErrors > (before[i] ?? 0)) recorder.add(p.name, { type: "error", message: p.lastRuntimeError });
    });
    const events = recorder.take();
    const line: LineExplanation = { source, text, programs: names.map((program) => describeProgram(program, events.filter((e) => e.program === program).map((e) => e.event))) };
    if (options.json) explained.push(line);
    else io.out(renderLine(line));
  };

  let status = 0;
  for (const log of options.logs) {
    let n = 0;
    try {
      // With framing flags a "line" is a record (a multi-line traceback, a container log's message): numbered as such.
      const framer = options.settings.framing?.((text, filename, stream, timeMs) => explainLine(text, filename, `${log} record ${++n}`, stream, timeMs));
      await readFileLines(log, (text, filename) => explainLine(text, filename, `${log}:${++n}`), {
        maxLineLength: options.settings.maxLineLength ?? Infinity,
        framer: framer?.(resolve(log)),
      });
    } catch (err) {
      io.err(`logtally explain: cannot read log ${log}: ${(err as Error).message}`);
      status = 1;
    }
  }
  options.lines.forEach((text, i) => {
    // A line given as an argument is one log line: mtail removes every \r, and a newline would end the line.
    for (const part of text.replace(/\r/g, "").split("\n")) explainLine(part, resolve("-"), `argument ${i + 1}`);
  });
  if (options.json) io.out(JSON.stringify({ lines: explained }, null, 2) + "\n");
  return status;
}

function describeProgram(program: string, events: TraceEvent[]): ProgramExplanation {
  return {
    program,
    matched: events.some((e) => (e.type === "pattern" && e.matched) || (e.type === "record" && e.parsed)),
    events,
    patterns: events.filter((e) => e.type === "pattern"),
    records: events.filter((e) => e.type === "record"),
    conditions: events.filter((e) => e.type === "condition"),
    updates: events.filter((e) => e.type === "update"),
    errors: events.filter((e) => e.type === "error"),
  };
}

/** The human-readable explanation of one line. */
export function renderLine(line: LineExplanation): string {
  const out = [`${line.source}: ${line.text}`];
  for (const p of line.programs) {
    const tried = p.patterns.length + p.records.length;
    out.push(`  ${p.program}: ${tried === 0 ? "no pattern tried" : p.matched ? "matched" : `no pattern matched (${tried} tried)`}`);
    for (const e of p.events) out.push(...renderEvent(e));
  }
  return out.join("\n") + "\n";
}

function renderEvent(e: TraceEvent): string[] {
  switch (e.type) {
    case "pattern": {
      const on = e.input === null ? "" : ` on ${JSON.stringify(e.input)}`;
      const head = `    pattern /${e.regex}/ (${e.location})${on}: ${e.matched ? "matched" : "no match"}`;
      const caps = Object.entries(e.captures).map(([k, v]) => `      $${k} = ${v === null ? "(unset)" : JSON.stringify(v)}`);
      return [head, ...caps];
    }
    case "record": {
      const on = e.input === null ? "the line" : JSON.stringify(e.input);
      const head = `    ${e.format} record of ${on}: ${e.parsed ? "parsed" : `not ${e.format}`}`;
      const fields = Object.entries(e.fields).map(([k, v]) => `      $${k} = ${v === null ? "(missing)" : JSON.stringify(v)}`);
      return [head, ...fields];
    }
    case "condition":
      return [`    condition ${e.text} (${e.location}): ${e.value}`];
    case "update":
      return [`    ${renderUpdate(e)}`];
    case "error":
      return [`    runtime error: ${e.message} (the rest of the program is skipped for this line)`];
  }
}

function renderUpdate(e: UpdateEvent): string {
  const labels = Object.entries(e.labels);
  const series = labels.length === 0 ? e.metric : `${e.metric}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
  const show = (v: number | string | undefined): string => (typeof v === "string" ? JSON.stringify(v) : String(v));
  switch (e.op) {
    case "observe":
      return `${e.kind} ${series} observe ${show(e.value)} (bucket ${e.bucket === null ? "none" : `le=${e.bucket}`}): count ${e.countBefore} -> ${e.countAfter}, sum ${show(e.before)} -> ${show(e.after)}`;
    case "add":
      return `${e.kind} ${series} += ${show(e.value)}: ${show(e.before)} -> ${show(e.after)}`;
    case "set":
      return `${e.kind} ${series} = ${show(e.value)}: ${show(e.before)} -> ${show(e.after)}`;
    case "delete":
      return `${e.kind} ${series} deleted`;
    case "expire":
      return `${e.kind} ${series} expires ${e.value} ms after its last update`;
  }
}
