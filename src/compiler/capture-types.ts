// Reads an RE2 pattern's structure to find its capture groups (number and names) and the type of each group,
// the way mtail infers it: a group that can only match digits (and signs) is an Int, one that also allows
// one decimal point or an exponent is a Float, anything else is a String. Imports only ./types.js and the
// RE2 class table.

import { PERL_CLASSES, POSIX_CLASSES } from "./re2-classes.js";
import { type AnyType, Type, leastUpperBound } from "./types.js";

/** A parsed RE2 node: just enough of Go's regexp/syntax tree for type inference. */
type ReNode =
  | { op: "literal"; runes: number[] }
  | { op: "class"; ranges: [number, number][] }
  | { op: "repeat"; sub: ReNode }
  | { op: "capture"; index: number; name: string; sub: ReNode }
  | { op: "concat"; subs: ReNode[] }
  | { op: "alternate"; subs: ReNode[] }
  | { op: "other" };

export interface CaptureInfo {
  /** Group names by index; index 0 is the whole match (""), unnamed groups are "". */
  names: string[];
  /** Inferred type per group index; index 0 is String. */
  types: AnyType[];
}

const DIGITS = PERL_CLASSES.d!;
const WORD = PERL_CLASSES.w!;
const SPACE = PERL_CLASSES.s!;
const MAX_RUNE = 0x10ffff;

function negate(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7 };

/** A small recursive-descent reader of RE2 syntax; throws on input it cannot read. */
class ReParser {
  private i = 0;
  private groups = 0;
  readonly names: string[] = [""];
  constructor(private readonly src: string) {}

  parse(): ReNode {
    const n = this.alternation();
    if (this.i < this.src.length) throw new Error("unexpected )");
    return n;
  }

  private alternation(): ReNode {
    const subs = [this.concat()];
    while (this.src[this.i] === "|") {
      this.i++;
      subs.push(this.concat());
    }
    if (subs.length === 1) return subs[0] as ReNode;
    // Go's parser turns an alternation of single characters into one character class.
    if (subs.every((s) => (s.op === "literal" && s.runes.length === 1) || s.op === "class")) {
      const ranges: [number, number][] = [];
      for (const s of subs) {
        if (s.op === "literal") ranges.push([s.runes[0] as number, s.runes[0] as number]);
        else if (s.op === "class") ranges.push(...s.ranges);
      }
      return { op: "class", ranges };
    }
    return { op: "alternate", subs };
  }

  private concat(): ReNode {
    const subs: ReNode[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const atom = this.repeat();
      if (atom === null) continue;
      const last = subs[subs.length - 1];
      // Adjacent literals form one literal, as in Go's parse tree.
      if (atom.op === "literal" && last !== undefined && last.op === "literal") last.runes.push(...atom.runes);
      else subs.push(atom.op === "literal" ? { op: "literal", runes: atom.runes.slice() } : atom);
    }
    if (subs.length === 0) return { op: "other" };
    if (subs.length === 1) return subs[0] as ReNode;
    return { op: "concat", subs };
  }

  private repeat(): ReNode | null {
    let atom = this.atom();
    if (atom === null) return null;
    for (;;) {
      const c = this.src[this.i];
      if (c === "*" || c === "+" || c === "?") {
        this.i++;
      } else if (c === "{" && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
        this.i = this.src.indexOf("}", this.i) + 1;
      } else {
        return atom;
      }
      if (this.src[this.i] === "?") this.i++; // non-greedy
      // A repeated multi-rune literal repeats only its last rune; keep the prefix apart.
      if (atom.op === "literal" && atom.runes.length > 1) {
        const last = atom.runes.pop() as number;
        return { op: "concat", subs: [atom, { op: "repeat", sub: { op: "literal", runes: [last] } }] };
      }
      atom = { op: "repeat", sub: atom };
    }
  }

  private atom(): ReNode | null {
    const s = this.src;
    const c = s[this.i] as string;
    if (c === "(") {
      this.i++;
      let name = "";
      let capture = true;
      if (s[this.i] === "?") {
        const named = /^\?P?<([A-Za-z0-9_]+)>/.exec(s.slice(this.i));
        if (named !== null) {
          name = named[1] as string;
          this.i += named[0].length;
        } else {
          const flags = /^\?([imsU-]*)(:|\))/.exec(s.slice(this.i));
          if (flags === null) throw new Error("bad group");
          this.i += flags[0].length;
          if (flags[2] === ")") return null; // flag setting only
          capture = false;
        }
      }
      let index = 0;
      if (capture) {
        index = ++this.groups;
        this.names[index] = name;
      }
      const sub = this.alternation();
      if (s[this.i] !== ")") throw new Error("missing )");
      this.i++;
      return capture ? { op: "capture", index, name, sub } : sub;
    }
    if (c === "[") return this.charClass();
    if (c === ".") {
      this.i++;
      return { op: "other" };
    }
    if (c === "^" || c === "$") {
      this.i++;
      return { op: "other" };
    }
    if (c === "\\") return this.escape(false);
    this.i++;
    return { op: "literal", runes: [c.codePointAt(0) as number] };
  }

  /** Reads an escape; inside a class returns ranges, outside a node. */
  private escape(inClass: boolean): ReNode {
    const s = this.src;
    const e = s[this.i + 1];
    if (e === undefined) throw new Error("trailing backslash");
    this.i += 2;
    switch (e) {
      case "d": return { op: "class", ranges: DIGITS };
      case "D": return { op: "class", ranges: negate(DIGITS) };
      case "w": return { op: "class", ranges: WORD };
      case "W": return { op: "class", ranges: negate(WORD) };
      case "s": return { op: "class", ranges: SPACE };
      case "S": return { op: "class", ranges: negate(SPACE) };
      case "b": case "B": case "A": case "z":
        if (inClass) throw new Error("bad escape");
        return { op: "other" };
      case "p": case "P": {
        const m = /^(\{[A-Za-z_]+\}|[A-Za-z])/.exec(s.slice(this.i));
        if (m === null) throw new Error("bad \\p");
        this.i += m[0].length;
        const nd = m[1] === "Nd" || m[1] === "{Nd}";
        return { op: "class", ranges: nd && e === "p" ? [[0x30, 0x39], [0x660, 0x669]] : [[0, MAX_RUNE]] };
      }
      case "Q": {
        const end = s.indexOf("\\E", this.i);
        const text = end < 0 ? s.slice(this.i) : s.slice(this.i, end);
        this.i = end < 0 ? s.length : end + 2;
        return { op: "literal", runes: Array.from(text, (ch) => ch.codePointAt(0) as number) };
      }
      case "x": {
        const m = /^(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{2})/.exec(s.slice(this.i));
        if (m === null) throw new Error("bad \\x");
        this.i += m[0].length;
        return { op: "literal", runes: [parseInt(m[0].replace(/[{}]/g, ""), 16)] };
      }
      default: {
        if (e >= "0" && e <= "7") {
          const m = /^[0-7]{0,2}/.exec(s.slice(this.i)) as RegExpExecArray;
          this.i += m[0].length;
          return { op: "literal", runes: [parseInt(e + m[0], 8)] };
        }
        const simple = SIMPLE_ESCAPES[e];
        return { op: "literal", runes: [simple ?? (e.codePointAt(0) as number)] };
      }
    }
  }

  private charClass(): ReNode {
    const s = this.src;
    this.i++; // [
    let negated = false;
    if (s[this.i] === "^") {
      negated = true;
      this.i++;
    }
    const ranges: [number, number][] = [];
    let first = true;
    while (this.i < s.length && (s[this.i] !== "]" || first)) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(s.slice(this.i));
      if (posix !== null) {
        const r = POSIX_CLASSES[posix[2] as string];
        if (r === undefined) throw new Error("bad posix class");
        ranges.push(...(posix[1] === "^" ? negate(r) : r));
        this.i += posix[0].length;
        continue;
      }
      const lo = this.classAtom();
      if (Array.isArray(lo)) {
        ranges.push(...lo);
        continue;
      }
      if (s[this.i] === "-" && s[this.i + 1] !== "]" && this.i + 1 < s.length) {
        this.i++;
        const hi = this.classAtom();
        if (Array.isArray(hi)) throw new Error("bad range");
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    if (s[this.i] !== "]") throw new Error("missing ]");
    this.i++;
    return { op: "class", ranges: negated ? negate(ranges) : ranges };
  }

  /** One class member: a rune, or ranges for an escape like \d. */
  private classAtom(): number | [number, number][] {
    const s = this.src;
    if (s[this.i] === "\\") {
      const n = this.escape(true);
      if (n.op === "class") return n.ranges;
      if (n.op === "literal") return n.runes[0] as number;
      throw new Error("bad class escape");
    }
    const cp = s.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/** True when every rune the node can match is in `allowed`. */
function onlyMatches(n: ReNode, allowed: string): boolean {
  switch (n.op) {
    case "literal":
      return n.runes.every((r) => allowed.includes(String.fromCodePoint(r)));
    case "class":
      for (const [lo, hi] of n.ranges) {
        if (hi - lo > 64) return false;
        for (let r = lo; r <= hi; r++) if (!allowed.includes(String.fromCodePoint(r))) return false;
      }
      return true;
    case "repeat":
      return onlyMatches(n.sub, allowed);
    case "capture":
      return onlyMatches(n.sub, allowed);
    case "concat":
    case "alternate":
      return n.subs.every((s) => onlyMatches(s, allowed));
    default:
      return false;
  }
}

/** Whether the group's printed form would show a digit (a digit literal or a class holding digits). */
function mentionsDigit(n: ReNode): boolean {
  switch (n.op) {
    case "literal":
      return n.runes.some((r) => r >= 0x30 && r <= 0x39);
    case "class":
      return n.ranges.some(([lo, hi]) => lo <= 0x39 && hi >= 0x30);
    case "repeat":
    case "capture":
      return mentionsDigit(n.sub);
    case "concat":
    case "alternate":
      return n.subs.some(mentionsDigit);
    default:
      return false;
  }
}

/** How many decimal points the printed form of the group shows. */
function countDots(n: ReNode): number {
  switch (n.op) {
    case "literal":
      return n.runes.filter((r) => r === 0x2e).length;
    case "class":
      return n.ranges.some(([lo, hi]) => lo <= 0x2e && hi >= 0x2e) ? 1 : 0;
    case "repeat":
    case "capture":
      return countDots(n.sub);
    case "concat":
    case "alternate":
      return n.subs.reduce((a, s) => a + countDots(s), 0);
    default:
      return 0;
  }
}

function inferGroupType(g: ReNode): Type {
  if (onlyMatches(g, "+-")) return Type.String;
  if (onlyMatches(g, "+-0123456789")) {
    if (!mentionsDigit(g)) return Type.String;
    if (g.op === "alternate" || g.op === "class") return Type.String;
    return Type.Int;
  }
  if (onlyMatches(g, "+-0123456789.eE")) {
    return countDots(g) > 1 ? Type.String : Type.Float;
  }
  return Type.String;
}

function findGroup(n: ReNode, index: number): ReNode | null {
  if (n.op === "capture" && n.index === index) return n.sub;
  const subs = n.op === "concat" || n.op === "alternate" ? n.subs : n.op === "repeat" || n.op === "capture" ? [n.sub] : [];
  for (const s of subs) {
    const found = findGroup(s, index);
    if (found !== null) return found;
  }
  return null;
}

/** Counts capture groups the simple way, for patterns the reader above cannot follow. */
function scanGroups(pattern: string): string[] {
  const names = [""];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
      if (pattern[i + 1] === "]") i++;
    } else if (c === "(") {
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(pattern.slice(i));
      if (named !== null) names.push(named[1] as string);
      else if (pattern[i + 1] !== "?") names.push("");
    }
  }
  return names;
}

/** Capture group names and inferred types for an RE2 pattern. */
export function inferCaptures(pattern: string): CaptureInfo {
  let tree: ReNode;
  let names: string[];
  try {
    const p = new ReParser(pattern);
    tree = p.parse();
    names = p.names;
  } catch {
    names = scanGroups(pattern);
    return { names, types: names.map(() => Type.String) };
  }
  const types: AnyType[] = [Type.String];
  for (let i = 1; i < names.length; i++) {
    const g = findGroup(tree, i);
    if (g === null) {
      types.push(Type.String);
      continue;
    }
    if (g.op !== "alternate") {
      types.push(inferGroupType(g));
      continue;
    }
    let t: AnyType = Type.Undef;
    for (const s of g.subs) t = leastUpperBound(t, inferGroupType(s)) ?? Type.String;
    types.push(t);
  }
  return { names, types };
}
