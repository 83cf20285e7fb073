// Compile-error tests: each case names a program (the case name is its file name) and the errors it must get,
// as `file:line:col` prefixes and message fragments. Every error of a program is reported at once.
import { expect } from "chai";
import { compile } from "../../../src/compiler/compile.js";

const cases: { name: string; src: string; errors: [string, string][] }[] = [
  {
    name: "undeclared.mtail",
    src: "/x/ {\n  hits++\n}\n",
    errors: [["undeclared.mtail:2:3-6:", "Identifier `hits' not declared.\n\tTry adding `counter hits' to the top of the program."]],
  },
  {
    name: "unused.mtail",
    src: "counter used\ncounter unused\n/x/ {\n  used++\n}\n",
    errors: [["unused.mtail:2:9-14:", "Declaration of variable `unused' here is never used."]],
  },
  {
    name: "capref.mtail",
    src: "counter c by x\n/(\\d+)/ {\n  c[$2]++\n  c[$name]++\n}\n",
    errors: [
      ["capref.mtail:3:5-6:", "Capture group `$2' was not defined by a regular expression visible to this scope.\n\tCheck that there are at least 2 pairs of parentheses."],
      ["capref.mtail:4:5-9:", "Try using `(?P<name>...)' to name the capture group."],
    ],
  },
  {
    name: "capref-out-of-scope.mtail",
    src: "counter c by x\n/(\\d+)/ {\n}\n/y/ {\n  c[$1]++\n}\n",
    errors: [["capref-out-of-scope.mtail:5:5-6:", "Capture group `$1' was not defined"]],
  },
  {
    name: "several.mtail",
    src: "counter a\nx++\n/(/ {\n  a++\n}\ny--\n",
    errors: [
      ["several.mtail:2:1:", "Identifier `x' not declared."],
      ["several.mtail:3:1-3:", "missing closing )"],
      ["several.mtail:6:1:", "Identifier `y' not declared."],
    ],
  },
  {
    name: "keys.mtail",
    src: "counter c by a, b\n/(\\d+)/ {\n  c[$1]++\n  c++\n}\n",
    errors: [
      ["keys.mtail:3:3-7:", "Not enough keys for indexed expression: expecting 2, received 1."],
      ["keys.mtail:4:3:", "Not enough keys for indexed expression: expecting 2, received 0."],
    ],
  },
  {
    name: "inc-float.mtail",
    src: "counter c\n/(\\d+\\.\\d+)/ {\n  c += $1\n  c++\n}\n",
    errors: [["inc-float.mtail:4:3-5:", "type mismatch: expecting an Int for INC, not Float."]],
  },
  {
    name: "next.mtail",
    src: "counter c\n/x/ {\n  next\n  c++\n}\n",
    errors: [["next.mtail:3:3-6:", "Can't use `next' outside of a decorator."]],
  },
  {
    name: "deco.mtail",
    src: "counter c\n@missing {\n  c++\n}\n",
    errors: [["deco.mtail:2:1:", "Decorator `@missing' is not defined."]],
  },
  {
    name: "redeclared.mtail",
    src: "counter c\ngauge c\n/x/ {\n  c++\n}\n",
    errors: [["redeclared.mtail:2:7:", "Redeclaration of metric `c' previously declared at line 1, column 9."]],
  },
  {
    name: "divide.mtail",
    src: "gauge g\n/(\\d+)/ {\n  g = $1 / 0\n}\n",
    errors: [["divide.mtail:3:7-12:", "Can't divide by zero."]],
  },
  {
    name: "fold.mtail",
    src: "gauge g\n/(\\d+)/ {\n  g = $1 + 1 / 0.0\n}\n",
    errors: [["fold.mtail:3:12-18:", "divide by zero"]],
  },
  {
    name: "histogram.mtail",
    src: "histogram h buckets 2, 1\n/(\\d+)/ {\n  h = $1\n}\n",
    errors: [["histogram.mtail:1:11:", "must be in ascending order"]],
  },
  {
    name: "buckets.mtail",
    src: "counter c buckets 1, 2\n/x/ {\n  c++\n}\n",
    errors: [["buckets.mtail:1:9:", "Can't specify buckets for non-histogram metric `c'."]],
  },
  {
    name: "no-effect.mtail",
    src: "/x/\n",
    errors: [["no-effect.mtail:1:1-3:", "Statement with no effect"]],
  },
  {
    name: "strptime.mtail",
    src: "/(.*)/ {\n  strptime($1, $1)\n}\n",
    errors: [["strptime.mtail:2:16-17:", "Expecting a format string for argument 2 of strptime()"]],
  },
  {
    // The second update has no `trace_id' capture in scope: its exemplar could never be labelled.
    name: "exemplar-unbound.mtail",
    src: "histogram h buckets 1, 2 exemplar trace_id\n/(?P<v>\\d+) (?P<trace_id>\\w+)/ {\n  h = $v\n}\n/(?P<v>\\d+)$/ {\n  h = $v\n}\n",
    errors: [["exemplar-unbound.mtail:6:3-8:", "Exemplar label `trace_id' of `h' can never be bound at this update: no capture group of that name and no json or logfmt record is visible here."]],
  },
  {
    name: "exemplar-counter-unbound.mtail",
    src: "counter c by route exemplar request_id\n/(?P<route>\\S+)/ {\n  c[$route]++\n}\n",
    errors: [["exemplar-counter-unbound.mtail:3:3-13:", "Exemplar label `request_id' of `c'"]],
  },
  {
    name: "exemplar-on-gauge.mtail",
    src: "gauge g exemplar id\n/(?P<id>\\d+)/ {\n  g = 1\n}\n",
    errors: [["exemplar-on-gauge.mtail:1:9-19:", "Exemplars belong to counters and histograms; `g' is a gauge."]],
  },
  {
    name: "exemplar-names.mtail",
    src: "counter c exemplar id, id, \"bad-name\"\n/(?P<id>\\d+)/ {\n  c++\n}\n",
    errors: [
      ["exemplar-names.mtail:1:11-", "Exemplar label `id' is listed twice."],
      ["exemplar-names.mtail:1:11-", "Exemplar label `bad-name' is not a valid label name."],
    ],
  },
  {
    name: "native-gauge.mtail",
    src: "gauge g native\n/x/ {\n  g = 1\n}\n",
    errors: [["native-gauge.mtail:1:7:", "Only a histogram can be `native'; `g' is a gauge."]],
  },
  {
    name: "syntax.mtail",
    src: "counter c\n/x/ {\n  c++\n",
    errors: [["syntax.mtail:4:1:", "syntax error: unexpected end of file."]],
  },
  {
    name: "field-path-outside-block.mtail",
    src: "counter c by m\n/x/ {\n  c[$http.method]++\n}\n",
    errors: [["field-path-outside-block.mtail:3:5-16:", "Field `$http.method' is read outside a json or logfmt block."]],
  },
  {
    name: "quoted-field-outside-block.mtail",
    src: "counter c by m\n/x/ {\n  c[$\"user-agent\"]++\n}\n",
    errors: [["quoted-field-outside-block.mtail:3:5-17:", "Field `$\"user-agent\"' is read outside a json or logfmt block."]],
  },
  {
    name: "json-of-a-number.mtail",
    src: "counter c\n/(\\d+)/ {\n  json($1) {\n    c++\n  }\n}\n",
    errors: [["json-of-a-number.mtail:3:8-9:", "json() parses a string, not a value of type Int."]],
  },
  {
    name: "logfmt-of-an-int-expression.mtail",
    src: "counter c\nlogfmt(1 + 2) {\n  c++\n}\n",
    errors: [["logfmt-of-an-int-expression.mtail:2:8-12:", "logfmt() parses a string, not a value of type Int."]],
  },
  {
    name: "record-as-a-value.mtail",
    src: "gauge g\n/x/ {\n  g = json(\"{}\")\n}\n",
    errors: [["record-as-a-value.mtail:3:7-16:", "`json' opens a block: use it as a condition, like `json { ... }'."]],
  },
  {
    name: "two-records-in-one-condition.mtail",
    src: "counter c\njson && logfmt {\n  c++\n}\n",
    errors: [["two-records-in-one-condition.mtail:2:9-14:", "A condition can parse only one record"]],
  },
  {
    name: "field-as-a-condition.mtail",
    src: "counter c\njson {\n  $ok {\n    c++\n  }\n}\n",
    errors: [["field-as-a-condition.mtail:3:3-5:", "Can't use a field as a condition by itself."]],
  },
  {
    name: "field-in-begin.mtail",
    src: "counter c\nbegin {\n  json {\n    c++\n  }\n}\n",
    errors: [["field-in-begin.mtail:3:3-6:", "can't be parsed in a `begin' block"]],
  },
  {
    name: "field-in-else-of-its-record.mtail",
    src: "counter c by l\njson {\n} else {\n  c[$level]++\n}\n",
    errors: [["field-in-else-of-its-record.mtail:4:5-10:", "Capture group `$level' was not defined"]],
  },
];

describe("compile errors", () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = compile(c.name, c.src);
      if (!("diagnostics" in r)) throw new Error("expected compile errors");
      for (const [prefix, message] of c.errors) {
        const line = r.diagnostics.split("\n").findIndex((l) => l.startsWith(prefix));
        expect(line, `no error starting ${prefix} in:\n${r.diagnostics}`).to.be.greaterThan(-1);
        expect(r.diagnostics).to.include(message);
      }
      expect(r.errors.length).to.equal(c.errors.length, r.diagnostics);
    });
  }

  it("shows the offending line and a caret under the range", () => {
    const r = compile("caret.mtail", "counter a\n/x/ {\n  nope++\n  a++\n}\n");
    if (!("diagnostics" in r)) throw new Error("expected compile errors");
    expect(r.diagnostics).to.equal(
      "caret.mtail:3:3-6: Identifier `nope' not declared.\n\tTry adding `counter nope' to the top of the program.\n" +
        "      nope++\n" +
        "      ^^^^",
    );
  });
});
