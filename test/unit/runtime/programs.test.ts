// Code generation and runtime semantics, table-driven: a program, some log lines, and the metric values mtail
// 3.0.0~rc50 produces for them (each expectation was checked against the mtail binary).
import { expect } from "chai";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";

/** Runs `src` over `lines` and returns "name{v1,v2}" -> value for every datum (histograms: "count/sum"). */
function run(
  src: string,
  lines: string[],
  filename = "/var/log/test.log",
  literalScanMin?: number,
): { values: Record<string, number | string>; runtime: Runtime } {
  const store = new Store();
  const runtime = new Runtime(store, { literalScanMin });
  const r = runtime.load("test.mtail", src);
  if (!r.ok) throw new Error(r.diagnostics);
  for (const l of lines) runtime.processLine(l, filename);
  const values: Record<string, number | string> = {};
  for (const m of store.metrics()) {
    for (const d of m.datums()) {
      values[`${m.name}{${d.labels.join(",")}}`] = m.buckets.length > 0 ? `${d.count}/${d.sum}` : d.value;
    }
  }
  return { values, runtime };
}

const cases: { name: string; src: string; lines: string[]; want: Record<string, number | string>; errors?: number }[] = [
  {
    // 18 patterns with required literals: the line function finds them in one pass (literal-scan.ts).
    name: "many patterns, each run only where its literal occurs",
    src: "counter hits by rule\n/^\\w+ sshd\\[\\d+\\]: alpha (\\d+)$/ {\n  hits[\"alpha\"] += $1\n}\n/^\\w+ cron\\[\\d+\\]: beta (\\d+)$/ {\n  hits[\"beta\"] += $1\n}\n/^\\w+ kernel\\[\\d+\\]: gamma (\\d+)$/ {\n  hits[\"gamma\"] += $1\n}\n/^\\w+ named\\[\\d+\\]: delta (\\d+)$/ {\n  hits[\"delta\"] += $1\n}\n/^\\w+ postfix\\[\\d+\\]: epsilon (\\d+)$/ {\n  hits[\"epsilon\"] += $1\n}\n/^\\w+ dhcpd\\[\\d+\\]: zeta (\\d+)$/ {\n  hits[\"zeta\"] += $1\n}\n/^\\w+ ntpd\\[\\d+\\]: eta (\\d+)$/ {\n  hits[\"eta\"] += $1\n}\n/^\\w+ sudo\\[\\d+\\]: theta (\\d+)$/ {\n  hits[\"theta\"] += $1\n}\n/^\\w+ su\\[\\d+\\]: iota (\\d+)$/ {\n  hits[\"iota\"] += $1\n}\n/^\\w+ login\\[\\d+\\]: kappa (\\d+)$/ {\n  hits[\"kappa\"] += $1\n}\n/^\\w+ systemd\\[\\d+\\]: lambda (\\d+)$/ {\n  hits[\"lambda\"] += $1\n}\n/^\\w+ dbus\\[\\d+\\]: mu (\\d+)$/ {\n  hits[\"mu\"] += $1\n}\n/^\\w+ udev\\[\\d+\\]: nu (\\d+)$/ {\n  hits[\"nu\"] += $1\n}\n/^\\w+ rsyslogd\\[\\d+\\]: xi (\\d+)$/ {\n  hits[\"xi\"] += $1\n}\n/^\\w+ smartd\\[\\d+\\]: omicron (\\d+)$/ {\n  hits[\"omicron\"] += $1\n}\n/^\\w+ anacron\\[\\d+\\]: pi (\\d+)$/ {\n  hits[\"pi\"] += $1\n}\n/^\\w+ polkitd\\[\\d+\\]: rho (\\d+)$/ {\n  hits[\"rho\"] += $1\n}\n/^\\w+ chronyd\\[\\d+\\]: sigma (\\d+)$/ {\n  hits[\"sigma\"] += $1\n}\n",
    lines: ["host sshd[1]: alpha 2", "host cron[2]: beta 3", "host sshd[3]: beta 4", "host sigma: sigma 1", "host chronyd[9]: sigma 5", "host sshd[1]: alpha 1"],
    want: { "hits{alpha}": 3, "hits{beta}": 3, "hits{sigma}": 5 },
  },
  {
    name: "scalar counters start at zero",
    src: "counter never\n/nomatch/ {\n  never++\n}\n",
    lines: ["a", "b"],
    want: { "never{}": 0 },
  },
  {
    name: "int captures add, float captures set",
    src: "counter bytes by method\ngauge last\n/(?P<method>\\w+) (\\d+) (\\d+\\.\\d+)/ {\n  bytes[$method] += $2\n  last = $3\n}\n",
    lines: ["GET 10 1.5", "POST 3 2.25", "GET 5 0.5"],
    want: { "bytes{GET}": 15, "bytes{POST}": 3, "last{}": 0.5 },
  },
  {
    name: "integer division and mixed arithmetic",
    src: "gauge i\ngauge f\n/(\\d+) (\\d+\\.\\d+)/ {\n  i = $1 / 3\n  f = $1 + $2\n}\n",
    lines: ["10 1.5"],
    want: { "i{}": 3, "f{}": 11.5 },
  },
  {
    name: "a runtime error ends the program for that line, keeping earlier updates",
    src: "counter before\ncounter later\ngauge g\n/^(\\S+)$/ {\n  before++\n  g = int($1)\n  later++\n}\n",
    lines: ["12", "abc", "7"],
    want: { "before{}": 3, "later{}": 2, "g{}": 7 },
    errors: 1,
  },
  {
    name: "float assigned to an int metric is a runtime error, as mtail's typed set",
    src: "gauge g\n/(\\d+) (\\d+\\.\\d+)/ {\n  g = $1\n  g = $2\n}\n",
    lines: ["3 1.5"],
    want: { "g{}": 3 },
    errors: 1,
  },
  {
    name: "otherwise runs when no sibling condition matched",
    src: "counter c by k\n/x/ {\n  /a/ {\n    c[\"a\"]++\n  }\n  /b/ {\n    c[\"b\"]++\n  }\n  otherwise {\n    c[\"other\"]++\n  }\n}\n",
    lines: ["xa", "xb", "xc", "y"],
    want: { "c{a}": 1, "c{b}": 1, "c{other}": 1 },
  },
  {
    name: "else branch",
    src: "counter yes\ncounter no\n/y/ {\n  yes++\n} else {\n  no++\n}\n",
    lines: ["y", "n", "n"],
    want: { "yes{}": 1, "no{}": 2 },
  },
  {
    name: "decorator captures are visible in the decorated block",
    src: "counter c by host\ndef host {\n  /^(?P<host>\\S+) / {\n    next\n  }\n}\n@host {\n  /error/ {\n    c[$host]++\n  }\n}\n",
    lines: ["web1 error x", "web2 ok", "web1 error y"],
    want: { "c{web1}": 2 },
  },
  {
    name: "const fragments concatenate into one pattern",
    src: "counter c by n\nconst NUM /(?P<n>\\d+)/\n/^id=/ + NUM + # comment\n  /$/ {\n  c[$n]++\n}\n",
    lines: ["id=42", "id=x", "id=42"],
    want: { "c{42}": 2 },
  },
  {
    name: "capture used in the same condition that defines it",
    src: "counter big\n/(?P<x>\\d+)/ && $x > 10 {\n  big++\n}\n",
    lines: ["5", "50", "500"],
    want: { "big{}": 2 },
  },
  {
    name: "string concatenation, text metrics and float label formatting",
    src: "text t\ncounter c by k\n/(\\w+) (\\d+\\.\\d+)/ {\n  t = $1 + \"-\" + $2\n  c[$2 * 1000000.0]++\n}\n",
    lines: ["ab 1.5"],
    want: { "t{}": "ab-1.5", "c{1.5e+06}": 1 },
  },
  {
    name: "bitwise operators, shifts and power",
    src: "gauge a\ngauge b\ngauge p\n/(\\d+) (\\d+)/ {\n  a = $1 & $2 | 8 ^ 1\n  b = $1 << 40 >> 38\n  p = $1 ** $2\n}\n",
    lines: ["6 3"],
    want: { "a{}": 11, "b{}": 24, "p{}": 216 },
  },
  {
    name: "builtins: len, tolower, subst, strtol, string, float",
    src:
      "counter c by k\n/(\\S+) (\\S+)/ {\n  c[string(len($1))]++\n  c[tolower($1)]++\n  c[subst(\"a\", \"o\", $1)]++\n" +
      "  c[subst(/b+/, \"$1\", $1)]++\n  c[string(strtol($2, 16))]++\n  c[string(float(2) / 4)]++\n}\n",
    lines: ["ABba ff"],
    want: { "c{4}": 1, "c{abba}": 1, "c{ABbo}": 1, "c{AB$1a}": 1, "c{255}": 1, "c{0.5}": 1 },
  },
  {
    name: "del removes a label set; stop ends the program",
    src: "gauge g by k\ncounter later\n/set (\\w+)/ {\n  g[$1] = 1\n}\n/del (\\w+)/ {\n  del g[$1]\n}\n/stop/ {\n  stop\n}\nlater++\n",
    lines: ["set a", "set b", "del a", "stop"],
    want: { "g{b}": 1, "later{}": 3 },
  },
  {
    name: "histograms observe assigned values",
    src: "histogram h buckets 1, 2, 4\n/(\\d+)/ {\n  h = $1\n}\n",
    lines: ["3", "10"],
    want: { "h{}": "2/13" },
  },
  {
    name: "optional group that did not participate is an empty string; defined() tells",
    src: "counter c by k\n/(?P<a>a)?(?P<b>b)/ {\n  defined($a) {\n    c[\"has-\" + $a]++\n  }\n  !defined($a) {\n    c[\"none\" + $a]++\n  }\n}\n",
    lines: ["ab", "b"],
    want: { "c{has-a}": 1, "c{none}": 1 },
  },
  {
    name: "getfilename and settime/timestamp",
    src: "text f\ngauge t\n/^(\\d+)$/ {\n  f = getfilename()\n  settime($1)\n  t = timestamp()\n}\n",
    lines: ["1700000000"],
    want: { "f{}": "/var/log/test.log", "t{}": 1700000000 },
  },
  {
    name: "strptime sets the datum time",
    src: "gauge g\n/^(\\S+) (\\d+)$/ {\n  strptime($1, \"2006-01-02T15:04:05Z07:00\")\n  g = timestamp()\n}\n",
    lines: ["2024-03-01T12:00:00Z 1"],
    want: { "g{}": 1709294400 },
  },
  {
    name: "begin block runs once at load",
    src: "counter starts\nbegin {\n  starts = 5\n}\n/x/ {\n  starts++\n}\n",
    lines: ["x"],
    want: { "starts{}": 6 },
  },
  {
    name: "logical not and =~ / !~ against captures",
    src: "counter c by k\n/^(\\S+)$/ {\n  $1 =~ /^a/ {\n    c[\"a\"]++\n  }\n  $1 !~ /^a/ && !($1 =~ /z/) {\n    c[\"not-a-not-z\"]++\n  }\n}\n",
    lines: ["abc", "bcd", "bz"],
    want: { "c{a}": 1, "c{not-a-not-z}": 1 },
  },
  {
    name: "literal arithmetic is folded as mtail's optimiser folds it",
    src: "gauge g\ngauge h\ngauge m\n/(\\d+)/ {\n  g = 5 % 2.0\n  h = 2 ** 70\n  m = 7 / 2 * 2.0\n}\n",
    lines: ["1"],
    want: { "g{}": 0, "h{}": -9223372036854775808, "m{}": 6 },
  },
  {
    name: "a negative shift count is a runtime error; int ** overflows to the minimum int64",
    src: "gauge l\ngauge p\ncounter done\n/^(\\d+) (-?\\d+)$/ {\n  p = $1 ** 63\n  l = $1 << $2\n  done++\n}\n",
    lines: ["5 1", "5 -1"],
    want: { "l{}": 10, "p{}": -9223372036854775808, "done{}": 1 },
    errors: 1,
  },
  {
    name: "m[k] = expr and m[k] += expr create the datum before expr fails at runtime",
    src: "counter c by k\ngauge g by k\n/^c (\\w+) (\\S+)$/ {\n  c[$1] += int($2)\n}\n/^g (\\w+) (\\S+)$/ {\n  g[$1] = int($2)\n}\n",
    lines: ["c a abc", "g q zz", "c b 5"],
    want: { "c{a}": 0, "c{b}": 5, "g{q}": 0 },
    errors: 2,
  },
  {
    name: "an int capture used as a label prints as %d (leading zeros, + and -0 normalised)",
    src: "counter c by s\n/^(?P<s>[-+]?\\d+)$/ {\n  c[$s]++\n}\n",
    lines: ["007", "-0", "+5", "200", "0", "-12"],
    want: { "c{7}": 1, "c{0}": 2, "c{5}": 1, "c{200}": 1, "c{-12}": 1 },
  },
  {
    name: "lines with and without astral characters match alike (surrogate-aware regex or its BMP twin)",
    src: "counter c by a, b\n/^(\\S+) (.)$/ {\n  c[$1][$2]++\n}\n/^x (?P<w>\\S+)$/ {\n  $w =~ /^(.)(.)$/ {\n    c[$1][$2]++\n  }\n}\n",
    lines: ["\u{1F642}\u{1F642} \u{1F600}", "ab c", "x \u{1F642}\u{1F600}", "x de"],
    want: { "c{\u{1F642}\u{1F642},\u{1F600}}": 1, "c{ab,c}": 1, "c{\u{1F642},\u{1F600}}": 1, "c{d,e}": 1 },
  },
  {
    name: "a key that fails to evaluate creates nothing",
    src: "counter i by k\n/^(\\w+) (\\S+)$/ {\n  i[$1 + int($2)]++\n}\n",
    lines: ["k abc"],
    want: {},
    errors: 1,
  },
  {
    name: "strptime of the Unix epoch is a time that is set (timestamp() is 0, not the clock)",
    src: "gauge t\n/^(\\S+)$/ {\n  strptime($1, \"2006-01-02T15:04:05Z07:00\")\n  t = timestamp()\n}\n",
    lines: ["1970-01-01T00:00:00Z"],
    want: { "t{}": 0 },
  },
  {
    name: "settime(0) is a time that is set",
    src: "gauge t\n/^(\\d+)$/ {\n  settime($1)\n  t = timestamp()\n}\n",
    lines: ["0"],
    want: { "t{}": 0 },
  },
];

describe("programs: code generation and runtime semantics", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { values, runtime } = run(c.src, c.lines);
      expect(values).to.deep.equal(c.want);
      expect(runtime.programs()[0]?.runtimeErrors).to.equal(c.errors ?? 0, runtime.programs()[0]?.lastRuntimeError);
    });
  }

  // The one-pass literal scan is used from 16 literals on; with it forced on, every case must give the same result.
  describe("with every program's literals found in one pass", () => {
    for (const c of cases) {
      it(c.name, () => {
        const { values, runtime } = run(c.src, c.lines, undefined, 1);
        expect(values).to.deep.equal(c.want);
        expect(runtime.programs()[0]?.runtimeErrors).to.equal(c.errors ?? 0, runtime.programs()[0]?.lastRuntimeError);
      });
    }
  });
});
