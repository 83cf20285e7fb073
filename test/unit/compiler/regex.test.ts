// Table tests for the RE2 -> JavaScript regexp translation (cases and their mtail-verified answers in
// regex-cases.ts), plus the properties the runtime relies on: V8's linear-time engine stays usable.

import { expect } from "chai";
import { translateRegex } from "../../../src/compiler/regex.js";
import { errorCases, matchCases } from "./regex-cases.js";

describe("translateRegex", () => {
  describe("matches as RE2 does", () => {
    for (const c of matchCases) {
      it(c.re, () => {
        const t = translateRegex(c.re);
        if (!t.ok) expect.fail(`${t.error} at ${t.offset}`);
        const re = new RegExp(t.source, t.flags);
        for (const [input, want] of c.inputs) {
          const m = re.exec(input);
          const got = m === null ? null : Array.from(m, (g) => g ?? "");
          expect(got, `${JSON.stringify(input)} against /${t.source}/${t.flags}`).to.deep.equal(want);
        }
      });
    }
  });

  describe("bmpSource matches as source does on input without astral characters", () => {
    for (const c of matchCases) {
      const bmpInputs = c.inputs.filter(([input]) => !/[\ud800-\udfff]/.test(input));
      if (bmpInputs.length === 0) continue;
      it(c.re, () => {
        const t = translateRegex(c.re);
        if (!t.ok) expect.fail(`${t.error} at ${t.offset}`);
        const re = new RegExp(t.bmpSource, t.flags);
        for (const [input, want] of bmpInputs) {
          const m = re.exec(input);
          expect(m === null ? null : Array.from(m, (g) => g ?? ""), `${JSON.stringify(input)} against /${t.bmpSource}/`).to.deep.equal(want);
        }
      });
    }
  });

  it("bmpSource keeps . and \\S single classes; source takes whole surrogate pairs", () => {
    const t = translateRegex("^(\\S+) (.*)$");
    if (!t.ok) expect.fail(t.error);
    expect(t.bmpSource).to.equal("^([^\\t\\n\\f\\r ]+) ([^\\n]*)$");
    expect(t.source).to.not.equal(t.bmpSource);
    const plain = translateRegex("^(\\d+) ([a-z]+)$");
    expect(plain.ok && plain.bmpSource === plain.source).to.equal(true);
  });

  describe("captures: groups the program does not read stop capturing", () => {
    const cases: { re: string; keep: number[]; input: string; want: string[] }[] = [
      { re: "(a)(b)(c)", keep: [2], input: "abc", want: ["abc", "b"] },
      { re: "(?P<x>a)((?P<y>b)c)", keep: [1, 3], input: "abc", want: ["abc", "a", "b"] },
      { re: "(a)|(b)", keep: [], input: "b", want: ["b"] },
      { re: "((a)+)", keep: [2], input: "aa", want: ["aa", "a"] },
    ];
    for (const c of cases) {
      it(`${c.re} keeping ${c.keep.join(",") || "none"}`, () => {
        const t = translateRegex(c.re, { captures: new Set(c.keep) });
        if (!t.ok) expect.fail(t.error);
        const m = new RegExp(t.source, t.flags).exec(c.input);
        expect(m === null ? null : Array.from(m, (g) => g ?? "")).to.deep.equal(c.want);
        // Names still describe the RE2 groups, kept or not.
        expect(t.groupNames.length).to.equal(translateRegex(c.re).ok ? (translateRegex(c.re) as { groupNames: unknown[] }).groupNames.length : -1);
      });
    }
  });

  describe("rejects what Go's regexp rejects", () => {
    for (const c of errorCases) {
      it(c.re.length > 40 ? `${c.re.slice(0, 20)}... (${c.re.length} chars)` : c.re, () => {
        const t = translateRegex(c.re);
        if (t.ok) expect.fail(`accepted as /${t.source}/${t.flags}`);
        expect(t.error).to.include(c.error);
        expect(t.offset).to.equal(c.offset);
        expect(t.error).to.match(/\.$/);
      });
    }
  });

  it("reports capture group names by group number", () => {
    const t = translateRegex("(?P<a>x)(y)(?:z)(?<b>w)((?P<c>v))");
    expect(t.ok && t.groupNames).to.deep.equal(["a", undefined, "b", undefined, "c"]);
  });

  it("refuses nesting deeper than Go's 1000 levels", () => {
    const nest = (n: number): string => "(".repeat(n) + "a" + ")".repeat(n);
    expect(translateRegex(nest(999), { maxLength: 1e6 }).ok).to.equal(true);
    const t = translateRegex(nest(1001), { maxLength: 1e6 });
    expect(t.ok === false && t.error).to.include("expression nests too deeply");
  });

  it("honours a smaller max length, counted in UTF-8 bytes", () => {
    expect(translateRegex("\u00e9\u00e9", { maxLength: 3 }).ok).to.equal(false);
    expect(translateRegex("\u00e9\u00e9", { maxLength: 4 }).ok).to.equal(true);
  });

  // V8's linear-time fallback refuses the u and i flags and lookarounds: common patterns must avoid them.
  const linearSafe = [
    "(?i)GET|POST",
    '^(\\S+) (\\S+) \\[([^\\]]+)\\] "(.*?)" (\\d+)',
    "[[:alpha:]]+\\s\\w+\\b",
    "(?s)a.b\\z",
    "(?P<x>[^,]*),\\Q+\\E",
  ];
  for (const re of linearSafe) {
    it(`keeps ${re} eligible for the linear-time engine`, () => {
      const t = translateRegex(re);
      if (!t.ok) expect.fail(t.error);
      expect(t.flags).to.equal("");
      expect(t.source).to.not.match(/\(\?<?[=!]/);
    });
  }
});
