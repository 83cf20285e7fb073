// The parts of a statement that every pass after decorator expansion walks the same way: its nested statement
// lists and the expressions it holds directly. Pass-specific work (scopes, `begin` flags, checks) stays in the pass.
import type { Expr, Stmt, StmtList } from "./ast.js";

/**
 * The statement lists nested directly in `s`, in program order: both arms of a condition, a `begin` block, and
 * what a decoration or a `next` stands for once decorators are expanded (nothing before expansion).
 */
export function childBlocks(s: Stmt): StmtList[] {
  switch (s.kind) {
    case "CondStmt":
      return s.else === null ? [s.truth] : [s.truth, s.else];
    case "DecoStmt":
      return s.expanded === undefined ? [] : [s.expanded];
    case "NextStmt":
      return s.block === undefined ? [] : [s.block];
    case "BeginStmt":
      return [s.block];
    default:
      return [];
  }
}

/**
 * Replaces each expression `s` holds directly (a condition, an expression statement, a `del` target) by fn's
 * result.
 */
export function mapStmtExprs(s: Stmt, fn: (e: Expr) => Expr): void {
  switch (s.kind) {
    case "CondStmt":
      if (s.cond !== null) s.cond = fn(s.cond);
      return;
    case "ExprStmt":
      s.expr = fn(s.expr);
      return;
    case "DelStmt":
      s.target = fn(s.target);
      return;
    default:
      return;
  }
}
