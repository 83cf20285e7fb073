// The shared statement walk: which nested blocks each statement kind exposes (before and after decorator
// expansion), and which expressions mapStmtExprs rewrites.
import { expect } from "chai";
import type { Expr, Stmt, StmtList } from "../../../src/compiler/ast.js";
import { expandDecorators } from "../../../src/compiler/check-decorators.js";
import { DiagnosticList } from "../../../src/compiler/diagnostics.js";
import { parseProgram } from "../../../src/compiler/parse.js";
import { childBlocks, mapStmtExprs } from "../../../src/compiler/walk.js";

function parse(src: string): StmtList {
  const r = parseProgram(src);
  if ("error" in r) throw new Error(`parse error: ${r.error.message}`);
  return r.ast;
}

/** Statement kinds of each nested block, e.g. "ExprStmt|ExprStmt" for a condition with an else. */
const children = (s: Stmt): string => childBlocks(s).map((b) => b.body.map((c) => c.kind).join(",")).join("|");

describe("childBlocks", () => {
  const cases: { name: string; src: string; want: string[] }[] = [
    { name: "condition without else", src: "counter a\n/x/ {\n  a++\n}\n", want: ["", "ExprStmt"] },
    { name: "condition with else", src: "counter a\n/x/ {\n  a++\n} else {\n  del a\n}\n", want: ["", "ExprStmt|DelStmt"] },
    { name: "begin block", src: "counter a\nbegin {\n  a = 1\n}\n", want: ["", "ExprStmt"] },
    { name: "leaf statements", src: "counter a\nconst P /x/\nstop\n", want: ["", "", ""] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(parse(c.src).body.map(children)).to.deep.equal(c.want);
    });
  }

  it("sees a decoration and its next only once expanded, and never a decorator's definition", () => {
    const root = parse("counter a\ndef d {\n  /x/ {\n    next\n  }\n}\n@d {\n  a++\n}\n");
    const [, def, deco] = root.body as [Stmt, Stmt, Stmt];
    expect([children(def), children(deco)]).to.deep.equal(["", ""]);
    const diags = new DiagnosticList();
    expandDecorators(root, diags);
    expect(diags.items).to.deep.equal([]);
    expect([children(def), children(deco)]).to.deep.equal(["", "CondStmt"]);
    // The expansion's `next` leads to the decorated block.
    const cond = childBlocks(deco)[0]?.body[0] as Stmt;
    const next = childBlocks(cond)[0]?.body[0] as Stmt;
    expect(next.kind).to.equal("NextStmt");
    expect(children(next)).to.equal("ExprStmt");
  });
});

describe("mapStmtExprs", () => {
  it("rewrites a condition, an expression statement and a del target, and nothing else", () => {
    const root = parse("counter a\n/x/ {\n  a++\n}\notherwise {\n}\na = 2\ndel a\nbegin {\n}\n");
    const seen: string[] = [];
    const mark = (e: Expr): Expr => {
      seen.push(e.kind);
      return { kind: "IntLit", value: seen.length, text: String(seen.length), pos: e.pos };
    };
    for (const s of root.body) mapStmtExprs(s, mark);
    expect(seen).to.deep.equal(["PatternExpr", "BinaryExpr", "IdTerm"]);
    const [, cond, otherwise, assign, del] = root.body as [Stmt, Stmt, Stmt, Stmt, Stmt];
    expect(cond.kind === "CondStmt" && cond.cond?.kind).to.equal("IntLit");
    expect(otherwise.kind === "CondStmt" && otherwise.cond).to.equal(null);
    expect(assign.kind === "ExprStmt" && assign.expr.kind).to.equal("IntLit");
    expect(del.kind === "DelStmt" && del.target.kind).to.equal("IntLit");
    // The condition's own block is not entered: that is childBlocks' job.
    expect(cond.kind === "CondStmt" && cond.truth.body[0]?.kind === "ExprStmt" && cond.truth.body[0].expr.kind).to.equal("UnaryExpr");
  });
});
