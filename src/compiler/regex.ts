// Translates an RE2 pattern, as mtail programs write them (Go regexp/syntax, Perl flavour), into an equivalent
// JavaScript RegExp source and flags, or rejects what has no equivalent with Go's wording and the offset.
// Imports only the case-folding and RE2 class tables: the compiler calls it once per pattern at load time, never
// per line.

import { PERL_CLASSES, POSIX_CLASSES } from "./re2-classes.js";
import { foldOrbit, foldRanges } from "./regex-fold.js";

/** Successful translation: `new RegExp(source, flags)` matches what RE2 would match. */
export interface RegexTranslation {
  readonly ok: true;
  readonly source: string;
  /** "" normally; "u" only when the pattern needs Unicode properties or astral ranges (see below). */
  readonly flags: string;
  /** groupNames[i] is the name of capture group i + 1, undefined when the group is unnamed. */
  readonly groupNames: (string | undefined)[];
  /**
   * A source (same flags) equivalent to `source` on strings without surrogate code units (no astral character):
   * classes like `.` and `\S` stay single classes, which V8 runs faster than the surrogate-aware alternations.
   * Equal to `source` when the pattern has no such class or uses the `u` flag.
   */
  readonly bmpSource: string;
}

/** Failed translation: a sentence for people and the UTF-16 offset of the offending text in the pattern. */
export interface RegexError {
  readonly ok: false;
  readonly error: string;
  readonly offset: number;
}

/** Options for {@link translateRegex}. */
export interface TranslateOptions {
  /** mtail's --max_regexp_length: longest pattern accepted, in UTF-8 bytes (default 1024, as mtail). */
  readonly maxLength?: number;
  /**
   * The RE2 capture groups (numbered from 1) whose text the program reads; the others are emitted as
   * non-capturing groups, so a match allocates no substring for them (RE2 has no backreferences, so what
   * matches is unchanged). Default: every group captures. JS group numbers then count kept groups only.
   */
  readonly captures?: ReadonlySet<number>;
  /**
   * Emit only what V8's linear-time engine accepts where the plain translation does not: no `u` flag (`\p{...}` and
   * astral ranges become UTF-16 classes and surrogate-pair alternatives) and counted repeats written out (`x{2,4}`
   * as `xx(?:x(?:x)?)?`), since that engine refuses repeat counts above 16. Throws nothing new: a counted repeat of
   * a capturing group cannot be written out (the copies would be new groups), so it stays counted and the caller's
   * linear-time check decides (regex-engine.ts).
   */
  readonly linear?: boolean;
}

/** mtail's default for --max_regexp_length. */
export const DEFAULT_MAX_REGEXP_LENGTH = 1024;

/**
 * Translates an RE2 pattern into a JavaScript RegExp source and flags.
 *
 * Design, for V8's linear-time fallback (--enable-experimental-regexp-engine-on-excessive-backtracks): that engine
 * refuses patterns with the `u` or `i` flags, lookarounds or large counted repeats. So the output avoids them:
 * case-insensitivity (`(?i)`, scoped or not) is expanded into classes (`k` -> `[Kk\u212A]`), `\s` becomes RE2's
 * ASCII `[\t\n\f\r ]`, and the `u` flag is used only when the pattern needs it (`\p{...}`, astral code points
 * in a class). Without `u` the regexp sees UTF-16 code units, so every class that can match a surrogate (`.`,
 * `[^a]`, `\S`) is emitted as "a unit that is not a low surrogate, then an optional low surrogate": it takes a
 * whole emoji as RE2 takes a whole code point, at no measurable cost. `(?m)` anchors use lookarounds (they
 * only differ from `^`/`$` when a line holds a `\n`).
 * Capture groups are emitted unnamed (Go allows names that are not JS identifiers, and duplicates); their names
 * come back in `groupNames`. `(?<name>...)` is accepted as well as Go 1.19's `(?P<name>...)`.
 */
export function translateRegex(re2Source: string, options: TranslateOptions = {}): RegexTranslation | RegexError {
  const maxLength = options.maxLength ?? DEFAULT_MAX_REGEXP_LENGTH;
  const bytes = Buffer.byteLength(re2Source, "utf8");
  if (bytes > maxLength) {
    return {
      ok: false,
      offset: 0,
      error:
        `Exceeded maximum regular expression pattern length of ${maxLength} bytes with ${bytes}. ` +
        "Excessively long patterns are likely to cause compilation and runtime performance problems.",
    };
  }
  const linear = options.linear ?? false;
  try {
    const t = new Translator(re2Source, false, true, options.captures, linear).run();
    const bmp = new Translator(re2Source, false, false, options.captures, linear).run();
    return { ...t, bmpSource: bmp.source };
  } catch (e) {
    if (e === NEEDS_UNICODE) return retryUnicode(re2Source, options.captures);
    if (e instanceof RegexSyntaxError) return { ok: false, error: e.message, offset: e.offset };
    throw e;
  }
}

function retryUnicode(re2Source: string, captures: ReadonlySet<number> | undefined): RegexTranslation | RegexError {
  try {
    return new Translator(re2Source, true, true, captures).run();
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { ok: false, error: e.message, offset: e.offset };
    throw e;
  }
}

class RegexSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Thrown (once) by the non-Unicode pass when the pattern cannot be expressed without the `u` flag. */
const NEEDS_UNICODE = Symbol("needs unicode");

interface Flags {
  readonly i: boolean; // case-insensitive
  readonly m: boolean; // ^ and $ match at line boundaries
  readonly s: boolean; // . matches \n
  readonly U: boolean; // ungreedy: swap x* and x*?
}

/** One translated item of a sequence; quantifiers apply to the last one. */
interface Atom {
  text: string;
  /** Needs (?:...) before a quantifier: assertions, multi-unit literals. */
  wrap: boolean;
  /** Largest product of nested counted-repeat maxima inside (Go caps it at 1000). */
  weight: number;
  /** The empty output of a flag group like (?i): a quantifier after it applies to the atom before, as in Go. */
  flagOnly?: boolean;
  /** Already carries a quantifier (reachable again only across a flag group: a*(?i)* is (a*)*). */
  quantified?: boolean;
  /** Holds a capturing group (linear mode cannot write out a counted repeat of it). */
  captures?: boolean;
}

type Range = [number, number];

const MAX_REPEAT = 1000;
const MAX_NESTING = 1000;
const NAMED_CONTROLS: Record<number, string> = { 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r" };
const MAX_RUNE = 0x10ffff;
const PUNCT_OUTSIDE_CLASS = new Set("^$\\.*+?()[]{}|/");
const PUNCT_INSIDE_CLASS = new Set("\\]^-[");

// Unicode general categories Go knows; anything else after \p is tried as a script name.
const CATEGORIES = new Set(
  "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "),
);

class Translator {
  private pos = 0;
  private readonly groupNames: (string | undefined)[] = [];

  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
    /** Without `u`: make classes that take surrogates take whole surrogate pairs (false: for BMP-only input). */
    private readonly surrogates: boolean,
    private readonly captures: ReadonlySet<number> | undefined,
    /** See TranslateOptions.linear: classes by code point without `u`, counted repeats written out. */
    private readonly linear = false,
  ) {}

  run(): RegexTranslation {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const body = this.parseAlternation(flags, 0).text;
    if (this.pos < this.src.length) {
      // Only a stray ')' stops the top-level alternation early.
      throw this.error("unexpected )", 0, this.pos + 1, this.pos);
    }
    const flagsOut = this.unicode ? "u" : "";
    // Validate: a translation bug must surface here, at load time, with the pattern in the message.
    try {
      new RegExp(body, flagsOut);
    } catch (e) {
      throw new RegexSyntaxError(`Internal error translating the regular expression to JavaScript: ${(e as Error).message}.`, 0);
    }
    return { ok: true, source: body, flags: flagsOut, groupNames: this.groupNames, bmpSource: body };
  }

  /** Go's message shape: "<what>: `<excerpt>`." with the excerpt src[start, end). */
  private error(what: string, start: number, end: number, offset = start): RegexSyntaxError {
    const excerpt = this.src.slice(start, Math.min(end, this.src.length));
    return new RegexSyntaxError(`Error parsing regexp: ${what}: \`${excerpt}\`.`, offset);
  }

  private peek(): number {
    return this.src.codePointAt(this.pos) ?? -1;
  }

  private next(): number {
    const c = this.src.codePointAt(this.pos)!;
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  /** alternation := sequence ('|' sequence)*; returns at ')' or end of input. */
  private parseAlternation(flags: Flags, depth: number): Atom {
    const branches: Atom[] = [this.parseSequence(flags, depth)];
    while (this.peek() === 0x7c /* | */) {
      this.pos++;
      branches.push(this.parseSequence(flags, depth));
    }
    const weight = Math.max(...branches.map((b) => b.weight));
    const text = branches.map((b) => b.text).join("|");
    return { text, wrap: branches.length > 1, weight, captures: branches.some((b) => b.captures === true) };
  }

  /** sequence := (atom quantifier?)*; flag groups like (?i) change `flags` for the rest of it. */
  private parseSequence(outer: Flags, depth: number): Atom {
    let flags = outer;
    const atoms: Atom[] = [];
    while (this.pos < this.src.length) {
      const start = this.pos;
      const c = this.peek();
      if (c === 0x7c /* | */ || c === 0x29 /* ) */) break;
      if (c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && this.tryRepeat(this.pos) !== undefined)) {
        let target = atoms.length - 1;
        while (target >= 0 && atoms[target]!.flagOnly === true) target--;
        const last = atoms[target];
        const op = this.parseQuantifier(flags);
        if (last === undefined) {
          throw this.error("missing argument to repetition operator", start, this.pos);
        }
        // Go rejects a quantifier on a quantifier (a**, a{2}{3}, a*??).
        const after = this.peek();
        if (after === 0x2a || after === 0x2b || after === 0x3f || (after === 0x7b && this.tryRepeat(this.pos) !== undefined)) {
          const s2 = this.pos;
          this.parseQuantifier(flags);
          throw this.error("invalid nested repetition operator", start, this.pos > s2 ? this.pos : s2 + 1);
        }
        // Go also caps the product of nested counted repeats, (a{100}){100}, at 1000.
        let weight = last.weight;
        if (op.counted && op.max !== 0) {
          const m = op.max < 0 ? op.min : op.max;
          if (m > 0) weight *= m;
          if ((op.min >= 2 || op.max >= 2) && weight > MAX_REPEAT) {
            throw this.error("invalid repeat count", op.start, this.pos);
          }
        }
        const base = last.wrap || last.quantified === true ? `(?:${last.text})` : last.text;
        const text = this.linear && op.counted && last.captures !== true ? writeOutRepeat(base, op) : base + op.text;
        atoms[target] = { text, wrap: false, weight, quantified: true, captures: last.captures };
        continue;
      }
      if (c === 0x28 /* ( */ && this.src.startsWith("(?", this.pos)) {
        const changed = this.tryFlagGroup(flags);
        if (changed !== undefined) {
          flags = changed;
          atoms.push({ text: "", wrap: false, weight: 1, flagOnly: true });
          continue;
        }
      }
      if (c === 0x5c /* \ */ && this.src.startsWith("\\Q", this.pos)) {
        this.pos += 2;
        const end = this.src.indexOf("\\E", this.pos);
        const stop = end < 0 ? this.src.length : end;
        while (this.pos < stop) atoms.push(this.literal(this.next(), flags));
        if (end >= 0) this.pos += 2;
        continue;
      }
      atoms.push(this.parseAtom(flags, depth));
    }
    const weight = atoms.reduce((w, a) => Math.max(w, a.weight), 1);
    const text = atoms.map((a) => a.text).join("");
    const nonEmpty = atoms.filter((a) => a.text !== "");
    const captures = atoms.some((a) => a.captures === true);
    return { text, wrap: nonEmpty.length > 1 || (nonEmpty.length === 1 && nonEmpty[0]!.wrap), weight, captures };
  }

  /** Returns the parsed {n,m} at pos without consuming it, or undefined when `{` is a literal there (as in Go). */
  private tryRepeat(at: number): { min: number; max: number; end: number } | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(at, at + 24));
    if (m === null) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
    return { min, max, end: at + m[0].length };
  }

  private parseQuantifier(flags: Flags): { text: string; min: number; max: number; counted: boolean; start: number } {
    const start = this.pos;
    const c = this.next();
    let text: string;
    let min = 0;
    let max = -1;
    let counted = false;
    if (c === 0x7b) {
      const r = this.tryRepeat(start)!;
      this.pos = r.end;
      ({ min, max } = r);
      counted = true;
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
        throw this.error("invalid repeat count", start, this.pos);
      }
      text = max === min ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
    } else {
      text = String.fromCharCode(c);
      if (c === 0x2b) min = 1;
      if (c === 0x3f) max = 1;
    }
    let lazy = false;
    if (this.peek() === 0x3f) {
      this.pos++;
      lazy = true;
    }
    // (?U) swaps the meaning of x* and x*?.
    if (lazy !== flags.U) text += "?";
    return { text, min, max, counted, start };
  }

  /** Parses "(?flags)" (returns new flags) or leaves pos alone and returns undefined for other "(?" groups. */
  private tryFlagGroup(flags: Flags): Flags | undefined {
    const m = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(this.src.slice(this.pos, this.pos + 16));
    if (m === null) return undefined;
    if (m[2] === "") throw this.error("invalid or unsupported Perl syntax", this.pos, this.pos + m[0].length);
    this.pos += m[0].length;
    return applyFlags(flags, m[1]!, m[2] ?? "");
  }

  private parseAtom(flags: Flags, depth: number): Atom {
    const start = this.pos;
    const c = this.next();
    switch (c) {
      case 0x28 /* ( */:
        return this.parseGroup(flags, depth, start);
      case 0x5b /* [ */:
        return this.parseClass(flags, start);
      case 0x2e /* . */: {
        if (this.unicode) return { text: flags.s ? "[^]" : "[^\\n]", wrap: false, weight: 1 };
        const ranges: Range[] = flags.s ? [] : [[0x0a, 0x0a]];
        return { text: this.emitClass({ ranges, props: [], negated: true }), wrap: false, weight: 1 };
      }
      case 0x5e /* ^ */:
        return assertion(flags.m ? "(?<![^\\n])" : "^");
      case 0x24 /* $ */:
        return assertion(flags.m ? "(?![^\\n])" : "$");
      case 0x5c /* \ */:
        return this.parseEscapeAtom(flags, start);
      default:
        return this.literal(c, flags);
    }
  }

  private parseGroup(flags: Flags, depth: number, start: number): Atom {
    // Go 1.19 refuses nesting deeper than 1000; the limit also keeps this recursive parser off the stack's end.
    if (depth >= MAX_NESTING) throw this.error("expression nests too deeply", start, start + 1);
    let capture = true;
    let inner = flags;
    if (this.src.startsWith("?", this.pos)) {
      const named = /^\?P?<([^>]*)>/.exec(this.src.slice(this.pos, this.pos + 64));
      if (named !== null && !this.src.startsWith("?<=", this.pos) && !this.src.startsWith("?<!", this.pos)) {
        const name = named[1]!;
        if (!/^[A-Za-z0-9_]+$/.test(name)) {
          throw this.error("invalid named capture", start, this.pos + named[0].length);
        }
        this.pos += named[0].length;
        this.groupNames.push(name);
      } else {
        const m = /^\?([imsU]*)(?:-([imsU]*))?:/.exec(this.src.slice(this.pos, this.pos + 16));
        if (m === null || m[2] === "") {
          const what = this.src.slice(start, start + (this.src.startsWith("(?P", start) ? 4 : 3));
          const hint = /^\(\?<?[=!]/.test(this.src.slice(start, start + 4))
            ? " (RE2 has no lookahead or lookbehind)"
            : "";
          throw new RegexSyntaxError(
            `Error parsing regexp: invalid or unsupported Perl syntax${hint}: \`${what}\`.`,
            start,
          );
        }
        this.pos += m[0].length;
        inner = applyFlags(flags, m[1]!, m[2] ?? "");
        capture = false;
      }
    } else {
      this.groupNames.push(undefined);
    }
    if (capture && this.captures !== undefined && !this.captures.has(this.groupNames.length)) capture = false;
    const body = this.parseAlternation(inner, depth + 1);
    if (this.peek() !== 0x29) throw this.error("missing closing )", start, this.src.length);
    this.pos++;
    return {
      text: capture ? `(${body.text})` : `(?:${body.text})`,
      wrap: false,
      weight: body.weight,
      captures: capture || body.captures === true,
    };
  }

  private parseEscapeAtom(flags: Flags, start: number): Atom {
    const c = this.peek();
    if (c < 0) throw this.error("trailing backslash at end of expression", start, this.pos);
    switch (String.fromCodePoint(c)) {
      case "A":
        this.pos++;
        return assertion("^");
      case "z":
        this.pos++;
        return assertion("$");
      case "b":
        this.pos++;
        return assertion("\\b");
      case "B":
        this.pos++;
        return assertion("\\B");
    }
    const cls = this.tryClassEscape(start, flags);
    if (cls !== undefined) {
      // JS's own \d \w (and \D \W) are RE2's ASCII ones when no case-folding is involved.
      const letter = this.src[start + 1]!;
      if (!flags.i && "dw".includes(letter)) return { text: "\\" + letter, wrap: false, weight: 1 };
      const set: ClassSet = { ranges: [], props: cls.props, negated: false };
      this.addItem(set, cls.ranges, cls.negated, flags);
      return { text: this.emitClass(set), wrap: false, weight: 1 };
    }
    return this.literal(this.parseEscapeChar(start), flags);
  }

  /** \d \D \s \S \w \W \pL \p{Name} \PL \P{^Name}, with pos just after the backslash. */
  private tryClassEscape(start: number, flags: Flags): ClassSet | undefined {
    const c = this.peek();
    const ch = String.fromCharCode(c);
    const lower = ch.toLowerCase();
    if (lower === "d" || lower === "s" || lower === "w") {
      this.pos++;
      return { ranges: PERL_CLASSES[lower]!.slice(), props: [], negated: ch !== lower };
    }
    if (ch === "p" || ch === "P") {
      this.pos++;
      let name: string;
      if (this.peek() === 0x7b) {
        const end = this.src.indexOf("}", this.pos);
        if (end < 0) throw this.error("invalid character class range", start, this.src.length);
        name = this.src.slice(this.pos + 1, end);
        this.pos = end + 1;
      } else {
        if (this.pos >= this.src.length) throw this.error("invalid character class range", start, this.pos);
        name = String.fromCodePoint(this.next());
      }
      let negated = ch === "P";
      if (name.startsWith("^")) {
        negated = !negated;
        name = name.slice(1);
      }
      const prop = unicodeProperty(name);
      if (prop === undefined) throw this.error("invalid character class range", start, this.pos);
      if (!this.unicode && !this.linear) throw NEEDS_UNICODE;
      if (prop === "any") return { ranges: [[0, MAX_RUNE]], props: [], negated };
      // RE2 case-folds a class under (?i), Unicode classes too (\p{Ll} then takes X and É): the property becomes
      // ranges, which addItem folds (then complements for \P), as it does for any other class. Linear mode has
      // no `u` flag, so the property is always ranges there.
      if (flags.i || this.linear) return { ranges: propertyRanges(prop), props: [], negated };
      return { ranges: [], props: [`\\${negated ? "P" : "p"}{${prop}}`], negated: false };
    }
    return undefined;
  }

  /** A single-character escape (after the backslash), as Go's parseEscape: returns the code point. */
  private parseEscapeChar(start: number): number {
    const c = this.next();
    if (c >= 0x31 && c <= 0x37) {
      // \1..\7 followed by another octal digit is octal; alone it would be a backreference, which RE2 lacks.
      const d = this.peek();
      if (!(d >= 0x30 && d <= 0x37)) {
        throw new RegexSyntaxError(
          `Error parsing regexp: invalid escape sequence: \`${this.src.slice(start, this.pos)}\` (RE2 has no backreferences).`,
          start,
        );
      }
    }
    if (c >= 0x30 && c <= 0x37) {
      let v = c - 0x30;
      for (let k = 0; k < 2; k++) {
        const d = this.peek();
        if (!(d >= 0x30 && d <= 0x37)) break;
        v = v * 8 + (d - 0x30);
        this.pos++;
      }
      return v;
    }
    switch (c) {
      case 0x78 /* x */: {
        if (this.peek() === 0x7b) {
          const m = /^\{([0-9A-Fa-f]+)\}/.exec(this.src.slice(this.pos, this.pos + 12));
          const v = m === null ? NaN : parseInt(m[1]!, 16);
          if (m === null || !(v <= MAX_RUNE)) {
            const close = this.src.indexOf("}", this.pos);
            throw this.error("invalid escape sequence", start, close < 0 ? this.src.length : close + (m === null ? 1 : 0));
          }
          this.pos += m[0].length;
          return v;
        }
        const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.pos, this.pos + 2));
        if (m === null) throw this.error("invalid escape sequence", start, this.pos + 1);
        this.pos += 2;
        return parseInt(m[0], 16);
      }
      case 0x61 /* a */:
        return 7;
      case 0x66 /* f */:
        return 12;
      case 0x6e /* n */:
        return 10;
      case 0x72 /* r */:
        return 13;
      case 0x74 /* t */:
        return 9;
      case 0x76 /* v */:
        return 11;
    }
    // Any ASCII punctuation (not a letter or digit) may be escaped to mean itself.
    if (c < 0x80 && !/[0-9A-Za-z]/.test(String.fromCharCode(c))) return c;
    throw this.error("invalid escape sequence", start, this.pos);
  }

  /** `[...]` with pos after the `[`. */
  private parseClass(flags: Flags, start: number): Atom {
    const set: ClassSet = { ranges: [], props: [], negated: false };
    if (this.peek() === 0x5e) {
      this.pos++;
      set.negated = true;
    }
    let first = true;
    for (;;) {
      if (this.pos >= this.src.length) throw this.error("missing closing ]", start, this.src.length);
      const c = this.peek();
      if (c === 0x5d && !first) {
        this.pos++;
        break;
      }
      first = false;
      const itemStart = this.pos;
      if (c === 0x5b && this.src.startsWith("[:", this.pos)) {
        const end = this.src.indexOf(":]", this.pos + 2);
        if (end >= 0) {
          let name = this.src.slice(this.pos + 2, end);
          const neg = name.startsWith("^");
          if (neg) name = name.slice(1);
          const ranges = POSIX_CLASSES[name];
          if (ranges === undefined) throw this.error("invalid character class range", itemStart, end + 2);
          this.pos = end + 2;
          this.addItem(set, ranges, neg, flags);
          continue;
        }
      }
      if (c === 0x5c) {
        this.pos++;
        const cls = this.tryClassEscape(itemStart, flags);
        if (cls !== undefined) {
          this.addItem(set, cls.ranges, cls.negated, flags);
          set.props.push(...cls.props);
          continue;
        }
        this.pos = itemStart;
      }
      const lo = this.parseClassChar(itemStart);
      let hi = lo;
      if (this.peek() === 0x2d && this.pos + 1 < this.src.length && this.src[this.pos + 1] !== "]") {
        this.pos++;
        hi = this.parseClassChar(this.pos);
        if (hi < lo) throw this.error("invalid character class range", itemStart, this.pos);
      }
      this.addItem(set, [[lo, hi]], false, flags);
    }
    return { text: this.emitClass(set), wrap: false, weight: 1 };
  }

  private parseClassChar(start: number): number {
    if (this.pos >= this.src.length) throw this.error("missing closing ]", start, this.src.length);
    const c = this.next();
    if (c !== 0x5c) return c;
    if (this.pos >= this.src.length) throw this.error("trailing backslash at end of expression", start, this.pos);
    return this.parseEscapeChar(start);
  }

  /** Complement within what this mode can see: code points with `u`, UTF-16 units without. */
  private complement(ranges: readonly Range[]): Range[] {
    const top = this.unicode || this.linear ? MAX_RUNE : 0xffff;
    const sorted = normalize(ranges);
    const out: Range[] = [];
    let next = 0;
    for (const [lo, hi] of sorted) {
      if (lo > next) out.push([next, lo - 1]);
      next = hi + 1;
    }
    if (next <= top) out.push([next, top]);
    return out;
  }

  /** Adds one class item as Go does: case-folded first under (?i), then complemented if negated. */
  private addItem(set: ClassSet, ranges: readonly Range[], negated: boolean, flags: Flags): void {
    const folded = flags.i ? foldRanges(ranges) : ranges;
    addRanges(set, negated ? this.complement(folded) : folded);
  }

  private emitClass(set: ClassSet): string {
    if (this.linear) return this.emitCodePointClass(set);
    const ranges = normalize(set.ranges);
    if (!this.unicode && ranges.some(([, hi]) => hi > 0xffff)) throw NEEDS_UNICODE;
    if (set.props.length === 0 && ranges.length === 1 && ranges[0]![0] === ranges[0]![1] && !set.negated) {
      return this.emitLiteral(ranges[0]![0]);
    }
    if (!this.unicode && this.surrogates && set.props.length === 0) {
      // RE2 matches whole code points. Without `u`, a class that takes any surrogate (., [^a], \S) would take half
      // an emoji, so it takes either a unit that is no surrogate or a whole surrogate pair, never half of one (an
      // optional low surrogate after the high one was not enough: backtracking could leave it out, so /\W*\B/
      // captured half an emoji). Still fine for the linear-time engine. Lone surrogates cannot come from
      // decoded UTF-8, so they match nothing here.
      const matched = set.negated ? this.complement(ranges) : ranges;
      if (matched.some(([lo, hi]) => lo <= 0xd800 && hi >= 0xdfff)) {
        const single = this.complement([...this.complement(matched), [0xd800, 0xdfff]]);
        return `(?:${this.emitClass({ ranges: single, props: [], negated: false })}|[\\ud800-\\udbff][\\udc00-\\udfff])`;
      }
    }
    if (set.props.length === 0 && ranges.length === 0) return set.negated ? "[^]" : "[]";
    // A class that reaches the top of the code space reads better (and is no slower) as its complement.
    const top = this.unicode ? MAX_RUNE : 0xffff;
    if (set.props.length === 0 && ranges.length > 0 && ranges[0]![0] === 0 && ranges[ranges.length - 1]![1] === top) {
      return this.emitClass({ ranges: this.complement(ranges), props: [], negated: !set.negated });
    }
    let body = "";
    for (const [lo, hi] of ranges) {
      body += this.emitClassChar(lo);
      if (hi > lo) body += (hi > lo + 1 ? "-" : "") + this.emitClassChar(hi);
    }
    return `[${set.negated ? "^" : ""}${body}${set.props.join("")}]`;
  }

  /**
   * Linear mode: a class of code points without the `u` flag, as a class of BMP units (surrogates left out: they
   * only come in pairs from decoded UTF-8) or'ed with the surrogate pairs of its astral part, which the BMP twin
   * (surrogates = false) leaves out. Never needs `u`, so V8's linear-time engine accepts it.
   */
  private emitCodePointClass(set: ClassSet): string {
    let ranges = normalize(set.ranges);
    if (set.negated) ranges = this.complement(ranges);
    const bmp = clip(this.complement([...this.complement(clip(ranges, 0, 0xffff)), [0xd800, 0xdfff]]), 0, 0xffff);
    const parts: string[] = [];
    if (bmp.length === 1 && bmp[0]![0] === bmp[0]![1]) {
      parts.push(this.emitLiteral(bmp[0]![0]));
    } else if (bmp.length > 0) {
      // The shorter of [ranges] and [^complement] (the complement within the BMP includes the surrogates).
      const outside = clip(this.complement(bmp), 0, 0xffff);
      parts.push(outside.length < bmp.length ? `[^${this.classBody(outside)}]` : `[${this.classBody(bmp)}]`);
    }
    const bmpOnly = parts.length;
    if (this.surrogates) parts.push(...surrogatePairs(clip(ranges, 0x10000, MAX_RUNE), (c) => this.emitClassChar(c)));
    if (parts.length === 0) return "[]";
    // One BMP class or character is one atom; a surrogate pair is two units and needs a group.
    return parts.length === 1 && bmpOnly === 1 ? parts[0]! : `(?:${parts.join("|")})`;
  }

  private classBody(ranges: readonly Range[]): string {
    let body = "";
    for (const [lo, hi] of ranges) {
      body += this.emitClassChar(lo);
      if (hi > lo) body += (hi > lo + 1 ? "-" : "") + this.emitClassChar(hi);
    }
    return body;
  }

  /** One code point as a literal atom, case-folded under (?i). */
  private literal(c: number, flags: Flags): Atom {
    if (flags.i) {
      const orbit = foldOrbit(c);
      if (orbit.length > 1) {
        return { text: this.emitClass({ ranges: orbit.map((x) => [x, x]), props: [], negated: false }), wrap: false, weight: 1 };
      }
    }
    const text = this.emitLiteral(c);
    // A surrogate pair is two atoms without `u`: a quantifier must cover both.
    return { text, wrap: !this.unicode && c > 0xffff, weight: 1 };
  }

  private emitLiteral(c: number): string {
    const ch = String.fromCodePoint(c);
    if (PUNCT_OUTSIDE_CLASS.has(ch)) return "\\" + ch;
    return this.emitPrintable(c);
  }

  private emitClassChar(c: number): string {
    const ch = String.fromCodePoint(c);
    if (PUNCT_INSIDE_CLASS.has(ch)) return "\\" + ch;
    return this.emitPrintable(c);
  }

  /** Printable characters as themselves; controls, separators and surrogates as escapes valid in both modes. */
  private emitPrintable(c: number): string {
    const named = NAMED_CONTROLS[c];
    if (named !== undefined) return named;
    if (c < 0x20 || (c >= 0x7f && c <= 0xa0)) return "\\x" + c.toString(16).padStart(2, "0");
    if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfeff) {
      return "\\u" + c.toString(16).padStart(4, "0");
    }
    if (c > 0xffff && this.unicode) return `\\u{${c.toString(16)}}`;
    return String.fromCodePoint(c);
  }
}

interface ClassSet {
  ranges: Range[];
  /** JS property escapes (\p{L}, \P{Script=Greek}); only with the `u` flag. */
  props: string[];
  negated: boolean;
}

/** `x{n,m}` written out for linear mode: n copies, then m-n nested optional ones (`x*` for no maximum). */
function writeOutRepeat(x: string, op: { min: number; max: number; text: string }): string {
  // The counted text ends in "?" when the repeat is non-greedy (after (?U) has been applied).
  const lazy = op.text.endsWith("?") ? "?" : "";
  let out = x.repeat(op.min);
  if (op.max < 0) return out + x + "*" + lazy;
  let tail = "";
  for (let k = op.max - op.min; k > 0; k--) tail = `(?:${x}${tail})?${lazy}`;
  out += tail;
  return out === "" ? "(?:)" : out;
}

/** The part of `ranges` (sorted, disjoint) within [lo, hi]. */
function clip(ranges: readonly Range[], lo: number, hi: number): Range[] {
  const out: Range[] = [];
  for (const [a, b] of ranges) {
    const x = Math.max(a, lo);
    const y = Math.min(b, hi);
    if (x <= y) out.push([x, y]);
  }
  return out;
}

/**
 * Astral code point ranges as alternatives of a high-surrogate class followed by a low-surrogate class, highs with
 * the same lows sharing one alternative (\p{L}'s astral part: 89 alternatives).
 */
function surrogatePairs(ranges: readonly Range[], emit: (c: number) => string): string[] {
  const lows = new Map<number, Range[]>();
  for (const [a, b] of ranges) {
    for (let c = a; c <= b; ) {
      const high = 0xd800 + ((c - 0x10000) >> 10);
      const end = Math.min(b, 0x10000 + ((high - 0xd800 + 1) << 10) - 1);
      const list = lows.get(high) ?? [];
      list.push([0xdc00 + ((c - 0x10000) & 0x3ff), 0xdc00 + ((end - 0x10000) & 0x3ff)]);
      lows.set(high, list);
      c = end + 1;
    }
  }
  const cls = (r: readonly Range[]): string => {
    if (r.length === 1 && r[0]![0] === r[0]![1]) return emit(r[0]![0]);
    let body = "";
    for (const [lo, hi] of r) body += emit(lo) + (hi > lo ? (hi > lo + 1 ? "-" : "") + emit(hi) : "");
    return `[${body}]`;
  };
  const out: string[] = [];
  const highs = [...lows.keys()].sort((x, y) => x - y);
  for (let i = 0; i < highs.length; ) {
    const key = cls(lows.get(highs[i]!)!);
    let j = i + 1;
    while (j < highs.length && highs[j] === highs[j - 1]! + 1 && cls(lows.get(highs[j]!)!) === key) j++;
    out.push(cls([[highs[i]!, highs[j - 1]!]]) + key);
    i = j;
  }
  return out;
}

function assertion(text: string): Atom {
  return { text, wrap: true, weight: 1 };
}

function addRanges(set: ClassSet, ranges: readonly Range[]): void {
  for (const r of ranges) set.ranges.push([r[0], r[1]]);
}

function normalize(ranges: readonly Range[]): Range[] {
  const sorted = ranges.map((r) => [r[0], r[1]] as Range).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

function applyFlags(flags: Flags, on: string, off: string): Flags {
  const f = { ...flags };
  for (const ch of on) f[ch as keyof Flags] = true;
  for (const ch of off) f[ch as keyof Flags] = false;
  return f;
}

const propertyRangeCache = new Map<string, Range[]>();

/** The code points of a JS property expression, as ranges (about 50 ms the first time for a property). */
function propertyRanges(prop: string): Range[] {
  let out = propertyRangeCache.get(prop);
  if (out !== undefined) return out;
  out = [];
  const re = new RegExp(`\\p{${prop}}`, "u");
  let lo = -1;
  for (let c = 0; c <= MAX_RUNE + 1; c++) {
    const inside = c <= MAX_RUNE && re.test(String.fromCodePoint(c));
    if (inside && lo < 0) lo = c;
    else if (!inside && lo >= 0) {
      out.push([lo, c - 1]);
      lo = -1;
    }
  }
  propertyRangeCache.set(prop, out);
  return out;
}

/** Maps a Go \p name to a JS property expression, or "any", or undefined when neither knows it. */
function unicodeProperty(name: string): string | undefined {
  if (name === "Any") return "any";
  if (CATEGORIES.has(name)) return name;
  if (!/^[A-Za-z_]+$/.test(name)) return undefined;
  try {
    new RegExp(`\\p{Script=${name}}`, "u");
    return `Script=${name}`;
  } catch {
    return undefined;
  }
}
