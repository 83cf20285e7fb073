// The .prom reader: valid exposition text (escapes, Inf/NaN, timestamps, comments) and the errors for text that is not.
import { expect } from "chai";
import { diffPromText } from "../../../src/devtools/prom-diff.js";
import { PromSyntaxError, parsePromText } from "../../../src/devtools/prom-text.js";

describe("devtools/prom-text", () => {
  const valid: Array<{ name: string; text: string; key: string; value: number }> = [
    { name: "a bare sample", text: "up 1\n", key: "up", value: 1 },
    { name: "labels sorted into the key", text: 'x{b="2",a="1"} 3\n', key: 'x{a="1",b="2"}', value: 3 },
    { name: "escaped label values", text: 'x{p="a\\"b\\\\c\\nd"} 1\n', key: 'x{p="a\\"b\\\\c\\nd"}', value: 1 },
    { name: "a timestamp", text: "x 2 1700000000000\n", key: "x", value: 2 },
    { name: "+Inf", text: 'h_bucket{le="+Inf"} +Inf\n', key: 'h_bucket{le="+Inf"}', value: Infinity },
    { name: "Go's exponent form", text: "t 1.7040672e+09\n", key: "t", value: 1704067200 },
    { name: "comments and blank lines", text: "# just a comment\n\nx 1\n", key: "x", value: 1 },
    { name: "a trailing comma in labels", text: 'x{a="1",} 1\n', key: 'x{a="1"}', value: 1 },
  ];
  for (const c of valid) {
    it(`reads ${c.name}`, () => {
      const p = parsePromText(c.text);
      expect([...p.samples.keys()]).to.deep.equal([c.key]);
      expect(p.samples.get(c.key)?.value).to.equal(c.value);
    });
  }
  it("reads NaN", () => expect(Number.isNaN(parsePromText("x NaN\n").samples.get("x")?.value)).to.equal(true));
  it("reads HELP and TYPE", () => {
    const p = parsePromText("# HELP x says \\\\ hi\\n\n# TYPE x counter\nx 1\n");
    expect(p.meta.get("x")).to.deep.equal({ help: "says \\ hi\n", type: "counter" });
  });

  const invalid: Array<{ name: string; text: string; line: number; message: RegExp }> = [
    { name: "no value", text: "x\n", line: 1, message: /expected a space and a value/ },
    { name: "a word as value", text: "ok 1\nx one\n", line: 2, message: /invalid sample value "one"/ },
    { name: "an unclosed label set", text: 'x{a="1" 2\n', line: 1, message: /expected , or }/ },
    { name: "an unclosed quote", text: 'x{a="1} 2\n', line: 1, message: /no closing quote/ },
    { name: "a bad escape", text: 'x{a="\\t"} 2\n', line: 1, message: /invalid escape/ },
    { name: "a duplicate sample", text: 'x{a="1"} 2\nx{a="1"} 3\n', line: 2, message: /appears twice/ },
    { name: "an unknown type", text: "# TYPE x countr\n", line: 1, message: /unknown type "countr"/ },
    { name: "text after the timestamp", text: "x 1 2 3\n", line: 1, message: /unexpected text/ },
    { name: "a bad timestamp", text: "x 1 soon\n", line: 1, message: /invalid timestamp/ },
    { name: "a line that is no sample", text: "{a=\"1\"} 1\n", line: 1, message: /expected a metric name/ },
  ];
  for (const c of invalid) {
    it(`rejects ${c.name}, naming the line`, () => {
      let err: unknown;
      try {
        parsePromText(c.text);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(PromSyntaxError);
      expect((err as PromSyntaxError).line).to.equal(c.line);
      expect((err as Error).message).to.match(c.message);
    });
  }

  it("compares values with a relative tolerance of 1e-9, NaN equal to NaN", () => {
    const d = diffPromText(parsePromText("a 0.3\nb NaN\nc 1e12\n"), parsePromText(`a ${0.1 + 0.2}\nb NaN\nc 1000000000001\n`));
    expect(d).to.deep.equal([]);
    expect(diffPromText(parsePromText("a 0.3\n"), parsePromText("a 0.3001\n"))).to.have.length(1);
  });
});
