// `logtally explain` in-process through main(): patterns tried in order with captures, conditions, metric updates
// with labels and values before/after (JSON and text), runtime errors; and the daemon's code has no trace hook.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runMain } from "../../helpers/run-main.js";
import { compile } from "../../../src/compiler/compile.js";

const run = runMain;

const WEB = `counter http_requests_total by method, status
counter errors_total
histogram http_request_duration_seconds by method buckets 0.1, 1, 10
counter other_total
/^(?P<method>[A-Z]+) (?P<path>\\S+) (?P<status>\\d{3}) (?P<secs>\\d+\\.\\d+)$/ {
  http_requests_total[$method][$status]++
  http_request_duration_seconds[$method] = $secs
  $status >= 500 {
    errors_total++
  }
}
/^(\\w+)$/ {
  other_total += int($1)
}
`;

interface Event {
  type: string;
  [k: string]: unknown;
}
interface Explained {
  lines: Array<{ source: string; text: string; programs: Array<{ program: string; matched: boolean; events: Event[]; updates: Event[]; patterns: Event[]; conditions: Event[]; errors: Event[] }> }>;
}

describe("logtally explain", function () {
  this.timeout(20000);
  let dir: string;
  let prog: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-explain-"));
    prog = path.join(dir, "web.mtail");
    writeFileSync(prog, WEB);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--json: patterns in order with captures, conditions, and updates with labels and before/after values", async () => {
    const r = await run(["explain", "--progs", prog, "--json", "GET /a 503 0.25", "GET /a 503 2.5"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as Explained;
    expect(doc.lines).to.have.length(2);
    const first = doc.lines[0]!.programs[0]!;
    expect(first.program).to.equal("web.mtail");
    expect(first.matched).to.equal(true);
    expect(first.events.map((e) => e.type)).to.deep.equal(["pattern", "update", "update", "condition", "update", "pattern"]);
    expect(first.patterns[0]).to.include({ matched: true, input: null, index: 0 });
    expect(first.patterns[0]!.captures).to.deep.equal({ method: "GET", path: "/a", status: "503", secs: "0.25" });
    expect(first.patterns[1]).to.include({ matched: false, index: 1 });
    expect(first.conditions[0]).to.include({ text: "$status >= 500", value: true });
    expect(first.updates[0]).to.deep.include({ metric: "http_requests_total", labels: { method: "GET", status: "503" }, op: "add", before: 0, after: 1 });
    expect(first.updates[1]).to.deep.include({ metric: "http_request_duration_seconds", labels: { method: "GET" }, op: "observe", value: 0.25, countBefore: 0, countAfter: 1, bucket: "1" });
    expect(first.updates[2]).to.deep.include({ metric: "errors_total", labels: {}, before: 0, after: 1 });
    // State carries over from line to line, as in the daemon.
    const second = doc.lines[1]!.programs[0]!;
    expect(second.updates[0]).to.deep.include({ before: 1, after: 2 });
    expect(second.updates[1]).to.deep.include({ countBefore: 1, countAfter: 2, bucket: "10", before: 0.25, after: 2.75 });
  });

  it("shows a condition that is false and the other pattern's captures", async () => {
    const r = await run(["explain", "--progs", prog, "--json", "--", "GET /b 200 0.01", "42"]);
    const doc = JSON.parse(r.stdout) as Explained;
    const ok = doc.lines[0]!.programs[0]!;
    expect(ok.conditions).to.have.length(1);
    expect(ok.conditions[0]).to.include({ value: false });
    expect(ok.updates.map((u) => u.metric)).to.deep.equal(["http_requests_total", "http_request_duration_seconds"]);
    const num = doc.lines[1]!.programs[0]!;
    expect(num.patterns.map((p) => p.matched)).to.deep.equal([false, true]);
    expect(num.patterns[1]!.captures).to.deep.equal({ "1": "42" });
    expect(num.updates[0]).to.deep.include({ metric: "other_total", op: "add", value: 42, before: 0, after: 42 });
  });

  it("shows a json record's fields, and whether the text parsed", async () => {
    writeFileSync(prog, 'counter by_level by level\njson {\n  $status >= 500 {\n    by_level[$level]++\n  }\n}\n');
    const r = await run(["explain", "--progs", prog, "--json", "--", '{"level":"error","status":503,"msg":"x"}', "not json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as Explained & { lines: Array<{ programs: Array<{ records: Event[] }> }> };
    const first = doc.lines[0]!.programs[0]!;
    expect(first.matched).to.equal(true);
    expect(first.records[0]).to.deep.include({ format: "json", input: null, parsed: true, fields: { status: "503", level: "error" } });
    expect(first.conditions[0]).to.include({ text: "$status >= 500", value: true });
    expect(first.updates[0]).to.deep.include({ metric: "by_level", labels: { level: "error" }, before: 0, after: 1 });
    const second = doc.lines[1]!.programs[0]!;
    expect(second.matched).to.equal(false);
    expect(second.records[0]).to.deep.include({ parsed: false, fields: {} });
  });

  it("explains records framed by --multiline, and refuses an unknown preset", async () => {
    writeFileSync(prog, "counter tracebacks_total\n/boom\\nTraceback/ {\n  tracebacks_total++\n}\n");
    const log = path.join(dir, "app.log");
    writeFileSync(log, "2024-05-01 10:00:00,000 - 1 - ERROR - app - boom\nTraceback (most recent call last):\n  File \"x.py\", line 1\nValueError: bad\n");
    const r = await run(["explain", "--progs", prog, "--logs", log, "--multiline", "python", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as Explained;
    expect(doc.lines).to.have.length(1);
    expect(doc.lines[0]!.source).to.equal(`${log} record 1`);
    expect(doc.lines[0]!.programs[0]!.updates[0]).to.deep.include({ metric: "tracebacks_total", before: 0, after: 1 });
    const bad = await run(["explain", "--progs", prog, "--logs", log, "--multiline", "cobol"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('unknown multi-line preset "cobol"');
  });

  it("reports a runtime error on the line it happened", async () => {
    const r = await run(["explain", "--progs", prog, "--json", "oops"]);
    const p = (JSON.parse(r.stdout) as Explained).lines[0]!.programs[0]!;
    expect(p.errors).to.have.length(1);
    expect(p.errors[0]!.message).to.include('parsing "oops"');
    expect(p.updates).to.deep.equal([]);
  });

  it("reads lines from --logs and prints text by default", async () => {
    const log = path.join(dir, "access.log");
    writeFileSync(log, "POST /x 201 0.05\nnothing here\n");
    const r = await run(["explain", "--progs", dir, "--logs", log]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`${log}:1: POST /x 201 0.05`);
    expect(r.stdout).to.include('$method = "POST"');
    expect(r.stdout).to.include('counter http_requests_total{method="POST",status="201"} += 1: 0 -> 1');
    expect(r.stdout).to.include("condition $status >= 500 (web.mtail:8:3-16): false");
    expect(r.stdout).to.include(`${log}:2: nothing here`);
    expect(r.stdout).to.include("web.mtail: no pattern matched (2 tried)");
  });

  it("exits 1 with the compile error for a program that does not compile, 2 without lines", async () => {
    writeFileSync(prog, "counter c\n/(/ {\n  c++\n}\n");
    const bad = await run(["explain", "--progs", prog, "x"]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include("web.mtail:2:1");
    const none = await run(["explain", "--progs", prog]);
    expect(none.code).to.equal(2);
  });

  it("the daemon's code has no trace hook; the traced code only adds T.cond around condition tests", () => {
    const plain = compile("web.mtail", WEB);
    const traced = compile("web.mtail", WEB, { trace: true });
    if (!("program" in plain) || !("program" in traced)) throw new Error("compile failed");
    expect(plain.program.js).to.not.include("T.");
    expect(plain.program.traceInfo).to.equal(null);
    // Three condition statements: two patterns and `$status >= 500`.
    expect(traced.program.js.match(/T\.cond\(\d+, /g)).to.have.length(3);
    expect(traced.program.traceInfo?.conditions.map((c) => c.kind)).to.deep.equal(["pattern", "expr", "pattern"]);
  });
});
