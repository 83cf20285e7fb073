// Go's math.Pow and int64 conversion: results must equal mtail's to the last bit (rows recorded from mtail
// 3.0.0~rc50 on an FMA-capable amd64 CPU; JavaScript's Math.pow differs in the last place for several of them).
import { expect } from "chai";
import { goFloatToInt64, goPow } from "../../../src/compiler/go-math.js";

const rows: [number, number, number][] = [
  [0.36, 4.2, 0.013692113899838609],
  [1.86, 4.02, 12.11830937809054],
  [10.19, 1.99, 101.45340469124099],
  [10.51, 3.73, 6465.1429325766485],
  [11.73, 4.53, 69810.37885359721],
  [12.33, 0.32, 2.23412868400366],
  [2, 10, 1024],
  [2, -2, 0.25],
  [9, 0.5, 3],
];

describe("goPow", () => {
  for (const [x, y, want] of rows) {
    it(`${x} ** ${y} = ${want}`, () => {
      expect(goPow(x, y)).to.equal(want);
    });
  }
  it("int64 conversion of out-of-range values gives the minimum int64, as on amd64", () => {
    expect(goFloatToInt64(goPow(2, 63))).to.equal(-9223372036854775808);
    expect(goFloatToInt64(goPow(7, 30))).to.equal(-9223372036854775808);
    expect(goFloatToInt64(-3.9)).to.equal(-3);
  });
});
