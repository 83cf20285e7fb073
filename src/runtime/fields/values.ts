// How a field's text becomes the number or string a program reads (docs/language.md, "Field types"). Shared by
// the JSON and logfmt records. Imports nothing of ours.

/** A decimal number as JSON writes it, or with a leading `+`, or `.5` / `5.` (logfmt values are free text). */
const NUMBER_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** text[start, end) as a number when it is one (no spaces, no hex, no `Inf`/`NaN` words), else undefined. */
export function numberAt(text: string, start: number, end: number): number | undefined {
  const len = end - start;
  // Short plain integers without a substring or a regex: most numbers in logs are.
  if (len > 0 && len <= 15) {
    let v = 0;
    let i = start;
    const neg = text.charCodeAt(i) === 0x2d;
    if (neg && len > 1) i++;
    for (; i < end; i++) {
      const d = text.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === end) return neg ? -v : v;
  }
  return parseNumber(text.slice(start, end));
}

/** A string as a number when it is one (see numberAt), else undefined. */
export function parseNumber(s: string): number | undefined {
  // Beyond the double range a number is +-Infinity, as JSON.parse reads it.
  return NUMBER_TEXT.test(s) ? Number(s) : undefined;
}

/** A number as a label or string value: its shortest decimal text ("200", "0.153"); +Inf, -Inf beyond range. */
export function numberText(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * The characters of a quoted string's body text[start, end) with JSON escapes decoded (`\uXXXX` included; a lone
 * surrogate stays one, as JSON.parse leaves it). An unknown escape keeps its backslash (logfmt is lenient).
 */
export function unescapeAt(text: string, start: number, end: number): string {
  let out = "";
  let from = start;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) !== 0x5c) continue;
    out += text.slice(from, i);
    const c = text[i + 1] ?? "";
    if (c === "u" && i + 6 <= end && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      i += 5;
    } else if (ESCAPES[c] !== undefined) {
      out += ESCAPES[c];
      i += 1;
    } else {
      out += "\\";
      from = i + 1;
      continue;
    }
    from = i + 1;
  }
  return out + text.slice(from, end);
}
