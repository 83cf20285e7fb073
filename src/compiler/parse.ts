// Parses mtail source with the parser generated from grammar/mtail.peggy, turning a syntax error into a
// Diagnostic with mtail-style wording. Imports only the AST and diagnostics.

import { parse as peggyParse, SyntaxError as PeggySyntaxError } from "./generated/parser.js";
import type { StmtList } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";

/**
 * How deep blocks, brackets and unary operators may nest before the parse stops with a located error. Each level
 * costs the parser a dozen stack frames: 250 levels of the costliest kind (`string(` calls) parse with room to
 * spare on Node's default stack, 500 did not.
 */
export const MAX_NESTING = 250;

/** The program tree, or the syntax error that stopped the parse. */
export function parseProgram(source: string): { ast: StmtList } | { error: Diagnostic } {
  try {
    return { ast: peggyParse(source, { maxNesting: MAX_NESTING }) as StmtList };
  } catch (e) {
    if (e instanceof RangeError) {
      // A safety net: the nesting bound above should stop any parse before the stack runs out.
      return { error: { pos: { line: 1, col: 1, endLine: 1, endCol: 1 }, message: "syntax error: the program nests too deeply to parse." } };
    }
    if (e instanceof PeggySyntaxError) {
      const s = e.location.start;
      // Errors raised by the grammar's own checks (nesting depth) carry their full message.
      if (e.expected === null) {
        return { error: { pos: { line: s.line, col: s.column, endLine: s.line, endCol: s.column }, message: e.message } };
      }
      const found = e.found === null ? "end of file" : JSON.stringify(e.found);
      // An unterminated string or regex is reported where it starts, as mtail's lexer does.
      const col = e.found === "\n" ? unterminatedStart(source, s.offset) ?? s.column : s.column;
      return {
        error: {
          pos: { line: s.line, col, endLine: s.line, endCol: col },
          message: `syntax error: unexpected ${found}.${hintFor(source, s.offset)}`,
        },
      };
    }
    throw e;
  }
}

/** A hint for the commonest mistakes, judged from the text around the error. */
function hintFor(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const opens = (before.match(/\{/g) ?? []).length - (before.match(/\}/g) ?? []).length;
  if (offset >= source.length && opens > 0) return "\n\tA block is missing its closing `}'.";
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = source.slice(lineStart, source.indexOf("\n", offset) < 0 ? undefined : source.indexOf("\n", offset));
  if ((line.match(/\//g) ?? []).length % 2 === 1) return "\n\tA regular expression is missing its closing `/'.";
  if ((line.match(/"/g) ?? []).length % 2 === 1) return "\n\tA string is missing its closing `\"'.";
  return "";
}

/** Column of the quote or slash that opens an unterminated string or regex on the line ending at `offset`. */
function unterminatedStart(source: string, offset: number): number | null {
  const lineStart = source.lastIndexOf("\n", offset - 1) + 1;
  const line = source.slice(lineStart, offset);
  let open: number | null = null;
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== "") {
      if (c === "\\") i++;
      else if (c === quote) {
        quote = "";
        open = null;
      }
    } else if (c === "#") break;
    else if (c === "\"") {
      quote = c;
      open = i;
    }
  }
  return open === null ? null : open + 1;
}
