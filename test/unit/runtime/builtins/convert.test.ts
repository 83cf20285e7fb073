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

// parseFloatGo reads short plain decimals itself (Clinger's exact case) and leaves the rest to Number(): these
// sit on both sides of that line. Underscore answers were checked against mtail rc50 ("1_0.0_1", "1._5", ...).
describe("float() fast path edges (strconv.ParseFloat)", () => {
  const cases: [string, Want][] = [
    ["-0.0", -0], ["-0", -0], ["0.0", 0], ["1.", 1], ["-1.", -1], [".5", 0.5], ["+.5", 0.5], [".", "error"],
    ["-", "error"], ["-.", "error"], ["1.2.3", "error"], ["--1", "error"], ["1-2", "error"], ["e5", "error"],
    ["123456789012345", 123456789012345], ["12345678901234.5", 12345678901234.5], ["0.3", 0.3], ["-0.2", -0.2],
    ["1234567890123456", 1234567890123456], ["1234567890.123456", 1234567890.123456], ["00012.500", 12.5],
    ["0.000000000000001", 1e-15], ["999999999999999.9", 999999999999999.9], ["9007199254740993", 9007199254740992],
    ["123456789012345678", 123456789012345680], ["3.141592653589793", 3.141592653589793], ["0.007", 0.007],
    // 16-18 digits, where m / 10^k would round twice and differ from Number() in the last bit.
    ["907.5360620159357", 907.5360620159357], ["388074575.93131500", 388074575.931315],
    ["98759.527155646239", 98759.52715564624],
    ["1e5", 100000], ["1.5e-3", 0.0015], ["-2.5E+2", -250], ["1_0.0_1", 10.01], ["1_000", 1000], ["1__0", "error"],
    ["_1", "error"], ["1_", "error"], ["1._5", "error"], ["1_e5", "error"], ["1e_5", "error"], ["0x1_0p0", 16],
  ];
  for (const [s, want] of cases) {
    it(JSON.stringify(s), () => {
      const run = (): number => parseFloatGo(s);
      if (want === "error") expect(run).to.throw(ProgramRuntimeError, /^strconv\.ParseFloat: parsing "/);
      else expect(Object.is(run(), want), `${run()} is ${want}`).to.equal(true); // Object.is tells -0 from 0
    });
  }
  it("gives Number()'s exact double for plain decimals of up to 19 characters", () => {
    let x = 12345;
    const rnd = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return Math.floor((x / 4294967296) * n);
    };
    const wrong: string[] = [];
    for (let k = 0; k < 20000; k++) {
      let s = rnd(3) === 0 ? "-" : "";
      for (let j = rnd(9); j > 0; j--) s += rnd(10);
      if (rnd(4) !== 0) s += ".";
      for (let j = rnd(11); j > 0; j--) s += rnd(10);
      if (s.length > 19 || !/[0-9]/.test(s)) continue;
      if (!Object.is(parseFloatGo(s), Number(s))) wrong.push(s);
    }
    expect(wrong).to.deep.equal([]);
  });
  it("gives the same message when the same text fails twice", () => {
    for (const s of ["x1", "x1", "y", "x1"]) {
      expect(() => parseFloatGo(s)).to.throw(`strconv.ParseFloat: parsing "${s}": invalid syntax`);
    }
    expect(() => parseIntGo("-", 10)).to.throw('strconv.ParseInt: parsing "-": invalid syntax');
    expect(() => parseIntGo("-", 10)).to.throw('strconv.ParseInt: parsing "-": invalid syntax');
  });
});
