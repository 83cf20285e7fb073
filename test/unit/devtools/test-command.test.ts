// `logtally test` in-process through main(): the ok/FAIL lines, the diff, the summary line, exit codes, --update,
// --unmatched and bad input (invalid .prom, a case without .prom, a test folder without program, runtime errors).
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runMain } from "../../helpers/run-main.js";

const run = runMain;

const COUNTER = `counter requests_total by method, status
counter lines_total
/^(?P<method>[A-Z]+) \\S+ (?P<status>\\d{3})$/ {
  requests_total[$method][$status]++
}
/./ {
  lines_total++
}
`;
const LOG = "GET /a 200\nGET /b 200\nPOST /c 500\nnot a request\n";
/** What logtally prints for COUNTER on LOG, written by hand from the program's meaning. */
const EXPECTED = `# HELP lines_total defined at web.mtail:2:9-19
# TYPE lines_total counter
lines_total 4
# HELP requests_total defined at web.mtail:1:9-22
# TYPE requests_total counter
requests_total{method="GET",status="200"} 2
requests_total{method="POST",status="500"} 1
`;

describe("logtally test", function () {
  this.timeout(20000);
  let dir: string;
  const write = (rel: string, text: string): string => {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-test-"));
    write("web.mtail", COUNTER);
    write("web.test/basic.log", LOG);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("passes a case whose .prom matches, in any order, and exits 0", async () => {
    // Samples and families reordered: the comparison is order-free.
    const reordered = EXPECTED.split("\n").filter((l) => l !== "").reverse().join("\n") + "\n";
    write("web.test/basic.prom", reordered);
    const r = await run(["test", dir]);
    expect(r.lines).to.deep.equal([`ok ${path.join(dir, "web.test", "basic")}`, "1 passed, 0 failed"]);
    expect(r.code).to.equal(0);
  });

  it("prints a diff of missing, unexpected and changed series with their labels, and exits 1", async () => {
    write("web.test/basic.prom", EXPECTED.replace("lines_total 4", "lines_total 5").replace('method="POST",status="500"', 'method="PUT",status="500"'));
    const r = await run(["test", dir]);
    expect(r.code).to.equal(1);
    expect(r.lines[0]).to.equal(`FAIL ${path.join(dir, "web.test", "basic")}`);
    expect(r.stdout).to.match(/missing +requests_total\{method="PUT",status="500"\} 1/);
    expect(r.stdout).to.match(/unexpected +requests_total\{method="POST",status="500"\} 1/);
    expect(r.stdout).to.match(/changed +lines_total expected 5, got 4/);
    expect(r.lines.at(-1)).to.equal("0 passed, 1 failed");
  });

  it("passes a hand-written .prom that lists samples only (HELP and TYPE are compared where given)", async () => {
    write("web.test/basic.prom", EXPECTED.split("\n").filter((l) => !l.startsWith("#")).join("\n"));
    const r = await run(["test", dir]);
    expect(r.lines).to.deep.equal([`ok ${path.join(dir, "web.test", "basic")}`, "1 passed, 0 failed"]);
  });

  it("sorts histogram buckets by their bound in a diff", async () => {
    write("h.mtail", "histogram d buckets 0.5, 1, 10\n/(?P<v>\\d+)/ {\n  d = $v\n}\n");
    write("h.test/a.log", "5\n");
    write("h.test/a.prom", 'd_bucket{le="0.5"} 1\nd_bucket{le="1"} 1\nd_bucket{le="10"} 0\nd_bucket{le="+Inf"} 1\nd_sum 5\nd_count 1\n');
    write("web.test/basic.prom", EXPECTED);
    const r = await run(["test", path.join(dir, "h.mtail")]);
    const changed = r.lines.filter((l) => l.includes("changed"));
    expect(changed).to.deep.equal([
      '    changed    d_bucket{le="0.5"} expected 1, got 0',
      '    changed    d_bucket{le="1"} expected 1, got 0',
      '    changed    d_bucket{le="10"} expected 0, got 1',
    ]);
  });

  it("compares HELP and TYPE lines", async () => {
    write("web.test/basic.prom", EXPECTED.replace("# TYPE lines_total counter", "# TYPE lines_total gauge"));
    const r = await run(["test", dir]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include('changed    # TYPE lines_total expected "gauge", got "counter"');
  });

  it("counts each case: passes and failures across programs, in one process", async () => {
    write("web.test/basic.prom", EXPECTED);
    write("web.test/second.log", "GET /x 200\n");
    write("web.test/second.prom", "# wrong on purpose\nlines_total 7\n");
    write("other.mtail", "counter n\n/x/ {\n  n++\n}\n");
    write("other.test/a.log", "x\ny\nx\n");
    write("other.test/a.prom", "# HELP n defined at other.mtail:1:9\n# TYPE n counter\nn 2\n");
    const r = await run(["test", dir]);
    const status = r.lines.filter((l) => /^(ok|FAIL) /.test(l));
    expect(status).to.deep.equal([
      `ok ${path.join(dir, "other.test", "a")}`,
      `ok ${path.join(dir, "web.test", "basic")}`,
      `FAIL ${path.join(dir, "web.test", "second")}`,
    ]);
    expect(r.lines.at(-1)).to.equal("2 passed, 1 failed");
    expect(r.code).to.equal(1);
  });

  it("runs only the case, program or test folder named", async () => {
    write("web.test/basic.prom", EXPECTED);
    write("web.test/second.log", "GET /x 200\n");
    for (const target of [path.join(dir, "web.test", "basic.log"), path.join(dir, "web.test", "basic.prom")]) {
      const r = await run(["test", target]);
      expect(r.lines, target).to.deep.equal([`ok ${path.join(dir, "web.test", "basic")}`, "1 passed, 0 failed"]);
    }
    for (const target of [path.join(dir, "web.mtail"), path.join(dir, "web.test")]) {
      const r = await run(["test", target]);
      expect(r.lines.at(-1), target).to.equal("1 passed, 1 failed");
    }
  });

  it("--update writes missing and changed .prom files, says which, and leaves equal ones alone", async () => {
    write("web.test/basic.prom", EXPECTED.replace("lines_total 4", "lines_total 9"));
    write("web.test/fresh.log", "GET /z 404\n");
    write("web.test/same.log", LOG);
    write("web.test/same.prom", EXPECTED);
    const r = await run(["test", "--update", dir]);
    expect(r.code).to.equal(0);
    expect(r.lines).to.include(`updated ${path.join(dir, "web.test", "basic.prom")}`);
    expect(r.lines).to.include(`wrote ${path.join(dir, "web.test", "fresh.prom")}`);
    expect(r.stdout).to.not.include("same.prom");
    expect(r.lines.at(-1)).to.equal("3 passed, 0 failed");
    expect(readFileSync(path.join(dir, "web.test", "basic.prom"), "utf8")).to.equal(EXPECTED);
    expect(readFileSync(path.join(dir, "web.test", "fresh.prom"), "utf8")).to.include('requests_total{method="GET",status="404"} 1');
    // Afterwards every case passes without --update.
    expect((await run(["test", dir])).lines.at(-1)).to.equal("3 passed, 0 failed");
  });

  it("--unmatched lists the lines no pattern matched, with their line numbers", async () => {
    write("web.test/basic.prom", EXPECTED);
    write("web.mtail", COUNTER.replace("/./ {\n  lines_total++\n}\n", "/^[A-Z]/ {\n  lines_total++\n}\n"));
    write("web.test/basic.log", "GET /a 200\n\nnot a request\nPOST /c 500\n");
    const r = await run(["test", "--unmatched", "--update", dir]);
    expect(r.stdout).to.include(`${path.join(dir, "web.test", "basic.log")}:2: \n`);
    expect(r.stdout).to.include(`${path.join(dir, "web.test", "basic.log")}:3: not a request`);
    expect(r.stdout).to.not.include("basic.log:1:");
    expect(r.stdout).to.not.include("basic.log:4:");
  });

  const badInput: Array<{ name: string; setup: () => void; expect: RegExp; code: number; last?: string }> = [
    {
      name: "a .prom that is not Prometheus text",
      setup: () => write("web.test/basic.prom", "lines_total{oops 4\n"),
      expect: /basic\.prom:1: not valid Prometheus text/,
      code: 1,
      last: "0 passed, 1 failed",
    },
    {
      name: "a .prom with a sample that is not a number",
      setup: () => write("web.test/basic.prom", "lines_total four\n"),
      expect: /basic\.prom:1: not valid Prometheus text: invalid sample value "four"/,
      code: 1,
      last: "0 passed, 1 failed",
    },
    {
      name: "a case without its .prom",
      setup: () => {},
      expect: /basic\.prom is missing \(run logtally test --update/,
      code: 1,
      last: "0 passed, 1 failed",
    },
    {
      name: "a test folder with no program",
      setup: () => {
        write("web.test/basic.prom", EXPECTED);
        write("ghost.test/one.log", "x\n");
        write("ghost.test/one.prom", "");
      },
      expect: /FAIL .*ghost\.test\/one\n +.*ghost\.test has no program .*ghost\.mtail/,
      code: 1,
      last: "1 passed, 1 failed",
    },
    {
      name: "a .prom without its log",
      setup: () => {
        write("web.test/basic.prom", EXPECTED);
        write("web.test/orphan.prom", "");
      },
      expect: /FAIL .*web\.test\/orphan\n +.*orphan\.prom has no log/,
      code: 1,
      last: "1 passed, 1 failed",
    },
    {
      name: "a program that fails on every line with a runtime error",
      setup: () => {
        write("web.mtail", "counter total\n/(?P<word>\\w+)/ {\n  total += int($word)\n}\n");
        write("web.test/basic.prom", "");
      },
      expect: /4 runtime errors in web\.mtail[^\n]*\n +.*basic\.log:1: strconv\.ParseInt: parsing "GET": invalid syntax/,
      code: 1,
      last: "0 passed, 1 failed",
    },
    {
      name: "a program that does not compile",
      setup: () => {
        write("web.mtail", "counter total\n/(/ {\n  total++\n}\n");
        write("web.test/basic.prom", "");
      },
      expect: /FAIL .*basic\n +.*web\.mtail does not compile:\n +web\.mtail:2:1/,
      code: 1,
      last: "0 passed, 1 failed",
    },
    {
      name: "a CASE.yaml with an unknown key",
      setup: () => {
        write("web.test/basic.prom", EXPECTED);
        write("web.test/basic.yaml", "override_timzone: UTC\n");
      },
      expect: /basic\.yaml:1:1: unknown key "override_timzone"/,
      code: 1,
      last: "0 passed, 1 failed",
    },
    {
      name: "a path that does not exist",
      setup: () => {},
      expect: /no such file or directory/,
      code: 2,
    },
  ];
  for (const c of badInput) {
    it(`reports ${c.name}`, async () => {
      c.setup();
      const target = c.code === 2 ? path.join(dir, "nowhere") : dir;
      const r = await run(["test", target]);
      expect(r.stdout + r.stderr).to.match(c.expect);
      expect(r.code).to.equal(c.code);
      if (c.last !== undefined) expect(r.lines.at(-1)).to.equal(c.last);
    });
  }

  it("exits 2 for an unknown flag", async () => {
    const r = await run(["test", "--frobnicate", dir]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("unknown flag -frobnicate");
  });

  it("frames the log as CASE.yaml says (multiline: python joins a traceback into its record)", async () => {
    // A traceback joined to its log line puts a newline between "boom" and "Traceback".
    write("errors.mtail", "counter records_total\ncounter tracebacks_total\n/^\\d{4}-/ {\n  records_total++\n}\n/boom\\nTraceback/ {\n  tracebacks_total++\n}\n");
    const log = "2024-05-01 10:00:00,000 - 1 - ERROR - app - boom\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nValueError: bad\n2024-05-01 10:00:01,000 - 1 - INFO - app - fine\n";
    write("errors.test/joined.log", log);
    write("errors.test/joined.yaml", "multiline: python\n");
    write("errors.test/plain.log", log);
    write("web.test/basic.prom", EXPECTED);
    const r = await run(["test", "--update", path.join(dir, "errors.mtail")]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const joined = readFileSync(path.join(dir, "errors.test", "joined.prom"), "utf8");
    // Two records: the ERROR line with its traceback, and the INFO line.
    expect(joined).to.include("records_total 2\n").and.to.include("tracebacks_total 1\n");
    // Without the flag every line is a record: no record holds both "boom" and the traceback.
    const plain = readFileSync(path.join(dir, "errors.test", "plain.prom"), "utf8");
    expect(plain).to.include("records_total 2\n").and.to.include("tracebacks_total 0\n");
    write("errors.test/joined.yaml", "multiline: cobol\n");
    const bad = await run(["test", path.join(dir, "errors.mtail")]);
    expect(bad.stdout).to.match(/joined\.yaml.*multiline/);
    expect(bad.lines.at(-1)).to.equal("1 passed, 1 failed");
  });

  it("takes flags from CASE.yaml (override_timezone changes what strptime reads)", async () => {
    write("clock.mtail", 'gauge t\n/^(?P<d>\\S+ \\S+)$/ {\n  strptime($d, "2006-01-02 15:04:05")\n  t = timestamp()\n}\n');
    write("clock.test/paris.log", "2024-01-01 01:00:00\n");
    write("clock.test/paris.yaml", "override_timezone: Europe/Paris\n");
    write("clock.test/utc.log", "2024-01-01 01:00:00\n");
    write("web.test/basic.prom", EXPECTED);
    const r = await run(["test", "--update", path.join(dir, "clock.mtail")]);
    expect(r.code).to.equal(0);
    // 01:00 in Paris (UTC+1 in winter) is midnight UTC: 1704067200 (printed as Go's %g does).
    expect(readFileSync(path.join(dir, "clock.test", "paris.prom"), "utf8")).to.include("t 1.7040672e+09\n");
    expect(readFileSync(path.join(dir, "clock.test", "utc.prom"), "utf8")).to.include("t 1.7040708e+09\n");
    expect(existsSync(path.join(dir, "clock.test", "paris.yaml"))).to.equal(true);
  });
});
