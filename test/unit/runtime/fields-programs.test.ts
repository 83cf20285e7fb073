// json/logfmt blocks and field references in programs, table-driven: a program, lines, and the values worked out
// by hand from the rules in docs/language.md (types, scopes, and every branch of the missing-field rule).
import { expect } from "chai";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";

function run(src: string, lines: string[]): { values: Record<string, number | string>; runtime: Runtime } {
  const store = new Store();
  const runtime = new Runtime(store);
  const r = runtime.load("test.mtail", src);
  if (!r.ok) throw new Error(r.diagnostics);
  for (const l of lines) runtime.processLine(l, "/var/log/app.log");
  const values: Record<string, number | string> = {};
  for (const m of store.metrics()) {
    for (const d of m.datums()) values[`${m.name}{${d.labels.join(",")}}`] = m.buckets.length > 0 ? `${d.count}/${d.sum}` : d.value;
  }
  return { values, runtime };
}

const cases: {
  name: string;
  src: string;
  lines: string[];
  want: Record<string, number | string>;
  skipped?: number;
  failures?: { json: number; logfmt: number };
}[] = [
  {
    name: "json fields in any order, as labels and values",
    src: "counter req by route, status\ncounter bytes\njson {\n  req[$route][$status]++\n  bytes += $bytes\n}\n",
    lines: ['{"route":"/a","status":200,"bytes":10}', '{"bytes":5,"status":200,"route":"/a"}', '{"status":"404","route":"/b","bytes":"7"}'],
    want: { "req{/a,200}": 2, "req{/b,404}": 1, "bytes{}": 22 },
  },
  {
    name: "numbers compare as numbers, strings as strings",
    src: 'counter errors\ncounter warns\njson {\n  $status >= 500 {\n    errors++\n  }\n  $level == "warn" {\n    warns++\n  }\n}\n',
    lines: ['{"status":503,"level":"warn"}', '{"status":"1000"}', '{"status":99}', '{"level":"info","status":500.5}'],
    want: { "errors{}": 3, "warns{}": 1 },
  },
  {
    name: "float arithmetic and a histogram from a field",
    src: "histogram lat buckets 0.1, 1 by route\njson {\n  lat[$route] = $ms / 1000.0\n}\n",
    lines: ['{"route":"/","ms":50}', '{"route":"/","ms":1500}', '{"route":"/","ms":"250"}'],
    want: { "lat{/}": "3/1.8" },
  },
  {
    name: "nested paths and quoted keys",
    src: 'counter c by ua, code, ts\njson {\n  c[$req."user-agent"][$"http.status_code"][$"@timestamp"]++\n}\n',
    lines: ['{"req":{"user-agent":"curl"},"http.status_code":200,"@timestamp":"t1","http":{"status_code":999}}'],
    want: { "c{curl,200,t1}": 1 },
  },
  {
    name: "a.b reads nested objects; a dotted logfmt key is one key",
    src: "counter c by a\njson {\n  c[$http.method]++\n}\nlogfmt {\n  c[$http.method]++\n}\n",
    lines: ['{"http":{"method":"GET"}}', "http.method=PUT x=1"],
    want: { "c{GET}": 1, "c{PUT}": 1 },
  },
  {
    name: "missing field: the statement is skipped and counted, the block goes on",
    src: "counter req by route\ncounter lines\njson {\n  req[$route]++\n  lines++\n}\n",
    lines: ['{"route":"/a"}', '{"other":1}', '{"route":null}'],
    want: { "req{/a}": 1, "lines{}": 3 },
    skipped: 2,
  },
  {
    name: "missing field: a value that is not a number where one is needed is missing",
    src: "counter total\njson {\n  total += $n\n}\n",
    lines: ['{"n":2}', '{"n":"abc"}', '{"n":true}', '{"n":{"x":1}}', '{"n":"3"}'],
    want: { "total{}": 5 },
    skipped: 3,
  },
  {
    name: "missing field: a comparison is false, its else runs, and ! keeps it false",
    src: 'counter yes\ncounter no\ncounter notdebug\njson {\n  $status >= 500 {\n    yes++\n  } else {\n    no++\n  }\n  !($level == "debug") {\n    notdebug++\n  }\n}\n',
    lines: ['{"status":500,"level":"info"}', '{"status":200,"level":"debug"}', "{}"],
    want: { "yes{}": 1, "no{}": 2, "notdebug{}": 1 },
  },
  {
    name: "missing field: unknown || true is true, unknown && true is false",
    src: 'counter either\ncounter both\njson {\n  $a == "x" || $b == "y" {\n    either++\n  }\n  $a == "x" && $b == "y" {\n    both++\n  }\n}\n',
    lines: ['{"b":"y"}', '{"a":"x","b":"y"}', '{"a":"z"}'],
    want: { "either{}": 2, "both{}": 1 },
  },
  {
    name: "missing field: a match is false both ways",
    src: "counter m\ncounter nm\njson {\n  $msg =~ /panic/ {\n    m++\n  }\n  $msg !~ /panic/ {\n    nm++\n  }\n}\n",
    lines: ['{"msg":"panic: x"}', '{"msg":"fine"}', "{}"],
    want: { "m{}": 1, "nm{}": 1 },
  },
  {
    name: "defined() is true for present non-null fields only",
    src: "counter d by k\njson {\n  defined($a) {\n    d[\"a\"]++\n  }\n  !defined($a) {\n    d[\"not a\"]++\n  }\n  defined($x.y) {\n    d[\"x.y\"]++\n  }\n}\n",
    lines: ['{"a":0}', '{"a":null}', '{"a":false,"x":{"y":null}}', '{"x":{"y":""}}'],
    want: { "d{a}": 2, "d{not a}": 2, "d{x.y}": 1 },
  },
  {
    name: "else and otherwise for records, parse failures counted per format",
    src: "counter ok by f\ncounter bad\njson {\n  ok[\"json\"]++\n}\nlogfmt {\n  ok[\"logfmt\"]++\n}\notherwise {\n  bad++\n}\n",
    lines: ['{"a":1}', "a=1", "plain text", "[1]"],
    want: { "ok{json}": 1, "ok{logfmt}": 1, "bad{}": 2 },
    failures: { json: 3, logfmt: 3 },
  },
  {
    name: "json($capture) behind a text prefix; a field shadows a capture, an inner capture shadows a field",
    src: 'counter c by level, inner, user\n/^(?P<level>[A-Z]+) (?P<rest>.*)$/ {\n  json($rest) {\n    c[$level]["-"]["-"]++\n    $msg =~ /user (?P<user>\\w+)/ {\n      c[$level]["-"][$user]++\n    }\n  } else {\n    c[$level]["not json"]["-"]++\n  }\n}\n',
    lines: ['INFO {"level":"debug","msg":"user bob logged in"}', "WARN not json"],
    want: { "c{debug,-,-}": 1, "c{debug,-,bob}": 1, "c{WARN,not json,-}": 1 },
  },
  {
    name: "a string field holding JSON parses with json($field)",
    src: "counter c by k\njson {\n  json($payload) {\n    c[$k]++\n  }\n}\n",
    lines: ['{"payload":"{\\"k\\":\\"inner\\"}"}', '{"payload":{"k":"object text"}}', '{"payload":"nope"}'],
    want: { "c{inner}": 1, "c{object text}": 1 },
    failures: { json: 1, logfmt: 0 },
  },
  {
    name: "strptime and timestamp from fields",
    src: 'gauge t\njson {\n  strptime($time, "2006-01-02T15:04:05Z07:00")\n  t = timestamp()\n}\n',
    lines: ['{"time":"2024-05-01T10:00:00Z"}'],
    want: { "t{}": 1714557600 },
  },
  {
    name: "logfmt values convert where numbers are needed; bare keys are true",
    src: 'counter errs by service\ncounter cached\nlogfmt {\n  $status >= 500 {\n    errs[$service]++\n  }\n  $cached == "true" {\n    cached++\n  }\n}\n',
    lines: ["service=a status=503", 'status="500" service="b c" cached', "service=a status=200"],
    want: { "errs{a}": 1, "errs{b c}": 1, "cached{}": 1 },
  },
  {
    name: "two programs' worth of conditions share one parse: a json condition inside a json block",
    src: "counter c by k\njson {\n  json {\n    c[$k]++\n  }\n}\n",
    lines: ['{"k":"v"}'],
    want: { "c{v}": 1 },
  },
  {
    name: "int() drops a fraction; a number label is its shortest text",
    src: "gauge g by k\njson {\n  g[$k] = int($v)\n}\n",
    lines: ['{"k":1.50,"v":2.9}', '{"k":1e2,"v":-2.9}'],
    want: { "g{1.5}": 2, "g{100}": -2 },
  },
  {
    name: "missing field: json($missing) is false and no parse failure; del and strptime are skipped",
    src: 'counter c by k\ncounter parsed\ngauge t\njson {\n  c[$k]++\n  json($payload) {\n    parsed++\n  }\n  strptime($time, "2006-01-02T15:04:05Z07:00")\n  t = timestamp()\n  del c[$gone]\n}\n',
    lines: ['{"k":"a"}', '{"k":"b","gone":"a","time":"2024-05-01T10:00:00Z"}'],
    want: { "c{b}": 1, "parsed{}": 0, "t{}": 1714557600 },
    skipped: 2,
    failures: { json: 0, logfmt: 0 },
  },
  {
    name: "settime() from a numeric field",
    src: "gauge t\njson {\n  settime($ts)\n  t = timestamp()\n}\n",
    lines: ['{"ts":1714557600}', '{"ts":"1714557601"}'],
    want: { "t{}": 1714557601 },
  },
  {
    name: "a decorator can open a json block for the blocks it decorates",
    src: "counter c by k\ndef records {\n  json {\n    next\n  }\n}\n@records {\n  c[$k]++\n}\n@records {\n  c[$j]++\n}\n",
    lines: ['{"k":"a","j":"b"}', "text"],
    want: { "c{a}": 1, "c{b}": 1 },
    failures: { json: 2, logfmt: 0 },
  },
  {
    name: "a metric or const named json keeps its mtail meaning",
    src: "counter json\n/x/ {\n  json++\n}\n",
    lines: ["x", "y"],
    want: { "json{}": 1 },
  },
];

describe("runtime: json/logfmt fields in programs", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { values, runtime } = run(c.src, c.lines);
      expect(values).to.deep.equal(c.want);
      const st = runtime.programs()[0];
      expect(st?.runtimeErrors, st?.lastRuntimeError).to.equal(0);
      expect(st?.skippedUpdates).to.equal(c.skipped ?? st?.skippedUpdates);
      if (c.skipped !== undefined) expect(st?.skippedUpdates).to.equal(c.skipped);
      if (c.failures !== undefined) expect(st?.parseFailures).to.deep.equal(c.failures);
    });
  }

  it("parses each line once for every program reading it", () => {
    const store = new Store();
    const runtime = new Runtime(store);
    const src = "counter c by k\njson {\n  c[$k]++\n}\n";
    expect(runtime.load("a.mtail", src).ok).to.equal(true);
    expect(runtime.load("b.mtail", src.replace("c by", "d by").replace("c[", "d[")).ok).to.equal(true);
    const parse = JSON.parse;
    let texts = 0;
    // Count scans through the shared reader: both programs must see the same record object.
    const seen = new Set<unknown>();
    const reader = (runtime as unknown as { records: { json(t: string): unknown } }).records;
    const orig = reader.json.bind(reader);
    reader.json = (t: string) => {
      texts++;
      const r = orig(t);
      seen.add(r);
      return r;
    };
    runtime.processLine('{"k":"v"}', "f");
    expect(JSON.parse).to.equal(parse);
    expect(texts).to.equal(2);
    expect(seen.size).to.equal(1);
  });
});
