// Compile errors for people: `file:line:col: message`, the source line, and a caret under the offending range.
// All errors of a program are collected and reported together. Imports only the AST position type.

import type { Pos } from "./ast.js";

/** One compile error at a position in a program. */
export interface Diagnostic {
  pos: Pos;
  message: string;
}

/** Collects diagnostics for one program, dropping exact duplicates (a decorator body checked twice). */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  add(pos: Pos, message: string): void {
    const key = `${pos.line}:${pos.col}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ pos, message });
  }

  get length(): number {
    return this.items.length;
  }
}

/** UTF-8 length of the first `chars` UTF-16 units of `text`. */
function byteLength(text: string, chars: number): number {
  return Buffer.byteLength(text.slice(0, chars), "utf8");
}

/**
 * Formats a position as mtail does: `file:line:col` or `file:line:col-endcol`. mtail counts columns in bytes,
 * so with the source lines given, columns are converted from characters to UTF-8 bytes.
 */
export function formatPos(file: string, pos: Pos, lines?: readonly string[]): string {
  let col = pos.col;
  let endCol = pos.endCol;
  const text = lines?.[pos.line - 1];
  if (text !== undefined) {
    col = byteLength(text, pos.col - 1) + 1;
    if (pos.endLine === pos.line) endCol = byteLength(text, pos.endCol);
  }
  const base = `${file}:${pos.line}:${col}`;
  return pos.endLine === pos.line && endCol > col ? `${base}-${endCol}` : base;
}

/** Longest source line shown whole under a diagnostic; longer ones are cut to a window this wide. */
const EXCERPT_MAX = 160;
/** Characters of a cut line shown before the error's column. */
const EXCERPT_BEFORE = 40;

/** Renders every diagnostic: location and message, then the source line and a caret line. */
export function formatDiagnostics(file: string, source: string, diagnostics: readonly Diagnostic[]): string {
  const lines = source.split("\n");
  const out: string[] = [];
  for (const d of diagnostics) {
    out.push(`${formatPos(file, d.pos, lines)}: ${d.message}`);
    const text = lines[d.pos.line - 1];
    if (text === undefined) continue;
    let clean = text.replace(/\r$/, "");
    let col = d.pos.col;
    let width = d.pos.endLine === d.pos.line ? Math.max(1, d.pos.endCol - d.pos.col + 1) : Math.max(1, clean.length - d.pos.col + 1);
    // A very long line (a generated or hostile program) is shown as a window around the error, not whole.
    if (clean.length > EXCERPT_MAX) {
      const start = Math.max(0, col - 1 - EXCERPT_BEFORE);
      const cut = clean.slice(start, start + EXCERPT_MAX);
      clean = (start > 0 ? "..." : "") + cut + (start + EXCERPT_MAX < clean.length ? "..." : "");
      col = col - start + (start > 0 ? 3 : 0);
      width = Math.min(width, EXCERPT_MAX - (col - 1));
    }
    out.push(`    ${clean}`);
    // Keep tabs so the caret lines up under the same columns in a terminal.
    const pad = clean.slice(0, col - 1).replace(/[^\t]/g, " ");
    out.push(`    ${pad}${"^".repeat(Math.max(1, width))}`);
  }
  return out.join("\n");
}
