// The mtail program tree produced by grammar/mtail.peggy and annotated by the check passes.
// Node kinds follow mtail's vocabulary (CondStmt, VarDecl, CaprefTerm, ...) so mtail users recognise them.

import type { AnyType as Type } from "./types.js";

/** A source range: 1-based line and columns, end column inclusive (as mtail prints positions). */
export interface Pos {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export type MetricKindName = "counter" | "gauge" | "timer" | "text" | "histogram";

export interface StmtList {
  kind: "StmtList";
  body: Stmt[];
  pos: Pos;
}

export interface VarDecl {
  kind: "VarDecl";
  metricKind: MetricKindName;
  hidden: boolean;
  name: string;
  exportedName: string | null;
  keys: string[];
  buckets: number[] | null;
  limit: number;
  /** `exemplar a, b`: capture (or field) names that label the exemplar of each update; [] for none. */
  exemplars: string[];
  /** Where the `exemplar` attribute is (null without one). */
  exemplarPos: Pos | null;
  /** `native`: a histogram with native (sparse exponential) buckets. */
  native: boolean;
  pos: Pos;
  /** Set by the checker: the metric's symbol. */
  symbol?: MetricSymbol;
}

export interface CondStmt {
  kind: "CondStmt";
  /** null for `otherwise`. */
  cond: Expr | null;
  otherwise: boolean;
  truth: StmtList;
  else: StmtList | null;
  pos: Pos;
}

export interface ExprStmt {
  kind: "ExprStmt";
  expr: Expr;
  pos: Pos;
}

export interface PatternFragment {
  kind: "PatternFragment";
  name: string;
  namePos: Pos;
  expr: PatternExpr;
  pos: Pos;
}

export interface DecoDecl {
  kind: "DecoDecl";
  name: string;
  block: StmtList;
  pos: Pos;
}

export interface DecoStmt {
  kind: "DecoStmt";
  name: string;
  block: StmtList;
  pos: Pos;
  /** Set by the decorator expansion: the decorator's body with `next` replaced by this block. */
  expanded?: StmtList;
}

export interface DelStmt {
  kind: "DelStmt";
  target: Expr;
  expiryMs: number | null;
  expiryPos: Pos | null;
  pos: Pos;
}

export interface NextStmt {
  kind: "NextStmt";
  pos: Pos;
  /** Set by the decorator expansion: the decorated block this `next` stands for. */
  block?: StmtList;
}

export interface StopStmt {
  kind: "StopStmt";
  pos: Pos;
}

export interface BeginStmt {
  kind: "BeginStmt";
  block: StmtList;
  pos: Pos;
}

export interface LogFilterStmt {
  kind: "LogFilterStmt";
  globs: string[];
  pos: Pos;
}

export type Stmt =
  | VarDecl
  | CondStmt
  | ExprStmt
  | PatternFragment
  | DecoDecl
  | DecoStmt
  | DelStmt
  | NextStmt
  | StopStmt
  | BeginStmt
  | LogFilterStmt;

export type BinaryOp =
  | "=" | "+="
  | "&&" | "||"
  | "=~" | "!~"
  | "&" | "|" | "^"
  | "<" | ">" | "<=" | ">=" | "==" | "!="
  | "<<" | ">>"
  | "+" | "-" | "*" | "/" | "%" | "**";

interface Typed {
  /** Set by check-types. */
  type?: Type;
}

/**
 * Set by check-symbols on an update (`=`, `+=`, `++`, `--`) of a metric declared with `exemplar`: per exemplar
 * name, in declaration order, the capture or json/logfmt field that may bind it at this update.
 */
export interface ExemplarSources {
  exemplars?: (CaprefSymbol | FieldSymbol)[];
}

export interface BinaryExpr extends Typed, ExemplarSources {
  kind: "BinaryExpr";
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  pos: Pos;
}

export interface UnaryExpr extends Typed, ExemplarSources {
  kind: "UnaryExpr";
  /** `~` bitwise not, `!` logical not, `neg` unary minus, `++`/`--` postfix. */
  op: "~" | "!" | "neg" | "++" | "--";
  expr: Expr;
  pos: Pos;
}

export interface IndexedExpr extends Typed {
  kind: "IndexedExpr";
  id: IdTerm;
  index: Expr[];
  pos: Pos;
}

export interface IdTerm extends Typed {
  kind: "IdTerm";
  name: string;
  pos: Pos;
  /** Set by check-symbols. */
  symbol?: MetricSymbol | PatternSymbol;
}

export interface CaprefTerm extends Typed {
  kind: "CaprefTerm";
  name: string;
  named: boolean;
  pos: Pos;
  /** Set by check-symbols. */
  symbol?: CaprefSymbol;
}

/**
 * A field of a parsed record: `$name` inside a json/logfmt block, `$a.b.c`, `$"user-agent"`. The parser makes one
 * for every path or quoted key; check-symbols turns a `$name` that resolves to a record into one.
 */
export interface FieldTerm extends Typed {
  kind: "FieldTerm";
  /** Keys from the record down (one key for logfmt, whose keys may contain dots). */
  path: string[];
  pos: Pos;
  /** Set by check-symbols. */
  symbol?: FieldSymbol;
}

export type RecordFormat = "json" | "logfmt";

/** `json`, `logfmt` (the whole line; arg null) or `json(expr)`, `logfmt(expr)`: true when the text parses. */
export interface RecordExpr extends Typed {
  kind: "RecordExpr";
  format: RecordFormat;
  arg: Expr | null;
  pos: Pos;
  /** Set by check-symbols: the record this expression opens. */
  symbol?: RecordSymbol;
}

export interface StringLit extends Typed {
  kind: "StringLit";
  text: string;
  pos: Pos;
}

export interface IntLit extends Typed {
  kind: "IntLit";
  value: number;
  text: string;
  pos: Pos;
}

export interface FloatLit extends Typed {
  kind: "FloatLit";
  value: number;
  text: string;
  pos: Pos;
}

export interface PatternLit {
  kind: "PatternLit";
  pattern: string;
  pos: Pos;
}

/** A regular expression made of literals and `const` fragments; `pattern` and `index` are set by check-symbols. */
export interface PatternExpr extends Typed {
  kind: "PatternExpr";
  parts: (PatternLit | IdTerm)[];
  pos: Pos;
  pattern?: string;
  /** Index of the compiled regex in the program's regex table. */
  index?: number;
  /** Capture group names by index (index 0 is the whole match); "" for unnamed groups. */
  groupNames?: string[];
  /** RE2 group numbers (from 1) some capture reference reads; set by check-symbols. */
  usedGroups?: Set<number>;
  /** Index in the JS match array of each RE2 group read (unread groups do not capture); set by compile. */
  jsGroup?: number[];
  /** Whether the regex has a faster twin for lines without astral characters (see RegexTranslation.bmpSource). */
  hasBmpTwin?: boolean;
}

export interface BuiltinExpr extends Typed {
  kind: "BuiltinExpr";
  name: string;
  args: Expr[];
  pos: Pos;
}

/** Inserted by check-types where mtail converts implicitly (int to float, number to string, ...). */
export interface ConvExpr extends Typed {
  kind: "ConvExpr";
  expr: Expr;
  pos: Pos;
}

export type Expr =
  | BinaryExpr
  | UnaryExpr
  | IndexedExpr
  | IdTerm
  | CaprefTerm
  | FieldTerm
  | RecordExpr
  | StringLit
  | IntLit
  | FloatLit
  | PatternExpr
  | BuiltinExpr
  | ConvExpr;

/** A declared metric. */
export interface MetricSymbol {
  kind: "metric";
  name: string;
  decl: VarDecl;
  used: boolean;
  /** The value type, a type variable until inferred. */
  type: Type;
  /** Index of the metric handle in the program's metric table. */
  index: number;
}

/** A `const` regular expression fragment. */
export interface PatternSymbol {
  kind: "pattern";
  name: string;
  decl: PatternFragment;
  used: boolean;
}

/** A capture group of a regular expression visible in the current scope. */
export interface CaprefSymbol {
  kind: "capref";
  name: string;
  pattern: PatternExpr;
  group: number;
  type: Type;
}

export interface DecoSymbol {
  kind: "decorator";
  name: string;
  decl: DecoDecl;
  used: boolean;
}

/** A record a json/logfmt condition parses; its fields are visible in the condition's blocks. */
export interface RecordSymbol {
  kind: "record";
  format: RecordFormat;
  /** Index of the record in the program (one local per record site in the generated code). */
  index: number;
  expr: RecordExpr;
}

/** A field of a record, by path. */
export interface FieldSymbol {
  kind: "field";
  record: RecordSymbol;
  path: string[];
  /**
   * Index of the path in the program's field table (CompiledProgram.fields): the runtime maps it to the slot
   * its scanner fills.
   */
  index: number;
}
