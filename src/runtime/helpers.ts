// The helper functions compiled programs call through `H` (see ProgramHelpers in compiler/compile.ts): mtail's
// VM semantics for conversions that can fail, int64 arithmetic, deletes and capture lookups. Each failure
// throws a ProgramRuntimeError, which ends the program for that line (side effects before it are kept).

import type { MetricHandle, ProgramHelpers } from "../compiler/compile.js";
import { goFloatToInt64, goPow } from "../compiler/go-math.js";
import { ProgramRuntimeError } from "./runtime-error.js";
import { formatFloatG, formatFloatVerbG, parseFloatGo, parseIntGo, strtol } from "./builtins/convert.js";

export { ProgramRuntimeError };

const fail = (message: string): never => {
  throw new ProgramRuntimeError(message);
};

const goType = (v: unknown): string =>
  typeof v === "number" ? (Number.isInteger(v) ? "int64" : "float64") : typeof v === "boolean" ? "bool" : typeof v;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const isInt32 = (a: number): boolean => a >= INT32_MIN && a <= INT32_MAX;
const int64 = (b: bigint): number => Number(BigInt.asIntN(64, b));

/** UTF-8 length of a string, as Go's len() counts it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Whether `s` is exactly how Go's %d prints the int it parses to (no sign +, no leading zero, not -0). */
function isCanonicalInt(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 15) return false;
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === len || (s.charCodeAt(i) === 0x30 && (len > 1))) return false;
  for (; i < len; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/** Options that change how helpers behave for a runtime. */
export interface HelperOptions {
  /** Parses a timestamp with a Go layout; returns ms since the epoch or throws. */
  strptime(value: string, layout: string): number;
  /** The time of an update when the program set none (the record's time, or see clock.ts). */
  now(): number;
  /** The stream of the record being run ("" when it has none). */
  stream(): string;
}

/** Builds the helper table for one runtime. */
export function createHelpers(options: HelperOptions): ProgramHelpers {
  return {
    s2i: (s) => parseIntGo(s, 10),
    i2s: (s) => (isCanonicalInt(s) ? s : "" + parseIntGo(s, 10)),
    s2f: (s) => parseFloatGo(s),
    badInt: (v) => fail(`unexpected int type ${goType(v)} ${JSON.stringify(v)}`),
    badFloat: (v) => fail(`unexpected float type ${goType(v)} ${JSON.stringify(v)}`),
    badString: (v) => fail(`unexpected type for string ${goType(v)} ${JSON.stringify(v)}`),
    fmtG: formatFloatG,
    fmtg: formatFloatVerbG,
    len: utf8Length,
    settime: (v, repr) => (repr === "i64" ? v * 1000 : fail(`Failed to pop a timestamp off the stack: ${String(v)} instead`)),
    strptime: options.strptime,
    strtol,
    subst: (old, repl, value) => {
      if (old !== "") return value.split(old).join(repl);
      // Go inserts the replacement at every rune boundary, including both ends.
      return value === "" ? repl : repl + Array.from(value).join(repl) + repl;
    },
    // ReplaceAllLiteralString: `$` in the replacement is literal (compiler/line-regexp.ts).
    rsubst: (re, repl, value) => re.replaceLiteral(value, repl),
    noMatch: (capref) => fail(`Not enough capture groups matched to select ${capref}`),
    compare: (a, b) => {
      const x = typeof a === "string" && a.trim() !== "" && !Number.isNaN(Number(a)) ? Number(a) : a;
      const y = typeof b === "string" && b.trim() !== "" && !Number.isNaN(Number(b)) ? Number(b) : b;
      if (typeof x !== typeof y) fail(`cannot compare ${goType(a)} ${JSON.stringify(a)} with ${goType(b)} ${JSON.stringify(b)}`);
      return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
    },
    and: (a, b) => (isInt32(a) && isInt32(b) ? a & b : int64(BigInt(a) & BigInt(b))),
    or: (a, b) => (isInt32(a) && isInt32(b) ? a | b : int64(BigInt(a) | BigInt(b))),
    xor: (a, b) => (isInt32(a) && isInt32(b) ? a ^ b : int64(BigInt(a) ^ BigInt(b))),
    shl: (a, b) => (b < 0 ? fail("negative shift amount") : b >= 64 ? 0 : int64(BigInt(a) << BigInt(b))),
    shr: (a, b) => (b < 0 ? fail("negative shift amount") : b >= 64 ? (a < 0 ? -1 : 0) : int64(BigInt(a) >> BigInt(b))),
    idiv: (a, b) => (b === 0 ? fail(`Divide by zero ${a} / ${b}`) : Math.trunc(a / b)),
    imod: (a, b) => (b === 0 ? fail(`Divide by zero ${a} % ${b}`) : a % b),
    ipow: (a, b) => goFloatToInt64(goPow(a, b)),
    fpow: goPow,
    catAssign: (m: MetricHandle, id: number, s: string, tMs: number) => {
      m.setStr(id, m.str(id) + s, tMs);
    },
    del: (m: MetricHandle, keys: string[]) => {
      m.deleteN(keys);
    },
    expire: (m: MetricHandle, keys: string[], ttlMs: number) => {
      const id = m.findId(keys);
      if (id < 0) fail(`No datum for given labelvalues ${JSON.stringify(keys)}`);
      m.expire(id, ttlMs);
    },
    now: options.now,
    stream: options.stream,
  };
}
