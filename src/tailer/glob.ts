// Glob patterns of --logs (`*`, `?`, `[...]`, `**`) compiled once into an anchored RegExp plus the directory to watch.
// Pure functions; no file system access.
import { resolve, sep } from "node:path";

/** A compiled --logs pattern. */
export interface CompiledGlob {
  /** The absolute pattern, as given after path.resolve. */
  readonly pattern: string;
  /** Whether the pattern has wildcards (a plain path is followed even before it exists). */
  readonly isGlob: boolean;
  /** Deepest directory without wildcards: the one to watch. */
  readonly base: string;
  /** Directory levels below `base` a match can be at (Infinity with `**`). */
  readonly depth: number;
  /** Matches absolute paths. */
  readonly regex: RegExp;
}

const META = /[*?[]/;

/** Compiles `pattern` (relative patterns are resolved against the current directory). */
export function compileGlob(pattern: string): CompiledGlob {
  const abs = resolve(pattern);
  const parts = abs.split(sep);
  const firstGlob = parts.findIndex((p) => META.test(p));
  if (firstGlob < 0) {
    return { pattern: abs, isGlob: false, base: parts.slice(0, -1).join(sep) || sep, depth: 0, regex: exact(abs) };
  }
  const base = parts.slice(0, firstGlob).join(sep) || sep;
  const rest = parts.slice(firstGlob);
  const depth = rest.includes("**") ? Infinity : rest.length - 1;
  let re = escape(base === sep ? "" : base);
  for (let i = 0; i < rest.length; i++) {
    const part = rest[i];
    // `**` as a whole segment spans zero or more directories: a/**/b matches a/b, a/x/b, a/x/y/b.
    if (part === "**") re += i === rest.length - 1 ? "/.*" : "(?:/[^/]+)*";
    else re += "/" + translateSegment(part);
  }
  return { pattern: abs, isGlob: true, base, depth, regex: new RegExp(`^${re}$`) };
}

function exact(path: string): RegExp {
  return new RegExp(`^${escape(path)}$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

// One path segment: `*` and `?` never cross '/', `[abc]`/`[!a-z]` are classes, anything else is literal.
function translateSegment(seg: string): string {
  let out = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const close = seg.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      let body = seg.slice(i + 1, close);
      if (body[0] === "!" || body[0] === "^") body = "^" + body.slice(1);
      out += "[" + body.replace(/\\/g, "\\\\") + "]";
      i = close;
    } else out += escape(c);
  }
  return out;
}
