// Sorting many series keys fast: an MSD radix sort whose digits are several characters, each level sorted by the
// engine's native numeric sort of a Float64Array. Pure; imports nothing.
//
// Why: sorting the 200,000 series of bench high-cardinality by a comparator (rows with a packed prefix, then the
// key strings) took 250-300 ms per scrape on the bench machine, about as long as reading the million lines had
// become; a Float64Array of 200,000 numbers sorts natively in ~20 ms, and random keys need two levels.

const UNIT_BITS = 7;
/** A digit and a row index share a double's 53 integer bits: 7 bits a unit, at least 4 units a digit. */
const INDEX_BITS_MAX = 53 - 4 * UNIT_BITS;
/** A unit at or above this (and anything after it in the digit) is clamped: see digitOf. */
const CLAMP = (1 << UNIT_BITS) - 1;
/** Runs this short are sorted by comparing strings. */
const SMALL = 24;

/**
 * Row indices 0..keys.length-1 ordered by key (JavaScript's string order, by UTF-16 unit), rows with equal keys
 * ordered by `tie`. Keys must not hold "\0" before their end (shorter keys pad with 0).
 */
export function orderByKey(keys: readonly string[], tie: (a: number, b: number) => number): Int32Array {
  const n = keys.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const compare = (a: number, b: number): number => {
    const x = keys[a] as string;
    const y = keys[b] as string;
    return x < y ? -1 : x > y ? 1 : tie(a, b);
  };
  if (n > 2 ** INDEX_BITS_MAX) {
    order.sort(compare);
    return order;
  }
  const packed = new Float64Array(n);
  const rows = new Int32Array(n);
  const ranges: number[] = [0, n, 0];
  while (ranges.length > 0) {
    const depth = ranges.pop() as number;
    const hi = ranges.pop() as number;
    const lo = ranges.pop() as number;
    const m = hi - lo;
    if (m < 2) continue;
    if (m <= SMALL) {
      sortRun(order, lo, hi, compare);
      continue;
    }
    // The row's index in the range goes below the digit; the fewer rows, the more units the digit can take
    // (200,000 rows: 5 units; 50 rows: 6), so a range needs fewer levels.
    const indexBits = Math.ceil(Math.log2(m));
    const units = Math.min(7, Math.floor((53 - indexBits) / UNIT_BITS));
    const span = 2 ** indexBits;
    for (let i = lo; i < hi; i++) {
      rows[i] = order[i] as number;
      packed[i] = digitOf(keys[order[i] as number] as string, depth, units) * span + (i - lo);
    }
    packed.subarray(lo, hi).sort();
    for (let i = lo; i < hi; i++) order[i] = rows[lo + ((packed[i] as number) % span)] as number;
    // Runs of one digit: recurse on the units after it, unless the digit ends every key of the run or was
    // clamped, where the strings decide.
    let start = lo;
    let digit = Math.floor((packed[lo] as number) / span);
    for (let i = lo + 1; i <= hi; i++) {
      const d = i < hi ? Math.floor((packed[i] as number) / span) : -1;
      if (d === digit) continue;
      if (i - start > 1) {
        if (clamped(digit, units) || !anyLonger(keys, order, start, i, depth + units)) sortRun(order, start, i, compare);
        else ranges.push(start, i, depth + units);
      }
      start = i;
      digit = d;
    }
  }
  return order;
}

/**
 * `units` units of `key` from `depth` as one number, 7 bits each, 0 past the end. A unit of 127 or more clamps to
 * 127 and zeroes the rest of the digit: order is kept (such keys sort after every key with a smaller unit there)
 * and the run they form is then sorted by comparing strings.
 */
function digitOf(key: string, depth: number, units: number): number {
  let d = 0;
  let clampedHere = false;
  for (let u = 0; u < units; u++) {
    const p = depth + u;
    let c = 0;
    if (!clampedHere && p < key.length) {
      c = key.charCodeAt(p);
      if (c >= CLAMP) {
        c = CLAMP;
        clampedHere = true;
      }
    }
    d = d * (CLAMP + 1) + c;
  }
  return d;
}

function clamped(digit: number, units: number): boolean {
  for (let u = 0; u < units; u++) {
    if (digit % (CLAMP + 1) === CLAMP) return true;
    digit = Math.floor(digit / (CLAMP + 1));
  }
  return false;
}

function anyLonger(keys: readonly string[], order: Int32Array, lo: number, hi: number, length: number): boolean {
  for (let i = lo; i < hi; i++) if ((keys[order[i] as number] as string).length > length) return true;
  return false;
}

/** Sorts order[lo..hi) with the full comparison (insertion sort for short runs). */
function sortRun(order: Int32Array, lo: number, hi: number, compare: (a: number, b: number) => number): void {
  if (hi - lo > SMALL) {
    order.subarray(lo, hi).sort(compare);
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const row = order[i] as number;
    let j = i - 1;
    while (j >= lo && compare(order[j] as number, row) > 0) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = row;
  }
}
