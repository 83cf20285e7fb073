// The compiler pipeline: parse -> expand decorators -> symbols -> regexes -> types -> generate JavaScript.
// compile() returns a CompiledProgram (metric declarations + generated source, linked later by the runtime
// with metric handles and helpers) or every diagnostic at once. Imports only metrics types and ./.
import { basename } from "node:path";

import { Kind, ValueType, type MetricDeclaration } from "../metrics/types.js";
import type { PatternExpr, Pos, RecordFormat, StmtList } from "./ast.js";
import { expandDecorators } from "./check-decorators.js";
import { checkDepth, deepestNode, DEFAULT_MAX_RECURSION_DEPTH } from "./check-depth.js";
import { globToRegExp } from "./log-filter.js";
import { checkSymbols, type FieldPath } from "./check-symbols.js";
import { checkTypes } from "./check-types.js";
import { generate } from "./codegen.js";
import { foldConstants } from "./fold-constants.js";
import { DiagnosticList, formatDiagnostics, formatPos, type Diagnostic } from "./diagnostics.js";
import { parseProgram } from "./parse.js";
import { buildLineRegExp, lazySubstRegExp, re2CompileError, type LineRegExp, type SubstRegExp } from "./line-regexp.js";
import { planRegex, type RegexPlan } from "./regex-engine.js";
import { LiteralScanner, type LiteralScanTables } from "./literal-scan.js";
import { requiredLiteral } from "./required-literal.js";

/** Programs with at least this many required literals find them in one pass over each line (literal-scan.ts). */
const SCAN_MIN_LITERALS = 16;
import { Type, concrete } from "./types.js";

/** Functions the generated code calls through `H`; the runtime provides them (see runtime/helpers.ts). */
export interface ProgramHelpers {
  s2i(s: string): number;
  /** String(s2i(s)): an int capture used as a label value. */
  i2s(s: string): string;
  s2f(s: string): number;
  badInt(v: unknown): never;
  badFloat(v: unknown): never;
  badString(v: unknown): never;
  /** Go strconv.FormatFloat(f, 'G', -1, 64): a float popped as a string. */
  fmtG(f: number): string;
  /** Go fmt %g: F2s conversions and float label values. */
  fmtg(f: number): string;
  len(s: string): number;
  settime(v: number, repr: string): number;
  strptime(value: string, layout: string): number;
  strtol(s: string, base: number): number;
  /** Go strings.ReplaceAll: literal replacement; an empty `old` inserts `repl` around every character. */
  subst(old: string, repl: string, value: string): string;
  /** Go Regexp.ReplaceAllLiteralString with a global twin of the pattern. */
  rsubst(re: SubstRegExp, repl: string, value: string): string;
  noMatch(capref: string): never;
  compare(a: unknown, b: unknown): number;
  and(a: number, b: number): number;
  or(a: number, b: number): number;
  xor(a: number, b: number): number;
  shl(a: number, b: number): number;
  shr(a: number, b: number): number;
  idiv(a: number, b: number): number;
  imod(a: number, b: number): number;
  ipow(a: number, b: number): number;
  /** Go's math.Pow (last-bit identical results). */
  fpow(a: number, b: number): number;
  /** `s += t` on a string metric. */
  catAssign(m: MetricHandle, id: number, s: string, tMs: number): void;
  del(m: MetricHandle, keys: string[]): void;
  expire(m: MetricHandle, keys: string[], ttlMs: number, tMs: number): void;
  /**
   * The time of an update when the program set none: the record's timestamp when its container wrapper gave one
   * (see src/framing/), else the wall clock read once per run of synchronous work (a chunk of lines), not once
   * per line (see runtime/clock.ts).
   */
  now(): number;
  /** getstream(): "stdout" or "stderr" for a record of a container log, "" otherwise. */
  stream(): string;
}

/**
 * The parts of a store metric the generated code touches: series are found by label values and then updated by
 * id (see metrics/metric.ts), so an update allocates nothing.
 */
export interface MetricHandle {
  id0(): number;
  id1(a: string): number;
  id2(a: string, b: string): number;
  idN(values: readonly string[]): number;
  findId(values: readonly string[]): number;
  add(id: number, v: number, tMs: number): void;
  set(id: number, v: number, tMs: number): void;
  setStr(id: number, s: string, tMs: number): void;
  incGet(id: number, by: number, tMs: number): number;
  /** add(), set() and incGet() of a metric declared with `exemplar`: `ex` holds the label values ("" unbound). */
  addEx(id: number, v: number, tMs: number, ex: readonly string[]): void;
  setEx(id: number, v: number, tMs: number, ex: readonly string[]): void;
  incGetEx(id: number, by: number, tMs: number, ex: readonly string[]): number;
  num(id: number): number;
  str(id: number): string;
  deleteN(values: readonly string[]): void;
  expire(id: number, ttlMs: number): void;
}

/**
 * A parsed record's fields as the generated code reads them, by slot (RecordReader.slot). A read returns
 * undefined when the field is missing, null, or cannot be read as asked (see docs/language.md, "Fields").
 */
export interface RecordFields {
  /** Whether the field is present and not null (`defined($f)`). */
  has(slot: number): boolean;
  /** The field as a number: a JSON number, or a string that reads as a number. */
  num(slot: number): number | undefined;
  /** The field as a string: a string, a number's shortest decimal text, true/false, an object's JSON text. */
  str(slot: number): string | undefined;
}

/** What the runtime's record scanners offer compiled programs (runtime/fields/). */
export interface RecordReader {
  /** The slot the scanners fill for a field path of a format. */
  slot(format: RecordFormat, path: readonly string[]): number;
  /** `text` as a JSON object, or null when it is not one. Each text is parsed once for all programs. */
  json(text: string): RecordFields | null;
  /** `text` as logfmt, or null when it is not logfmt. */
  logfmt(text: string): RecordFields | null;
  /** A record with no fields: what a record variable holds when its text did not parse. */
  readonly empty: RecordFields;
}

/** A program's link to the record readers: the shared reader and its own counters (FieldCounter order). */
export interface RecordLink {
  reader: RecordReader;
  /** [json parse failures, logfmt parse failures, updates skipped for a missing field]. */
  counters: Float64Array;
}

/** A program's per-line function and its begin block, bound to metrics and helpers. */
export interface LinkedProgram {
  /**
   * Runs the program on one line. `astral`: whether the line holds a surrogate code unit (an astral character),
   * computed once per line for all programs by the caller; when omitted the program tests the line itself.
   * Returns whether the line matched at least one of the program's line patterns or json/logfmt blocks.
   */
  line(text: string, filename: string, astral?: boolean): boolean;
  /** Runs the BEGIN blocks; its result means nothing. */
  begin(): unknown;
}

/** Receives a runtime error thrown inside a program, with the line it was processing. */
export type RuntimeErrorHandler = (err: unknown, line: string, filename: string) => void;

/** The part of a RegExp the generated code calls: explain passes recording wrappers in its place. */
export interface RegExpLike {
  exec(text: string): RegExpExecArray | null;
}

/**
 * Observes a program compiled with `trace` (logtally explain): link() passes each regex and metric handle through
 * it, so the generated function runs on wrappers that record what it does, and `cond` receives the value of every
 * condition statement's test (it must return it unchanged).
 */
export interface ProgramTracer {
  regex(index: number, re: RegExpLike): RegExpLike;
  metric(index: number, handle: MetricHandle): MetricHandle;
  cond(index: number, value: boolean): boolean;
  /** Wraps the record reader of a program with json/logfmt conditions, to see each record parsed and its fields. */
  records?(reader: RecordReader): RecordReader;
}

/** What a traced program knows about its own source, for explaining what it did. */
export interface TraceInfo {
  /** By regex index: the RE2 pattern, where it is, its group names ("" for unnamed; [0] is the whole match), and
   * a translation in which every group captures (the program's own regex skips groups nobody reads). */
  readonly patterns: ReadonlyArray<{ source: string; location: string; groupNames: readonly string[]; display: RegExpLike }>;
  /** By `T.cond` index: the condition's source text and location. */
  readonly conditions: ReadonlyArray<{ text: string; location: string; kind: "pattern" | "expr" | "otherwise" }>;
}

/**
 * A compiled program as plain data (structured-cloneable: it crosses from the compile worker to the main thread).
 * makeProgram() adds link(); fields added here travel with the program without changes to the worker.
 */
export interface CompiledProgramData {
  /** Program name (the file's base name, e.g. "apache.mtail"). */
  readonly name: string;
  /** Metrics in declaration order; link() takes their store handles in this order. */
  readonly declarations: readonly MetricDeclaration[];
  /** Indices of declarations mtail creates at load time (scalar counters start at 0, scalar histograms empty). */
  readonly initialise: readonly number[];
  /** The generated JavaScript (for --dump_js). */
  readonly js: string;
  /** Every regular expression: its translation and engine (regex-engine.ts), in the order the code indexes them. */
  readonly regexes: readonly RegexPlan[];
  /** `log_filter` globs, or null when the program sees every file. */
  readonly logFilter: readonly string[] | null;
  /** Whether a `begin {}` block exists. */
  readonly hasBegin: boolean;
  /** Whether line() reads its `astral` argument (else the caller need not compute it). */
  readonly readsAstralFlag: boolean;
  /** Field paths the program reads, per format (empty when it parses no records). */
  readonly fields: readonly FieldPath[];
  /** How many json/logfmt conditions the program has: how many records of a format it may hold at once. */
  readonly recordSites: { readonly json: number; readonly logfmt: number };
  /** Source facts for explain; null unless compiled with `trace`. */
  readonly traceInfo: TraceInfo | null;
  /** Whether the code was generated with the tracer hooks (CompileOptions.trace). */
  readonly traced: boolean;
  /** Whether the program has json/logfmt conditions (link() then needs a RecordLink). */
  readonly parsesRecords: boolean;
  /** The literal each regex's matches must contain, or null (see required-literal.ts). */
  readonly literals: readonly (string | null)[];
  /** Whether the line function finds the literals with one LiteralScanner pass. */
  readonly scanLiterals: boolean;
  /** That scanner's automaton, built once by the compiler (null without scanLiterals). */
  readonly literalTables: LiteralScanTables | null;
  /** Size of each label-key array the generated code fills (K[i]). */
  readonly keyArrays: readonly number[];
}

/** A compiled program, ready to be linked to the store by the runtime. */
export interface CompiledProgram extends CompiledProgramData {
  /**
   * Binds the generated code to metric handles (in declaration order) and helpers. A `tracer` (only for a program
   * compiled with `trace`) wraps the regexes and metric handles the code receives and sees every condition.
   * `records` is required when the program has json/logfmt conditions (recordSites).
   */
  link(
    metrics: readonly MetricHandle[], helpers: ProgramHelpers, onError: RuntimeErrorHandler, tracer?: ProgramTracer, records?: RecordLink,
  ): LinkedProgram;
}

export interface CompileOptions {
  /** mtail's --max_regexp_length. */
  maxRegexpLength?: number;
  /**
   * Checks a strptime() layout literal at compile time (the runtime passes its strptime's check: the compiler
   * must not import the runtime). Returns the error text, or null/undefined when the layout is fine.
   */
  checkTimeLayout?: (layout: string) => string | null | undefined;
  /** From how many required literals a program finds them in one pass per line (default 16; tests lower it). */
  literalScanMin?: number;
  /** mtail's --max_recursion_depth (default 100): how deep the program tree may nest. */
  maxRecursionDepth?: number;
  /**
   * Compile for logtally explain: every condition's test goes through the tracer's `cond` hook, and the required-
   * literal pre-check is left out (it only skips a regex that cannot match, so every pattern the program reaches
   * is seen to be tried). The daemon never sets it: its code has no hook.
   */
  trace?: boolean;
  /**
   * Told as each stage begins, so a compile stopped from outside (the daemon's --compile_timeout) can say where it
   * was. Called a handful of times per compile, never per node.
   */
  onPhase?: (phase: CompilePhase) => void;
}

/** The stages onPhase reports, in order. */
export type CompilePhase = "parsing" | "checking" | "generating code" | "building the function and regexes";

export type { FieldPath, RecordFormat };

export type CompileResult = { program: CompiledProgram } | { diagnostics: string; errors: readonly Diagnostic[] };

/** compile()'s result before makeProgram(): plain data only, so it crosses a worker boundary by structured clone. */
export type CompileDataResult = { data: CompiledProgramData } | { diagnostics: string; errors: readonly Diagnostic[] };

const KINDS: Record<string, Kind> = {
  counter: Kind.Counter,
  gauge: Kind.Gauge,
  timer: Kind.Timer,
  text: Kind.Text,
  histogram: Kind.Histogram,
};

/** Compiles one program; `name` is its file name (its base name becomes the `prog` label). */
export function compile(name: string, source: string, options: CompileOptions = {}): CompileResult {
  const r = compileToData(name, source, options);
  return "data" in r ? { program: makeProgram(r.data) } : r;
}

/**
 * compile() without the final makeProgram(): what a compile worker runs and posts back (runtime/compile-worker.ts).
 * Every check compile() makes is made here, so linking the data elsewhere fails only on store conflicts.
 */
export function compileToData(name: string, source: string, options: CompileOptions = {}): CompileDataResult {
  const file = basename(name);
  const diags = new DiagnosticList();
  const fail = (): CompileDataResult => ({ diagnostics: formatDiagnostics(file, source, diags.items), errors: diags.items });

  options.onPhase?.("parsing");
  const parsed = parseProgram(source);
  if ("error" in parsed) {
    diags.add(parsed.error.pos, parsed.error.message);
    return fail();
  }
  const root: StmtList = parsed.ast;
  options.onPhase?.("checking");
  if (!checkDepth(root, diags, options.maxRecursionDepth ?? DEFAULT_MAX_RECURSION_DEPTH)) return fail();
  try {
    const data = compileTree(file, source, root, diags, options);
    if (data === null) return fail();
    return { data };
  } catch (e) {
    // Every failure inside the compiler is a located error of this program, never an exception for the caller.
    if (e instanceof RangeError) {
      const deepest = deepestNode(root);
      diags.add(deepest.pos, `The program nests too deeply for the compiler (${deepest.depth} levels once decorators are expanded).`);
    } else {
      diags.add(root.pos, `Internal compiler error: ${(e as Error).message ?? String(e)}.`);
    }
    return fail();
  }
}

/** The passes after parsing: program data, or null when diagnostics were added. May throw (see compile()). */
function compileTree(file: string, source: string, root: StmtList, diags: DiagnosticList, options: CompileOptions): CompiledProgramData | null {
  const decorators = expandDecorators(root, diags);
  if (decorators.tooLarge === true) return null;
  const table = checkSymbols(root, diags);
  for (const [decl, used] of decorators) {
    if (!used) diags.add(decl.pos, `Declaration of decorator \`${decl.name}' here is never used.`);
  }

  // Groups no capture reference reads do not capture: fewer substrings per match, less GC. Apache benchmark
  // (6 of 11 groups unread), runtime only, CPU per 300k lines: 280 -> 245 ms together with the BMP twins.
  const regexes: RegexPlan[] = [];
  // A pattern written many times with the same groups read is planned once, and shares one plan (link() builds one
  // matcher per plan): the costs of a regex are paid per distinct pattern.
  const plans = new Map<string, ReturnType<typeof planRegex>>();
  const re2Errors = new Map<RegexPlan, string | null>();
  for (const p of table.patterns) {
    const used = p.usedGroups ?? new Set<number>();
    const planKey = `${[...used].sort((a, b) => a - b).join(",")}\0${p.pattern as string}`;
    let t = plans.get(planKey);
    if (t === undefined) {
      t = planRegex(p.pattern as string, { maxLength: options.maxRegexpLength, captures: used });
      plans.set(planKey, t);
    }
    if (!t.ok) {
      diags.add(p.pos, `${t.error}`);
      continue;
    }
    let re2Error = re2Errors.get(t);
    if (re2Error === undefined) {
      re2Error = t.engine === "re2" ? re2CompileError(t.pattern) : null;
      re2Errors.set(t, re2Error);
    }
    if (re2Error !== null) {
      diags.add(p.pos, `Can't compile regular expression /${p.pattern}/ for RE2: ${re2Error}.`);
      continue;
    }
    const jsGroup: number[] = [0];
    let kept = 0;
    for (let g = 1; g <= t.groupNames.length; g++) jsGroup.push(used.has(g) ? ++kept : -1);
    p.jsGroup = jsGroup;
    p.hasBmpTwin = t.bmpSource !== t.source;
    regexes.push(t);
  }

  foldConstants(root, diags);
  checkTypes(root, diags, { checkTimeLayout: options.checkTimeLayout });
  for (const s of root.body) {
    if (s.kind !== "LogFilterStmt") continue;
    try {
      globToRegExp(s.globs);
    } catch (e) {
      diags.add(s.pos, `Invalid log_filter glob: ${(e as Error).message}.`);
    }
  }
  if (diags.length > 0) return null;

  // A literal every match must contain lets the line function skip the regex on lines without it. That pays
  // where most lines fail most patterns, i.e. with several patterns (many-rules benchmark, 42 patterns: 3.63 ->
  // 2.44 s CPU per 1M lines); a lone pattern usually matches, and the test was pure cost (apache +4%).
  const trace = options.trace === true;
  const literals = regexes.length > 1 && !trace ? regexes.map((re) => requiredLiteral(re.source, re.flags)) : [];
  // With many literals, one pass over the line finds them all: the pass costs about as much as 20 includes() on a
  // 120-character line (many-rules benchmark, 42 literals, 300k lines: 680-750 ms of includes() against 270-400 ms
  // of scanning), so it is used from SCAN_MIN_LITERALS on.
  const scanMin = options.literalScanMin ?? SCAN_MIN_LITERALS;
  const scanner = literals.filter((l) => l !== null).length >= scanMin ? new LiteralScanner(literals) : null;
  options.onPhase?.("generating code");
  const code = generate(root, table, literals, scanner !== null, trace);
  const sourceLines = source.split("\n");
  const traceInfo = trace ? describeForTrace(file, table.patterns, code.conditions, sourceLines) : null;
  const declarations: MetricDeclaration[] = [];
  const initialise: number[] = [];
  for (const m of table.metrics) {
    const d = m.decl;
    const t = concrete(m.type);
    const kind = KINDS[d.metricKind] as Kind;
    // Histograms hold buckets whatever is observed into them: mtail's JSON reports them as Type 3 (Buckets).
    const type =
      kind === Kind.Histogram ? ValueType.Buckets
      : t === Type.Float ? ValueType.Float
      : t === Type.String ? ValueType.String
      : ValueType.Int;
    declarations.push({
      name: d.exportedName ?? d.name,
      program: file,
      kind,
      type,
      keys: d.keys.slice(),
      hidden: d.hidden,
      limit: d.limit,
      buckets: d.buckets === null ? [] : d.buckets.slice(),
      source: formatPos(file, d.pos, sourceLines),
      ...(d.exemplars.length > 0 ? { exemplars: d.exemplars.slice() } : {}),
      ...(d.native ? { native: true } : {}),
    });
    if (d.keys.length === 0 && (kind === Kind.Histogram || (kind === Kind.Counter && type !== ValueType.String))) {
      initialise.push(declarations.length - 1);
    }
  }
  const logFilter = root.body.flatMap((s) => (s.kind === "LogFilterStmt" ? s.globs : []));
  const data: CompiledProgramData = {
    name: file,
    declarations,
    initialise,
    js: code.source,
    regexes,
    literals,
    scanLiterals: scanner !== null,
    literalTables: scanner === null ? null : scanner.tables(),
    keyArrays: code.keyArrays,
    logFilter: logFilter.length > 0 ? logFilter : null,
    hasBegin: code.hasBegin,
    readsAstralFlag: code.readsAstralFlag,
    fields: table.fields,
    recordSites: code.recordSites,
    traceInfo,
    traced: trace,
    parsesRecords: table.records.length > 0,
  };
  // Building the function and its regexes is part of compiling: what would fail at load is reported here.
  options.onPhase?.("building the function and regexes");
  // A "v8" plan's sources were compiled by planRegex (with the `l` flag, which only narrows what V8 accepts), so only
  // the "re2" ones are built here: building 37,000 RegExps a second time was a tenth of a 1 MB program's compile.
  programFactory(data.js);
  for (const r of new Set(regexes)) if (r.engine !== "v8") buildLineRegExp(r);
  return data;
}

type ProgramFactory = (
  h: ProgramHelpers, m: readonly MetricHandle[], r: readonly RegExpLike[], rb: readonly RegExpLike[], rg: readonly SubstRegExp[], k: string[][],
  e: RuntimeErrorHandler, lit: readonly (string | null)[], scan: LiteralScanner | null, t: ProgramTracer | null, rl: RecordLink | undefined,
) => LinkedProgram;

/**
 * The factory built last. compile() builds it to prove the generated code parses, and a program linked in the same
 * thread right after (one-shot, --compile_only, the daemon without a worker) would parse the same source again: for
 * a 1 MB program that was a third of the whole compile (bench/compile-big.ts). A factory makes fresh closures on
 * every call, so links may share it.
 */
let lastFactory: { js: string; factory: ProgramFactory } | null = null;

function programFactory(js: string): ProgramFactory {
  if (lastFactory !== null && lastFactory.js === js) return lastFactory.factory;
  const factory = new Function("H", "M", "R", "RB", "RG", "K", "onError", "LIT", "SCAN", "T", "RL", js) as ProgramFactory;
  lastFactory = { js, factory };
  return factory;
}

/** Adds link() to compiled program data (from compile(), or from the compile worker). */
export function makeProgram(data: CompiledProgramData): CompiledProgram {
  const scanner = data.literalTables === null ? null : new LiteralScanner(data.literalTables);
  const { regexes, literals } = data;
  return {
    ...data,
    link(metrics, helpers, onError, tracer, records) {
      if (records === undefined && data.parsesRecords) throw new Error(`${data.name} parses json/logfmt records: link() needs a RecordLink.`);
      // Regexes are built here, from plain data, so a plan made elsewhere (a worker) links the same way. Global
      // twins for subst(): replaceAll needs the `g` flag; the line regexes must not have it.
      // One set of matchers per distinct plan (compileTree shares a plan among copies of a pattern; structured
      // cloning from the worker keeps that sharing). A line matcher holds no state between calls (no `g` flag).
      const built = new Map<RegexPlan, { line: LineRegExp; bmp: LineRegExp; global: SubstRegExp }>();
      const matchers = regexes.map((r) => {
        let m = built.get(r);
        if (m === undefined) {
          const line = buildLineRegExp(r);
          m = { line, bmp: r.bmpSource === r.source ? line : buildLineRegExp(r, true), global: lazySubstRegExp(r) };
          built.set(r, m);
        }
        return m;
      });
      const lineRegexes = matchers.map((m) => m.line);
      const bmpRegexes = matchers.map((m) => m.bmp);
      const globals = matchers.map((m) => m.global);
      const keys = data.keyArrays.map((n) => new Array<string>(n).fill(""));
      const factory = programFactory(data.js);
      if (tracer === undefined) return factory(helpers, metrics, lineRegexes, bmpRegexes, globals, keys, onError, literals, scanner, null, records);
      if (!data.traced) throw new Error(`internal: ${data.name} was not compiled for tracing`);
      return factory(
        helpers,
        metrics.map((m, i) => tracer.metric(i, m)),
        lineRegexes.map((r, i) => tracer.regex(i, r)),
        bmpRegexes.map((r, i) => tracer.regex(i, r)),
        globals, keys, onError, literals, scanner, tracer,
        records === undefined || tracer.records === undefined ? records : { ...records, reader: tracer.records(records.reader) },
      );
    },
  };
}

/** Pattern and condition sources of a program compiled for explain (CompiledProgram.traceInfo). */
function describeForTrace(
  file: string,
  patterns: readonly PatternExpr[],
  conditions: ReadonlyArray<{ pos: Pos; kind: "pattern" | "expr" | "otherwise" }>,
  lines: readonly string[],
): TraceInfo {
  return {
    patterns: patterns.map((p) => {
      // Every group captures here, on the engine the program's own pattern runs on (linear time on any line).
      const t = planRegex(p.pattern as string, { maxLength: Infinity });
      return {
        source: p.pattern as string,
        location: formatPos(file, p.pos, lines),
        groupNames: p.groupNames ?? [],
        display: t.ok ? buildLineRegExp(t) : /(?:)/,
      };
    }),
    conditions: conditions.map((c) => ({
      text: c.kind === "otherwise" ? "otherwise" : sourceText(lines, c.pos),
      location: formatPos(file, c.pos, lines),
      kind: c.kind,
    })),
  };
}

/** The program text a node spans (its first line only when it spans several, with an ellipsis). */
function sourceText(lines: readonly string[], pos: Pos): string {
  const line = lines[pos.line - 1] ?? "";
  if (pos.endLine !== pos.line) return line.slice(pos.col - 1).trimEnd() + " ...";
  return line.slice(pos.col - 1, pos.endCol);
}
