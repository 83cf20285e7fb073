// Finds a literal that every match of a translated regex must contain, so generated code can test
// `line.includes(lit)` before running the regex (most lines fail the cheap test). Reads translateRegex's JavaScript
// output, where (?i) is already expanded into classes. Sound first: null whenever it is unsure. Imports nothing.

/**
 * The longest run of characters every match of `new RegExp(source, flags)` must contain (from its first letter or
 * digit, when that leaves `minLength`), or null.
 */
export function requiredLiteral(source: string, flags = "", minLength = 3): string | null {
  // `i` folds case, so no run is fixed; `v` has nested classes this scanner does not follow.
  if (flags.includes("i") || flags.includes("v")) return null;
  // Defensive: an inline (?i) means an RE2 source came here untranslated (JavaScript groups like (?i:...) are
  // skipped whole below anyway).
  if (/\(\?[a-zA-Z-]*i/.test(source)) return null;
  let best = "";
  let run = "";
  const endRun = (): void => {
    // Start at the first letter or digit when enough is left: includes() scans for the literal's first
    // character, and spaces and punctuation occur all over a log line (many-rules benchmark, 1M lines, CPU:
    // "]: Accepted " 3.1 s -> "Accepted " 2.3-2.6 s).
    const from = run.search(/[A-Za-z0-9]/);
    const candidate = from > 0 && run.length - from >= minLength ? run.slice(from) : run;
    if (candidate.length > best.length) best = candidate;
    run = "";
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === "|") return null; // top-level alternation: no single required literal
    if (c === "(" || c === "[") {
      // A group or class matches something we do not track (it may even be empty or zero-width).
      endRun();
      i = c === "(" ? skipGroup(source, i) : skipClass(source, i);
      if (i < 0) return null;
      i = skipQuantifier(source, i).next;
      continue;
    }
    let lit: string | null = null;
    let next = i + 1;
    if (c === "\\") {
      const e = source[i + 1];
      next = i + 2;
      if (e === undefined || (e >= "0" && e <= "9") || e === "k") return null; // backreference or octal
      if (isSurrogate(e)) lit = null;
      else if (!/[A-Za-z]/.test(e)) lit = e; // \. \[ \/ \- ... stand for the character itself
      else if (e === "u" && source[next] === "{") next = hexEnd(source, next + 1, 1, 6, "}");
      else if (e === "u") next = hexEnd(source, next, 4, 4, "");
      else if (e === "x") next = hexEnd(source, next, 2, 2, "");
      else if (e === "c") next = /[A-Za-z]/.test(source[next] ?? "") ? next + 1 : -1;
      else if ((e === "p" || e === "P") && source[next] === "{") {
        next = source.indexOf("}", next) + 1;
        if (next === 0) return null;
      }
      // Any other letter (\d \S \w \b \t \n ...) is a class, an assertion or a control: it ends the run.
      if (next < 0) return null;
    } else if (c === ")" || c === "*" || c === "+" || c === "?" || c === "{") {
      return null; // unbalanced or a quantifier out of place: we lost track, so give up rather than guess
    } else if (c !== "." && c !== "^" && c !== "$" && !isSurrogate(c)) {
      // Surrogates end the run: under `u` a quantifier after a pair covers both halves, so a lone half is unsafe.
      lit = c;
    }
    const q = skipQuantifier(source, next);
    if (lit === null || q.min === 0) {
      endRun(); // not a fixed character, or an optional one
    } else if (q.quantified) {
      run += lit; // required at least once, but what follows is not adjacent to its first copy
      endRun();
    } else {
      run += lit;
    }
    i = q.next;
  }
  endRun();
  return best.length >= minLength ? best : null;
}

function isSurrogate(c: string): boolean {
  const u = c.charCodeAt(0);
  return u >= 0xd800 && u <= 0xdfff;
}

/** Index after `min`..`max` hex digits at `i` followed by `close` (may be ""), or -1. */
function hexEnd(s: string, i: number, min: number, max: number, close: string): number {
  let j = i;
  while (j < s.length && j - i < max && /[0-9A-Fa-f]/.test(s[j]!)) j++;
  if (j - i < min || !s.startsWith(close, j)) return -1;
  return j + close.length;
}

/** Index after the group opening at `i` (nested groups, classes and escapes skipped), or -1. */
function skipGroup(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "[") {
      i = skipClass(s, i) - 1;
      if (i < 0) return -1;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index after the class opening at `i`, or -1. JavaScript rules: the first unescaped `]` closes it (`[]`, `[^]`). */
function skipClass(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === "\\") j++;
    else if (c === "]") return j + 1;
  }
  return -1;
}

/** The quantifier at `i`, if any: its minimum count and the index after it (and after a lazy `?`). */
function skipQuantifier(s: string, i: number): { min: number; quantified: boolean; next: number } {
  const c = s[i];
  let min = 1;
  let next = i;
  if (c === "*" || c === "?") {
    min = 0;
    next = i + 1;
  } else if (c === "+") next = i + 1;
  else if (c === "{") {
    const m = /^\{(\d+)(,\d*)?\}/.exec(s.slice(i, i + 32));
    if (m === null) return { min: 1, quantified: false, next: i }; // not a quantifier: the caller gives up on "{"
    min = Number(m[1]);
    next = i + m[0].length;
  } else return { min: 1, quantified: false, next: i };
  if (s[next] === "?") next++;
  return { min, quantified: true, next };
}
