// Pass 4: generates one JavaScript function per program, called once per log line. Values follow mtail's VM:
// each expression has a static runtime representation (Go int64, Go int, float64, string, bool), and typed
// operations convert (or fail with a runtime error) exactly where mtail's typed opcodes would. User strings are
// always emitted through JSON.stringify; regexes, metric handles and helpers arrive as `new Function` arguments.

import type {
  BuiltinExpr, CaprefSymbol, CondStmt, Expr, FieldSymbol, FieldTerm, MetricSymbol, PatternExpr, Pos, RecordExpr, Stmt, StmtList,
} from "./ast.js";
import type { SymbolTable } from "./check-symbols.js";
import { Type, concrete } from "./types.js";
import { childBlocks } from "./walk.js";

/** How a value is held at run time, as in mtail's VM stack: it decides which conversions fail. */
type Repr = "i64" | "int" | "f64" | "str" | "bool" | "none";

const INDENTS = Array.from({ length: 13 }, (_, i) => "  ".repeat(i));

/** The generated program: source of a factory taking (H, M, R, RB, RG, K, onError, LIT, SCAN, T) and returning the line function. */
export interface GeneratedCode {
  /** Body of the factory function: `return { line: function(line, filename) {...}, begin: function() {...} }`. */
  source: string;
  /** How many preallocated key arrays (argument K) the code indexes. */
  keyArrays: number[];
  /** Whether the program has a `begin` block. */
  hasBegin: boolean;
  /** Whether the line function reads its `astral` argument. */
  readsAstralFlag: boolean;
  /** How many json/logfmt conditions the program has (records it may hold at once). */
  recordSites: { json: number; logfmt: number };
  /**
   * With `trace`: where each traced condition is, by hook index (`T.cond(i, test)`), and whether it is a bare
   * pattern, another expression, or `otherwise` (listed at the statement's position). Empty without `trace`.
   */
  conditions: Array<{ pos: Pos; kind: "pattern" | "expr" | "otherwise" }>;
}

/** Indices in the per-program counters array FC (see RecordLink in compile.ts). */
export const enum FieldCounter {
  JsonParseFailures = 0,
  LogfmtParseFailures = 1,
  SkippedUpdates = 2,
}

/** Whether an expression reads a field's value (so it may be unknown: see the field rule in docs/language.md). */
function readsField(e: Expr): boolean {
  switch (e.kind) {
    case "FieldTerm":
      return true;
    case "BinaryExpr":
      return readsField(e.lhs) || readsField(e.rhs);
    case "UnaryExpr":
    case "ConvExpr":
      return readsField(e.expr);
    case "IndexedExpr":
      return e.index.some(readsField);
    case "BuiltinExpr":
      return e.name !== "defined" && e.args.some(readsField);
    case "RecordExpr":
      return e.arg !== null && readsField(e.arg);
    default:
      return false;
  }
}

const q = (s: string): string => JSON.stringify(s);
const COMPARISONS: ReadonlySet<string> = new Set(["<", ">", "<=", ">=", "==", "!="]);

/**
 * Generates code for a checked program. `literals[i]` is a literal every match of pattern i contains (or null);
 * with `scanLiterals` the line function finds them all in one pass of SCAN (a LiteralScanner) instead of one
 * `includes` per pattern. With `trace` (logtally explain), the test of every condition statement is passed
 * through `T.cond(i, test)`, which records it and returns it unchanged; without it (the daemon) the code has no
 * hook at all, so the hot path pays nothing for explain.
 */
export function generate(
  root: StmtList,
  table: SymbolTable,
  literals: readonly (string | null)[] = [],
  scanLiterals = false,
  trace = false,
): GeneratedCode {
  const keyArrays: number[] = [];
  const conditions: GeneratedCode["conditions"] = [];

  // Patterns known to have matched at the current point (inside a block guarded by them, or on the right of
  // `&&`): their captures need no null check.
  const known = new Map<number, number>();
  const guaranteed = (e: Expr | null): number[] => {
    if (e === null) return [];
    if (e.kind === "PatternExpr") return e.index === undefined ? [] : [e.index];
    if (e.kind === "BinaryExpr" && e.op === "&&") return [...guaranteed(e.lhs), ...guaranteed(e.rhs)];
    if (e.kind === "BinaryExpr" && e.op === "=~") return guaranteed(e.rhs);
    return [];
  };
  const withKnown = <T>(indices: number[], f: () => T): T => {
    for (const i of indices) known.set(i, (known.get(i) ?? 0) + 1);
    try {
      return f();
    } finally {
      for (const i of indices) {
        const n = (known.get(i) ?? 1) - 1;
        if (n === 0) known.delete(i);
        else known.set(i, n);
      }
    }
  };
  const hasOtherwise = (list: StmtList): boolean =>
    list.body.some((st) => (st.kind === "CondStmt" && st.otherwise) || childBlocks(st).some(hasOtherwise));
  const usesOtherwiseAnywhere = hasOtherwise(root);

  // ---- fields (see docs/language.md, "Missing fields") ----
  // Each field a statement or a condition atom (comparison, match, json(expr)) reads is fetched into a temporary
  // first; the atom is unknown (undefined, false in an `if`) and the statement skipped when one is missing. A
  // read costs a slot lookup in the record the runtime's scanner filled (runtime/fields/).
  const fieldGuards: string[][] = [];
  let fieldTemps = 0;
  /** Generates `f` collecting the guards of the fields it reads. */
  const guarded = (f: () => string): [string[], string] => {
    fieldGuards.push([]);
    try {
      const code = f();
      return [fieldGuards[fieldGuards.length - 1] as string[], code];
    } finally {
      fieldGuards.pop();
    }
  };
  /** A condition atom: unknown when a field it reads is missing. */
  const atom = (f: () => string): string => {
    const [gs, code] = guarded(f);
    return gs.length === 0 ? code : `(${gs.join(" && ")} ? ${code} : undefined)`;
  };
  const inAtom = new Set<Expr>();
  const recordVar = (r: { index: number }): string => `rec${r.index}`;
  const fieldValue = (e: FieldTerm): [string, Repr] => {
    const sym = e.symbol;
    if (sym === undefined) throw new Error("internal: unresolved field");
    const t = concrete(e.type);
    const read = t === Type.String || t === null ? "str" : "num";
    const temp = `fv${fieldTemps++}`;
    const guards = fieldGuards[fieldGuards.length - 1];
    if (guards === undefined) throw new Error("internal: field read outside a statement");
    guards.push(`(${temp} = ${recordVar(sym.record)}.${read}(S${sym.index})) !== undefined`);
    return [temp, t === Type.Int ? "i64" : t === Type.Float ? "f64" : "str"];
  };
  const recordTest = (e: RecordExpr): string => {
    const sym = e.symbol;
    if (sym === undefined) throw new Error("internal: unresolved record");
    const text = e.arg === null ? "line" : (() => {
      const [code, r] = value(e.arg);
      return toStr(code, r);
    })();
    const counter = sym.format === "json" ? FieldCounter.JsonParseFailures : FieldCounter.LogfmtParseFailures;
    const v = recordVar(sym);
    return `(((${v} = REC.${sym.format}(${text})) !== null && (HIT = true)) || (${v} = EMPTY, FC[${counter}]++, false))`;
  };

  // ---- conversions between representations (mtail's PopInt / PopFloat / PopString) ----

  const toInt = (code: string, r: Repr): string => {
    switch (r) {
      case "i64":
      case "int":
        return code;
      case "str":
        return `H.s2i(${code})`;
      default:
        return `H.badInt(${code})`;
    }
  };
  const toFloat = (code: string, r: Repr): string => {
    switch (r) {
      case "f64":
      case "int":
        return code;
      case "str":
        return `H.s2f(${code})`;
      default:
        return `H.badFloat(${code})`;
    }
  };
  const toStr = (code: string, r: Repr): string => {
    switch (r) {
      case "str":
        return code;
      case "f64":
        return `H.fmtG(${code})`;
      case "i64":
      case "int":
        return `("" + ${code})`;
      default:
        return `H.badString(${code})`;
    }
  };
  /** mtail's typed conversion opcodes (I2f, S2f, S2i, F2s, I2s) from a static type to another. */
  const convert = (code: string, r: Repr, from: Type | null, to: Type | null): [string, Repr] => {
    if (from === to || to === null || from === null) return [code, r];
    if (from === Type.Int && to === Type.Float) return [toInt(code, r), "f64"];
    if (from === Type.String && to === Type.Float) return [`H.s2f(${toStr(code, r)})`, "f64"];
    if (from === Type.String && to === Type.Int) return [`H.s2i(${toStr(code, r)})`, "i64"];
    if (from === Type.Float && to === Type.String) return [`H.fmtg(${toFloat(code, r)})`, "str"];
    if (from === Type.Int && to === Type.String) return [`("" + ${toInt(code, r)})`, "str"];
    return [code, r];
  };

  const reprOfType = (t: Type | null): Repr => {
    switch (t) {
      case Type.Float:
        return "f64";
      case Type.String:
        return "str";
      case Type.Bool:
        return "bool";
      case Type.None:
        return "none";
      default:
        return "i64";
    }
  };

  const metricType = (m: MetricSymbol): Type | null => concrete(m.type);

  // `ts` is the time strptime()/settime() set for this line; NaN means "not set" (so a parsed 1970-01-01T00:00:00Z,
  // 0 ms, is a real time, as in mtail, whose unset time is Go's zero Time). `ts === ts` is the cheapest not-NaN test.
  const TIME = "(ts === ts ? ts : H.now())";

  /**
   * The series an lvalue or rvalue names: `m` is the metric's constant, `id` the code that finds (or creates)
   * the series and yields its id, resolving label values as mtail does.
   */
  const datum = (e: Expr): { m: string; id: string } => {
    if (e.kind === "IdTerm") {
      const m = `m${(e.symbol as MetricSymbol).index}`;
      return { m, id: `${m}.id0()` };
    }
    if (e.kind !== "IndexedExpr") throw new Error("internal: not a metric");
    const m = `m${(e.id.symbol as MetricSymbol).index}`;
    const keys = e.index.map((k) => labelValue(k));
    if (keys.length === 1) return { m, id: `${m}.id1(${keys[0]})` };
    if (keys.length === 2) return { m, id: `${m}.id2(${keys[0]}, ${keys[1]})` };
    const k = keyArrays.length;
    keyArrays.push(keys.length);
    return { m, id: `(${keys.map((c, i) => `k${k}[${i}] = ${c}`).join(", ")}, ${m}.idN(k${k}))` };
  };

  /** Label values are strings: numbers convert as mtail's I2s (%d) and F2s (%g). */
  const labelValue = (k: Expr): string => {
    const t = concrete(k.type);
    // An int capture as a label (an HTTP status): the text itself when it is already what %d prints, with no
    // parse and no number-to-string per line (and the same string object for every metric's lookup, so its
    // hash is computed once).
    if (k.kind === "CaprefTerm" && t === Type.Int) return `H.i2s(${caprefText(k)})`;
    const [code, r] = value(k);
    if (t === Type.Float) return `H.fmtg(${toFloat(code, r)})`;
    if (t === Type.Int) return `("" + ${toInt(code, r)})`;
    return toStr(code, r);
  };

  const keyList = (e: Expr): string => {
    if (e.kind !== "IndexedExpr") return "[]";
    return `[${e.index.map(labelValue).join(", ")}]`;
  };

  const metricOf = (e: Expr): MetricSymbol =>
    (e.kind === "IndexedExpr" ? e.id.symbol : e.kind === "IdTerm" ? e.symbol : undefined) as MetricSymbol;

  const matchVar = (p: PatternExpr): string => `r${p.index}`;
  /** Where RE2 group `group` of `p` is in the JS match array (groups nobody reads do not capture). */
  const jsGroup = (p: PatternExpr, group: number): number => p.jsGroup?.[group] ?? group;

  // A pattern whose translation has a twin for lines without astral characters (hasBmpTwin) runs the twin on
  // those lines, the surrogate-aware regex otherwise. Apache benchmark (300k lines, CPU): regex alone 89 -> 80
  // ms; with the per-line /[\ud800-\udfff]/ test (4 ms, shared by all programs through `astral`) 85 ms.
  let readsAstralFlag = false;
  const lineRegex = (p: PatternExpr): string => {
    if (p.hasBmpTwin !== true) return `re${p.index}`;
    readsAstralFlag = true;
    return `(astral ? re${p.index} : rb${p.index})`;
  };

  /** A pattern used as a condition matches the whole input line. */
  // With a required literal (argument LIT, see required-literal.ts) the regex runs only on lines containing it;
  // a line without it sets the match to null, exactly as a failed exec. many-rules benchmark (42 anchored
  // regexes that all fail at the daemon name): regex time 1107-1202 -> 597-681 ms per 200k lines.
  // A match also sets HIT, which the line function returns: the runtime counts the lines that matched at least
  // one pattern of the program (the status page's "Matched" column). The assignment runs only on a match.
  const matchLine = (p: PatternExpr): string => {
    if ((literals[p.index as number] ?? null) === null) return `((${matchVar(p)} = ${lineRegex(p)}.exec(line)) !== null && (HIT = true))`;
    const has = scanLiterals ? `FOUND[${p.index}] === STAMP` : `line.includes(L${p.index})`;
    return `((${matchVar(p)} = (${has} ? ${lineRegex(p)}.exec(line) : null)) !== null && (HIT = true))`;
  };

  /** Truth of a value where mtail jumps on it (Jnm): a bool, or an int that is not zero; anything else is true. */
  const truthy = (e: Expr, forOr: boolean): string => {
    if (e.kind === "PatternExpr") return matchLine(e);
    if (e.kind === "RecordExpr") return atom(() => recordTest(e));
    const [code, r] = value(e);
    if (r === "bool") return code;
    if (r === "i64") return `(${code} !== 0)`;
    return forOr ? `(${code}, false)` : `(${code}, true)`;
  };

  const builtin = (e: BuiltinExpr): [string, Repr] => {
    // defined() tests a capture or field without reading its value (a missing field is its answer, not an error).
    const d0 = e.args[0];
    if (e.name === "defined" && d0?.kind === "FieldTerm" && d0.symbol !== undefined) return [`${recordVar(d0.symbol.record)}.has(S${d0.symbol.index})`, "bool"];
    const args = e.args.map((a) => value(a));
    const a0 = args[0] as [string, Repr];
    const a1 = args[1] as [string, Repr];
    const from = concrete(e.args[0]?.type);
    switch (e.name) {
      case "int":
        // A field read as a number may have a fraction: int() drops it, as Go's int64(float) does.
        if (e.args[0]?.kind === "FieldTerm") return [`Math.trunc(${a0[0]})`, "i64"];
        if (from === Type.Int) return a0;
        return convert(a0[0], a0[1], from, Type.Int);
      case "float":
        return convert(a0[0], a0[1], from, Type.Float);
      case "string":
        return convert(a0[0], a0[1], from, Type.String);
      case "bool":
        return a0;
      case "timestamp":
        // H.now(): the record's own time (a container runtime's timestamp) when it has one, else the clock.
        return [`Math.floor(${TIME} / 1000)`, "i64"];
      case "len":
        return [`H.len(${toStr(a0[0], a0[1])})`, "int"];
      case "tolower":
        return [`${toStr(a0[0], a0[1])}.toLowerCase()`, "str"];
      case "getfilename":
        return ["filename", "str"];
      case "getstream":
        return ["H.stream()", "str"];
      case "settime":
        return [`(ts = H.settime(${a0[0]}, ${q(a0[1])}))`, "none"];
      case "strptime":
        return [`(ts = H.strptime(${toStr(a0[0], a0[1])}, ${toStr(a1[0], a1[1])}))`, "none"];
      case "strtol":
        return [`H.strtol(${toStr(a0[0], a0[1])}, ${toInt(a1[0], a1[1])})`, "i64"];
      case "subst": {
        const [repl, val] = [args[1] as [string, Repr], args[2] as [string, Repr]];
        const first = e.args[0] as Expr;
        if (first.kind === "PatternExpr") {
          return [`H.rsubst(RG[${first.index}], ${toStr(repl[0], repl[1])}, ${toStr(val[0], val[1])})`, "str"];
        }
        return [`H.subst(${toStr(a0[0], a0[1])}, ${toStr(repl[0], repl[1])}, ${toStr(val[0], val[1])})`, "str"];
      }
      case "defined": {
        const c = e.args[0];
        if (c?.kind !== "CaprefTerm" || c.symbol === undefined) return ["false", "bool"];
        const v = matchVar(c.symbol.pattern);
        return [`(${v} !== null && ${v}[${jsGroup(c.symbol.pattern, c.symbol.group)}] !== undefined)`, "bool"];
      }
      default:
        throw new Error(`internal: builtin ${e.name}`);
    }
  };

  /** The text a capture reference reads ("" for a group that did not take part; a runtime error without a match). */
  const caprefText = (e: Expr & { kind: "CaprefTerm" }): string => {
    const s = e.symbol;
    if (s === undefined) throw new Error("internal: unresolved capref");
    const v = matchVar(s.pattern);
    const g = jsGroup(s.pattern, s.group);
    return known.has(s.pattern.index as number)
      ? `(${v}[${g}] ?? "")`
      : `(${v} !== null ? (${v}[${g}] ?? "") : H.noMatch(${q("$" + e.name)}))`;
  };

  /**
   * The exemplar label values of an update, in a preallocated array (K): each capture's text, "" where its
   * pattern did not match or its group did not take part. Never a runtime error: an unbound name is left out.
   */
  const exemplarArg = (refs: readonly (CaprefSymbol | FieldSymbol)[]): string => {
    const k = keyArrays.length;
    keyArrays.push(refs.length);
    const parts = refs.map((c, i) => {
      // A field: its text, "" when missing (an exemplar label never skips the update).
      if (c.kind === "field") return `k${k}[${i}] = (${recordVar(c.record)}.str(S${c.index}) ?? "")`;
      const v = matchVar(c.pattern);
      const g = jsGroup(c.pattern, c.group);
      const text = known.has(c.pattern.index as number) ? `(${v}[${g}] ?? "")` : `(${v} !== null ? (${v}[${g}] ?? "") : "")`;
      return `k${k}[${i}] = ${text}`;
    });
    return `(${parts.join(", ")}, k${k})`;
  };

  /** Code and representation of an expression's value. */
  const value = (e: Expr): [string, Repr] => {
    switch (e.kind) {
      case "IntLit":
        return [String(e.value), "i64"];
      case "FloatLit":
        return [String(e.value), "f64"];
      case "StringLit":
        return [q(e.text), "str"];
      case "PatternExpr":
        return [matchLine(e), "bool"];
      case "FieldTerm":
        return fieldValue(e);
      case "RecordExpr":
        return [truthy(e, false), "bool"];
      case "CaprefTerm": {
        const text = caprefText(e);
        const t = concrete(e.type);
        if (t === Type.Int) return [`H.s2i(${text})`, "i64"];
        if (t === Type.Float) return [`H.s2f(${text})`, "f64"];
        return [text, "str"];
      }
      case "IdTerm":
      case "IndexedExpr": {
        const t = reprOfType(metricType(metricOf(e)));
        const d = datum(e);
        return [t === "str" ? `${d.m}.str(${d.id})` : `${d.m}.num(${d.id})`, t];
      }
      case "ConvExpr": {
        const [code, r] = value(e.expr);
        return convert(code, r, concrete(e.expr.type), concrete(e.type));
      }
      case "BuiltinExpr":
        return builtin(e);
      case "UnaryExpr": {
        switch (e.op) {
          case "++":
          case "--": {
            const d = datum(e.expr);
            const by = e.op === "++" ? 1 : -1;
            if (e.exemplars !== undefined) return [`${d.m}.incGetEx(${d.id}, ${by}, ${TIME}, ${exemplarArg(e.exemplars)})`, "i64"];
            return [`${d.m}.incGet(${d.id}, ${by}, ${TIME})`, "i64"];
          }
          case "~": {
            const [code, r] = value(e.expr);
            return [`(-(${toInt(code, r)}) - 1)`, "i64"];
          }
          case "!":
            // Not unknown is unknown: a condition that reads a missing field stays false under `!`.
            if (readsField(e.expr)) return [`NOT3(${truthy(e.expr, false)})`, "bool"];
            return [`!${truthy(e.expr, false)}`, "bool"];
          case "neg": {
            const [code, r] = value(e.expr);
            const t = concrete(e.type);
            // The operand in its own parentheses: `- -5` must not become `--5`.
            return t === Type.Float ? [`(-(${toFloat(code, r)}))`, "f64"] : [`(-(${toInt(code, r)}))`, "i64"];
          }
        }
        throw new Error("internal: unary");
      }
      case "BinaryExpr":
        return binary(e);
    }
  };

  const binary = (e: Expr & { kind: "BinaryExpr" }): [string, Repr] => {
    const op = e.op;
    if (op === "&&") {
      const l = truthy(e.lhs, false);
      return [`(${l} && ${withKnown(guaranteed(e.lhs), () => truthy(e.rhs, false))})`, "bool"];
    }
    if (op === "||") return [`(${truthy(e.lhs, true)} || ${truthy(e.rhs, true)})`, "bool"];
    if ((op === "=~" || op === "!~" || COMPARISONS.has(op)) && !inAtom.has(e) && readsField(e)) {
      inAtom.add(e);
      try {
        return [atom(() => binary(e)[0]), "bool"];
      } finally {
        inAtom.delete(e);
      }
    }
    if (op === "=~" || op === "!~") {
      const p = e.rhs as PatternExpr;
      const [code, r] = value(e.lhs);
      const exec = p.hasBmpTwin === true ? `X(re${p.index}, rb${p.index}, ${toStr(code, r)})` : `re${p.index}.exec(${toStr(code, r)})`;
      const m = `((${matchVar(p)} = ${exec}) ${op === "=~" ? "!==" : "==="} null)`;
      return [m, "bool"];
    }
    if (op === "=" || op === "+=") return [assign(e), "none"];
    const [lc, lr] = value(e.lhs);
    const [rc, rr] = value(e.rhs);
    const lt = concrete(e.lhs.type);
    const rt = concrete(e.rhs.type);
    const t = concrete(e.type);
    switch (op) {
      case "<": case ">": case "<=": case ">=": case "==": case "!=": {
        const jsOp = op === "==" ? "===" : op === "!=" ? "!==" : op;
        if (lt !== null && lt === rt) {
          if (lt === Type.Int) return [`(${toInt(lc, lr)} ${jsOp} ${toInt(rc, rr)})`, "bool"];
          if (lt === Type.Float) return [`(${toFloat(lc, lr)} ${jsOp} ${toFloat(rc, rr)})`, "bool"];
          if (lt === Type.String) return [`(${toStr(lc, lr)} ${jsOp} ${toStr(rc, rr)})`, "bool"];
        }
        return [`(H.compare(${lc}, ${rc}) ${jsOp} 0)`, "bool"];
      }
      case "&": case "|": case "^": case "<<": case ">>": {
        const name = { "&": "and", "|": "or", "^": "xor", "<<": "shl", ">>": "shr" }[op];
        return [`H.${name}(${toInt(lc, lr)}, ${toInt(rc, rr)})`, "i64"];
      }
      default:
        break;
    }
    // Arithmetic, typed by the operation's type as mtail picks its opcode.
    if (t === Type.String) return [`(${toStr(lc, lr)} + ${toStr(rc, rr)})`, "str"];
    if (t === Type.Float) {
      const a = toFloat(lc, lr);
      const b = toFloat(rc, rr);
      switch (op) {
        case "+": return [`(${a} + ${b})`, "f64"];
        case "-": return [`(${a} - ${b})`, "f64"];
        case "*": return [`(${a} * ${b})`, "f64"];
        case "/": return [`(${a} / ${b})`, "f64"];
        case "%": return [`(${a} % ${b})`, "f64"];
        case "**": return [`H.fpow(${a}, ${b})`, "f64"];
      }
    }
    const a = toInt(lc, lr);
    const b = toInt(rc, rr);
    switch (op) {
      case "+": return [`(${a} + ${b})`, "i64"];
      case "-": return [`(${a} - ${b})`, "i64"];
      case "*": return [`(${a} * ${b})`, "i64"];
      case "/": return [`H.idiv(${a}, ${b})`, "i64"];
      case "%": return [`H.imod(${a}, ${b})`, "i64"];
      case "**": return [`H.ipow(${a}, ${b})`, "i64"];
    }
    throw new Error(`internal: operator ${op}`);
  };

  /** `=` and `+=` on a metric: the datum is resolved (and created) before the value is computed, as in mtail. */
  const assign = (e: Expr & { kind: "BinaryExpr" }): string => {
    const m = metricOf(e.lhs);
    const t = metricType(m) ?? Type.Int;
    const d = datum(e.lhs);
    const [code, r] = value(e.rhs);
    // With `exemplar`, the labels are read after the value, as the update happens.
    const ex = e.exemplars !== undefined && t !== Type.String ? `, ${exemplarArg(e.exemplars)}` : "";
    const x = ex === "" ? "" : "Ex";
    if (e.op === "=") {
      const v = t === Type.Float ? toFloat(code, r) : t === Type.String ? toStr(code, r) : toInt(code, r);
      // A histogram given a string (`h = $x` with a \S+ capture) observes Number(text), as setStr does; its
      // exemplar is kept all the same.
      if (t === Type.String && e.exemplars !== undefined && m.decl.metricKind === "histogram") {
        return `${d.m}.setEx(${d.id}, Number(${v}), ${TIME}, ${exemplarArg(e.exemplars)})`;
      }
      return t === Type.String ? `${d.m}.setStr(${d.id}, ${v}, ${TIME})` : `${d.m}.set${x}(${d.id}, ${v}, ${TIME}${ex})`;
    }
    if (t === Type.String) return `H.catAssign(${d.m}, ${d.id}, ${toStr(code, r)}, ${TIME})`;
    const v = t === Type.Float ? toFloat(code, r) : toInt(code, r);
    return `${d.m}.add${x}(${d.id}, ${v}, ${TIME}${ex})`;
  };

  // ---- statements ----

  const lines: string[] = [];
  let depth = 2;
  // Indentation stops growing 12 levels down: it is for reading --dump_js, and a program 40 blocks deep made 26 MB of
  // JavaScript from 1 MB of source, most of it spaces, all of which V8 then scanned (bench/compile-big.ts).
  const emit = (s: string): void => {
    lines.push(INDENTS[Math.min(depth, INDENTS.length - 1)] + s);
  };

  const cond = (s: CondStmt): void => {
    let test = s.cond === null ? "!matched" : atom(() => truthy(s.cond as Expr, false));
    if (trace) {
      const kind = s.cond === null ? "otherwise" : s.cond.kind === "PatternExpr" || s.cond.kind === "RecordExpr" ? "pattern" : "expr";
      conditions.push({ pos: s.cond?.pos ?? s.pos, kind });
      test = `T.cond(${conditions.length - 1}, ${test})`;
    }
    emit(`if (${test}) {`);
    depth++;
    // mtail's `matched` flag, read only by `otherwise`: cleared for the block, set after it.
    if (usesOtherwiseAnywhere) emit("matched = false;");
    withKnown(guaranteed(s.cond), () => block(s.truth));
    if (usesOtherwiseAnywhere) emit("matched = true;");
    depth--;
    if (s.else !== null) {
      emit("} else {");
      depth++;
      block(s.else);
      depth--;
    }
    emit("}");
  };

  const exprStmt = (e: Expr): string => {
    if (e.kind === "UnaryExpr" && (e.op === "++" || e.op === "--")) {
      const d = datum(e.expr);
      const by = e.op === "++" ? 1 : -1;
      if (e.exemplars !== undefined) return `${d.m}.addEx(${d.id}, ${by}, ${TIME}, ${exemplarArg(e.exemplars)});`;
      return `${d.m}.add(${d.id}, ${by}, ${TIME});`;
    }
    return `${value(e)[0]};`;
  };

  /** A statement that reads fields runs only when all are present; otherwise it is skipped and counted. */
  const emitGuarded = (f: () => string): void => {
    const [gs, code] = guarded(f);
    if (gs.length === 0) {
      emit(code);
      return;
    }
    emit(`if (${gs.join(" && ")}) ${code}`);
    emit(`else FC[${FieldCounter.SkippedUpdates}]++;`);
  };

  const stmt = (s: Stmt): void => {
    switch (s.kind) {
      case "CondStmt":
        cond(s);
        return;
      case "ExprStmt":
        emitGuarded(() => exprStmt(s.expr));
        return;
      case "DelStmt": {
        const m = metricOf(s.target);
        emitGuarded(() => s.expiryMs !== null
          ? `H.expire(m${m.index}, ${keyList(s.target)}, ${s.expiryMs}, ${TIME});`
          : `H.del(m${m.index}, ${keyList(s.target)});`);
        return;
      }
      case "StopStmt":
        emit("return HIT;");
        return;
      case "DecoStmt":
      case "NextStmt":
        for (const b of childBlocks(s)) block(b);
        return;
      default:
        return;
    }
  };

  const block = (list: StmtList): void => {
    for (const s of list.body) stmt(s);
  };

  // The line function.
  for (const s of root.body) {
    if (s.kind !== "BeginStmt") stmt(s);
  }
  const lineBody = lines.splice(0);
  // The begin function.
  const begins = root.body.filter((s) => s.kind === "BeginStmt");
  for (const b of begins) block(b.block);
  const beginBody = lines.splice(0);

  const regexVars = table.patterns.map((p) => `r${p.index} = null`);
  const recordVars = table.records.map((r) => `${recordVar(r)} = EMPTY`);
  const tempVars = Array.from({ length: fieldTemps }, (_, i) => `fv${i}`);
  const locals = ["ts = NaN", "matched = false", "HIT = false", ...regexVars, ...recordVars, ...tempVars];
  if (!usesOtherwiseAnywhere) locals.splice(locals.indexOf("matched = false"), 1);
  // Everything fixed at load time is bound once to a constant the line function closes over.
  const constants = [
    ...table.metrics.map((m) => `m${m.index} = M[${m.index}]`),
    ...table.patterns.map((p) => `re${p.index} = R[${p.index}]`),
    ...(scanLiterals
      ? [`FOUND = new Float64Array(${literals.length})`]
      : table.patterns.filter((p) => (literals[p.index as number] ?? null) !== null).map((p) => `L${p.index} = LIT[${p.index}]`)),
    ...table.patterns.filter((p) => p.hasBmpTwin === true).map((p) => `rb${p.index} = RB[${p.index}]`),
    ...keyArrays.map((_, i) => `k${i} = K[${i}]`),
    ...(table.records.length > 0 ? ["REC = RL.reader", "EMPTY = REC.empty", "FC = RL.counters"] : []),
    ...table.fields.map((f, i) => `S${i} = REC.slot(${q(f.format)}, [${f.path.map(q).join(", ")}])`),
  ];
  const source = [
    `"use strict";`,
    ...(constants.length > 0 ? [`const ${constants.join(", ")};`] : []),
    // Which line FOUND's stamps belong to (see literal-scan.ts): a number, so it never wraps.
    ...(scanLiterals ? [`let STAMP = 0;`] : []),
    `const SURROGATE = /[\\ud800-\\udfff]/;`,
    `/** exec() of the BMP twin (rb) when the text holds no surrogate, else of the surrogate-aware regex (re). */`,
    `function X(re, rb, text) {`,
    `  return (SURROGATE.test(text) ? re : rb).exec(text);`,
    `}`,
    ...(table.records.length > 0 ? [`/** Not, for a condition that may be unknown (undefined: it read a missing field). */`, `function NOT3(v) {`, `  return v === undefined ? undefined : !v;`, `}`] : []),
    `function line(line, filename, astral) {`,
    ...(readsAstralFlag ? [`  if (astral === undefined) astral = SURROGATE.test(line);`] : []),
    `  let ${locals.join(", ")};`,
    `  try {`,
    ...(scanLiterals ? [`    SCAN.scan(line, FOUND, ++STAMP);`] : []),
    ...lineBody,
    `  } catch (e) {`,
    `    onError(e, line, filename);`,
    `  }`,
    `  return HIT;`,
    `}`,
    `function begin() {`,
    `  const line = "", filename = "";`,
    `  let ${locals.join(", ")};`,
    `  try {`,
    ...(scanLiterals ? [`    SCAN.scan(line, FOUND, ++STAMP);`] : []),
    ...beginBody,
    `  } catch (e) {`,
    `    onError(e, line, filename);`,
    `  }`,
    `}`,
    `return { line, begin };`,
  ].join("\n");
  const recordSites = { json: 0, logfmt: 0 };
  for (const r of table.records) recordSites[r.format]++;
  return { source, keyArrays, hasBegin: begins.length > 0, readsAstralFlag, conditions, recordSites };
}
