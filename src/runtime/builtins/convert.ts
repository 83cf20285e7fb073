// int(), float(), string() and strtol() as mtail 3.0.0~rc50 runs them: Go's strconv.ParseInt / ParseFloat and
// %g formatting, checked against the reference binary (test/unit/runtime/builtins/convert.test.ts has the table).
// Failures throw ProgramRuntimeError with strconv's message, which the runtime counts as a runtime error.

import { ProgramRuntimeError } from "../runtime-error.js";

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

const EMPTY_PARSE_INT = new ProgramRuntimeError('strconv.ParseInt: parsing "": invalid syntax');

// The last failure, thrown again when the same text fails the same way (a log repeating one bad value, like a
// "-" field): the message is built once instead of per line. Safe to share: nothing mutates a thrown error, and
// the runtime reads only its message.
let lastFailure: { fn: string; s: string; why: string; err: ProgramRuntimeError } | undefined;

function fail(fn: string, s: string, why: string): never {
  const last = lastFailure;
  if (last !== undefined && last.s === s && last.fn === fn && last.why === why) throw last.err;
  const err = new ProgramRuntimeError(`strconv.${fn}: parsing ${JSON.stringify(s)}: ${why}`);
  lastFailure = { fn, s, why, err };
  throw err;
}

/**
 * strconv.ParseInt(s, base, 64): optional sign, digits of the base (letters either case), no spaces; base 0
 * reads a 0x / 0o / 0b / 0 prefix and allows underscores between digits. Values beyond int64 are "value out of
 * range". The result is a JS number, so magnitudes above 2^53 lose their last digits (as they do in the output).
 */
export function parseIntGo(s: string, base: number): number {
  // Fast path: decimal digits that fit a double exactly, no allocation.
  const len = s.length;
  // An optional group that did not match (Apache's "-" size) is the common failure: one shared error, no
  // message built per line (Apache benchmark, 10% of lines fail: 242 -> 202 ms CPU per 300k lines, runtime
  // only). Go's ParseInt checks for "" before the base.
  if (len === 0) throw EMPTY_PARSE_INT;
  if (base === 10 && len > 0 && len <= 15) {
    let v = 0;
    let i = 0;
    const first = s.charCodeAt(0);
    if ((first === 0x2d || first === 0x2b) && len > 1) i = 1;
    for (; i < len; i++) {
      const d = s.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === len) return first === 0x2d ? -v : v;
  }
  return parseIntSlow(s, base);
}

function parseIntSlow(s: string, base: number): number {
  if (base !== 0 && (base < 2 || base > 36)) fail("ParseInt", s, `invalid base ${base}`);
  let i = 0;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    i = 1;
  }
  let b = base;
  let underscores = false;
  if (b === 0) {
    b = 10;
    if (s[i] === "0") {
      const p = (s[i + 1] ?? "").toLowerCase();
      if (p === "x" || p === "o" || p === "b") {
        b = p === "x" ? 16 : p === "o" ? 8 : 2;
        i += 2;
      } else {
        b = 8;
        i += 1;
      }
    }
    underscores = true;
  }
  let v = 0n;
  const bb = BigInt(b);
  let digits = 0;
  let prevUnderscore = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f && underscores) {
      prevUnderscore = true;
      continue;
    }
    const lower = c | 0x20;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : lower >= 0x61 && lower <= 0x7a ? lower - 0x61 + 10 : 99;
    if (d >= b) fail("ParseInt", s, "invalid syntax");
    v = v * bb + BigInt(d);
    digits++;
    prevUnderscore = false;
  }
  // "0" alone in base 0 is octal with no digits after the prefix: still zero.
  const octalZero = base === 0 && b === 8 && digits === 0 && /^[+-]?0$/.test(s);
  if ((digits === 0 && !octalZero) || prevUnderscore || (underscores && !underscoreOK(s))) {
    fail("ParseInt", s, "invalid syntax");
  }
  if (neg) v = -v;
  if (v > MAX_INT64 || v < MIN_INT64) fail("ParseInt", s, "value out of range");
  return Number(v);
}

/** Go's underscoreOK: underscores only between digits, or between a base prefix and a digit. */
function underscoreOK(text: string): boolean {
  let s = text;
  let saw = "^";
  let i = 0;
  if (s[0] === "+" || s[0] === "-") s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "box".includes(s[1]!.toLowerCase())) {
    i = 2;
    saw = "0";
    hex = s[1]!.toLowerCase() === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && c.toLowerCase() >= "a" && c.toLowerCase() <= "f")) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/**
 * mtail rc50's strtol(s, base): ParseInt(s, base, 64), except that base 0 always fails ("int32 out of range"),
 * as the reference binary does.
 */
export function strtol(s: string, base: number): number {
  if (base === 0) throw new ProgramRuntimeError("int32 out of range");
  return parseIntGo(s, base);
}

/** 10^0 .. 10^22: every one is exact as a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

const DECIMAL = /^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const HEX = /^([+-]?)0[xX](_?[0-9a-fA-F](?:_?[0-9a-fA-F])*)?(?:\.([0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?[pP]([+-]?[0-9](?:_?[0-9])*)$/;

/**
 * strconv.ParseFloat(s, 64): decimal (underscores between digits allowed), hexadecimal with a p exponent,
 * "inf"/"infinity" with an optional sign and "nan" in any case. Overflow to infinity is "value out of range";
 * underflow to zero is not an error.
 */
export function parseFloatGo(s: string): number {
  // Fast path: [-]digits[.digits] with no exponent or underscore, which Number() reads exactly as Go does.
  // Clinger's exact case: with at most 15 digits, the digits m form an integer below 2^53 and 10^k (k <= 15)
  // is exact, so the correctly rounded m / 10^k is bit for bit Number(s), without Number()'s cost (histogram
  // benchmark: parseFloatGo was 16.8% self; 65-102 -> 26-38 ms per 1M parses, 0 mismatches in 1.95M inputs).
  const len = s.length;
  if (len > 0 && len < 20) {
    const neg = s.charCodeAt(0) === 0x2d;
    let i = neg ? 1 : 0;
    let digits = 0;
    let m = 0;
    let frac = -1; // digits after the dot, -1 before it
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) {
        m = m * 10 + (c - 0x30);
        digits++;
        if (frac >= 0) frac++;
      } else if (c === 0x2e && frac < 0) frac = 0;
      else break;
    }
    if (i === len && digits > 0) {
      if (digits > 15) return Number(s);
      const v = frac > 0 ? m / POW10[frac]! : m;
      return neg ? -v : v; // "-0.0" is -0, as in Go
    }
  }
  if (DECIMAL.test(s)) {
    const f = Number(s.includes("_") ? s.replaceAll("_", "") : s);
    if (!Number.isFinite(f)) fail("ParseFloat", s, "value out of range");
    return f;
  }
  const special = parseSpecial(s);
  if (special !== undefined) return special;
  const m = HEX.exec(s);
  if (m !== null && (m[2] !== undefined || m[3] !== undefined)) {
    const intPart = (m[2] ?? "").replaceAll("_", "");
    const frac = (m[3] ?? "").replaceAll("_", "");
    let mant = 0;
    for (const ch of intPart + frac) mant = mant * 16 + parseInt(ch, 16);
    const v = mant * Math.pow(2, Number(m[4]!.replaceAll("_", "")) - 4 * frac.length);
    if (!Number.isFinite(v)) fail("ParseFloat", s, "value out of range");
    return m[1] === "-" ? -v : v;
  }
  return fail("ParseFloat", s, "invalid syntax");
}

function parseSpecial(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === "nan") return NaN;
  const body = lower[0] === "+" || lower[0] === "-" ? lower.slice(1) : lower;
  if (body === "inf" || body === "infinity") return lower[0] === "-" ? -Infinity : Infinity;
  return undefined;
}

/** Shortest round-trip digits and decimal exponent of a finite, non-zero number (the same digits Go picks). */
function formatG(f: number, e: string): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const x = f.toExponential(); // "-d.ddde+N", shortest digits
  const at = x.indexOf("e");
  const exp = Number(x.slice(at + 1));
  // Go's shortest %g switches to exponent form below 1e-4 and from 1e6 (so 1000000 prints as 1e+06).
  if (exp < -4 || exp >= 6) {
    const n = Math.abs(exp);
    return x.slice(0, at) + e + (exp < 0 ? "-" : "+") + (n < 10 ? "0" : "") + n;
  }
  return String(f); // in this range JavaScript prints plain decimals with the same digits
}

/** strconv.FormatFloat(f, 'G', -1, 64): "1E+06", "+Inf". */
export function formatFloatG(f: number): string {
  return formatG(f, "E");
}

/** fmt.Sprintf("%g", f), which is FormatFloat(f, 'g', -1, 64): what string(float) and float label keys give. */
export function formatFloatVerbG(f: number): string {
  return formatG(f, "e");
}
