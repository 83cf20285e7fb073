// Unicode simple case folding for regex.ts: (?i) is expanded into explicit classes (k -> [Kk\u212A]) because the
// JS `i` flag would take a pattern off V8's linear-time engine. Orbits approximate Go's unicode.SimpleFold: code
// points joined by single-code-point toLowerCase/toUpperCase mappings. Built lazily, once, on first (?i).

type Range = [number, number];

// The Unicode blocks that hold cased letters (Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee, Glagolitic,
// letterlike symbols, fullwidth, Deseret, Osage, Adlam...): scanning only these keeps the build near 15 ms.
const CASED_BLOCKS: readonly Range[] = [
  [0x0000, 0x058f], [0x10a0, 0x10ff], [0x13a0, 0x13ff], [0x1c80, 0x1cbf], [0x1d00, 0x1fff], [0x2100, 0x218f],
  [0x24b0, 0x24ef], [0x2c00, 0x2d2f], [0xa640, 0xa7ff], [0xab70, 0xabbf], [0xff00, 0xff5f], [0x10400, 0x104ff],
  [0x10570, 0x105bf], [0x10c80, 0x10cff], [0x118a0, 0x118ff], [0x16e40, 0x16e9f], [0x1e900, 0x1e94f],
];

let orbits: Map<number, number[]> | undefined;
let cased: number[] = [];

function build(): Map<number, number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const union = (a: number, b: number): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const [lo, hi] of CASED_BLOCKS) for (let c = lo; c <= hi; c++) {
    const s = String.fromCodePoint(c);
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      const d = t.codePointAt(0)!;
      // Only simple (one code point) mappings fold: "ß".toUpperCase() is "SS", which RE2 does not fold to.
      // Turkish dotted/dotless i have no simple case folding: (?i)i must not match U+0131.
      if (d !== c && t.length === (d > 0xffff ? 2 : 1) && c !== 0x130 && c !== 0x131) union(c, d);
    }
  }
  const groups = new Map<number, number[]>();
  for (const c of parent.keys()) {
    const r = find(c);
    let g = groups.get(r);
    if (g === undefined) groups.set(r, (g = []));
    g.push(c);
  }
  const out = new Map<number, number[]>();
  for (const g of groups.values()) {
    g.sort((a, b) => a - b);
    for (const c of g) out.set(c, g);
  }
  cased = [...out.keys()].sort((a, b) => a - b);
  return out;
}

/** The code points that match `c` case-insensitively, sorted, `c` included. */
export function foldOrbit(c: number): number[] {
  orbits ??= build();
  return orbits.get(c) ?? [c];
}

/** The ranges plus every code point that case-folds to one inside them (unsorted, may overlap). */
export function foldRanges(ranges: readonly Range[]): Range[] {
  orbits ??= build();
  const out: Range[] = ranges.map((r) => [r[0], r[1]]);
  for (const [lo, hi] of ranges) {
    // Binary search for the first cased code point >= lo.
    let a = 0;
    let b = cased.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (cased[mid]! < lo) a = mid + 1;
      else b = mid;
    }
    for (let k = a; k < cased.length && cased[k]! <= hi; k++) {
      for (const x of orbits.get(cased[k]!)!) if (x < lo || x > hi) out.push([x, x]);
    }
  }
  return out;
}
