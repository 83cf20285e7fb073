// A logfmt scanner: `key=value`, `key="quoted \" value"`, `key=` (empty) and a bare `key` (true), separated by
// spaces or tabs. Records where the wanted keys' values lie (a later duplicate replaces an earlier one); builds
// no string it does not need. A text is logfmt when every word reads as a pair and at least one has `=`
// (docs/language.md, "logfmt"). Imports only ./.

import type { FieldPaths } from "./field-paths.js";
import { numberAt, parseNumber, unescapeAt } from "./values.js";

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

  constructor(private readonly paths: FieldPaths) {}

  /** Parses `text`; afterwards `ok` says whether it is logfmt. Never throws, linear in the text. */
  parse(text: string): void {
    this.text = text;
    this.version = this.paths.version;
    if (this.stamp.length < this.paths.size) this.grow(this.paths.size);
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
      if (node !== undefined) {
        const slot = node.slot;
        this.stamp[slot] = gen;
        this.kind[slot] = kind;
        this.start[slot] = vs;
        this.end[slot] = ve;
      }
    }
    this.ok = pairs > 0;
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

  str(slot: number): string | undefined {
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
  }
}
