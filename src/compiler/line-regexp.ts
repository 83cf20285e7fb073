// The objects generated code matches with, built from a RegexPlan (regex-engine.ts) when a program is linked:
// exec() returns a RegExp-style match array whichever engine runs the pattern, and replaceLiteral() is subst().
// Imports RE2JS (a JavaScript port of RE2) and ./regex-engine.js types only.

import { createRequire } from "node:module";
import type { RE2JS } from "re2js";
import type { RegexPlan } from "./regex-engine.js";

// RE2JS is loaded on first use: most programs never need it, and loading it at start-up cost a one-shot run of
// the apache benchmark CPU time and ~7 MB of RSS.
let re2js: typeof RE2JS | undefined;
function loadRe2js(): typeof RE2JS {
  return (re2js ??= (createRequire(import.meta.url)("re2js") as { RE2JS: typeof RE2JS }).RE2JS);
}

/** What a compiled program calls to match: RegExp's exec (match array, groups as the plan keeps them). */
export interface LineRegExp {
  exec(text: string): RegExpExecArray | null;
}

/** What subst() calls: Go's Regexp.ReplaceAllLiteralString. */
export interface SubstRegExp {
  replaceLiteral(value: string, replacement: string): string;
}

/**
 * Texts longer than this many UTF-16 units go to RE2JS even for a pattern V8 runs: once V8's linear-time fallback
 * takes over it keeps a copy of its threads' state per position, so its memory grows with the text (a 1 MiB line
 * against /(x+x+)+y/: 5.4 s and 550 MB peak RSS; 16 KiB: ~0.1 s and +6 MB), where RE2JS stays flat (1.3 s and
 * +6 MB for the 1 MiB line). Log lines this long are rare; for them RE2JS's slower matching (about 20x V8's on an
 * Apache line) costs less than the risk.
 */
export const LONG_TEXT = 8192;

/** Why RE2JS cannot compile `pattern` (RE2 syntax), or null when it can (the compiler asks for "re2" plans). */
export function re2CompileError(pattern: string): string | null {
  try {
    compileRe2(pattern);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The matcher for `plan`; `bmp` picks the twin for text without surrogates (plan.bmpSource). */
export function buildLineRegExp(plan: RegexPlan, bmp = false): LineRegExp {
  if (plan.engine === "re2") return new Re2Matcher(plan);
  return new GuardedRegExp(new RegExp(bmp ? plan.bmpSource : plan.source, plan.flags), plan);
}

/** The subst() twin of `plan`'s matcher. */
export function buildSubstRegExp(plan: RegexPlan): SubstRegExp {
  if (plan.engine === "re2") return new Re2Matcher(plan);
  return new GuardedRegExp(new RegExp(plan.source, plan.flags + "g"), plan);
}

/**
 * The subst() twin of `plan`'s matcher, built on the first subst() call: few patterns are ever given to subst(), and
 * building a global RegExp for each of them cost a program of 37,000 patterns 5% of its load.
 */
export function lazySubstRegExp(plan: RegexPlan): SubstRegExp {
  let built: SubstRegExp | undefined;
  return { replaceLiteral: (value, replacement) => (built ??= buildSubstRegExp(plan)).replaceLiteral(value, replacement) };
}

/** V8 for texts up to LONG_TEXT, RE2JS (compiled on first use) beyond. */
class GuardedRegExp implements LineRegExp, SubstRegExp {
  private long: (LineRegExp & SubstRegExp) | undefined;

  constructor(
    private readonly re: RegExp,
    private readonly plan: RegexPlan,
    private readonly longText = LONG_TEXT,
  ) {}

  exec(text: string): RegExpExecArray | null {
    return text.length <= this.longText ? this.re.exec(text) : this.longMatcher().exec(text);
  }

  replaceLiteral(value: string, replacement: string): string {
    if (value.length > this.longText) return this.longMatcher().replaceLiteral(value, replacement);
    this.re.lastIndex = 0;
    // `$` in a String#replace replacement is special; "$$" is a literal "$".
    return value.replace(this.re, replacement.replaceAll("$", "$$$$"));
  }

  /** RE2JS for long texts; should it refuse the pattern (it never did on regex-cases.ts), V8 keeps them. */
  private longMatcher(): LineRegExp & SubstRegExp {
    if (this.long === undefined) {
      try {
        this.long = new Re2Matcher(this.plan);
      } catch {
        this.long = new GuardedRegExp(this.re, this.plan, Infinity);
      }
    }
    return this.long;
  }
}

/** RE2JS behind RegExp's exec shape: the match, then the kept groups (undefined when a group took no part). */
class Re2Matcher implements LineRegExp, SubstRegExp {
  private readonly re: RE2JS;
  private readonly groups: readonly number[];

  constructor(plan: RegexPlan) {
    this.re = compileRe2(plan.pattern);
    this.groups = plan.keptGroups;
  }

  exec(text: string): RegExpExecArray | null {
    const m = this.re.matcher(text);
    if (!m.find()) return null;
    const out = [m.group(0) as string] as unknown as RegExpExecArray;
    for (const g of this.groups) out.push((m.group(g) ?? undefined) as string);
    out.index = m.start();
    out.input = text;
    return out;
  }

  replaceLiteral(value: string, replacement: string): string {
    return this.re.matcher(value).replaceAll(() => replacement);
  }
}

/**
 * RE2JS for an RE2 pattern as mtail accepts it. Group names are dropped first (groups are matched by number here,
 * names come from the translator): Go's regexp, as mtail 3.0.0~rc50 was built, accepts a name twice, RE2JS refuses.
 */
function compileRe2(pattern: string): RE2JS {
  return loadRe2js().compile(withoutGroupNames(pattern));
}

/** `pattern` with `(?P<name>` and `(?<name>` turned into `(`; escapes, `\Q...\E` and classes are skipped over. */
export function withoutGroupNames(pattern: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      if (pattern.startsWith("\\Q", i)) {
        const end = pattern.indexOf("\\E", i + 2);
        const stop = end < 0 ? pattern.length : end + 2;
        out += pattern.slice(i, stop);
        i = stop;
        continue;
      }
      out += pattern.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "[") {
      const stop = classEnd(pattern, i);
      out += pattern.slice(i, stop);
      i = stop;
      continue;
    }
    const named = c === "(" ? /^\(\?P?<[A-Za-z0-9_]*>/.exec(pattern.slice(i, i + 72)) : null;
    if (named !== null) {
      out += "(";
      i += named[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** The index after the class opening at `start` (Go's rules: a leading `]` is literal, `[:name:]` is one item). */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "]") return i + 1;
    if (c === "\\") i += 2;
    else if (pattern.startsWith("[:", i) && pattern.indexOf(":]", i + 2) >= 0) i = pattern.indexOf(":]", i + 2) + 2;
    else i++;
  }
  return pattern.length;
}
