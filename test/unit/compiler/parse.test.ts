// Table-driven parser tests: each case is a program that must parse (checking the shape of what it produced),
// or a syntax error whose line and column must be reported.
import { expect } from "chai";
import { parseProgram } from "../../../src/compiler/parse.js";
import type { Stmt, StmtList } from "../../../src/compiler/ast.js";

/** A compact outline of statement kinds, nesting blocks in brackets, for readable expectations. */
function outline(list: StmtList): string {
  const one = (s: Stmt): string => {
    switch (s.kind) {
      case "CondStmt":
        return `${s.otherwise ? "otherwise" : "cond"}[${outline(s.truth)}]${s.else !== null ? `else[${outline(s.else)}]` : ""}`;
      case "DecoDecl":
        return `def ${s.name}[${outline(s.block)}]`;
      case "DecoStmt":
        return `@${s.name}[${outline(s.block)}]`;
      case "BeginStmt":
        return `begin[${outline(s.block)}]`;
      case "ExprStmt":
        return s.expr.kind === "BinaryExpr" ? `expr(${s.expr.op})` : s.expr.kind === "UnaryExpr" ? `expr(${s.expr.op})` : "expr";
      case "VarDecl":
        return `${s.hidden ? "hidden " : ""}${s.metricKind} ${s.name}`;
      default:
        return s.kind;
    }
  };
  return list.body.map(one).join(" ");
}

const good: { name: string; src: string; want: string }[] = [
  { name: "declarations of every kind", src: "counter a\ngauge b\ntimer c\ntext d\nhistogram e buckets 1, 2\nhidden counter f\n", want: "counter a gauge b timer c text d histogram e hidden counter f" },
  { name: "condition with block", src: "/foo/ {\n  a++\n}\n", want: "cond[expr(++)]" },
  { name: "else on the same line", src: "/foo/ {\n  a++\n} else {\n  b++\n}\n", want: "cond[expr(++)]else[expr(++)]" },
  { name: "otherwise", src: "/a/ {\n}\notherwise {\n  b++\n}\n", want: "cond[] otherwise[expr(++)]" },
  { name: "one-line block", src: "/foo/ { a++ }\n", want: "cond[expr(++)]" },
  { name: "nested blocks", src: "/a/ {\n  /b/ {\n    /c/ {\n      x = 1\n    }\n  }\n}\n", want: "cond[cond[cond[expr(=)]]]" },
  { name: "decorator definition and use", src: "def d {\n  /x/ {\n    next\n  }\n}\n@d {\n  a++\n}\n", want: "def d[cond[NextStmt]] @d[expr(++)]" },
  { name: "const and concatenation across lines with comments", src: "const A /a/\nconst B /b/ + # why\n  A\nA + /c/ + # more\n  B {\n}\n", want: "PatternFragment PatternFragment cond[]" },
  { name: "del with and without after", src: "del a[$1]\ndel a[$1] after 1h30m\n", want: "DelStmt DelStmt" },
  { name: "stop and begin", src: "begin {\n  a = 1\n}\nstop\n", want: "begin[expr(=)] StopStmt" },
  { name: "log_filter", src: "log_filter \"*.log\", \"x\"\n", want: "LogFilterStmt" },
  { name: "comment at end without newline", src: "counter a # the end", want: "counter a" },
  { name: "CRLF line ends", src: "counter a\r\n/x/ {\r\n  a++\r\n}\r\n", want: "counter a cond[expr(++)]" },
  { name: "assignment forms", src: "a = 1\na += 2\na--\n", want: "expr(=) expr(+=) expr(--)" },
  { name: "logical not and defined", src: "!defined($x) && /a/ {\n}\n", want: "cond[]" },
  // The statement rule parses the leading expression once and then decides (grammar: CondOrExprStmt).
  { name: "assignment to an indexed, a negated and a bracketed left side", src: "a[$1] = 1\n-a = 2\n(a + b) += 3\n", want: "expr(=) expr(=) expr(+=)" },
  { name: "expression statements of every size", src: "a\na + b\na =~ /x/\nlen(a)\nx = len\n", want: "expr expr(+) expr(=~) expr expr(=)" },
  { name: "a condition that is an assignment's look-alike", src: "a == 1 {\n}\na=~/x/ {\n}\n", want: "cond[] cond[]" },
  { name: "keywords inside longer names, builtins as prefixes", src: "counter counters\ngauge timer_1\nstrings = 1\nlength = 2\n", want: "counter counters gauge timer_1 expr(=) expr(=)" },
];

describe("parser: programs that parse", () => {
  for (const c of good) {
    it(c.name, () => {
      const r = parseProgram(c.src);
      if ("error" in r) throw new Error(`unexpected syntax error: ${r.error.message} at ${r.error.pos.line}:${r.error.pos.col}`);
      expect(outline(r.ast)).to.equal(c.want);
    });
  }

  it("keeps operator precedence: * before +, shared level for && and ||", () => {
    const r = parseProgram("x = 1 + 2 * 3\ny = 1 || 0 && 0\n");
    if ("error" in r) throw new Error(r.error.message);
    const [a, b] = r.ast.body as [Stmt, Stmt];
    const rhs = (s: Stmt) => (s.kind === "ExprStmt" && s.expr.kind === "BinaryExpr" ? s.expr.rhs : null);
    expect(rhs(a)).to.include({ kind: "BinaryExpr", op: "+" });
    // mtail's && and || share one level, left-associative: (1 || 0) && 0.
    expect(rhs(b)).to.include({ kind: "BinaryExpr", op: "&&" });
  });

  it("counts lines and columns as before, in UTF-16 units, after comments, CRLF and astral characters", () => {
    // Columns count UTF-16 code units (as peggy's location() did): "𝔸" is two of them.
    const r = parseProgram('# 𝔸 comment\r\ntext t\n/x/ {\n  t = "𝔸𝔸"\n}\n\n  counter z\n');
    if ("error" in r) throw new Error(r.error.message);
    const [t, cond, z] = r.ast.body as [Stmt, Stmt, Stmt];
    expect(t.pos).to.deep.equal({ line: 2, col: 6, endLine: 2, endCol: 6 });
    expect(cond.kind === "CondStmt" ? cond.truth.pos : null).to.deep.equal({ line: 3, col: 5, endLine: 5, endCol: 5 });
    const assign = cond.kind === "CondStmt" ? cond.truth.body[0] : undefined;
    expect(assign?.kind === "ExprStmt" && assign.expr.kind === "BinaryExpr" ? assign.expr.rhs.pos : null).to.deep.equal({ line: 4, col: 7, endLine: 4, endCol: 12 });
    expect(z.pos).to.deep.equal({ line: 7, col: 11, endLine: 7, endCol: 11 });
    expect(r.ast.pos).to.deep.equal({ line: 1, col: 1, endLine: 8, endCol: 1 });
  });

  it("records the declaration name position mtail prints in HELP", () => {
    const r = parseProgram("# comment\ncounter bytes by method\n");
    if ("error" in r) throw new Error(r.error.message);
    expect(r.ast.body[0]?.pos).to.deep.equal({ line: 2, col: 9, endLine: 2, endCol: 13 });
  });

  it("unescapes only \\\" in strings and \\/ in regexes, as mtail's lexer", () => {
    const r = parseProgram('t = "a\\tb\\"c"\n/a\\/b\\d/ {\n}\n');
    if ("error" in r) throw new Error(r.error.message);
    const s = r.ast.body[0];
    expect(s?.kind === "ExprStmt" && s.expr.kind === "BinaryExpr" && s.expr.rhs.kind === "StringLit" ? s.expr.rhs.text : null).to.equal('a\\tb"c');
    const c = r.ast.body[1];
    const p = c?.kind === "CondStmt" && c.cond?.kind === "PatternExpr" ? c.cond.parts[0] : null;
    expect(p?.kind === "PatternLit" ? p.pattern : null).to.equal("a/b\\d");
  });
});

const bad: { name: string; src: string; line: number; col: number }[] = [
  { name: "unterminated block", src: "/a/ {\n  x++\n", line: 3, col: 1 },
  { name: "assignment to a sum", src: "a + b = 1\n", line: 1, col: 7 },
  { name: "assignment to a match", src: "a =~ /x/ = 1\n", line: 1, col: 10 },
  { name: "assignment inside a condition", src: "a = 1 {\n}\n", line: 1, col: 7 },
  { name: "keyword as an assigned name", src: "counter c\nelse = 1\n", line: 2, col: 1 },
  { name: "unterminated regex", src: "/a {\n}\n", line: 1, col: 5 },
  { name: "missing closing quote", src: "t = \"abc\n", line: 1, col: 5 },
  { name: "keyword as a name", src: "counter counter\n", line: 1, col: 9 },
];

describe("parser: syntax errors", () => {
  for (const c of bad) {
    it(c.name, () => {
      const r = parseProgram(c.src);
      if (!("error" in r)) throw new Error("expected a syntax error");
      expect(r.error.message).to.match(/^syntax error: unexpected/);
      expect({ line: r.error.pos.line, col: r.error.pos.col }).to.deep.equal({ line: c.line, col: c.col });
    });
  }
});
