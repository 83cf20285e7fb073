// A logfmt scanner: `key=value`, `key="quoted \" value"`, `key=` (empty) and a bare `key` (true), separated by
// spaces or tabs. Records where the wanted keys' values lie (a later duplicate replaces an earlier one); builds
// no string it does not need. A text is logfmt when every word reads as a pair and at least one has `=`
// (docs/language.md, "logfmt"). Imports only ./.

import type { FieldPaths } from "./field-paths.js";
import { numberAt, parseNumber, unescapeAt } from "./values.js";
import { SlotStrings } from "./slot-strings.js";

const enum Kind {
  /** An unquoted value: text[start, end). */
  Plain = 0,
  /** A quoted value without escapes: its body is text[start, end). */
  Quoted = 1,
  /** A quoted value with escapes: decoded on reading. */
  Escaped = 2,
  /** A key without `=`: reads as "true". */
  Bare = 3,
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09;

/** Whether the quote at text[j] follows an odd run of backslashes (is escaped). */
function escapedAt(text: string, j: number): boolean {
  let k = j - 1;
  while (k >= 0 && text.charCodeAt(k) === 0x5c) k--;
  return ((j - 1 - k) & 1) === 1;
}

/** One parsed logfmt record: the slots of its wanted keys. Reused from line to line (see RecordCache). */
export class LogfmtRecord {
  text = "";
  ok = false;
  version = -1;
  used = 0;
  private gen = 0;
  private stamp = new Float64Array(0);
  private kind = new Uint8Array(0);
  private start = new Int32Array(0);
  private end = new Int32Array(0);
  /** str()'s results of this parse. */
  private readonly strings = new SlotStrings();

  constructor(private readonly paths: FieldPaths) {}

  /** Parses `text`; afterwards `ok` says whether it is logfmt. Never throws, linear in the text. */
  parse(text: string): void {
    this.text = text;
    this.version = this.paths.version;
    if (this.stamp.length < this.paths.size) this.grow(this.paths.size);
    if (text.indexOf("\t") === -1) this.parseSpaced(text);
    else this.parseAny(text);
  }

  /**
   * parseAny for a text whose only separator is the space: words, keys and values are found with the native
   * indexOf rather than a loop over every character (logfmt benchmark, 200k lines of 14 pairs: parse went from
   * 44% of the CPU profile to 0.8 us a line). Each of `=`, `"` and `\` is searched for again only once the scan
   * has passed the last one found: a line without a backslash costs one search for it.
   */
  private parseSpaced(text: string): void {
    const gen = ++this.gen;
    const root = this.paths.root;
    const wanted = root.children !== 0;
    const n = text.length;
    this.ok = false;
    let pairs = 0;
    let i = 0;
    // The next `=`, `"` and backslash at or after i (n when none).
    let eq = -1;
    let quote = -1;
    let backslash = -1;
    for (;;) {
      // The word's first character, read once: it picks the key's candidates (mayHave). Past the end it is NaN.
      let first = text.charCodeAt(i);
      while (first === 0x20) first = text.charCodeAt(++i);
      if (i >= n) break;
      let sp = text.indexOf(" ", i);
      if (sp < 0) sp = n;
      if (eq < i) {
        eq = text.indexOf("=", i);
        if (eq < 0) eq = n;
      }
      if (quote < i) {
        quote = text.indexOf('"', i);
        if (quote < 0) quote = n;
      }
      // A word that starts with `=` or holds a quote in its key is not a pair.
      if (eq === i || quote === i || (quote < eq && quote < sp)) return;
      const isPair = eq < sp;
      const keyEnd = isPair ? eq : sp;
      const node = wanted && root.mayHave(keyEnd - i, first) ? root.childAt(text, i, keyEnd) : undefined;
      let kind: Kind;
      let vs: number;
      let ve: number;
      if (!isPair) {
        kind = Kind.Bare;
        vs = ve = sp;
        i = sp + 1;
      } else {
        pairs++;
        vs = eq + 1;
        if (quote === vs) {
          if (backslash <= vs) {
            backslash = text.indexOf("\\", vs + 1);
            if (backslash < 0) backslash = n;
          }
          // The closing quote is the next one not escaped by an odd run of backslashes.
          let j = text.indexOf('"', vs + 1);
          if (backslash < j) while (j > 0 && escapedAt(text, j)) j = text.indexOf('"', j + 1);
          if (j < 0) return;
          kind = backslash < j ? Kind.Escaped : Kind.Quoted;
          vs++;
          ve = j;
          i = j + 1;
          if (i < n && text.charCodeAt(i) !== 0x20) return;
        } else {
          if (quote < sp) return;
          kind = Kind.Plain;
          ve = sp;
          i = sp + 1;
        }
      }
      if (node !== undefined) this.keep(node.slot, gen, kind, vs, ve);
    }
    this.ok = pairs > 0;
  }

  /** Any text: spaces and tabs separate words. */
  private parseAny(text: string): void {
    const gen = ++this.gen;
    const root = this.paths.root;
    const n = text.length;
    let pairs = 0;
    let i = 0;
    this.ok = false;
    for (;;) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n) break;
      const ks = i;
      let c = 0;
      while (i < n) {
        c = text.charCodeAt(i);
        if (isSpace(c) || c === 0x3d || c === 0x22) break;
        i++;
      }
      // A word that starts with `=` or holds a quote is not a key.
      if (i === ks || (i < n && c === 0x22)) return;
      const node = root.children === 0 ? undefined : root.childAt(text, ks, i);
      let kind: Kind;
      let vs: number;
      let ve: number;
      if (i < n && c === 0x3d) {
        pairs++;
        i++;
        if (i < n && text.charCodeAt(i) === 0x22) {
          vs = i + 1;
          let j = vs;
          let escaped = false;
          for (;;) {
            if (j >= n) return;
            const d = text.charCodeAt(j);
            if (d === 0x22) break;
            if (d === 0x5c) {
              escaped = true;
              j += 2;
            } else {
              j++;
            }
          }
          if (j >= n) return;
          ve = j;
          i = j + 1;
          // The closing quote ends the word.
          if (i < n && !isSpace(text.charCodeAt(i))) return;
          kind = escaped ? Kind.Escaped : Kind.Quoted;
        } else {
          vs = i;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (isSpace(d)) break;
            if (d === 0x22) return;
            i++;
          }
          ve = i;
          kind = Kind.Plain;
        }
      } else {
        kind = Kind.Bare;
        vs = ve = i;
      }
      if (node !== undefined) this.keep(node.slot, gen, kind, vs, ve);
    }
    this.ok = pairs > 0;
  }

  /** Records a wanted key's value (a later duplicate overwrites it). */
  private keep(slot: number, gen: number, kind: Kind, start: number, end: number): void {
    this.stamp[slot] = gen;
    this.kind[slot] = kind;
    this.start[slot] = start;
    this.end[slot] = end;
  }

  has(slot: number): boolean {
    return this.stamp[slot] === this.gen;
  }

  num(slot: number): number | undefined {
    if (this.stamp[slot] !== this.gen) return undefined;
    const s = this.start[slot] as number;
    const e = this.end[slot] as number;
    switch (this.kind[slot]) {
      case Kind.Plain:
      case Kind.Quoted:
        return numberAt(this.text, s, e);
      case Kind.Escaped:
        return parseNumber(unescapeAt(this.text, s, e));
      default:
        return undefined;
    }
  }

  /** The field as a string, made once per parse (see SlotStrings). */
  str(slot: number): string | undefined {
    const strings = this.strings;
    return strings.has(slot, this.gen) ? strings.at(slot) : strings.keep(slot, this.gen, this.makeStr(slot));
  }

  private makeStr(slot: number): string | undefined {
    if (this.stamp[slot] !== this.gen) return undefined;
    const s = this.start[slot] as number;
    const e = this.end[slot] as number;
    switch (this.kind[slot]) {
      case Kind.Escaped:
        return unescapeAt(this.text, s, e);
      case Kind.Bare:
        return "true";
      default:
        return this.text.slice(s, e);
    }
  }

  private grow(size: number): void {
    const copy = <T extends Float64Array | Uint8Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.stamp = copy(this.stamp, new Float64Array(size));
    this.kind = copy(this.kind, new Uint8Array(size));
    this.start = copy(this.start, new Int32Array(size));
    this.end = copy(this.end, new Int32Array(size));
    this.strings.grow(size);
  }
}
