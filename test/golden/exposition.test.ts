// Tests the golden runner's own comparison helpers, so a broken comparator cannot make every case pass.

import { expect } from "chai";
import { diffJson, normaliseJsonExport } from "./json-export.js";
import { diffMetadata, diffSamples, parseExposition, parseNumber, parseSample } from "./exposition.js";

describe("golden: exposition comparison helpers", () => {
  const samples = [
    { name: "no labels", line: "lines_total 3", key: "lines_total{}", value: 3 },
    { name: "labels are sorted", line: 'hits{prog="p.mtail",code="200"} 2', key: 'hits{code="200",prog="p.mtail"}', value: 2 },
    { name: "escapes in label values", line: 'x{v="a\\"b\\\\c\\nd"} 1', key: 'x{v="a\\"b\\\\c\\nd"}', value: 1 },
    { name: "commas and braces inside a value", line: 'x{v="a,b}c"} 1', key: 'x{v="a,b}c"}', value: 1 },
    { name: "Go float spelling", line: "g 1.6884648e+09", key: "g{}", value: 1688464800 },
    { name: "timestamp", line: "g 5 1700000000000", key: "g{}", value: 5, timestampMs: 1700000000000 },
    { name: "+Inf bucket label", line: 'h_bucket{le="+Inf"} 4', key: 'h_bucket{le="+Inf"}', value: 4 },
  ];
  for (const c of samples) {
    it(`parses a sample: ${c.name}`, () => {
      const s = parseSample(c.line);
      expect(s.key).to.equal(c.key);
      expect(s.value).to.equal(c.value);
      expect(s.timestampMs).to.equal(c.timestampMs);
    });
  }

  it("reads special values", () => {
    expect(parseNumber("+Inf")).to.equal(Infinity);
    expect(parseNumber("-Inf")).to.equal(-Infinity);
    expect(Number.isNaN(parseNumber("NaN"))).to.equal(true);
    expect(() => parseNumber("abc")).to.throw();
  });

  it("reports missing, extra and different series, and nothing for equal values spelled differently", () => {
    const want = parseExposition('a 1\nb{k="x"} 1e+06\nc 2\nn NaN\n');
    const got = parseExposition('b{k="x"} 1000000\nc 3\nd 1\nn NaN\n');
    const diffs = diffSamples(want, got);
    expect(diffs).to.have.length(3);
    expect(diffs.join("\n")).to.match(/missing +a\{\}/).and.match(/value +c\{\}: mtail 2, logtally 3/).and.match(/extra +d\{\}/);
  });

  it("flags unparsable lines and duplicate series", () => {
    const e = parseExposition("a 1\na 2\nbroken{ 3\n");
    expect(e.errors).to.have.length(2);
  });

  it("compares HELP and TYPE separately from samples", () => {
    const want = parseExposition("# HELP a defined at p.mtail:1:9\n# TYPE a counter\na 1\n");
    const got = parseExposition("# HELP a something else\n# TYPE a gauge\na 1\n");
    expect(diffSamples(want, got)).to.deep.equal([]);
    expect(diffMetadata(want, got)).to.have.length(2);
  });

  it("normalises mtail JSON: drops Time, sorts label sets", () => {
    const a = { m: [{ LabelValues: [{ Labels: ["b"], Value: { Value: 1, Time: 5 } }, { Labels: ["a"], Value: { Value: 2, Time: 6 } }] }] };
    const b = { m: [{ LabelValues: [{ Labels: ["a"], Value: { Value: 2, Time: 9 } }, { Labels: ["b"], Value: { Value: 1, Time: 9 } }] }] };
    expect(diffJson(normaliseJsonExport(a), normaliseJsonExport(b))).to.deep.equal([]);
    const c = { m: [{ LabelValues: [{ Labels: ["a"], Value: { Value: 3 } }, { Labels: ["b"], Value: { Value: 1 } }] }] };
    expect(diffJson(normaliseJsonExport(a), normaliseJsonExport(c))).to.have.length.greaterThan(0);
  });
});
