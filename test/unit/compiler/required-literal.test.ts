// requiredLiteral: the literal the generated code tests with line.includes() before running a regex. A wrong
// literal would silently drop matches, so besides the tables every translated pattern of the regex table is
// checked against the lines the reference mtail matched: each match must contain the literal.

import { expect } from "chai";
import { compile } from "../../../src/compiler/compile.js";
import { translateRegex } from "../../../src/compiler/regex.js";
import { requiredLiteral } from "../../../src/compiler/required-literal.js";
import { matchCases } from "./regex-cases.js";

describe("requiredLiteral (JavaScript sources)", () => {
  // [source, flags, literal or null]
  const cases: [string, string, string | null][] = [
    ["a{0}bcd", "", "bcd"], ["ab?cde", "", "cde"], ["abc|def", "", null], ["\\Qa.b\\E", "", null],
    ["(?i)abcd", "", null], ["\\u00e9abcd", "", "abcd"], ["x(?:yyyy)?zzz", "", "zzz"], ["abc+def", "", "abc"],
    ["ab{2,}cdef", "", "cdef"], ["^foo\\.bar$", "", "foo.bar"], ["\\d+ms elapsed", "", "ms elapsed"],
    ["a\\p{Greek}bcd", "u", "bcd"], ["(a|b)cde", "", "cde"], ["foo\\1bar", "", null], ["\\x41bcd", "", "bcd"],
    ["a\\u{263a}bcd", "u", "bcd"], ["abcd*", "", "abc"], ["ab", "", null], ["abc", "i", null], ["abc", "v", null],
    // JavaScript class rules, not RE2's: `[]` and `[^]` are whole classes, so what follows is outside them.
    ["[]abc]defg", "", "abc]defg"], ["[^]xyz|abc\\]def", "", null], ["[[:alpha:]]xyz", "", "xyz"],
    ["[a|b]cde", "", "cde"], ["(?:[)]|x)abc", "", "abc"], ["a(?<n>b)cde", "", "cde"],
    ["(?<![^\\n])foo bar", "", "foo bar"],
    // Without `u`, \pL is the letters "pL".
    ["a\\pLbcd", "", "Lbcd"],
    // Assertions, escapes and oddities end a run or give up.
    ["ab\\bcdef", "", "cdef"], ["abc\\", "", null], ["abc{x", "", null], ["abc)", "", null], ["a{2}bcd", "", "bcd"],
    ["\\cJabc", "", "abc"], ["\\x4gabc", "", null], ["ab.cd.ef", "", null], ["ab\\.cd", "", "ab.cd"],
    // From the first letter or digit when at least 3 characters are left: includes() scans for the first one.
    ["]: Accepted ", "", "Accepted "], [" ; x=1", "", "x=1"], [" ; x1", "", " ; x1"], ["(a)-- ab", "", "-- ab"],
    ["\\k<n>abc", "", null], ["a{1,3}?bcd", "", "bcd"], ["ab+?cd", "", null], ["xyz{1}w", "", "xyz"],
    // Surrogates: with `u` a quantifier after a pair covers both halves, so a lone half is never part of a run.
    ["\ud83d\ude00?abc", "u", "abc"], ["x\ud83d\ude00yzw", "", "yzw"],
  ];
  for (const [source, flags, want] of cases) {
    it(`/${source}/${flags} -> ${JSON.stringify(want)}`, () => {
      expect(requiredLiteral(source, flags)).to.equal(want);
    });
  }
});

describe("requiredLiteral of translated RE2 patterns", () => {
  const cases: [string, string | null][] = [
    ["(?i)abcd", null], // each letter becomes a class like [Aa]
    ["(?i)x1234", "1234"], // digits have no other case
    ["a(?i:bc)defg", "defg"], // a scoped (?i) folds only its group
    ["(?m)^foo bar$", "foo bar"],
    ["(?s)a.bcd", "bcd"],
    ["\\p{Greek}+ alpha", "alpha"],
    ["\\x{1F600}?abc", "abc"],
    ["(?U)ab+cdef", "cdef"],
    ["^(?P<host>\\S+) sshd\\[\\d+\\]: Accepted ", "Accepted "],
  ];
  for (const [re2, want] of cases) {
    it(`/${re2}/ -> ${JSON.stringify(want)}`, () => {
      const t = translateRegex(re2);
      if (!t.ok) throw new Error(t.error);
      expect(requiredLiteral(t.source, t.flags)).to.equal(want);
    });
  }
});

describe("requiredLiteral is sound on the regex table", () => {
  for (const c of matchCases) {
    const t = translateRegex(c.re);
    if (!t.ok) continue;
    const lit = requiredLiteral(t.source, t.flags);
    if (lit === null) continue;
    it(`/${c.re}/ needs ${JSON.stringify(lit)}`, () => {
      const re = new RegExp(t.source, t.flags);
      for (const [line, want] of c.inputs) {
        if (want !== null) expect(line, "a line mtail matched").to.include(lit);
        if (re.exec(line) !== null) expect(line, "a line the translation matches").to.include(lit);
      }
    });
  }
});

describe("generated code tests the required literal first", () => {
  const program = (src: string): string => {
    const r = compile("prefilter.mtail", src);
    if (!("program" in r)) throw new Error(r.diagnostics);
    return r.program.js;
  };
  const two = "counter a\ncounter b\n/sshd\\[\\d+\\]: Accepted / {\n  a++\n}\n/CRON\\[\\d+\\]: job / {\n  b++\n}\n";
  it("with several patterns, passes each literal as an argument and never pastes it into the source", () => {
    const js = program(two);
    expect(js).to.include("L0 = LIT[0]").and.include("line.includes(L0) ?").and.include("line.includes(L1) ?");
    expect(js).not.to.include("Accepted");
  });
  it("leaves a lone pattern (which usually matches) without the test", () => {
    expect(program("counter a\n/sshd\\[\\d+\\]: Accepted / {\n  a++\n}\n")).not.to.include("includes(");
  });
});
