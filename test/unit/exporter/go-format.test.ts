// Go-compatible formatting: expected strings are what Go's strconv / encoding/json produce (as mtail prints them).

import { expect } from "chai";
import {
  compareGoStrings,
  formatGoFloat,
  formatGoInt,
  formatGoJsonFloat,
  formatGoJsonString,
} from "../../../src/exporter/go-format.js";

describe("exporter/go-format", () => {
  describe("formatGoFloat (strconv 'g', -1)", () => {
    const cases: Array<[number, string]> = [
      [0, "0"],
      [-0, "-0"],
      [1, "1"],
      [-1, "-1"],
      [0.1, "0.1"],
      [2.5, "2.5"],
      [123456, "123456"],
      [1234567, "1.234567e+06"],
      [1e6, "1e+06"],
      [100000, "100000"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [1e-7, "1e-07"],
      [1.5e-300, "1.5e-300"],
      [1e21, "1e+21"],
      [1e300, "1e+300"],
      [12345678901234, "1.2345678901234e+13"],
      [12345678901234567890, "1.2345678901234567e+19"],
      [-2.5e10, "-2.5e+10"],
      [1.000000000000002e21, "1.000000000000002e+21"],
      [NaN, "NaN"],
      [Infinity, "+Inf"],
      [-Infinity, "-Inf"],
      // Around the fast path's bounds (1e-4 <= |x| < 1e6 prints with String()).
      [42, "42"],
      [-123456, "-123456"],
      [999999, "999999"],
      [999999.9999999999, "999999.9999999999"],
      [-999999.9999999999, "-999999.9999999999"],
      [-1e6, "-1e+06"],
      [-0.0001, "-0.0001"],
      [0.00009999999999999999, "9.999999999999999e-05"],
      [0.00010000000000000002, "0.00010000000000000002"],
      [0.1 + 0.2, "0.30000000000000004"],
      [5e-324, "5e-324"],
      [Number.MAX_VALUE, "1.7976931348623157e+308"],
      [2 ** 53, "9.007199254740992e+15"],
    ];
    for (const [x, want] of cases) it(`${want}`, () => expect(formatGoFloat(x)).to.equal(want));

    it("agrees with the exponent-form rule on random values of every magnitude", () => {
      // Reference: shortest digits from toExponential, plain exactly when the exponent is in [-4, 6).
      const reference = (x: number): string => {
        const e = x.toExponential();
        const at = e.indexOf("e");
        const exp = Number(e.slice(at + 1));
        if (exp >= -4 && exp < 6) return String(x);
        const digits = String(Math.abs(exp));
        return e.slice(0, at) + "e" + (exp < 0 ? "-" : "+") + (digits.length < 2 ? "0" + digits : digits);
      };
      let seed = 12345;
      const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const mismatches: string[] = [];
      for (let i = 0; i < 20000; i++) {
        const mag = Math.floor(rand() * 24) - 10; // 1e-10 .. 1e13
        let x = (rand() - 0.5) * 2 * 10 ** mag;
        if (i % 3 === 0) x = Math.round(x); // integers too
        if (x === 0) continue;
        if (formatGoFloat(x) !== reference(x)) mismatches.push(`${x}: ${formatGoFloat(x)} vs ${reference(x)}`);
      }
      expect(mismatches).to.deep.equal([]);
    });
  });

  describe("formatGoInt (%d)", () => {
    const cases: Array<[number, string]> = [
      [0, "0"],
      [-12, "-12"],
      [12345678901234, "12345678901234"],
      [2 ** 62, "4611686018427387904"],
    ];
    for (const [x, want] of cases) it(want, () => expect(formatGoInt(x)).to.equal(want));
  });

  describe("formatGoJsonFloat", () => {
    const cases: Array<[number, string]> = [
      [1e-7, "1e-7"],
      [0.000001, "0.000001"],
      [1e21, "1e+21"],
      [1e20, "100000000000000000000"],
      [-0, "-0"],
      [2.5, "2.5"],
    ];
    for (const [x, want] of cases) it(want, () => expect(formatGoJsonFloat(x)).to.equal(want));
  });

  describe("formatGoJsonString", () => {
    const cases: Array<[string, string, string]> = [
      ["plain", "abc", '"abc"'],
      ["HTML-safe", "<a&b>", '"\\u003ca\\u0026b\\u003e"'],
      ["quotes and backslashes", 'x"\\y', '"x\\"\\\\y"'],
      ["control characters", "\n\r\t\b\f\u0001", '"\\n\\r\\t\\u0008\\u000c\\u0001"'],
      ["line separators", "\u2028\u2029", '"\\u2028\\u2029"'],
      ["unicode kept", "é😀", '"é😀"'],
      ["lone surrogate", "a\ud800b", '"a\\ufffdb"'],
    ];
    for (const [name, s, want] of cases) it(name, () => expect(formatGoJsonString(s)).to.equal(want));
  });

  it("compareGoStrings orders by code point, as Go's byte order does", () => {
    const sorted = ["\ue000", "😀", "z", "é", "", "Z"].sort(compareGoStrings);
    expect(sorted).to.deep.equal(["", "Z", "z", "é", "\ue000", "😀"]);
  });
});
