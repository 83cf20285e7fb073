// Pass 3: folds arithmetic on two numeric literals into one literal, as mtail's optimiser does before type
// checking (so `1 / 0.0` is a compile error, and `7 / 2 * 2.0` is 6). Int arithmetic keeps int64 semantics.

import type { BinaryExpr, Expr, FloatLit, IntLit, Pos, Stmt, StmtList } from "./ast.js";
import type { DiagnosticList } from "./diagnostics.js";
import { goFloatToInt64, goPow } from "./go-math.js";
import { childBlocks, mapStmtExprs } from "./walk.js";

function merge(a: Pos, b: Pos): Pos {
  return { line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol };
}

const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "**"]);

/** Folds `e` if both operands are numeric literals; returns the replacement, or null to keep `e`. */
function fold(e: BinaryExpr, diags: DiagnosticList): Expr | null {
  const l = e.lhs;
  const r = e.rhs;
  if (!ARITHMETIC.has(e.op)) return null;
  if ((l.kind !== "IntLit" && l.kind !== "FloatLit") || (r.kind !== "IntLit" && r.kind !== "FloatLit")) return null;
  const pos = merge(l.pos, r.pos);
  if ((e.op === "/" || e.op === "%") && r.value === 0) {
    diags.add(pos, e.op === "/" ? "divide by zero" : "mod by zero");
    return null;
  }
  const a = l.value;
  const b = r.value;
  if (l.kind === "IntLit" && r.kind === "IntLit") {
    let v: number;
    switch (e.op) {
      case "+": v = a + b; break;
      case "-": v = a - b; break;
      case "*": v = a * b; break;
      case "/": v = Math.trunc(a / b); break;
      case "%": v = a % b; break;
      default: v = goFloatToInt64(goPow(a, b)); break;
    }
    const lit: IntLit = { kind: "IntLit", value: v, text: String(v), pos };
    return lit;
  }
  let v: number;
  switch (e.op) {
    case "+": v = a + b; break;
    case "-": v = a - b; break;
    case "*": v = a * b; break;
    case "/": v = a / b; break;
    // mtail 3.0.0~rc50 folds Int % Float to 0 (its optimiser stores the result in the wrong operand).
    case "%": v = l.kind === "IntLit" ? 0 : a % b; break;
    default: v = goPow(a, b); break;
  }
  const lit: FloatLit = { kind: "FloatLit", value: v, text: String(v), pos };
  return lit;
}

/** Folds constants throughout `root` in place. */
export function foldConstants(root: StmtList, diags: DiagnosticList): void {
  const expr = (e: Expr): Expr => {
    switch (e.kind) {
      case "BinaryExpr": {
        e.lhs = expr(e.lhs);
        e.rhs = expr(e.rhs);
        return fold(e, diags) ?? e;
      }
      case "UnaryExpr":
        e.expr = expr(e.expr);
        return e;
      case "IndexedExpr":
        e.index = e.index.map(expr);
        return e;
      case "BuiltinExpr":
        e.args = e.args.map(expr);
        return e;
      default:
        return e;
    }
  };
  const stmt = (s: Stmt): void => {
    mapStmtExprs(s, expr);
    for (const b of childBlocks(s)) block(b);
  };
  const block = (list: StmtList): void => {
    for (const s of list.body) stmt(s);
  };
  block(root);
}
