// Capture group type inference, table-driven; every row was checked against mtail 3.0.0~rc50 (the JSON "Type" of
// a gauge assigned the group).
import { expect } from "chai";
import { inferCaptures } from "../../../src/compiler/capture-types.js";

const cases: [pattern: string, type: string][] = [
  ["(\\d)", "String"], // a single character class is a String in mtail
  ["(-?\\d+)", "Int"],
  ["([0-9]+)", "Int"],
  ["(\\d+(?:\\.\\d+)?)", "Float"],
  ["(\\d+|-)", "String"],
  ["([+-]?\\d*\\.?\\d+)", "Float"],
  ["(0x[0-9a-f]+)", "String"],
  ["(\\d+\\.\\d+\\.\\d+)", "String"],
  ["(1|2)", "String"],
  ["(10|20)", "Int"],
  ["(\\d{2,3})", "Int"],
  ["([0-9.]+)", "Float"],
  ["(\\d+e\\d+)", "Float"],
  ["([-+])", "String"],
  ["(\\d*)", "Int"],
  ["(\\w+)", "String"],
];

describe("capture type inference", () => {
  for (const [pattern, type] of cases) {
    it(`/${pattern}/ is ${type}`, () => {
      expect(inferCaptures(pattern).types[1]).to.equal(type);
    });
  }

  it("numbers groups in order and records names", () => {
    const info = inferCaptures("(?P<a>x)(?:y)(z)(?<b>w)[(]\\(");
    expect(info.names).to.deep.equal(["", "a", "", "b"]);
  });
});
