// LiteralScanner: one pass must report exactly the literals String#includes finds, for overlapping literals,
// literals inside others, repeated literals, characters beyond ASCII and patterns without a literal.

import { expect } from "chai";
import { LiteralScanner } from "../../../src/compiler/literal-scan.js";

function reference(literals: readonly (string | null)[], line: string): boolean[] {
  return literals.map((l) => l !== null && line.includes(l));
}

function scanned(scanner: LiteralScanner, line: string, found: Float64Array, stamp: number): boolean[] {
  scanner.scan(line, found as unknown as Int32Array, stamp);
  return Array.from(found, (v) => v === stamp);
}

describe("compiler/literal-scan", () => {
  const cases: Array<{ name: string; literals: (string | null)[]; lines: string[] }> = [
    { name: "classic overlaps", literals: ["he", "she", "his", "hers"], lines: ["ushers", "his", "h", "", "shehishers"] },
    { name: "one literal inside another", literals: ["abcd", "bc", "c", "abcde"], lines: ["abcd", "xbcx", "abcdabcde", "ab"] },
    { name: "the same literal twice, and patterns without one", literals: ["ab", null, "ab", null], lines: ["ab", "a b"] },
    { name: "characters beyond ASCII", literals: ["é=", "日本", "😀x", "x"], lines: ["café=1", "日本語", "😀x", "😀", "\u00e9"] },
    { name: "a literal that is a prefix of a failing one", literals: ["aab", "ab"], lines: ["aaab", "aac"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const scanner = new LiteralScanner(c.literals);
      const found = new Float64Array(c.literals.length);
      c.lines.forEach((line, i) => expect(scanned(scanner, line, found, i + 1), line).to.deep.equal(reference(c.literals, line)));
    });
  }

  it("agrees with includes on random lines over a small alphabet", () => {
    let state = 7;
    const rand = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const word = (len: number): string => Array.from({ length: len }, () => "abcé"[rand(4)]!).join("");
    const literals = Array.from({ length: 30 }, () => (rand(6) === 0 ? null : word(1 + rand(4))));
    const scanner = new LiteralScanner(literals);
    const found = new Float64Array(literals.length);
    for (let i = 1; i <= 2000; i++) {
      const line = word(rand(40));
      expect(scanned(scanner, line, found, i), line).to.deep.equal(reference(literals, line));
    }
  });
});
