// mtail's JSON shape, compared byte for byte with `mtail --one_shot --one_shot_format=json` for the same programs.

import { expect } from "chai";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType } from "../../../src/metrics/types.js";
import { renderJson } from "../../../src/exporter/json.js";
import { basicStore, bucketsStore, expected, numbersStore, untouchedStore } from "./fixtures.js";

describe("exporter/json", () => {
  describe("matches mtail's one-shot output", () => {
    const cases = [
      { name: "basic.json", store: basicStore },
      { name: "buckets.json", store: bucketsStore },
      { name: "numbers.json", store: numbersStore },
      { name: "untouched.json", store: untouchedStore },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(renderJson(c.store())).to.equal(expected(c.name));
      });
    }
  });

  it("an empty store is an empty object", () => {
    expect(renderJson(new Store())).to.equal("{}");
  });

  it("writes limit, expiry (ns) and NaN (which Go cannot encode) readably", () => {
    const s = new Store();
    const m = s.declare({
      name: "c",
      program: "p.mtail",
      kind: Kind.Gauge,
      type: ValueType.Float,
      keys: ["k"],
      hidden: false,
      limit: 2,
      buckets: [],
      source: "p.mtail:1:9",
    });
    const d = m.get1("a");
    d.set(NaN, 1.5);
    m.expire(d, 3_600_000);
    const parsed = JSON.parse(renderJson(s)) as Record<string, Array<Record<string, unknown>>>;
    const c = parsed["c"]![0]!;
    expect(c["Limit"]).to.equal(2);
    expect(c["LabelValues"]).to.deep.equal([
      { Labels: ["a"], Value: { Value: "NaN", Time: 1500000 }, Expiry: 3600000000000 },
    ]);
  });
});
