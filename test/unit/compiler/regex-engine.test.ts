// Every pattern runs in time linear in the text: which engine planRegex picks, and that each path (V8 on the
// linear-mode translation, RE2JS, and RE2JS for long texts) matches exactly as mtail does on the mtail-verified
// cases of regex-cases.ts.

import { expect } from "chai";
import { buildLineRegExp, buildSubstRegExp, LONG_TEXT, withoutGroupNames } from "../../../src/compiler/line-regexp.js";
import { planRegex, runsInLinearTime, type RegexPlan } from "../../../src/compiler/regex-engine.js";
import { translateRegex } from "../../../src/compiler/regex.js";
import { matchCases } from "./regex-cases.js";

function plan(re: string, captures?: Set<number>): RegexPlan {
  const p = planRegex(re, captures === undefined ? {} : { captures });
  if (!p.ok) expect.fail(`${p.error} at ${p.offset}`);
  return p;
}

const groups = (m: RegExpExecArray | null): string[] | null => (m === null ? null : Array.from(m, (g) => g ?? ""));

describe("planRegex: an engine that runs every pattern in linear time", () => {
  // The patterns issue 15 found taking 15-17 s on a 29-byte line, and others of the same families.
  const cases: { re: string; engine: "v8" | "re2" }[] = [
    { re: "^(\\p{L}+)+$", engine: "v8" },
    { re: "^(a{1,20})+$", engine: "v8" },
    { re: "(?m)^(a+)+$", engine: "re2" },
    { re: "(x+x+)+y", engine: "v8" },
    { re: "^(\\w{1,64})+$", engine: "v8" },
    { re: "^(?:(a){1,20})+$", engine: "re2" },
    { re: "^(((((a+)+)+)+)+)$", engine: "re2" },
    { re: "(?i)^(\\pL+)+$", engine: "v8" },
    { re: '^(\\S+) \\S+ (\\S+) \\[([^\\]]+)\\] "(\\S+) (\\S+) \\S+" (\\d+) (\\d+|-)', engine: "v8" },
  ];
  for (const c of cases) {
    it(`${c.re} runs on ${c.engine}`, () => {
      const p = plan(c.re);
      // Common patterns must stay on V8. The "re2" ones are those V8's linear engine refuses on Node 20; a newer V8
      // (Node 24 takes ^(((((a+)+)+)+)+)$) may accept one, and then V8 is right provided it runs it in linear mode.
      if (c.engine === "v8" || p.engine === "re2") expect(p.engine).to.equal(c.engine);
      if (p.engine === "v8") {
        expect(runsInLinearTime(p.source, p.flags), p.source).to.equal(true);
        expect(runsInLinearTime(p.bmpSource, p.flags), p.bmpSource).to.equal(true);
      }
    });
  }

  it("keeps the plain translation when V8's linear engine takes it (no change for common patterns)", () => {
    const re = '^(\\S+) (\\S+) \\[([^\\]]+)\\] "(.*?)" (\\d+)';
    const t = translateRegex(re);
    const p = plan(re);
    expect(t.ok && p.source === t.source && p.bmpSource === t.bmpSource).to.equal(true);
  });

  it("answers the hostile lines of issue 15 with the right result", () => {
    const hostile: { re: string; line: string; want: string[] | null }[] = [
      { re: "^(\\p{L}+)+$", line: "a".repeat(28) + "!", want: null },
      { re: "(?m)^(a+)+$", line: "a".repeat(28) + "!", want: null },
      { re: "^(a{1,20})+$", line: "a".repeat(28) + "!", want: null },
      { re: "^(\\p{L}+)+$", line: "é".repeat(29), want: ["é".repeat(29), "é".repeat(29)] },
      { re: "(?m)^(a+)+$", line: "a".repeat(29), want: ["a".repeat(29), "a".repeat(29)] },
      { re: "^(a{1,20})+$", line: "a".repeat(29), want: ["a".repeat(29), "a".repeat(9)] },
    ];
    for (const h of hostile) {
      const m = buildLineRegExp(plan(h.re)).exec(h.line);
      expect(groups(m), `${h.re} on ${h.line}`).to.deep.equal(h.want);
    }
  });
});

describe("every engine path matches as mtail does (regex-cases.ts)", () => {
  for (const c of matchCases) {
    it(c.re, () => {
      const linear = translateRegex(c.re, { linear: true });
      if (!linear.ok) expect.fail(linear.error);
      const p = plan(c.re);
      const asRe2: RegexPlan = { ...p, engine: "re2" };
      const re2 = buildLineRegExp(asRe2);
      const linearRe = new RegExp(linear.source, linear.flags);
      for (const [input, want] of c.inputs) {
        expect(groups(linearRe.exec(input)), `linear /${linear.source}/ on ${JSON.stringify(input)}`).to.deep.equal(want);
        expect(groups(re2.exec(input)), `RE2JS on ${JSON.stringify(input)}`).to.deep.equal(want);
        expect(groups(buildLineRegExp(p).exec(input)), `plan (${p.engine}) on ${JSON.stringify(input)}`).to.deep.equal(want);
        if (!/[\ud800-\udfff]/.test(input)) {
          const bmp = new RegExp(linear.bmpSource, linear.flags);
          expect(groups(bmp.exec(input)), `linear BMP twin on ${JSON.stringify(input)}`).to.deep.equal(want);
        }
      }
    });
  }

  it("RE2JS returns only the groups the program reads, as the translation does", () => {
    const p = plan("(a)(b)?(c)", new Set([1, 3]));
    expect(groups(buildLineRegExp({ ...p, engine: "re2" }).exec("xac"))).to.deep.equal(["ac", "a", "c"]);
    expect(groups(buildLineRegExp(p).exec("xac"))).to.deep.equal(["ac", "a", "c"]);
  });

  it("texts longer than LONG_TEXT go to RE2JS with the same result, and stay linear", () => {
    const p = plan("^(\\w+)=(x+x+)+y");
    expect(p.engine).to.equal("v8");
    const re = buildLineRegExp(p);
    const long = "key=" + "x".repeat(LONG_TEXT * 4) + "y";
    const m = re.exec(long);
    expect(m !== null && m[1] === "key" && m[0].length === long.length).to.equal(true);
    expect(m!.index).to.equal(0);
    // The hostile form: no y, so a backtracking engine would explode; RE2JS answers null.
    expect(re.exec("key=" + "x".repeat(LONG_TEXT * 4))).to.equal(null);
  });

  it("subst() replaces literally on both engines and on long texts", () => {
    for (const engine of ["v8", "re2"] as const) {
      const p: RegexPlan = { ...plan("a+"), engine };
      const s = buildSubstRegExp(p);
      expect(s.replaceLiteral("baac", "$1$$"), engine).to.equal("b$1$$c");
      const long = "b" + "a".repeat(LONG_TEXT) + "c";
      expect(s.replaceLiteral(long, "-"), engine).to.equal("b-c");
    }
  });

  it("drops group names for RE2JS without touching escapes, classes or \\Q...\\E", () => {
    expect(withoutGroupNames("(?P<a>x)-(?P<a>y)")).to.equal("(x)-(y)");
    expect(withoutGroupNames("(?<n>x)\\(?P<m>y\\)")).to.equal("(x)\\(?P<m>y\\)");
    expect(withoutGroupNames("[(?P<a>]")).to.equal("[(?P<a>]");
    expect(withoutGroupNames("[]a(?P<a>]b")).to.equal("[]a(?P<a>]b");
    expect(withoutGroupNames("[[:alpha:](?P<a>]")).to.equal("[[:alpha:](?P<a>]");
    expect(withoutGroupNames("\\Q(?P<a>\\E(?P<b>c)")).to.equal("\\Q(?P<a>\\E(c)");
    expect(withoutGroupNames("(?:a)(?i)(?P<x_1>b)")).to.equal("(?:a)(?i)(b)");
  });
});
