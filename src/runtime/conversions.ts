// Go strconv semantics for the conversions compiled programs make (ParseInt, ParseFloat, FormatFloat 'g'/'G').
// Temporary home until src/runtime/builtins/ provides them; the runtime imports only these four names.

import { ProgramRuntimeError } from "./runtime-error.js";

const DEC_INT = /^[+-]?[0-9]+$/;
const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

function syntaxError(fn: string, s: string): never {
  throw new ProgramRuntimeError(`strconv.${fn}: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** strconv.ParseInt(s, base, 64); base 0 reads a 0x/0o/0b/0 prefix (and allows underscores), as Go does. */
export function parseIntGo(s: string, base: number): number {
  // Fast path for the common case, plain decimal digits that fit a double exactly: no regex, no allocation.
  const len = s.length;
  if (base === 10 && len > 0 && len <= 15) {
    let v = 0;
    let i = 0;
    const first = s.charCodeAt(0);
    if ((first === 45 || first === 43) && len > 1) i = 1;
    for (; i < len; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === len) return first === 45 ? 0 - v : v;
  }
  if (base === 10 && DEC_INT.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n)) return n;
  }
  let text = s;
  let sign = 1n;
  if (text.startsWith("+") || text.startsWith("-")) {
    if (text[0] === "-") sign = -1n;
    text = text.slice(1);
  }
  let b = base;
  if (b === 0) {
    b = 10;
    const lower = text.toLowerCase();
    if (lower.startsWith("0x")) { b = 16; text = text.slice(2); }
    else if (lower.startsWith("0o")) { b = 8; text = text.slice(2); }
    else if (lower.startsWith("0b")) { b = 2; text = text.slice(2); }
    else if (text.length > 1 && text[0] === "0") { b = 8; text = text.slice(1); }
    text = text.replaceAll("_", "");
  }
  if (b < 2 || b > 36) throw new ProgramRuntimeError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid base ${base}`);
  if (text === "") syntaxError("ParseInt", s);
  let v = 0n;
  const bb = BigInt(b);
  for (const ch of text.toLowerCase()) {
    const d = ch >= "0" && ch <= "9" ? ch.charCodeAt(0) - 48 : ch >= "a" && ch <= "z" ? ch.charCodeAt(0) - 87 : 99;
    if (d >= b) syntaxError("ParseInt", s);
    v = v * bb + BigInt(d);
  }
  v *= sign;
  if (v > MAX_INT64 || v < MIN_INT64) {
    throw new ProgramRuntimeError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return Number(v);
}

const DEC_FLOAT = /^[+-]?([0-9](_?[0-9])*\.?([0-9](_?[0-9])*)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9]+)?$/;
const SPECIAL = /^[+-]?(inf|infinity|nan)$/i;

/** strconv.ParseFloat(s, 64). */
export function parseFloatGo(s: string): number {
  if (DEC_FLOAT.test(s) && !s.includes("_")) {
    const f = Number(s);
    if (!Number.isFinite(f)) throw new ProgramRuntimeError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
    return f;
  }
  if (SPECIAL.test(s)) {
    const neg = s.startsWith("-");
    if (/nan/i.test(s)) return NaN;
    return neg ? -Infinity : Infinity;
  }
  if (/^[+-]?0[xX]/.test(s)) {
    const neg = s.startsWith("-");
    const m = /^[+-]?0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(s);
    if (m !== null && (m[1] !== "" || m[2] !== "")) {
      const mant = parseInt((m[1] ?? "") + (m[2] ?? "") || "0", 16) / Math.pow(16, (m[2] ?? "").length);
      const v = mant * Math.pow(2, Number(m[3]));
      return neg ? -v : v;
    }
  }
  return syntaxError("ParseFloat", s);
}

/** Shortest digits and decimal exponent of a finite, non-zero |f|. */
function shortest(f: number): { digits: string; exp: number } {
  const [mant, e] = Math.abs(f).toExponential().split("e") as [string, string];
  return { digits: mant.replace(".", ""), exp: Number(e) };
}

function formatG(f: number, upper: boolean): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const { digits, exp } = shortest(f);
  const sign = f < 0 ? "-" : "";
  // Go's shortest %g uses the exponent form when the exponent is < -4 or >= 6 (so 1e6 prints as 1e+06).
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}${upper ? "E" : "e"}${exp < 0 ? "-" : "+"}${es}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** strconv.FormatFloat(f, 'G', -1, 64). */
export function formatFloatG(f: number): string {
  return formatG(f, true);
}

/** fmt.Sprintf("%g", f). */
export function formatFloatVerbG(f: number): string {
  return formatG(f, false);
}
