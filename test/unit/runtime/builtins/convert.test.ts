// Conversions against answers recorded from mtail 3.0.0~rc50 (programs like `r[$s] = int($s)` over a log of the
// inputs; "error" where mtail logged a runtime error).

import { expect } from "chai";
import { formatFloatG, formatFloatVerbG, parseFloatGo, parseIntGo, strtol } from "../../../../src/runtime/builtins/convert.js";
import { ProgramRuntimeError } from "../../../../src/runtime/runtime-error.js";

type Want = number | "error";

function check(name: string, run: () => number, want: Want): void {
  it(name, () => {
    if (want === "error") expect(run).to.throw(ProgramRuntimeError, /^strconv\.Parse(Int|Float): parsing "|int32/);
    else if (Number.isNaN(want)) expect(run()).to.be.NaN;
    else expect(run()).to.equal(want);
  });
}

describe("int() (strconv.ParseInt base 10)", () => {
  const cases: [string, Want][] = [
    ["12", 12], ["-12", -12], ["+12", 12], [" 12", "error"], ["12 ", "error"], ["1.5", "error"], ["0x10", "error"],
    ["010", 10], ["1_000", "error"], ["9223372036854775807", 9223372036854775807], ["9223372036854775808", "error"],
    ["-9223372036854775808", -9223372036854775808], ["", "error"], ["abc", "error"], ["-", "error"], ["+", "error"],
  ];
  for (const [s, want] of cases) check(JSON.stringify(s), () => parseIntGo(s, 10), want);
  it("says why, in strconv's words", () => {
    expect(() => parseIntGo("abc", 10)).to.throw('strconv.ParseInt: parsing "abc": invalid syntax');
    expect(() => parseIntGo("9223372036854775808", 10)).to.throw("value out of range");
  });
});

describe("strtol()", () => {
  const cases: [string, number, Want][] = [
    ["ff", 16, 255], ["0xff", 16, "error"], ["-FF", 16, -255], ["g", 16, "error"], ["zz", 36, 1295], ["z", 36, 35],
    ["0x17", 36, 42811], ["101", 2, 5], ["102", 2, "error"], ["17", 8, 15], ["-17", 8, -15], ["17", 10, 17],
    ["17", 1, "error"], ["17", 37, "error"], ["0x1f", 0, "error"], ["017", 0, "error"],
  ];
  for (const [s, base, want] of cases) check(`${JSON.stringify(s)} base ${base}`, () => strtol(s, base), want);
  it("reports an invalid base", () => {
    expect(() => strtol("17", 37)).to.throw('strconv.ParseInt: parsing "17": invalid base 37');
  });
});

describe("ParseInt base 0 (Go's prefixes and underscores)", () => {
  const cases: [string, Want][] = [
    ["0x1f", 31], ["0o17", 15], ["017", 15], ["0b101", 5], ["1_000", 1000], ["0x_1f", 31], ["1__0", "error"],
    ["_1", "error"], ["1_", "error"], ["0x", "error"], ["0", 0], ["-0x10", -16],
  ];
  for (const [s, want] of cases) check(JSON.stringify(s), () => parseIntGo(s, 0), want);
});

describe("float() (strconv.ParseFloat)", () => {
  const cases: [string, Want][] = [
    ["1.5", 1.5], ["1e400", "error"], ["1e-400", 0], ["inf", Infinity], ["-Infinity", -Infinity], ["nan", NaN],
    ["0x1p-2", 0.25], ["1_000.5", 1000.5], [".5", 0.5], ["5.", 5], ["1e", "error"], [" 1", "error"], ["+3", 3],
    ["-.5", -0.5], ["12", 12], ["1.5E3", 1500], ["+nan", "error"], ["infin", "error"], ["0x1.8p1", 3], ["", "error"],
    ["1_.5", "error"], ["0.1", 0.1], ["123456789012345678901234", 1.2345678901234568e23],
  ];
  for (const [s, want] of cases) check(JSON.stringify(s), () => parseFloatGo(s), want);
});

describe("string(float) and float labels (%g)", () => {
  const cases: [number, string][] = [
    [0.1, "0.1"], [1000000, "1e+06"], [100000, "100000"], [1e21, "1e+21"], [123456789, "1.23456789e+08"],
    [1.5e-7, "1.5e-07"], [0.0001, "0.0001"], [0.00001, "1e-05"], [-0, "-0"], [Infinity, "+Inf"], [-Infinity, "-Inf"],
    [NaN, "NaN"], [12345678912345, "1.2345678912345e+13"], [0.5, "0.5"], [3, "3"], [-2.5e100, "-2.5e+100"],
  ];
  for (const [f, want] of cases) {
    it(`${f} -> ${want}`, () => {
      expect(formatFloatVerbG(f)).to.equal(want);
      expect(formatFloatG(f)).to.equal(want.replace("e", "E"));
    });
  }
});
