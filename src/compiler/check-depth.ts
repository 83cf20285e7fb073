// Pass 0 (before decorators are expanded): mtail's --max_recursion_depth. A tree nested deeper than the limit is
// a located compile error, so no later pass recurses that deep. Walks with an explicit stack: it must not itself
// run out of stack on the trees it rejects. Imports only the AST and diagnostics.

import type { Pos, StmtList } from "./ast.js";
import type { DiagnosticList } from "./diagnostics.js";

/** mtail's default --max_recursion_depth. */
export const DEFAULT_MAX_RECURSION_DEPTH = 100;

interface Node {
  kind: string;
  pos: Pos;
}

/** Fields that hold annotations or links back into the tree, not children. */
const NOT_CHILDREN = new Set(["pos", "namePos", "expiryPos", "symbol", "type", "expanded"]);

/**
 * Levels mtail counts for a node beyond the node itself (measured with mtail 3.0.0~rc50 --compile_only): a
 * builtin call and an index hold their arguments in a list node of their own, a condition that is a bare regex
 * is a match against the line, and an expression statement is its expression (no node of its own).
 */
function extraLevels(node: Node, parent: Node | null): number {
  if (node.kind === "ExprStmt") return -1;
  if (node.kind === "BuiltinExpr" || node.kind === "IndexedExpr") return 1;
  if (node.kind === "PatternExpr" && parent?.kind === "CondStmt") return 1;
  return 0;
}

/**
 * The child nodes of `node` in program order, found generically (any field holding nodes or lists of nodes),
 * so syntax added to the grammar is counted without changes here.
 */
function children(node: Node): Node[] {
  const out: Node[] = [];
  // for-in rather than Object.entries(): no array per field (a 1 MB program has a few hundred thousand nodes).
  const fields = node as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (NOT_CHILDREN.has(key)) continue;
    const value = fields[key];
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) out.push(v);
    } else if (isNode(value)) {
      out.push(value);
    }
  }
  return out;
}

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as { kind?: unknown }).kind === "string" && "pos" in v;
}

/**
 * Reports the first node (in program order) nested deeper than `maxDepth`, counting as mtail does: the program
 * is level 1 and every node one level below its parent. Returns whether the tree is within the limit.
 */
export function checkDepth(root: StmtList, diags: DiagnosticList, maxDepth = DEFAULT_MAX_RECURSION_DEPTH): boolean {
  const stack: { node: Node; parent: Node | null; depth: number }[] = [{ node: root, parent: null, depth: 1 }];
  while (stack.length > 0) {
    const { node, parent, depth: parentDepth } = stack.pop()!;
    const depth = parentDepth + extraLevels(node, parent);
    if (depth > maxDepth) {
      diags.add(node.pos, `Expression exceeded maximum recursion depth of ${maxDepth}.`);
      return false;
    }
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i] as Node, parent: node, depth: depth + 1 });
  }
  return true;
}

/**
 * The deepest node of a tree that may include expanded decorators, found without recursion: where a later pass
 * ran out of stack, this is where to report it.
 */
export function deepestNode(root: StmtList): { pos: Pos; depth: number } {
  let best = { pos: root.pos, depth: 1 };
  const seen = new Set<Node>();
  const stack: { node: Node; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (depth > best.depth) best = { pos: node.pos, depth };
    for (const k of expandedChildren(node)) stack.push({ node: k, depth: depth + 1 });
  }
  return best;
}

/** Children including what decorator expansion attached (a decoration's copy, the block a `next` stands for). */
function expandedChildren(node: Node): Node[] {
  const out = children(node);
  const n = node as { expanded?: unknown; block?: unknown; kind: string };
  if (n.kind === "DecoStmt" && isNode(n.expanded)) out.push(n.expanded);
  return out;
}

/**
 * Number of distinct nodes reachable from `root`, expanded decorators included (what structuredClone copies:
 * expansion shares blocks between copies), counted without recursion.
 */
export function countNodes(root: StmtList): number {
  const seen = new Set<Node>();
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const k of expandedChildren(node)) stack.push(k);
  }
  return seen.size;
}
