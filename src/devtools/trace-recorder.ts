// Records what programs compiled with the trace hook do on a line: every regex run (with its captures), every
// condition's value and every metric update (labels, value before and after). The generated code is the daemon's,
// given recording wrappers for its regexes and metric handles (see ProgramTracer in compiler/compile.ts).

import type {
  CompiledProgram,
  MetricHandle,
  ProgramTracer,
  RecordFields,
  RecordFormat,
  RecordReader,
  RegExpLike,
  TraceInfo,
} from "../compiler/compile.js";
import type { Metric } from "../metrics/metric.js";
import { Kind, ValueType } from "../metrics/types.js";

/** A regex the program ran. */
export interface PatternEvent {
  type: "pattern";
  /** Index of the pattern in the program (in source order). */
  index: number;
  /** The RE2 pattern as written (constants concatenated). */
  regex: string;
  location: string;
  /** What it ran on: null for the log line itself, else the string (a capture, for `=~`). */
  input: string | null;
  matched: boolean;
  /** Every group's value when it matched: by name for named groups, by number for the others; null if unset. */
  captures: Record<string, string | null>;
}

/** A json/logfmt record the program parsed (the line, or a string for `json($x)`). */
export interface RecordEvent {
  type: "record";
  format: RecordFormat;
  /** What it parsed: null for the log line itself, else the string. */
  input: string | null;
  parsed: boolean;
  /** The value of every field the program reads (as a string; null: missing or null), when it parsed. */
  fields: Record<string, string | null>;
}

/** A condition statement's test. */
export interface ConditionEvent {
  type: "condition";
  text: string;
  location: string;
  value: boolean;
}

/** One change to a metric. */
export interface UpdateEvent {
  type: "update";
  metric: string;
  kind: string;
  labels: Record<string, string>;
  /** add (`++`, `+=`), set (`=`), observe (a histogram), delete, expire. */
  op: "add" | "set" | "observe" | "delete" | "expire";
  /** The operand: added, set or observed value (ttl in ms for expire). */
  value?: number | string;
  /** Value before and after (a histogram's sum of observations; a text metric's string). */
  before?: number | string;
  after?: number | string;
  /** Histograms: observation count before and after, and the bucket (`le`) the value went into (null: none). */
  countBefore?: number;
  countAfter?: number;
  bucket?: string | null;
}

/** A runtime error that abandoned the line for the program. */
export interface ErrorEvent {
  type: "error";
  message: string;
}

export type TraceEvent = PatternEvent | RecordEvent | ConditionEvent | UpdateEvent | ErrorEvent;

/** Collects events for the line being run; `take()` hands them over and starts afresh. */
export class TraceRecorder {
  private events: Array<{ program: string; event: TraceEvent }> = [];
  /** Whether some regex matched since the last take(). */
  matchedAny = false;

  /** The tracer the runtime links `program` with (RuntimeOptions.tracer). */
  readonly tracerFor = (program: CompiledProgram): ProgramTracer => {
    const info = program.traceInfo as TraceInfo;
    const name = program.name;
    const push = (event: TraceEvent): void => {
      this.events.push({ program: name, event });
    };
    return {
      regex: (index, re): RegExpLike => ({
        exec: (text: string) => {
          const m = re.exec(text);
          if (m !== null) this.matchedAny = true;
          const p = info.patterns[index];
          if (p !== undefined) {
            push({
              type: "pattern",
              index,
              regex: p.source,
              location: p.location,
              input: this.currentLine === text ? null : text,
              matched: m !== null,
              captures: m === null ? {} : captures(p.display, p.groupNames, text),
            });
          }
          return m;
        },
      }),
      metric: (index, handle) => new TracedMetric(handle as unknown as Metric, push),
      records: (reader) => this.recordReader(reader, program, push),
      cond: (index, value) => {
        const c = info.conditions[index];
        // A bare pattern's condition is its pattern event; repeating it as a condition adds nothing.
        if (c !== undefined && c.kind !== "pattern") push({ type: "condition", text: c.text, location: c.location, value });
        return value;
      },
    };
  };

  /** The text of the line being run (a regex run on it is reported as run on "the line"). */
  currentLine = "";

  /** A reader that records each parse and the values of the fields `program` reads. */
  private recordReader(reader: RecordReader, program: CompiledProgram, push: (e: TraceEvent) => void): RecordReader {
    const paths = (format: RecordFormat) =>
      program.fields.filter((f) => f.format === format).map((f) => ({ name: f.path.join("."), slot: reader.slot(format, f.path) }));
    const seen = { json: paths("json"), logfmt: paths("logfmt") };
    const parse = (format: RecordFormat, text: string, r: RecordFields | null): RecordFields | null => {
      if (r !== null) this.matchedAny = true;
      const fields: Record<string, string | null> = {};
      if (r !== null) for (const f of seen[format]) fields[f.name] = r.str(f.slot) ?? null;
      push({ type: "record", format, input: this.currentLine === text ? null : text, parsed: r !== null, fields });
      return r;
    };
    return {
      slot: (format, path) => reader.slot(format, path),
      json: (text) => parse("json", text, reader.json(text)),
      logfmt: (text) => parse("logfmt", text, reader.logfmt(text)),
      empty: reader.empty,
    };
  }

  /** Adds an event from outside the program (a runtime error). */
  add(program: string, event: TraceEvent): void {
    this.events.push({ program, event });
  }

  /** The events since the last call, in the order they happened. */
  take(): Array<{ program: string; event: TraceEvent }> {
    const e = this.events;
    this.events = [];
    this.matchedAny = false;
    return e;
  }
}

/** Values of every group of `re` (all groups capture) on `text`, by name or number. */
function captures(re: RegExpLike, names: readonly string[], text: string): Record<string, string | null> {
  const m = re.exec(text);
  const out: Record<string, string | null> = {};
  if (m === null) return out;
  for (let g = 1; g < m.length; g++) {
    const name = names[g] !== undefined && names[g] !== "" ? (names[g] as string) : String(g);
    out[name] = m[g] ?? null;
  }
  return out;
}

type Push = (e: TraceEvent) => void;

/** A metric handle that records each update it makes to the store's metric. */
class TracedMetric implements MetricHandle {
  constructor(private readonly m: Metric, private readonly push: Push) {}

  id0(): number {
    return this.m.id0();
  }
  id1(a: string): number {
    return this.m.id1(a);
  }
  id2(a: string, b: string): number {
    return this.m.id2(a, b);
  }
  idN(values: readonly string[]): number {
    return this.m.idN(values);
  }
  findId(values: readonly string[]): number {
    return this.m.findId(values);
  }
  num(id: number): number {
    return this.m.num(id);
  }
  str(id: number): string {
    return this.m.str(id);
  }

  add(id: number, v: number, tMs: number): void {
    this.numeric(id, "add", v, () => this.m.add(id, v, tMs));
  }
  set(id: number, v: number, tMs: number): void {
    this.numeric(id, "set", v, () => this.m.set(id, v, tMs));
  }
  incGet(id: number, by: number, tMs: number): number {
    let r = 0;
    this.numeric(id, "add", by, () => (r = this.m.incGet(id, by, tMs)));
    return r;
  }
  addEx(id: number, v: number, tMs: number, ex: readonly string[]): void {
    this.numeric(id, "add", v, () => this.m.addEx(id, v, tMs, ex));
  }
  setEx(id: number, v: number, tMs: number, ex: readonly string[]): void {
    this.numeric(id, "set", v, () => this.m.setEx(id, v, tMs, ex));
  }
  incGetEx(id: number, by: number, tMs: number, ex: readonly string[]): number {
    let r = 0;
    this.numeric(id, "add", by, () => (r = this.m.incGetEx(id, by, tMs, ex)));
    return r;
  }
  setStr(id: number, s: string, tMs: number): void {
    if (this.m.type !== ValueType.String) {
      this.numeric(id, "set", s, () => this.m.setStr(id, s, tMs));
      return;
    }
    const before = this.m.str(id);
    this.m.setStr(id, s, tMs);
    this.push({ ...this.base(id), op: "set", value: s, before, after: this.m.str(id) });
  }
  deleteN(values: readonly string[]): void {
    this.push({ type: "update", metric: this.m.name, kind: kindName(this.m.kind), labels: this.labelsOf(values), op: "delete" });
    this.m.deleteN(values);
  }
  expire(id: number, ttlMs: number): void {
    this.push({ ...this.base(id), op: "expire", value: ttlMs });
    this.m.expire(id, ttlMs);
  }

  private numeric(id: number, op: "add" | "set", v: number | string, run: () => void): void {
    if (this.m.layout !== null) {
      const buckets = Array.from(this.m.bucketCounts(id));
      const countBefore = this.m.histCount(id);
      const before = this.m.histSum(id);
      run();
      const after = Array.from(this.m.bucketCounts(id));
      const i = after.findIndex((c, j) => c !== buckets[j]);
      const uppers = this.m.layout.uppers;
      const bucket = i < 0 ? null : i < uppers.length ? String(uppers[i]) : "+Inf";
      this.push({ ...this.base(id), op: "observe", value: v, before, after: this.m.histSum(id), countBefore, countAfter: this.m.histCount(id), bucket });
      return;
    }
    const before = this.m.num(id);
    run();
    this.push({ ...this.base(id), op, value: v, before, after: this.m.num(id) });
  }

  private base(id: number): Pick<UpdateEvent, "type" | "metric" | "kind" | "labels"> {
    return { type: "update", metric: this.m.name, kind: kindName(this.m.kind), labels: this.labelsOf(this.m.labels(id)) };
  }

  private labelsOf(values: readonly string[]): Record<string, string> {
    const out: Record<string, string> = {};
    this.m.keys.forEach((k, j) => (out[k] = values[j] ?? ""));
    return out;
  }
}

function kindName(k: Kind): string {
  return Kind[k]?.toLowerCase() ?? String(k);
}
