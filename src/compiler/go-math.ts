// Go's math.Pow and float-to-int64 conversion, so `**` gives mtail's results to the last bit (constant folding
// in the compiler, and the runtime helpers). JavaScript's Math.pow rounds differently in the last place for
// non-integer exponents; Go computes exp(yf*log(x)) * x**yi, applying yi by repeated squaring of frexp mantissas.

const buf = new DataView(new ArrayBuffer(8));

/** Go's math.Frexp: x = frac * 2**exp with |frac| in [0.5, 1). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x) || Number.isNaN(x)) return [x, 0];
  let e = 0;
  let v = x;
  // Normalise subnormals first, as Go does.
  if (Math.abs(v) < 2.2250738585072014e-308) {
    v *= 4503599627370496; // 2**52
    e = -52;
  }
  buf.setFloat64(0, v);
  const hi = buf.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1022;
  buf.setUint32(0, (hi & ~(0x7ff << 20)) | (1022 << 20));
  return [buf.getFloat64(0), e];
}

/** Go's math.Ldexp: frac * 2**exp without intermediate overflow. */
function ldexp(frac: number, exp: number): number {
  let f = frac;
  let e = exp;
  while (e > 1000) {
    f *= 2 ** 1000;
    e -= 1000;
    if (!Number.isFinite(f)) return f;
  }
  while (e < -1000) {
    f *= 2 ** -1000;
    e += 1000;
    if (f === 0) return f;
  }
  return f * 2 ** e;
}

/** Sign, integer mantissa and binary exponent of a finite double: x = m * 2**e exactly. */
function decompose(x: number): [bigint, number] {
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return [hi >>> 31 === 1 ? -m : m, e];
}

/** a*b + c with one rounding (a fused multiply-add), computed exactly with BigInt; used only by goExp. */
function fma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || a === 0 || b === 0) return a * b + c;
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  let e = Math.min(ep, ec);
  const sum = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (sum === 0n) return a * b + c;
  const neg = sum < 0n;
  let m = neg ? -sum : sum;
  const shift = m.toString(2).length - 53;
  if (shift > 0) {
    // Round half to even on the dropped bits.
    const dropped = m & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    m >>= BigInt(shift);
    if (dropped > half || (dropped === half && (m & 1n) === 1n)) m += 1n;
    e += shift;
  }
  const r = ldexp(Number(m), e);
  return neg ? -r : r;
}

const LOG2E = 1.442695040888963407359924681001892;
const LN2U = 0.69314718055966295651160180568695068359375;
const LN2L = 0.28235290563031577122588448175013436025525412068e-12;
// Taylor coefficients 1/n! used by Go's amd64 Exp.
const T2 = 1.6666666666666666667e-1;
const T3 = 4.1666666666666666667e-2;
const T4 = 8.3333333333333333333e-3;
const T5 = 1.3888888888888888889e-3;
const T6 = 1.9841269841269841270e-4;
const T7 = 2.4801587301587301587e-5;

/**
 * Go's math.Exp as the amd64 build computes it on a CPU with FMA (the reference binary's case): reduce by
 * k = round(x*log2(e)), divide by 16, a degree-8 Taylor polynomial for e**r - 1, square four times, scale by 2**k.
 */
function goExp(x: number): number {
  if (!Number.isFinite(x)) return Math.exp(x);
  if (x > 7.09782712893384e2) return Infinity;
  const t = x * LOG2E;
  // CVTSD2SL rounds half to even.
  let k = Math.round(t);
  if (Math.abs(t % 1) === 0.5) k = 2 * Math.round(t / 2);
  let r = fma(-k, LN2U, x);
  r = fma(-k, LN2L, r);
  r *= 0.0625;
  let p = T7;
  p = fma(p, r, T6);
  p = fma(p, r, T5);
  p = fma(p, r, T4);
  p = fma(p, r, T3);
  p = fma(p, r, T2);
  p = fma(p, r, 0.5);
  p = fma(p, r, 1.0);
  r = p * r;
  for (let i = 0; i < 3; i++) r = r * (r + 2.0);
  r = fma(r + 2.0, r, 1.0);
  const biased = k + 0x3ff;
  if (biased <= 0) return 0;
  if (biased >= 0x7ff) return Infinity;
  return r * 2 ** k;
}

/** Go's math.Pow(x, y). */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 || !Number.isFinite(y) || !Number.isFinite(x)) return Math.pow(x, y);
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);
  const ay = Math.abs(y);
  let yi = Math.trunc(ay);
  let yf = ay - yi;
  if (yf !== 0 && x < 0) return NaN;
  if (yi >= 9223372036854775808) return Math.pow(x, y);
  let a1 = 1.0;
  let ae = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = goExp(yf * Math.log(x));
  }
  let [x1, xe] = frexp(x);
  // yi can exceed 2**53 only where the result over/underflows anyway; BigInt keeps the bit walk exact.
  for (let i = BigInt(yi); i !== 0n; i >>= 1n) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if ((i & 1n) === 1n) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}

const MIN_INT64 = -9223372036854775808;

/** Go's int64(f) on amd64: truncation, and the "integer indefinite" value for NaN or out-of-range input. */
export function goFloatToInt64(f: number): number {
  if (Number.isNaN(f) || f >= 9223372036854775808 || f < MIN_INT64) return MIN_INT64;
  return Math.trunc(f);
}
