// Number and string formatting identical to Go's, so our output matches mtail's byte for byte: strconv's
// shortest 'g' format (Prometheus values, statsd/graphite), encoding/json's floats and strings (the /json shape).

/**
 * Go's strconv.FormatFloat(x, 'g', -1, 64): the shortest digits that round-trip, in exponent form when the
 * decimal exponent is below -4 or at least 6 ("1e+06", "1.5e-05"), else plain ("123456", "0.0001").
 * JavaScript's shortest digits are the same as Go's (both print the shortest round-tripping decimal).
 */
export function formatGoFloat(x: number): string {
  // Fast path: the shortest-digit decimal exponent is in [-4, 6) exactly when 1e-4 <= |x| < 1e6 (both
  // literals are the doubles they denote), and there JavaScript prints the same plain decimal as Go. String()
  // costs ~15 ns, toExponential() ~400 ns (79 ms per 200k samples on the bench machine). -0, NaN and
  // infinities fail the comparison and take the slow path.
  const a = x < 0 ? -x : x;
  if (a >= 1e-4 && a < 1e6) return String(x);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const e = x.toExponential(); // shortest digits: "d.ddde+N"
  const at = e.indexOf("e");
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp));
    return e.slice(0, at) + "e" + sign + (digits.length < 2 ? "0" + digits : digits);
  }
  return String(x); // JavaScript prints plain decimals in this exponent range, with the same shortest digits
}

/** Go's %d of an int64, for values the runtime keeps as integral numbers. */
export function formatGoInt(x: number): string {
  // Beyond 2^53 String() rounds to the shortest digits ("4611686018427388000"); Go prints the exact integer.
  if (Number.isInteger(x)) return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
  return formatGoFloat(x);
}

/**
 * Go's encoding/json for a float64: plain decimals for 1e-6 <= |x| < 1e21, else exponent form with a 1-digit
 * minimum exponent ("1e-7", "1e+21"). JSON.stringify matches except for -0, which Go keeps as "-0". Go refuses
 * to encode NaN and infinities; we print them as strings rather than fail the whole document.
 */
export function formatGoJsonFloat(x: number): string {
  if (!Number.isFinite(x)) return JSON.stringify(formatGoFloat(x));
  if (Object.is(x, -0)) return "-0";
  return JSON.stringify(x);
}

/** Go's encoding/json string quoting (HTML-safe, as json.Marshal does): "<" is \u003c, "\b" is \u0008, ... */
export function formatGoJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      if (c === 0x22) esc = '\\"';
      else if (c === 0x5c) esc = "\\\\";
      else if (c === 0x0a) esc = "\\n";
      else if (c === 0x0d) esc = "\\r";
      else if (c === 0x09) esc = "\\t";
      else esc = "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    } else if (c === 0x2028 || c === 0x2029) {
      esc = "\\u" + c.toString(16);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 to Go, which writes U+FFFD in its place.
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      esc = "\\ufffd";
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/**
 * Orders strings as Go does (by UTF-8 bytes, i.e. by code point). JavaScript's < compares UTF-16 code units,
 * which puts U+E000..U+FFFF after astral characters; this corrects exactly that case.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca !== cb) {
      if (ca >= 0xd800 && cb >= 0xd800) {
        ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
        cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
      }
      return ca - cb;
    }
  }
  return a.length - b.length;
}
