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
    a1 = Math.exp(yf * Math.log(x));
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
