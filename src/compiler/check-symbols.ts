// Pass 2: symbols and scopes. Declares metrics, `const` fragments and capture groups in nested scopes (a block
// is a scope; a condition's captures are visible in its blocks and later in the same condition), resolves every
// identifier and `$capture`, evaluates pattern concatenations into one regular expression each, and reports
// undeclared and unused names with mtail's wording.

import type {
  CaprefSymbol, CaprefTerm, ExemplarSources, Expr, FieldSymbol, FieldTerm, IdTerm, MetricSymbol, PatternExpr,
  PatternSymbol, Pos, RecordExpr, RecordFormat, RecordSymbol, Stmt, StmtList, VarDecl,
} from "./ast.js";
import { inferCaptures } from "./capture-types.js";
import type { DiagnosticList } from "./diagnostics.js";
import { TypeVar, Type } from "./types.js";
import { childBlocks, mapStmtExprs } from "./walk.js";

/** mtail's limit on a pattern's length. */
const MAX_REGEX_LENGTH = 1024;
/** OpenMetrics: an exemplar's label names and values together hold at most 128 UTF-8 characters. */
const EXEMPLAR_MAX_CHARS = 128;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

class Scope {
  readonly metrics = new Map<string, MetricSymbol>();
  readonly patterns = new Map<string, PatternSymbol>();
  readonly caprefs = new Map<string, CaprefSymbol>();
  /** The record a json/logfmt condition of this scope parses: every named `$x` not captured here is its field. */
  record: RecordSymbol | null = null;
  constructor(readonly parent: Scope | null) {}

  lookupMetric(name: string): MetricSymbol | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const m = s.metrics.get(name);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  lookupPattern(name: string): PatternSymbol | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const p = s.patterns.get(name);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  /**
   * The capture or record a `$name` refers to: the innermost scope that captures the name or parses a record
   * wins, so a field shadows an outer capture and an inner capture shadows a field. Numbered references are
   * always captures.
   */
  lookupCapref(name: string, named: boolean): CaprefSymbol | RecordSymbol | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const c = s.caprefs.get(name);
      if (c !== undefined) return c;
      if (named && s.record !== null) return s.record;
    }
    return undefined;
  }

  /** The innermost record in scope. */
  lookupRecord(): RecordSymbol | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      if (s.record !== null) return s.record;
    }
    return undefined;
  }
}

/** A field path a program reads, in the order of FieldSymbol.index. */
export interface FieldPath {
  format: RecordFormat;
  /** JSON: keys from the record down. logfmt: one key (a dotted path `$a.b` names the key "a.b"). */
  path: string[];
}

/** Whether `name` is a whole-line record (`json`, `logfmt`) rather than an identifier. */
const RECORD_FORMATS: ReadonlySet<string> = new Set(["json", "logfmt"]);

/** What the symbol pass found: metrics in declaration order and every regular expression in program order. */
export interface SymbolTable {
  metrics: MetricSymbol[];
  patterns: PatternExpr[];
  /** json/logfmt records in program order (RecordSymbol.index). */
  records: RecordSymbol[];
  /** Field paths read, each once (FieldSymbol.index). */
  fields: FieldPath[];
}

function posString(p: Pos): string {
  return `line ${p.line}, column ${p.col}`;
}

/** Resolves names in `root` (already decorator-expanded), annotating the AST in place. */
export function checkSymbols(root: StmtList, diags: DiagnosticList): SymbolTable {
  const table: SymbolTable = { metrics: [], patterns: [], records: [], fields: [] };
  const fieldIndex = new Map<string, number>();
  const allPatterns: PatternSymbol[] = [];
  let scope = new Scope(null);
  let inBegin = false;
  /** Whether the expression being resolved is a condition (the only place a record may be opened). */
  let inCondition = false;

  const block = (list: StmtList): void => {
    scope = new Scope(scope);
    for (const s of list.body) stmt(s);
    scope = scope.parent as Scope;
  };

  // A name that refers to a `const` pattern is a pattern; `+` between patterns is concatenation.
  const isPatternName = (e: Expr): boolean =>
    e.kind === "IdTerm" && scope.lookupMetric(e.name) === undefined && scope.lookupPattern(e.name) !== undefined;

  const asPattern = (e: Expr): PatternExpr | null => {
    if (e.kind === "PatternExpr") return e;
    if (isPatternName(e)) return { kind: "PatternExpr", parts: [e as IdTerm], pos: e.pos };
    if (e.kind === "BinaryExpr" && e.op === "+") {
      const l = asPattern(e.lhs);
      const r = l === null ? null : asPattern(e.rhs);
      if (l !== null && r !== null) return { kind: "PatternExpr", parts: [...l.parts, ...r.parts], pos: e.pos };
    }
    return null;
  };

  /** Rewrites pattern-valued subexpressions into PatternExprs, then resolves names. Returns the new node. */
  const expr = (e: Expr): Expr => {
    const p = e.kind === "BinaryExpr" || e.kind === "IdTerm" ? asPattern(e) : null;
    if (p !== null) {
      pattern(p);
      return p;
    }
    switch (e.kind) {
      case "BinaryExpr":
        e.lhs = expr(e.lhs);
        if (e.op === "=" || e.op === "+=") bindExemplars(e, e.lhs);
        // A string on the right of `=~` is a constant pattern, as in mtail.
        if ((e.op === "=~" || e.op === "!~") && e.rhs.kind === "StringLit") {
          e.rhs = { kind: "PatternExpr", parts: [{ kind: "PatternLit", pattern: e.rhs.text, pos: e.rhs.pos }], pos: e.rhs.pos };
        }
        e.rhs = expr(e.rhs);
        return e;
      case "UnaryExpr":
        e.expr = expr(e.expr);
        if (e.op === "++" || e.op === "--") bindExemplars(e, e.expr);
        return e;
      case "ConvExpr":
        e.expr = expr(e.expr);
        return e;
      case "IndexedExpr":
        e.index = e.index.map(expr);
        identifier(e.id);
        return e;
      case "IdTerm":
        // A bare `json`/`logfmt` is the whole-line record unless the program declares that name.
        if (RECORD_FORMATS.has(e.name) && scope.lookupMetric(e.name) === undefined && scope.lookupPattern(e.name) === undefined) {
          return record({ kind: "RecordExpr", format: e.name as RecordFormat, arg: null, pos: e.pos });
        }
        identifier(e);
        return e;
      case "CaprefTerm":
        return capref(e);
      case "FieldTerm":
        fieldPath(e, scope.lookupRecord());
        return e;
      case "RecordExpr":
        if (e.arg !== null) e.arg = expr(e.arg);
        return record(e);
      case "BuiltinExpr":
        e.args = e.args.map(expr);
        if (e.name === "defined" && (e.args.length !== 1 || (e.args[0]?.kind !== "CaprefTerm" && e.args[0]?.kind !== "FieldTerm"))) {
          diags.add(e.pos, "defined() takes one capture group or field reference, like `defined($name)'.");
        }
        return e;
      case "PatternExpr":
        pattern(e);
        return e;
      default:
        return e;
    }
  };

  /**
   * At an update of a metric declared with `exemplar`, finds the capture each exemplar name refers to here. A name
   * no capture in scope carries can never be bound at this update: an error, located at the update.
   */
  const bindExemplars = (update: ExemplarSources & { pos: Pos }, target: Expr): void => {
    const id = target.kind === "IndexedExpr" ? target.id : target.kind === "IdTerm" ? target : null;
    const m = id?.symbol;
    if (m?.kind !== "metric" || m.decl.exemplars.length === 0) return;
    const found: (CaprefSymbol | FieldSymbol)[] = [];
    for (const name of m.decl.exemplars) {
      const c = inBegin ? undefined : scope.lookupCapref(name, true);
      if (c === undefined) {
        // An invalid name is reported once, at the declaration (checkExemplarNames).
        if (!LABEL_NAME.test(name)) return;
        diags.add(update.pos, `Exemplar label \`${name}' of \`${m.name}' can never be bound at this update: no capture group of that name and no json or logfmt record is visible here.\n\tTry naming a group \`(?P<${name}>...)' in a pattern around this update, or remove \`${name}' from its \`exemplar' list.`);
        continue;
      }
      if (c.kind === "record") {
        // A field of the record in scope labels the exemplar (`exemplar trace_id` inside `json { }`).
        const f: FieldTerm = { kind: "FieldTerm", path: [name], pos: update.pos };
        fieldPath(f, c);
        if (f.symbol !== undefined) found.push(f.symbol);
        continue;
      }
      if (c.group > 0) (c.pattern.usedGroups ??= new Set()).add(c.group);
      found.push(c);
    }
    if (found.length === m.decl.exemplars.length) update.exemplars = found;
  };

  const identifier = (id: IdTerm): void => {
    const m = scope.lookupMetric(id.name);
    if (m !== undefined) {
      m.used = true;
      id.symbol = m;
      return;
    }
    const p = scope.lookupPattern(id.name);
    if (p !== undefined) {
      p.used = true;
      id.symbol = p;
      return;
    }
    const hint = id.name === id.name.toUpperCase()
      ? `Try adding \`const ${id.name} /.../' earlier in the program.`
      : `Try adding \`counter ${id.name}' to the top of the program.`;
    diags.add(id.pos, `Identifier \`${id.name}' not declared.\n\t${hint}`);
  };

  const capref = (c: CaprefTerm): Expr => {
    if (inBegin) {
      diags.add(c.pos, `Capture group \`$${c.name}' can't be used in a \`begin' block: no line has been matched yet.`);
      return c;
    }
    const sym = scope.lookupCapref(c.name, c.named);
    if (sym === undefined) {
      const hint = c.named
        ? `Try using \`(?P<${c.name}>...)' to name the capture group.`
        : `Check that there are at least ${c.name} pairs of parentheses.`;
      diags.add(c.pos, `Capture group \`$${c.name}' was not defined by a regular expression visible to this scope.\n\t${hint}`);
      return c;
    }
    if (sym.kind === "record") {
      const f: FieldTerm = { kind: "FieldTerm", path: [c.name], pos: c.pos };
      fieldPath(f, sym);
      return f;
    }
    c.symbol = sym;
    if (sym.group > 0) (sym.pattern.usedGroups ??= new Set()).add(sym.group);
    return c;
  };

  /** Binds a field reference to its record and gives its path an index in the program's field table. */
  const fieldPath = (f: FieldTerm, rec: RecordSymbol | undefined): void => {
    const text = "$" + f.path.map((k) => (/^[\p{L}\p{Nd}_]+$/u.test(k) ? k : JSON.stringify(k))).join(".");
    if (inBegin) {
      diags.add(f.pos, `Field \`${text}' can't be read in a \`begin' block: no line has been read yet.`);
      return;
    }
    if (rec === undefined) {
      diags.add(f.pos, `Field \`${text}' is read outside a json or logfmt block.\n\tTry reading it inside \`json { ... }' or \`logfmt { ... }'.`);
      return;
    }
    // logfmt records are flat: `$http.status` names the key "http.status".
    const path = rec.format === "logfmt" ? [f.path.join(".")] : f.path;
    const key = `${rec.format}\u0000${path.join("\u0000")}`;
    let index = fieldIndex.get(key);
    if (index === undefined) {
      index = table.fields.length;
      fieldIndex.set(key, index);
      table.fields.push({ format: rec.format, path });
    }
    const sym: FieldSymbol = { kind: "field", record: rec, path, index };
    f.symbol = sym;
  };

  /** Declares the record a json/logfmt condition parses in the condition's scope. */
  const record = (r: RecordExpr): RecordExpr => {
    if (inBegin) {
      diags.add(r.pos, `A \`${r.format}' record can't be parsed in a \`begin' block: no line has been read yet.`);
      return r;
    }
    if (!inCondition) {
      diags.add(r.pos, `\`${r.format}' opens a block: use it as a condition, like \`${r.format} { ... }'.`);
      return r;
    }
    if (scope.record !== null) {
      diags.add(r.pos, `A condition can parse only one record; \`${scope.record.format}' already opens this block.\n\tNest the second one in a block of its own.`);
      return r;
    }
    const sym: RecordSymbol = { kind: "record", format: r.format, index: table.records.length, expr: r };
    table.records.push(sym);
    r.symbol = sym;
    scope.record = sym;
    return r;
  };

  /** Evaluates a pattern's parts into its regular expression text; "" if a part could not be resolved. */
  const evaluate = (p: PatternExpr): string | null => {
    let text = "";
    for (const part of p.parts) {
      if (part.kind === "PatternLit") {
        text += part.pattern;
        continue;
      }
      const sym = scope.lookupPattern(part.name);
      if (sym === undefined) {
        if (scope.lookupMetric(part.name) !== undefined) {
          diags.add(part.pos, `Can't append variable \`${part.name}' to this pattern.\n\tTry using a \`const'-defined pattern fragment.`);
        } else {
          diags.add(part.pos, `Identifier \`${part.name}' not declared.\n\tTry adding \`const ${part.name} /.../' earlier in the program.`);
        }
        return null;
      }
      sym.used = true;
      part.symbol = sym;
      const fragment = sym.decl.expr.pattern;
      if (fragment === undefined) return null;
      text += fragment;
    }
    return text;
  };

  const pattern = (p: PatternExpr): void => {
    if (p.pattern !== undefined) return;
    const text = evaluate(p);
    if (text === null) return;
    p.pattern = text;
    if (text.length > MAX_REGEX_LENGTH) {
      diags.add(p.pos, `Exceeded maximum regular expression pattern length of ${MAX_REGEX_LENGTH} bytes with ${text.length}.\n\tExcessively long patterns are likely to cause compilation and runtime performance problems.`);
      return;
    }
    if (inBegin) {
      diags.add(p.pos, "Pattern matching is not supported in a `begin' block: no line has been read yet.");
      return;
    }
    p.index = table.patterns.length;
    table.patterns.push(p);
    const info = inferCaptures(text);
    p.groupNames = info.names;
    for (let i = 0; i < info.names.length; i++) {
      const sym: CaprefSymbol = { kind: "capref", name: String(i), pattern: p, group: i, type: info.types[i] ?? Type.String };
      if (scope.caprefs.has(sym.name) && i > 0) {
        diags.add(p.pos, `Redeclaration of capture group \`${sym.name}' previously declared at ${posString(scope.caprefs.get(sym.name)?.pattern.pos as Pos)}.`);
      }
      scope.caprefs.set(sym.name, sym);
      const name = info.names[i];
      if (name !== undefined && name !== "") {
        const prior = scope.caprefs.get(name);
        if (prior !== undefined && prior.pattern !== p) {
          diags.add(p.pos, `Redeclaration of capture group \`${name}' previously declared at ${posString(prior.pattern.pos)}.`);
        }
        // A name used twice in one pattern refers to its first group, as in mtail.
        if (prior === undefined || prior.pattern !== p) scope.caprefs.set(name, sym);
      }
    }
  };

  const declare = (d: VarDecl): void => {
    if (scope.metrics.has(d.name)) {
      diags.add(d.pos, `Redeclaration of metric \`${d.name}' previously declared at ${posString(scope.metrics.get(d.name)?.decl.pos as Pos)}.`);
      return;
    }
    if (inBegin) diags.add(d.pos, "Metrics can't be declared in a `begin' block; declare them at the top of the program.");
    if (d.buckets !== null && d.metricKind !== "histogram") {
      diags.add(d.pos, `Can't specify buckets for non-histogram metric \`${d.name}'.`);
    }
    if (d.native && d.metricKind !== "histogram") {
      diags.add(d.pos, `Only a histogram can be \`native'; \`${d.name}' is a ${d.metricKind}.`);
    }
    checkExemplarNames(d);
    const sym: MetricSymbol = {
      kind: "metric", name: d.name, decl: d, used: false,
      type: d.metricKind === "text" ? Type.String : new TypeVar(), index: table.metrics.length,
    };
    d.symbol = sym;
    scope.metrics.set(d.name, sym);
    table.metrics.push(sym);
  };

  /** `exemplar` names: counters and histograms only (as in OpenMetrics), valid label names, within 128 characters. */
  const checkExemplarNames = (d: VarDecl): void => {
    if (d.exemplars.length === 0) return;
    const at = d.exemplarPos ?? d.pos;
    if (d.metricKind !== "counter" && d.metricKind !== "histogram") {
      diags.add(at, `Exemplars belong to counters and histograms; \`${d.name}' is a ${d.metricKind}.`);
      return;
    }
    const seen = new Set<string>();
    for (const n of d.exemplars) {
      if (!LABEL_NAME.test(n)) diags.add(at, `Exemplar label \`${n}' is not a valid label name.\n\tUse letters, digits and \`_', not starting with a digit.`);
      else if (seen.has(n)) diags.add(at, `Exemplar label \`${n}' is listed twice.`);
      seen.add(n);
    }
    const chars = d.exemplars.reduce((sum, n) => sum + n.length, 0);
    if (chars >= EXEMPLAR_MAX_CHARS) {
      diags.add(at, `The exemplar label names of \`${d.name}' take ${chars} of the ${EXEMPLAR_MAX_CHARS} characters OpenMetrics allows for names and values together.`);
    }
  };

  const stmt = (s: Stmt): void => {
    switch (s.kind) {
      case "VarDecl":
        declare(s);
        return;
      case "PatternFragment": {
        if (scope.lookupPattern(s.name) !== undefined && scope.patterns.has(s.name)) {
          diags.add(s.namePos, `Redefinition of pattern constant \`${s.name}' previously defined at ${posString(scope.patterns.get(s.name)?.decl.namePos as Pos)}.`);
          return;
        }
        const text = evaluate(s.expr);
        if (text !== null) s.expr.pattern = text;
        const sym: PatternSymbol = { kind: "pattern", name: s.name, decl: s, used: false };
        scope.patterns.set(s.name, sym);
        allPatterns.push(sym);
        return;
      }
      case "CondStmt":
        scope = new Scope(scope);
        inCondition = true;
        mapStmtExprs(s, expr);
        inCondition = false;
        block(s.truth);
        // The else block runs when the record did not parse: its `$name`s are the enclosing captures.
        scope.record = null;
        if (s.else !== null) block(s.else);
        scope = scope.parent as Scope;
        return;
      case "BeginStmt":
        inBegin = true;
        block(s.block);
        inBegin = false;
        return;
      default:
        mapStmtExprs(s, expr);
        for (const b of childBlocks(s)) block(b);
        return;
    }
  };

  for (const s of root.body) stmt(s);

  for (const m of table.metrics) {
    if (!m.used) diags.add(m.decl.pos, `Declaration of variable \`${m.name}' here is never used.`);
  }
  for (const p of allPatterns) {
    if (!p.used) diags.add(p.decl.namePos, `Declaration of named pattern constant \`${p.name}' here is never used.`);
  }
  return table;
}
