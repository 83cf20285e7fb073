// Pass 1: expands decorators. Each `@name { ... }` gets a private copy of `def name`'s body in which the single
// `next` stands for the decorated block, so later passes and codegen see plain nested blocks (as mtail inlines
// decorators). Reports unknown decorators, and `next` missing, repeated or outside a `def`.

import type { DecoDecl, NextStmt, Pos, Stmt, StmtList } from "./ast.js";
import type { DiagnosticList } from "./diagnostics.js";
import { countNodes } from "./check-depth.js";

/**
 * Most statement and expression nodes the expansion may copy in one program. Decorators that use another twice
 * double the program at every level (30 such levels would be 2^30 copies); no real program comes near this.
 */
export const MAX_EXPANDED_NODES = 100_000;

// Node kinds whose grammar rule starts with mtail's `mark_pos` marker.
const MARKED = new Set(["PatternLit", "BuiltinExpr", "DelStmt", "DecoStmt", "DecoDecl"]);

/**
 * Where mtail reports a decorator declaration: its parser records the position of the last marked construct
 * parsed (a regex, a builtin call, `del`, `@deco`, `otherwise`), which for a `def` is usually inside its body.
 */
function markedPos(decl: DecoDecl): Pos {
  let best: Pos = decl.pos;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as { kind?: string; pos?: Pos; otherwise?: boolean };
    if (n.pos !== undefined && ((n.kind !== undefined && MARKED.has(n.kind)) || n.otherwise === true)) {
      if (n.pos.line > best.line || (n.pos.line === best.line && n.pos.col > best.col)) best = n.pos;
    }
    for (const [k, v] of Object.entries(n)) if (k !== "pos" && k !== "namePos") visit(v);
  };
  visit(decl.block);
  return best;
}

/**
 * Expands every decoration in `root` in place; returns the declarations with whether each was used, and whether
 * the expansion stopped at MAX_EXPANDED_NODES (later passes then have nothing worth checking).
 */
export function expandDecorators(root: StmtList, diags: DiagnosticList): Map<DecoDecl, boolean> & { tooLarge?: boolean } {
  const defs = new Map<string, DecoDecl>();
  const used: Map<DecoDecl, boolean> & { tooLarge?: boolean } = new Map<DecoDecl, boolean>();
  /** Size of each declaration's body with its own decorations expanded, measured once. */
  const sizes = new Map<DecoDecl, number>();
  let copied = 0;

  const countNext = (list: StmtList, found: NextStmt[]): void => {
    for (const s of list.body) {
      if (s.kind === "NextStmt") found.push(s);
      else if (s.kind === "CondStmt") {
        countNext(s.truth, found);
        if (s.else !== null) countNext(s.else, found);
      } else if (s.kind === "DecoStmt") countNext(s.block, found);
    }
  };

  const walk = (list: StmtList, inDef: boolean): void => {
    for (const s of list.body) visit(s, inDef);
  };

  const visit = (s: Stmt, inDef: boolean): void => {
    switch (s.kind) {
      case "DecoDecl": {
        if (defs.has(s.name)) {
          diags.add(s.pos, `Redeclaration of decorator \`@${s.name}' previously declared at line ${defs.get(s.name)?.pos.line}.`);
          return;
        }
        const nexts: NextStmt[] = [];
        countNext(s.block, nexts);
        if (nexts.length === 0) {
          diags.add(markedPos(s), `No \`next' statement found in decorator \`@${s.name}'.\n\tTry adding a \`next' statement inside the \`{}' block.`);
        } else if (nexts.length > 1) {
          diags.add((nexts[1] as NextStmt).pos, "Can't use `next' statement twice in a decorator.");
        }
        walk(s.block, true);
        defs.set(s.name, s);
        used.set(s, false);
        return;
      }
      case "DecoStmt": {
        walk(s.block, inDef);
        const decl = defs.get(s.name);
        if (decl === undefined) {
          diags.add(s.pos, `Decorator \`@${s.name}' is not defined.\n\tTry adding a definition \`def ${s.name} {}' earlier in the program.`);
          // Still check the block itself, so its own errors are reported too.
          s.expanded = s.block;
          return;
        }
        used.set(decl, true);
        let size = sizes.get(decl);
        if (size === undefined) sizes.set(decl, (size = countNodes(decl.block)));
        copied += size;
        if (copied > MAX_EXPANDED_NODES) {
          // Reported once: every later use of a decorator would repeat it.
          if (used.tooLarge !== true) diags.add(s.pos, `Expanding decorator \`@${s.name}' here makes the program larger than ${MAX_EXPANDED_NODES} nodes.`);
          used.tooLarge = true;
          s.expanded = s.block;
          return;
        }
        const copy = structuredClone(decl.block) as StmtList;
        const nexts: NextStmt[] = [];
        countNext(copy, nexts);
        if (nexts.length >= 1) (nexts[0] as NextStmt).block = s.block;
        s.expanded = copy;
        return;
      }
      case "NextStmt":
        if (!inDef) diags.add(s.pos, "Can't use `next' outside of a decorator.");
        return;
      case "CondStmt":
        walk(s.truth, inDef);
        if (s.else !== null) walk(s.else, inDef);
        return;
      case "BeginStmt":
        walk(s.block, inDef);
        return;
      default:
        return;
    }
  };

  walk(root, false);
  return used;
}
