// Loads, reloads and unloads compiled programs and runs every program on every line. A program that fails to
// compile is not loaded (a reload that fails keeps the old one running). Runtime errors are counted per program
// and logged with a rate limit through the injected logger; they never escape processLine.

import { basename } from "node:path";
import {
  compile,
  type CompiledProgram,
  type CompileOptions,
  type CompileResult,
  type LinkedProgram,
  type MetricHandle,
  type ProgramHelpers,
  type ProgramTracer,
} from "../compiler/compile.js";
import { detachString, type LineHandler, type RecordHandler } from "../logline.js";
import type { Metric } from "../metrics/metric.js";
import { Store } from "../metrics/store.js";
import { createHelpers } from "./helpers.js";
import { coarseClock } from "./clock.js";
import { globToRegExp } from "../compiler/log-filter.js";
import { checkLayout, compileLayout, resolveZone, type Layout, type Zone } from "./builtins/strptime.js";
import { TimeMemo } from "./builtins/time-memo.js";
import { RecordCache } from "./fields/record-cache.js";

/** The logging interface the runtime needs (pino's shape). */
export interface RuntimeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RuntimeOptions {
  logger?: RuntimeLogger;
  /** IANA zone name used by strptime() for layouts without a zone (mtail's --override_timezone). */
  overrideTimezone?: string;
  /** Give year-less timestamps (syslog) the current year (mtail's --syslog_use_current_year, default true). */
  syslogUseCurrentYear?: boolean;
  /** mtail's --max_regexp_length. */
  maxRegexpLength?: number;
  /** mtail's --max_recursion_depth. */
  maxRecursionDepth?: number;
  /** Minimum interval between two runtime-error log messages of one program (default 10 s). */
  errorLogIntervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Tests: from how many required literals a program scans for them in one pass (see compiler/literal-scan.ts). */
  literalScanMin?: number;
  /**
   * logtally explain: programs are compiled with the trace hook and linked through the tracer this returns for
   * each, so every regex run, condition and metric update is seen. The daemon never sets it.
   */
  tracer?: (program: CompiledProgram) => ProgramTracer;
}

/** What programs() reports about one program. */
export interface ProgramStatus {
  name: string;
  loaded: boolean;
  /** The last compile error text, "" after a successful load. */
  lastCompileError: string;
  lines: number;
  /** Lines (records) that matched at least one of its line patterns or json/logfmt blocks. */
  matchedLines: number;
  runtimeErrors: number;
  /** The last runtime error message, "" if none. */
  lastRuntimeError: string;
  /** When it happened (ms since the epoch, 0 if never), and the line (at most 200 characters) and file it was on. */
  lastRuntimeErrorMs: number;
  lastRuntimeErrorLine: string;
  lastRuntimeErrorFile: string;
  /** CPU time spent running this program on lines, in seconds (estimated from 1 line in TIME_SAMPLE_EVERY). */
  seconds: number;
  /** Texts its `json` / `logfmt` conditions found not to be JSON objects / logfmt. */
  parseFailures: { json: number; logfmt: number };
  /** Statements skipped because a field they read was missing (docs/language.md, "Missing fields"). */
  skippedUpdates: number;
}

export type LoadResult = { ok: true } | { ok: false; diagnostics: string };

interface LoadedProgram {
  compiled: CompiledProgram;
  /** The store metrics it writes to (kept on a failed reload). */
  metrics: ReadonlySet<Metric>;
  linked: LinkedProgram;
  filter: RegExp | null;
  /** Cache of the filter decision for the last file name seen. */
  lastFile: string;
  lastFileMatches: boolean;
}

interface ProgramState {
  name: string;
  program: LoadedProgram | null;
  lastCompileError: string;
  lines: number;
  matchedLines: number;
  runtimeErrors: number;
  lastRuntimeError: string;
  lastRuntimeErrorMs: number;
  lastRuntimeErrorLine: string;
  lastRuntimeErrorFile: string;
  lastLoggedMs: number;
  suppressed: number;
  /** Nanoseconds measured on sampled lines only; programs() scales it by TIME_SAMPLE_EVERY. */
  sampledNs: bigint;
  /** Its record counters, written by its generated code (RecordLink.counters), kept across reloads. */
  fieldCounters: Float64Array;
}

/**
 * One line in this many (per program) is timed for ProgramStatus.seconds. Two process.hrtime.bigint() calls
 * cost ~92 ns (measured), more than a simple program's line; 1 in 64 is ~1.4 ns a line, 0.2% of the Apache
 * program's ~670 ns, below the noise of a 1M-line one-shot. Must be a power of two (a mask picks the lines).
 */
export const TIME_SAMPLE_EVERY = 64;
const TIME_SAMPLE_MASK = TIME_SAMPLE_EVERY - 1;

const SURROGATE = /[\ud800-\udfff]/;

const silentLogger: RuntimeLogger = { info: () => {}, warn: () => {} };

/**
 * Checks a program without keeping it (--compile_only): the whole load, generated function and metric
 * declarations included, into a throwaway store, so a program that passes loads.
 */
export function compileOnly(name: string, source: string, options: RuntimeOptions = {}): LoadResult {
  return new Runtime(new Store(), options).load(name, source);
}

/**
 * Compiles a program as Runtime.load does (same checks), for callers that load one compiled program into several
 * runtimes with loadCompiled (logtally test: one compilation, a fresh store per case).
 */
export function compileProgram(
  name: string,
  source: string,
  options: { maxRegexpLength?: number; maxRecursionDepth?: number; trace?: boolean } = {},
): CompileResult {
  return compile(basename(name), source, {
    maxRegexpLength: options.maxRegexpLength,
    maxRecursionDepth: options.maxRecursionDepth,
    checkTimeLayout: checkLayout,
    trace: options.trace,
  });
}

/** Runs mtail programs over log lines, writing to a metric store. */
export class Runtime {
  private readonly states = new Map<string, ProgramState>();
  /** Loaded programs in load order: the per-line loop walks this array. */
  private active: ProgramState[] = [];
  /** Whether some active program reads the per-line `astral` flag (see LinkedProgram.line). */
  private astralCheck = false;
  private readonly zone: Zone;
  private readonly log: RuntimeLogger;
  private readonly now: () => number;
  /** `now`, read once per synchronous run of lines (see clock.ts). */
  private readonly clock: () => number;
  private readonly errorLogIntervalMs: number;
  /** json/logfmt records, scanned once per text for every program. */
  private readonly records = new RecordCache();
  /** The stream and time of the record being run by processRecord ("" and NaN for a plain line). */
  private recordStream = "";
  private recordTimeMs = NaN;

  constructor(private readonly store: Store, private readonly options: RuntimeOptions = {}) {
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.clock = coarseClock(this.now);
    this.errorLogIntervalMs = options.errorLogIntervalMs ?? 10_000;
    // Throws for an unknown zone name: a bad --override_timezone should stop the program at startup.
    this.zone = resolveZone(options.overrideTimezone ?? "");
  }

  /** Helpers for one program: mtail keeps one strptime memo per program. */
  private helpersFor(): ProgramHelpers {
    const memo = new TimeMemo(this.zone, { syslogUseCurrentYear: this.options.syslogUseCurrentYear ?? true, nowMs: this.now });
    const layouts = new Map<string, Layout>();
    // Layouts are string literals of the program: the same string object call after call, so the last one is
    // found by identity before the Map is consulted.
    let lastLayoutText = "";
    let lastLayout: Layout | undefined;
    return createHelpers({
      now: () => {
        const t = this.recordTimeMs;
        return t === t ? t : this.clock();
      },
      stream: () => this.recordStream,
      strptime: (value, layout) => {
        let l = layout === lastLayoutText ? lastLayout : undefined;
        if (l === undefined) {
          l = layouts.get(layout);
          if (l === undefined) {
            l = compileLayout(layout);
            layouts.set(layout, l);
          }
          lastLayoutText = layout;
          lastLayout = l;
        }
        // NaN is "no time" (a value that failed before): the register stays unset, as in mtail. The generated
        // code takes NaN as unset too, so 0 (1970-01-01T00:00:00Z) is a real time.
        return memo.parse(l, value);
      },
    });
  }

  /** The options compile() takes, as this runtime was configured. */
  compileOptions(): CompileOptions {
    return {
      maxRegexpLength: this.options.maxRegexpLength,
      maxRecursionDepth: this.options.maxRecursionDepth,
      checkTimeLayout: checkLayout,
      literalScanMin: this.options.literalScanMin,
      trace: this.options.tracer !== undefined,
    };
  }

  /** Compiles `source` and, only if it compiles, replaces the program of that name. */
  load(name: string, source: string): LoadResult {
    return this.install(name, compile(basename(name), source, this.compileOptions()));
  }

  /**
   * Installs the result of compile() (run here or in a compile worker): a failure is recorded for the program; a
   * program replaces the running version of that name only if it also links.
   */
  install(name: string, result: CompileResult): LoadResult {
    const key = basename(name);
    if (!("program" in result)) return this.loadFailed(this.stateFor(key), result.diagnostics, result.errors.length);
    return this.loadCompiled(result.program);
  }

  /**
   * Loads a program compiled beforehand (see compileProgram), replacing the program of its name. A runtime with a
   * `tracer` needs a program compiled with `trace`.
   */
  loadCompiled(compiled: CompiledProgram): LoadResult {
    const state = this.stateFor(compiled.name);
    try {
      return this.link(state, compiled);
    } catch (e) {
      // Nothing the compiler produced may take the process down: any failure here is this program's.
      return this.loadFailed(state, `${state.name}:1:1: Internal error loading the program: ${(e as Error).message ?? String(e)}.`, 1);
    }
  }

  private link(state: ProgramState, compiled: CompiledProgram): LoadResult {
    const key = state.name;
    // As mtail: a program may not declare a name another loaded program declares with another kind. Every
    // conflict is reported at its declaration, and nothing is declared, so the old version keeps running.
    const conflicts = compiled.declarations.flatMap((d) => {
      const why = this.store.findConflict(d);
      return why === null ? [] : [`${d.source}: ${why}`];
    });
    if (conflicts.length > 0) return this.loadFailed(state, conflicts.join("\n"), conflicts.length);
    const filter = compiled.logFilter === null ? null : globToRegExp(compiled.logFilter);
    const previous = state.program?.metrics ?? new Set<Metric>();
    const metrics: Metric[] = compiled.declarations.map((d) => this.store.declare(d));
    let linked: LinkedProgram;
    try {
      this.records.reserve(compiled.recordSites);
      linked = compiled.link(
        metrics as unknown as MetricHandle[],
        this.helpersFor(),
        (err, line, filename) => this.onRuntimeError(state, err, line, filename),
        this.options.tracer?.(compiled),
        { reader: this.records, counters: state.fieldCounters },
      );
    } catch (e) {
      // Only a compiler bug gets here (generated code that does not parse): drop the metrics just declared.
      this.store.retainProgram(key, previous);
      return this.loadFailed(state, `${key}:1:1: Internal error linking the program: ${(e as Error).message}.`, 1);
    }
    for (const i of compiled.initialise) metrics[i]?.id0();
    const kept = new Set(metrics);
    this.store.retainProgram(key, kept);
    state.program = {
      compiled,
      metrics: kept,
      linked,
      filter,
      lastFile: "",
      lastFileMatches: false,
    };
    state.lastCompileError = "";
    if (!this.active.includes(state)) this.active = [...this.active, state];
    this.astralCheck = this.active.some((s) => s.program?.compiled.readsAstralFlag === true);
    if (compiled.hasBegin) linked.begin();
    return { ok: true };
  }

  private loadFailed(state: ProgramState, diagnostics: string, errors: number): LoadResult {
    state.lastCompileError = diagnostics;
    this.log.warn({ program: state.name, errors }, `Compile failed for ${state.name}.`);
    return { ok: false, diagnostics };
  }

  /** Removes a program and its metrics. */
  unload(name: string): void {
    const key = basename(name);
    const state = this.states.get(key);
    if (state === undefined) return;
    this.states.delete(key);
    this.active = this.active.filter((s) => s !== state);
    this.astralCheck = this.active.some((s) => s.program?.compiled.readsAstralFlag === true);
    this.store.removeProgram(key);
  }

  /** Runs every loaded program on one line. Never throws. */
  readonly processLine: LineHandler = (text: string, filename: string): void => {
    const active = this.active;
    // One test per line for all programs: their regexes have faster twins for lines without astral characters.
    const astral = this.astralCheck && SURROGATE.test(text);
    for (let i = 0; i < active.length; i++) {
      const state = active[i] as ProgramState;
      const p = state.program as LoadedProgram;
      if (p.filter !== null && !this.fileMatches(p, filename)) continue;
      if ((++state.lines & TIME_SAMPLE_MASK) !== 0) {
        if (p.linked.line(text, filename, astral)) state.matchedLines++;
      } else if (this.timedLine(state, p, text, filename, astral)) state.matchedLines++;
    }
  };

  /**
   * Runs every loaded program on one record from the framing stage (src/framing/): like processLine, with the
   * record's stream for getstream() and its time as the time of updates the program does not time itself.
   */
  readonly processRecord: RecordHandler = (text, filename, stream, timeMs) => {
    this.recordStream = stream;
    this.recordTimeMs = timeMs;
    this.processLine(text, filename);
    this.recordStream = "";
    this.recordTimeMs = NaN;
  };

  /** Runs one program on one line and adds the time it took to the program's sample. */
  private timedLine(state: ProgramState, p: LoadedProgram, text: string, filename: string, astral: boolean): boolean {
    const start = process.hrtime.bigint();
    const hit = p.linked.line(text, filename, astral);
    state.sampledNs += process.hrtime.bigint() - start;
    return hit;
  }

  /** Status of every program that was ever loaded or failed to load. */
  programs(): ProgramStatus[] {
    return [...this.states.values()].map((s) => ({
      name: s.name,
      loaded: s.program !== null,
      lastCompileError: s.lastCompileError,
      lines: s.lines,
      matchedLines: s.matchedLines,
      runtimeErrors: s.runtimeErrors,
      lastRuntimeError: s.lastRuntimeError,
      lastRuntimeErrorMs: s.lastRuntimeErrorMs,
      lastRuntimeErrorLine: s.lastRuntimeErrorLine,
      lastRuntimeErrorFile: s.lastRuntimeErrorFile,
      seconds: (Number(s.sampledNs) * TIME_SAMPLE_EVERY) / 1e9,
      parseFailures: { json: s.fieldCounters[0] as number, logfmt: s.fieldCounters[1] as number },
      skippedUpdates: s.fieldCounters[2] as number,
    }));
  }

  /** The generated JavaScript of a loaded program (for --dump_js). */
  generatedSource(name: string): string | undefined {
    return this.states.get(basename(name))?.program?.compiled.js;
  }

  private stateFor(key: string): ProgramState {
    let s = this.states.get(key);
    if (s === undefined) {
      s = { name: key, program: null, lastCompileError: "", lines: 0, matchedLines: 0, runtimeErrors: 0, lastRuntimeError: "", lastRuntimeErrorMs: 0, lastRuntimeErrorLine: "", lastRuntimeErrorFile: "", lastLoggedMs: -Infinity, suppressed: 0, sampledNs: 0n, fieldCounters: new Float64Array(3) };
      this.states.set(key, s);
    }
    return s;
  }

  private fileMatches(p: LoadedProgram, filename: string): boolean {
    if (filename !== p.lastFile) {
      p.lastFile = filename;
      p.lastFileMatches = (p.filter as RegExp).test(filename);
    }
    return p.lastFileMatches;
  }

  private onRuntimeError(state: ProgramState, err: unknown, line: string, filename: string): void {
    state.runtimeErrors++;
    const message = err instanceof Error ? err.message : String(err);
    state.lastRuntimeError = message;
    const now = this.now();
    // Copied: the line is a slice of a 64 KiB read segment, which a kept slice would pin (see logline.ts).
    state.lastRuntimeErrorMs = now;
    state.lastRuntimeErrorLine = detachString(line.length > 200 ? line.slice(0, 200) + "..." : line);
    state.lastRuntimeErrorFile = filename;
    if (now - state.lastLoggedMs < this.errorLogIntervalMs) {
      state.suppressed++;
      return;
    }
    const suppressed = state.suppressed;
    state.suppressed = 0;
    state.lastLoggedMs = now;
    this.log.info(
      { program: state.name, err: message, filename, line: line.length > 200 ? line.slice(0, 200) + "..." : line, suppressed },
      `Runtime error in ${state.name}.`,
    );
  }
}
