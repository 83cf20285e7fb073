// How a field's text becomes the number or string a program reads (docs/language.md, "Field types"). Shared by
// the JSON and logfmt records. Imports nothing.

/** A decimal number as JSON writes it, or with a leading `+`, or `.5` / `5.` (logfmt values are free text). */
const NUMBER_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Powers of ten a double holds exactly: m / POW10[k] is then the correctly rounded value of "m with k decimals". */
export const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** text[start, end) as a number when it is one (no spaces, no hex, no `Inf`/`NaN` words), else undefined. */
export function numberAt(text: string, start: number, end: number): number | undefined {
  // Up to 15 digits with at most one point, no exponent: the digits make an exact integer m, and m / 10^k is one
  // correctly rounded IEEE division, the same double Number() gives, with no substring, regex or parse.
  if (end - start <= 16 && end > start) {
    let m = 0;
    let i = start;
    let point = -1;
    let digits = 0;
    const neg = text.charCodeAt(i) === 0x2d;
    if (neg) i++;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      const d = c - 0x30;
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
        digits++;
      } else if (c === 0x2e && point < 0) {
        point = i;
      } else {
        break;
      }
    }
    if (i === end && digits > 0 && digits <= 15) {
      const v = point < 0 ? m : m / (POW10[end - point - 1] as number);
      return neg ? -v : v;
    }
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

/**
 * Whether text[start, end) (a valid JSON number) is the text String() gives its value: an integer of at most 15
 * digits, not "-0". Then a label can use the text itself.
 */
export function isCanonicalIntegerAt(text: string, start: number, end: number): boolean {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) {
    i++;
    if (text.charCodeAt(i) === 0x30) return false;
  }
  if (end - i > 15 || end === i) return false;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return false;
  }
  return true;
}
