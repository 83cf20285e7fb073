// orderByKey: the radix order must be exactly the comparator order (key by UTF-16 unit, then the tie-break),
// for key sets that stop at each level of the radix sort, clamp, end inside a digit or hold "\0".

import { expect } from "chai";
import { orderByKey } from "../../../src/exporter/series-sort.js";

function reference(keys: readonly string[], tie: (a: number, b: number) => number): number[] {
  return keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : tie(a, b)));
}

function generate(seed: number, count: number, make: (rand: (n: number) => number) => string): string[] {
  let state = seed;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  return Array.from({ length: count }, () => make(rand));
}

const pickFrom = (alphabet: string, rand: (n: number) => number, length: number): string =>
  Array.from({ length }, () => alphabet[rand(alphabet.length)]!).join("");

describe("exporter/series-sort", () => {
  const cases: Array<{ name: string; keys: string[] }> = [
    { name: "empty", keys: [] },
    { name: "one key", keys: ["a"] },
    { name: "short run (comparator only)", keys: ["b", "a", "", "ab", "a", "B"] },
    { name: "random hex ids", keys: generate(1, 5000, (r) => "s" + pickFrom("0123456789abcdef", r, 8)) },
    { name: "long shared prefix (many levels)", keys: generate(2, 3000, (r) => "/api/v1/users/" + pickFrom("0123456789", r, 1 + r(6))) },
    { name: "keys ending inside a digit", keys: generate(3, 3000, (r) => pickFrom("ab", r, r(11))) },
    { name: "units at and above 127 clamp", keys: generate(4, 3000, (r) => pickFrom("a\u007f\u0080éz\u07ff\u00ff", r, 1 + r(7))) },
    { name: "NUL separators and ends", keys: generate(5, 3000, (r) => pickFrom("a\u0000b", r, r(9))) },
    { name: "many duplicates (tie-break decides)", keys: generate(6, 4000, (r) => pickFrom("xy", r, 3)) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      // A tie-break that is not the row order, so a stable sort alone would not pass.
      const tie = (a: number, b: number): number => (b % 7) - (a % 7) || a - b;
      expect(Array.from(orderByKey(c.keys, tie))).to.deep.equal(reference(c.keys, tie));
    });
  }
});
