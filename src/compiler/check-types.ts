// Pass 3: type inference and checking, in program order as mtail does it, so the first use that fixes a
// metric's type wins. Annotates every expression with a type and wraps operands in ConvExpr where mtail
// converts implicitly (Int to Float in mixed arithmetic, numbers to String next to a string, ...).

import type { BinaryExpr, BuiltinExpr, ConvExpr, Expr, FieldTerm, IndexedExpr, MetricSymbol, RecordExpr, Stmt, StmtList } from "./ast.js";
import type { DiagnosticList } from "./diagnostics.js";
import { type AnyType, Type, TypeVar, concrete, leastUpperBound, prune, typeName, unify } from "./types.js";
import { childBlocks } from "./walk.js";

const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "**"]);
const BITWISE = new Set(["&", "|", "^", "<<", ">>"]);
const COMPARISON = new Set(["<", ">", "<=", ">=", "==", "!="]);

/** Builtin signatures: argument types (null: any) and result type. */
const BUILTINS: Record<string, { args: (Type | null)[]; result: Type }> = {
  int: { args: [null], result: Type.Int },
  float: { args: [null], result: Type.Float },
  string: { args: [null], result: Type.String },
  bool: { args: [null], result: Type.Bool },
  timestamp: { args: [], result: Type.Int },
  len: { args: [Type.String], result: Type.Int },
  settime: { args: [Type.Int], result: Type.None },
  strptime: { args: [Type.String, Type.String], result: Type.None },
  strtol: { args: [Type.String, Type.Int], result: Type.Int },
  tolower: { args: [Type.String], result: Type.String },
  getfilename: { args: [], result: Type.String },
  getstream: { args: [], result: Type.String },
  subst: { args: [Type.Pattern, Type.String, Type.String], result: Type.String },
  defined: { args: [null], result: Type.Bool },
};

function conv(e: Expr, to: AnyType): ConvExpr {
  return { kind: "ConvExpr", expr: e, pos: e.pos, type: to };
}

/** What the type pass needs from outside the compiler. */
export interface CheckTypesOptions {
  /** Checks a strptime() layout literal at compile time, as mtail does; returns the error text or null. */
  checkTimeLayout?: (layout: string) => string | null | undefined;
}

/** Checks and annotates types in `root` in place. */
export function checkTypes(root: StmtList, diags: DiagnosticList, options: CheckTypesOptions = {}): void {
  // A field's type is what its use asks for (a variable until then): a number next to a number, a string next to
  // a string or as a label. Fields still free at the end read as Float where they feed arithmetic or a metric,
  // as String elsewhere (see settleFieldTypes).
  const fields: FieldTerm[] = [];
  const numericVars = new Set<TypeVar>();
  const noteNumeric = (t: AnyType): void => {
    const r = prune(t);
    if (r instanceof TypeVar) numericVars.add(r);
  };
  const metricOf = (e: Expr): MetricSymbol | null => {
    if (e.kind === "IdTerm" && e.symbol?.kind === "metric") return e.symbol;
    if (e.kind === "IndexedExpr" && e.id.symbol?.kind === "metric") return e.id.symbol;
    return null;
  };

  /** Wraps `e` in a conversion to `to` when its concrete type differs. */
  const promote = (e: Expr, to: AnyType): Expr => {
    const from = concrete(e.type);
    const target = concrete(to);
    if (from === null || target === null || from === target) return e;
    return conv(e, target);
  };

  const binary = (e: BinaryExpr): void => {
    e.lhs = expr(e.lhs);
    e.rhs = expr(e.rhs);
    const lT = e.lhs.type;
    const rT = e.rhs.type;
    if (lT === undefined || rT === undefined) return; // an error was already reported below
    const op = e.op;
    if (ARITHMETIC.has(op) || COMPARISON.has(op)) {
      const t = leastUpperBound(lT, rT);
      if (t === null) {
        const sep = ARITHMETIC.has(op) ? ";" : ":";
        diags.add(e.pos, `type mismatch${sep} can't apply ${op} to LHS of type "${typeName(lT)}" with RHS of type "${typeName(rT)}".`);
        return;
      }
      unify(lT, t);
      unify(rT, t);
      if (ARITHMETIC.has(op) && op !== "+") noteNumeric(t);
      if (ARITHMETIC.has(op)) {
        const c = concrete(t);
        if (c === Type.String && op !== "+") {
          diags.add(e.pos, `Can't apply ${op} to strings.\n\tTry converting the operands with int() or float().`);
          return;
        }
        if ((c === Type.Bool || c === Type.Pattern || c === Type.None) ) {
          diags.add(e.pos, `type mismatch; can't apply ${op} to LHS of type "${typeName(lT)}" with RHS of type "${typeName(rT)}".`);
          return;
        }
      }
      e.lhs = promote(e.lhs, t);
      e.rhs = promote(e.rhs, t);
      // Only an integer division by a literal 0 is rejected; a float one is +Inf (or NaN) as in mtail.
      if ((op === "/" || op === "%") && e.rhs.kind === "IntLit" && e.rhs.value === 0) {
        diags.add(e.pos, "Can't divide by zero.");
        return;
      }
      e.type = ARITHMETIC.has(op) ? t : Type.Bool;
      return;
    }
    if (BITWISE.has(op)) {
      if (!unify(lT, Type.Int) || !unify(rT, Type.Int)) {
        diags.add(e.pos, `Integer types expected for bitwise ${op}, got ${typeName(lT)} and ${typeName(rT)}.`);
        return;
      }
      e.type = Type.Int;
      return;
    }
    if (op === "&&" || op === "||") {
      e.type = Type.Bool;
      return;
    }
    if (op === "=~" || op === "!~") {
      if (e.rhs.kind === "StringLit") {
        diags.add(e.rhs.pos, "internal: string patterns are converted by the symbol pass.");
        return;
      }
      if (e.rhs.kind !== "PatternExpr") {
        diags.add(e.rhs.pos, `Can't match against an expression of type ${typeName(rT)}.\n\tTry a regular expression like /.../ or a \`const' pattern.`);
        return;
      }
      e.type = Type.Bool;
      return;
    }
    // `=` and `+=`
    if (metricOf(e.lhs) === null) {
      diags.add(e.lhs.pos, "Can't assign to expression on left; expecting a variable here.");
      return;
    }
    const t = leastUpperBound(lT, rT);
    if (t === null || !unify(lT, t)) {
      diags.add(e.pos, `type mismatch: can't assign a value of type "${typeName(rT)}" to a variable of type "${typeName(lT)}".`);
      return;
    }
    if (op === "+=" && concrete(lT) !== null && concrete(lT) !== Type.Int && concrete(lT) !== Type.Float && concrete(lT) !== Type.String) {
      diags.add(e.pos, `invalid type for add-assignment: ${typeName(lT)}.`);
      return;
    }
    // A metric whose only source is a field holds numbers (unless text).
    if (metricOf(e.lhs)?.decl.metricKind !== "text") noteNumeric(lT);
    e.type = lT;
  };

  const builtin = (e: BuiltinExpr): void => {
    e.args = e.args.map(expr);
    // int($f), float($f), string($f) read the field as that type.
    const conversionOf: Record<string, Type> = { int: Type.Int, float: Type.Float, string: Type.String };
    const arg0 = e.args[0];
    if (arg0?.kind === "FieldTerm" && arg0.type !== undefined && conversionOf[e.name] !== undefined) {
      unify(arg0.type, conversionOf[e.name] as Type);
    }
    const sig = BUILTINS[e.name];
    if (sig === undefined) {
      diags.add(e.pos, `Unknown builtin function \`${e.name}'.`);
      return;
    }
    if (e.args.length !== sig.args.length) {
      diags.add(e.pos, `call to \`${e.name}': expected ${sig.args.length} argument(s), received ${e.args.length}.`);
      return;
    }
    for (let i = 0; i < e.args.length; i++) {
      const want = sig.args[i];
      const arg = e.args[i] as Expr;
      if (arg.type === undefined) return;
      if (want === null || want === undefined) continue;
      if (!unify(arg.type, want)) {
        diags.add(arg.pos, `call to \`${e.name}': type mismatch; expected ${want} received ${typeName(arg.type)} for argument ${i + 1}.`);
        return;
      }
    }
    const first = e.args[0];
    switch (e.name) {
      case "strptime": {
        const layout = e.args[1] as Expr;
        if (layout.kind !== "StringLit") {
          diags.add(layout.pos, "Expecting a format string for argument 2 of strptime(), a string literal like \"2006-01-02T15:04:05Z07:00\".");
          return;
        }
        // mtail refuses a layout it cannot parse itself with, at the literal ("invalid time format string").
        const problem = options.checkTimeLayout?.(layout.text);
        if (problem !== null && problem !== undefined) diags.add(layout.pos, problem);
        break;
      }
      case "tolower":
        if (concrete(first?.type) !== Type.String) {
          diags.add((first as Expr).pos, `Expecting a String for argument 1 of tolower(), not ${typeName(first?.type)}.`);
          return;
        }
        break;
      case "int":
        if (concrete(first?.type) === Type.Float) {
          diags.add(e.pos, "Can't convert a Float to an Int with int().\n\tmtail has no float-to-int conversion; keep the value a Float.");
          return;
        }
        break;
      case "subst":
        if (first?.kind !== "PatternExpr" && first?.kind !== "StringLit") {
          diags.add((first as Expr).pos, "The first argument of subst() must be a string or a regular expression literal.");
          return;
        }
        break;
      default:
        break;
    }
    e.type = sig.result;
  };

  const indexed = (e: IndexedExpr): void => {
    e.index = e.index.map(expr);
    const m = e.id.symbol;
    if (m === undefined) return;
    if (m.kind !== "metric") {
      diags.add(e.pos, "Index taken on unindexable expression.");
      return;
    }
    const want = m.decl.keys.length;
    if (e.index.length < want) {
      diags.add(e.pos, `Not enough keys for indexed expression: expecting ${want}, received ${e.index.length}.`);
      return;
    }
    if (e.index.length > want) {
      diags.add(e.pos, `Too many keys for indexed expression: expecting ${want}, received ${e.index.length}.`);
      return;
    }
    for (const k of e.index) {
      // A field used as a label reads as a string (a JSON number as its shortest decimal text).
      if (k.kind === "FieldTerm" && k.type !== undefined && concrete(k.type) === null) unify(k.type, Type.String);
      const t = concrete(k.type);
      if (t === Type.Bool || t === Type.Pattern || t === Type.None) {
        diags.add(k.pos, `A label value must be a string or a number, not ${t}.`);
        return;
      }
    }
    e.type = m.type;
  };

  const expr = (e: Expr): Expr => {
    switch (e.kind) {
      case "IntLit":
        e.type = Type.Int;
        return e;
      case "FloatLit":
        e.type = Type.Float;
        return e;
      case "StringLit":
        e.type = Type.String;
        return e;
      case "PatternExpr":
        if (e.pattern !== undefined) e.type = Type.Pattern;
        return e;
      case "CaprefTerm":
        if (e.symbol !== undefined) e.type = e.symbol.type;
        return e;
      case "FieldTerm":
        if (e.symbol !== undefined && e.type === undefined) {
          e.type = new TypeVar();
          fields.push(e);
        }
        return e;
      case "RecordExpr":
        record(e);
        return e;
      case "IdTerm": {
        const m = e.symbol;
        if (m === undefined) return e;
        if (m.kind !== "metric") {
          e.type = Type.Pattern;
          return e;
        }
        if (m.decl.keys.length > 0) {
          diags.add(e.pos, `Not enough keys for indexed expression: expecting ${m.decl.keys.length}, received 0.`);
          return e;
        }
        e.type = m.type;
        return e;
      }
      case "IndexedExpr":
        indexed(e);
        return e;
      case "BuiltinExpr":
        builtin(e);
        return e;
      case "BinaryExpr":
        binary(e);
        return e;
      case "ConvExpr":
        return e;
      case "UnaryExpr": {
        e.expr = expr(e.expr);
        const t = e.expr.type;
        if (t === undefined) return e;
        switch (e.op) {
          case "++":
          case "--":
            if (metricOf(e.expr) === null) {
              diags.add(e.expr.pos, "Can't assign to expression; expecting a variable here.");
              return e;
            }
            unify(t, Type.Int);
            if (concrete(t) !== Type.Int) {
              diags.add(e.pos, `type mismatch: expecting an Int for ${e.op === "++" ? "INC" : "DEC"}, not ${typeName(t)}.`);
              return e;
            }
            e.type = Type.Int;
            return e;
          case "~":
            if (!unify(t, Type.Int)) {
              diags.add(e.expr.pos, `type mismatch: expecting an Int for \`~' operator, not ${typeName(t)}.`);
              return e;
            }
            e.type = Type.Int;
            return e;
          case "!":
            e.type = Type.Bool;
            return e;
          case "neg": {
            const c = concrete(t) ?? (unify(t, Type.Int), Type.Int);
            if (c !== Type.Int && c !== Type.Float) {
              diags.add(e.pos, `Can't negate a value of type ${c}.`);
              return e;
            }
            e.type = c;
            return e;
          }
        }
        return e;
      }
    }
  };

  /** `json(expr)` and `logfmt(expr)` parse a string. */
  const record = (e: RecordExpr): void => {
    if (e.arg !== null) {
      e.arg = expr(e.arg);
      const t = e.arg.type;
      if (t === undefined) return;
      if (!(prune(t) instanceof TypeVar) && concrete(t) !== Type.String) {
        diags.add(e.arg.pos, `${e.format}() parses a string, not a value of type ${typeName(t)}.\n\tTry string(...) to format a number, or read the text with a capture group like (?P<record>.*).`);
        return;
      }
      unify(t, Type.String);
    }
    e.type = Type.Bool;
  };

  /** Fields whose use fixed no type: Float where they feed arithmetic or a metric, String elsewhere. */
  const settleFieldTypes = (): void => {
    const numeric = new Set<TypeVar>();
    for (const v of numericVars) {
      const r = prune(v);
      if (r instanceof TypeVar) numeric.add(r);
    }
    for (const f of fields) {
      const r = prune(f.type as AnyType);
      if (r instanceof TypeVar) unify(r, numeric.has(r) ? Type.Float : Type.String);
    }
  };

  const cond = (e: Expr): Expr => {
    const out = expr(e);
    const t = out.type === undefined ? null : prune(out.type);
    if (out.kind === "FieldTerm" && t !== null) {
      diags.add(out.pos, "Can't use a field as a condition by itself.\n\tTry `defined($name)' to test that it is present, or compare it, like `$name == \"value\"'.");
      return out;
    }
    if (out.kind === "IdTerm" || out.kind === "IndexedExpr" || out.kind === "CaprefTerm" || out.kind === "StringLit") {
      if (t !== null) {
        diags.add(out.pos, `Can't interpret ${typeName(t)} as a boolean expression here.\n\tTry using comparison operators to make the condition explicit.`);
      }
    }
    return out;
  };

  const stmt = (s: Stmt): void => {
    switch (s.kind) {
      case "CondStmt":
        if (s.cond !== null) s.cond = cond(s.cond);
        break;
      case "ExprStmt":
        if (s.expr.kind === "PatternExpr") {
          diags.add(s.expr.pos, "Statement with no effect, missing an assignment, `+' concatenation, or `{}' block?");
          return;
        }
        s.expr = expr(s.expr);
        return;
      case "DelStmt": {
        s.target = expr(s.target);
        if (s.target.kind !== "IndexedExpr" && !(s.target.kind === "IdTerm" && s.target.symbol?.kind === "metric")) {
          diags.add(s.target.pos, "Cannot delete this.\n\tTry deleting from a dimensioned metric with this as an index.");
        } else if (s.target.kind === "IdTerm") {
          diags.add(s.target.pos, "Cannot delete this.\n\tTry deleting an index from this dimensioned metric.");
        }
        if (s.expiryPos !== null && (s.expiryMs === null || !(s.expiryMs > 0))) {
          diags.add(s.expiryPos, "Invalid duration after `after'.\n\tTry a Go duration like `1h30m' or `90s'.");
        }
        return;
      }
      case "VarDecl": {
        const b = s.buckets;
        if (s.metricKind === "histogram") {
          // A `native` histogram needs no classic buckets; when it has some, they follow the same rules.
          if (s.native && b === null) {
            // Native buckets only.
          } else if (b === null || b.length < 2) {
            diags.add(s.pos, `Histogram \`${s.name}' needs at least two bucket boundaries.\n\tTry adding \`buckets 1, 2, 4, 8' to its declaration.`);
          } else {
            for (let i = 1; i < b.length; i++) {
              if ((b[i] as number) <= (b[i - 1] as number)) {
                diags.add(s.pos, `Bucket boundaries of \`${s.name}' must be in ascending order.`);
                break;
              }
            }
          }
        }
        return;
      }
      default:
        break;
    }
    // Statements without nested blocks returned above; the rest go on into their blocks, after their own condition.
    for (const b of childBlocks(s)) block(b);
  };

  const block = (list: StmtList): void => {
    for (const s of list.body) stmt(s);
  };

  block(root);
  settleFieldTypes();
}
