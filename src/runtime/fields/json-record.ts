// A lazy JSON scanner: checks that a text is one JSON object (RFC 8259, as JSON.parse accepts it) and records
// where the values of the wanted keys (a FieldPaths tree) lie, without building the object or any string it does
// not need. Skipped values are checked with an explicit stack, so 10,000 levels of nesting cost no recursion;
// only wanted paths recurse, as deep as the longest path a program reads. Imports only ./.

import type { FieldPaths, KeyNode } from "./field-paths.js";
import { isCanonicalIntegerAt, numberAt, numberText, parseNumber, POW10, unescapeAt } from "./values.js";
import { SlotStrings } from "./slot-strings.js";

/** What a recorded slot holds. */
const enum Kind {
  Null = 0,
  /** A string without escapes: its body is text[start, end). */
  Str = 1,
  /** A string with escapes: decoded on reading. */
  EscStr = 2,
  Num = 3,
  True = 4,
  False = 5,
  Obj = 6,
  Arr = 7,
}

const OBJ = 0;
const ARR = 1;
/** States of skipValue: at an opening bracket, at a member or element, after a value. */
const OPEN = 0;
const ELEMENT = 1;
const AFTER = 2;

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** One parsed JSON record: the slots of its wanted fields. Reused from line to line (see RecordCache). */
export class JsonRecord {
  /** The text last parsed, and whether it was a JSON object. */
  text = "";
  ok = false;
  /** FieldPaths.version the parse saw (a record parsed before a path was added lacks that slot). */
  version = -1;
  /** When the cache last handed this record out (LRU). */
  used = 0;
  /** A slot holds a value of this parse when its stamp is the current generation. */
  private gen = 0;
  private stamp = new Float64Array(0);
  private kind = new Uint8Array(0);
  private start = new Int32Array(0);
  private end = new Int32Array(0);
  /** A number's value, recorded by the scan (NaN: compute it from the text on reading). */
  private value = new Float64Array(0);
  /** Set by numberEnd: the value of the number just scanned, or NaN. */
  private number = NaN;
  /** str()'s results of this parse. */
  private readonly strings = new SlotStrings();
  /** Container kinds of the value being skipped (OBJ/ARR), grown as deep as the input nests. */
  private stack = new Uint8Array(64);
  /** Set by stringEnd: whether the string just scanned holds an escape. */
  private escaped = false;
  /**
   * Whether the text has no backslash, tab or newline: then every string ends at the next quote, found with the
   * native indexOf instead of a loop over its characters (json benchmark, 200k lines of 14 keys, scan alone:
   * 1.9 -> 1.4 us a line together with the in-line loop of object()).
   */
  private plain = false;

  constructor(private readonly paths: FieldPaths) {}

  /** Parses `text`; afterwards `ok` says whether it is a JSON object. Never throws, linear in the text. */
  parse(text: string): void {
    this.text = text;
    this.version = this.paths.version;
    if (this.stamp.length < this.paths.size) this.grow(this.paths.size);
    this.gen++;
    // Three native indexOf scans cost ~100 ns on a 330-character line, a regex for every control character ~800 ns
    // (json benchmark lines, loaded machine). Control characters other than tab and newline are therefore not
    // looked for in plain texts: a string holding one raw is read as if it were escaped (docs/language.md).
    this.plain = text.indexOf("\\") === -1 && text.indexOf("\t") === -1 && text.indexOf("\n") === -1;
    let i = this.ws(0);
    if (text.charCodeAt(i) !== 0x7b) {
      this.ok = false;
      return;
    }
    i = this.object(i, this.paths.root);
    this.ok = i >= 0 && this.ws(i) === text.length;
  }

  has(slot: number): boolean {
    return this.stamp[slot] === this.gen && this.kind[slot] !== Kind.Null;
  }

  num(slot: number): number | undefined {
    if (this.stamp[slot] !== this.gen) return undefined;
    const s = this.start[slot] as number;
    const e = this.end[slot] as number;
    switch (this.kind[slot]) {
      case Kind.Num: {
        const v = this.value[slot] as number;
        return v === v ? v : numberAt(this.text, s, e);
      }
      case Kind.Str:
        return numberAt(this.text, s, e);
      case Kind.EscStr:
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
      case Kind.Str:
        return this.text.slice(s, e);
      case Kind.Obj:
      case Kind.Arr:
        return this.text.slice(s, e);
      case Kind.EscStr:
        return unescapeAt(this.text, s, e);
      case Kind.Num:
        return isCanonicalIntegerAt(this.text, s, e) ? this.text.slice(s, e) : numberText(numberAt(this.text, s, e) as number);
      case Kind.True:
        return "true";
      case Kind.False:
        return "false";
      default:
        return undefined;
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
    this.value = copy(this.value, new Float64Array(size));
    this.strings.grow(size);
  }

  private ws(i: number): number {
    const t = this.text;
    while (i < t.length && isWs(t.charCodeAt(i))) i++;
    return i;
  }

  /** Scans the object at text[i] ('{'), recording the members `node` wants; returns the index after it or -1. */
  // The hot loop of the scanner: whitespace, plain strings and numbers are handled in line, the rest by calls.
  // json benchmark micro-measurement (200k lines of 14 keys, scan only): 1.9 -> ... us a line.
  private object(i: number, node: KeyNode): number {
    const t = this.text;
    const plain = this.plain;
    let c = t.charCodeAt(++i);
    if (c <= 0x20 && isWs(c)) c = t.charCodeAt((i = this.ws(i)));
    if (c === 0x7d) return i + 1;
    for (;;) {
      if (c !== 0x22) return -1;
      const keyEnd = plain ? t.indexOf('"', i + 1) : this.stringEnd(i);
      if (keyEnd < 0) return -1;
      let child: KeyNode | undefined;
      if (node.children !== 0) {
        if (!plain && this.escaped) child = node.child(unescapeAt(t, i + 1, keyEnd));
        else if (node.mayHave(keyEnd - i - 1, t.charCodeAt(i + 1))) child = node.childAt(t, i + 1, keyEnd);
      }
      c = t.charCodeAt((i = keyEnd + 1));
      if (c <= 0x20 && isWs(c)) c = t.charCodeAt((i = this.ws(i)));
      if (c !== 0x3a) return -1;
      c = t.charCodeAt(++i);
      if (c <= 0x20 && isWs(c)) c = t.charCodeAt((i = this.ws(i)));
      if (child !== undefined) i = this.member(i, child);
      else if (c === 0x22 && plain) i = t.indexOf('"', i + 1) + 1 || -1;
      else if (c >= 0x31 && c <= 0x39) {
        // An unwanted integer: its digits in line; a fraction or exponent goes to numberEnd.
        const from = i;
        do c = t.charCodeAt(++i);
        while (c >= 0x30 && c <= 0x39);
        if (c === 0x2e || (c | 0x20) === 0x65) i = this.numberEnd(from);
      } else if (c === 0x30 || c === 0x2d) i = this.numberEnd(i);
      else i = this.skipValue(i);
      if (i < 0) return -1;
      c = t.charCodeAt(i);
      if (c <= 0x20 && isWs(c)) c = t.charCodeAt((i = this.ws(i)));
      if (c === 0x2c) {
        c = t.charCodeAt(++i);
        if (c <= 0x20 && isWs(c)) c = t.charCodeAt((i = this.ws(i)));
      } else if (c === 0x7d) {
        return i + 1;
      } else {
        return -1;
      }
    }
  }

  /** Records the value at text[i] in `node`'s slot (a later duplicate key replaces it, as in JSON.parse). */
  private member(i: number, node: KeyNode): number {
    if (node.children !== 0) {
      const sub = node.subtree;
      for (let k = 1; k < sub.length; k++) this.stamp[sub[k] as number] = 0;
    }
    const slot = node.slot;
    const t = this.text;
    const c = t.charCodeAt(i);
    let kind: Kind;
    let start = i;
    let end: number;
    if (c === 0x22) {
      const e = this.stringEnd(i);
      if (e < 0) return -1;
      kind = this.escaped ? Kind.EscStr : Kind.Str;
      start = i + 1;
      end = e;
      i = e + 1;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      i = end = this.numberEnd(i);
      if (i < 0) return -1;
      this.value[slot] = this.number;
      kind = Kind.Num;
    } else {
      i = c === 0x7b && node.children > 0 ? this.object(i, node) : this.skipValue(i);
      if (i < 0) return -1;
      end = i;
      kind = c === 0x7b ? Kind.Obj : c === 0x5b ? Kind.Arr : c === 0x74 ? Kind.True : c === 0x66 ? Kind.False : Kind.Null;
    }
    this.stamp[slot] = this.gen;
    this.kind[slot] = kind;
    this.start[slot] = start;
    this.end[slot] = end;
    return i;
  }

  /** The index of the closing quote of the string at text[i], or -1 if it is not a valid JSON string. */
  private stringEnd(i: number): number {
    const t = this.text;
    if (this.plain) {
      this.escaped = false;
      return t.indexOf('"', i + 1);
    }
    const n = t.length;
    let escaped = false;
    let j = i + 1;
    for (;;) {
      if (j >= n) return -1;
      const c = t.charCodeAt(j);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        const d = t.charCodeAt(j + 1);
        if (d === 0x75) {
          for (let k = j + 2; k < j + 6; k++) {
            const h = t.charCodeAt(k) | 0x20;
            if (!((h >= 0x30 && h <= 0x39) || (h >= 0x61 && h <= 0x66))) return -1;
          }
          j += 6;
        } else if (d === 0x22 || d === 0x5c || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74) {
          j += 2;
        } else {
          return -1;
        }
        continue;
      }
      if (c < 0x20) return -1;
      j++;
    }
    this.escaped = escaped;
    return j;
  }

  /**
   * The index after the number at text[i] (JSON's grammar: no `+`, no leading zeros, digits around `.`), or -1.
   * Leaves the number's value in `number` when it has at most 15 digits and no exponent, else NaN: the digits make
   * an exact integer m and m / 10^k is one correctly rounded division, the double JSON.parse gives (see numberAt).
   * The digits are read here anyway; reading them again on num() cost ~50 ns a line in the json benchmark.
   */
  private numberEnd(i: number): number {
    const t = this.text;
    let c = t.charCodeAt(i);
    const negative = c === 0x2d;
    if (negative) c = t.charCodeAt(++i);
    let m = 0;
    let digits = 1;
    if (c === 0x30) {
      c = t.charCodeAt(++i);
    } else if (c >= 0x31 && c <= 0x39) {
      const from = i;
      do {
        m = m * 10 + (c - 0x30);
        c = t.charCodeAt(++i);
      } while (c >= 0x30 && c <= 0x39);
      digits = i - from;
    } else {
      return -1;
    }
    let scale = 0;
    if (c === 0x2e) {
      c = t.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) return -1;
      const from = i;
      do {
        m = m * 10 + (c - 0x30);
        c = t.charCodeAt(++i);
      } while (c >= 0x30 && c <= 0x39);
      scale = i - from;
    }
    let exact = digits + scale <= 15;
    if ((c | 0x20) === 0x65) {
      exact = false;
      c = t.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = t.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) return -1;
      do c = t.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    }
    const v = exact ? m / (POW10[scale] as number) : NaN;
    this.number = negative ? -v : v;
    return i;
  }

  /** The index after a scalar at text[i] (string, number, true, false, null), or -1. */
  private scalarEnd(i: number): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 0x22) {
      const e = this.stringEnd(i);
      return e < 0 ? -1 : e + 1;
    }
    if (c === 0x74) return t.startsWith("true", i) ? i + 4 : -1;
    if (c === 0x66) return t.startsWith("false", i) ? i + 5 : -1;
    if (c === 0x6e) return t.startsWith("null", i) ? i + 4 : -1;
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.numberEnd(i);
    return -1;
  }

  /** Checks the value at text[i] without recording anything; returns the index after it, or -1. */
  private skipValue(i: number): number {
    const t = this.text;
    let c = t.charCodeAt(i);
    if (c !== 0x7b && c !== 0x5b) return this.scalarEnd(i);
    let depth = 0;
    let state = OPEN;
    for (;;) {
      if (state === OPEN) {
        // text[i] opens a container.
        if (depth === this.stack.length) {
          const bigger = new Uint8Array(depth * 2);
          bigger.set(this.stack);
          this.stack = bigger;
        }
        const kind: number = c === 0x7b ? OBJ : ARR;
        this.stack[depth++] = kind;
        i = this.ws(i + 1);
        c = t.charCodeAt(i);
        if (c === (kind === OBJ ? 0x7d : 0x5d)) {
          i++;
          depth--;
          state = AFTER;
        } else {
          state = ELEMENT;
        }
      } else if (state === ELEMENT) {
        // text[i] (c) starts a member (key first) or an element.
        if (this.stack[depth - 1] === OBJ) {
          if (c !== 0x22) return -1;
          const e = this.stringEnd(i);
          if (e < 0) return -1;
          i = this.ws(e + 1);
          if (t.charCodeAt(i) !== 0x3a) return -1;
          i = this.ws(i + 1);
          c = t.charCodeAt(i);
        }
        if (c === 0x7b || c === 0x5b) {
          state = OPEN;
        } else {
          i = this.scalarEnd(i);
          if (i < 0) return -1;
          state = AFTER;
        }
      } else {
        // After a value: the end, a comma, or the innermost container's closing bracket.
        if (depth === 0) return i;
        i = this.ws(i);
        c = t.charCodeAt(i);
        if (c === 0x2c) {
          i = this.ws(i + 1);
          c = t.charCodeAt(i);
          state = ELEMENT;
        } else if (c === (this.stack[depth - 1] === OBJ ? 0x7d : 0x5d)) {
          i++;
          depth--;
        } else {
          return -1;
        }
      }
    }
  }
}
