// Go-style argv parsing, durations and --help, driven by the flag table.
import { expect } from "chai";
import { FLAGS, closestFlag, defaultOptions, formatDuration, parseDuration } from "../../../src/cli/flag-table.js";
import { UsageError, parseArgv, renderHelp, validateOptions } from "../../../src/cli/flags.js";

describe("cli/flags parseArgv", () => {
  const cases: Array<{ name: string; argv: string[]; want: Record<string, unknown> }> = [
    { name: "single dash with separate value", argv: ["-progs", "x"], want: { progs: "x" } },
    { name: "double dash with equals", argv: ["--progs=x"], want: { progs: "x" } },
    { name: "double dash with separate value", argv: ["--progs", "x"], want: { progs: "x" } },
    { name: "bare boolean is true", argv: ["--one_shot"], want: { one_shot: true } },
    { name: "boolean with =false", argv: ["--emit_prog_label=false"], want: { emit_prog_label: false } },
    { name: "boolean with =0 and -single dash", argv: ["-syslog_use_current_year=0"], want: { syslog_use_current_year: false } },
    { name: "comma-separated logs", argv: ["--logs", "a,b"], want: { logs: ["a", "b"] } },
    { name: "repeated logs accumulate", argv: ["--logs=a", "-logs", "b,c"], want: { logs: ["a", "b", "c"] } },
    { name: "empty items dropped", argv: ["--logs=a,,b,"], want: { logs: ["a", "b"] } },
    { name: "duration in ms", argv: ["--poll_interval=250ms"], want: { poll_interval: 250 } },
    { name: "duration Go style", argv: ["--metric_push_interval", "1h0m0s"], want: { metric_push_interval: 3600000 } },
    { name: "int", argv: ["--port", "9301"], want: { port: 9301 } },
    { name: "hyphens accepted", argv: ["--one-shot", "--one-shot-format=prometheus"], want: { one_shot: true, one_shot_format: "prometheus" } },
    { name: "later value wins", argv: ["--port=1", "--port=2"], want: { port: 2 } },
    { name: "-- ends flags", argv: ["--one_shot", "--"], want: { one_shot: true } },
    { name: "value may start with a dash", argv: ["--statsd_prefix", "-x"], want: { statsd_prefix: "-x" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(parseArgv(c.argv)).to.deep.equal(c.want);
    });
  }

  const errors: Array<{ name: string; argv: string[]; message: RegExp }> = [
    { name: "unknown flag with suggestion", argv: ["--prog", "x"], message: /Unknown flag -prog\. Did you mean --progs\?/ },
    { name: "unknown flag without suggestion", argv: ["--zzzzzzzzzz"], message: /Unknown flag -zzzzzzzzzz\. Run/ },
    { name: "missing value", argv: ["--progs"], message: /--progs needs a value/ },
    { name: "bad boolean", argv: ["--one_shot=yes"], message: /invalid boolean value "yes" for one_shot/ },
    { name: "bad duration", argv: ["--poll_interval=5"], message: /invalid duration "5" for poll_interval/ },
    { name: "bad int", argv: ["--port=abc"], message: /invalid integer value "abc" for port/ },
    { name: "stray argument", argv: ["--one_shot", "true"], message: /Unexpected argument "true"/ },
  ];
  for (const c of errors) {
    it(`rejects: ${c.name}`, () => {
      expect(() => parseArgv(c.argv)).to.throw(UsageError, c.message);
    });
  }
});

describe("cli/flags durations", () => {
  const cases: Array<[string, number | undefined]> = [
    ["250ms", 250], ["1m", 60000], ["1h0m0s", 3600000], ["1.5h", 5400000], ["0", 0], ["2h45m", 9900000],
    ["1s500ms", 1500], ["100us", 0.1], ["", undefined], ["5", undefined], ["1x", undefined], ["m", undefined],
  ];
  for (const [text, ms] of cases) {
    it(`parses "${text}"`, () => expect(parseDuration(text)).to.equal(ms));
  }
  it("formats like Go", () => {
    expect([250, 60000, 3600000, 10000, 0].map(formatDuration)).to.deep.equal(["250ms", "1m0s", "1h0m0s", "10s", "0s"]);
  });
});

describe("cli/flags validation and help", () => {
  it("rejects a value outside the flag's choices", () => {
    const o = { ...defaultOptions(), one_shot_format: "xml" };
    expect(() => validateOptions(o)).to.throw(UsageError, /one_shot_format.*json, prometheus/);
  });
  it("rejects a port out of range", () => {
    expect(() => validateOptions({ ...defaultOptions(), port: 70000 })).to.throw(UsageError, /Invalid port 70000/);
  });
  it("rejects a negative or fractional max_line_length", () => {
    expect(() => validateOptions({ ...defaultOptions(), max_line_length: -1 })).to.throw(UsageError, /max_line_length -1/);
    expect(() => validateOptions({ ...defaultOptions(), max_line_length: 1.5 })).to.throw(UsageError, /max_line_length 1.5/);
    expect(() => validateOptions({ ...defaultOptions(), max_line_length: 4096 })).not.to.throw();
  });
  it("follows by events by default: polling and the line limit are opt-in", () => {
    const o = defaultOptions();
    expect([o.poll_interval, o.poll_log_interval, o.max_line_length]).to.deep.equal([0, 0, 0]);
    const help = renderHelp("1.2.3");
    expect(help).to.match(/--poll_interval duration\n.*0: event-driven only \(inotify\), no CPU when idle\. \(default 0s\)/);
    expect(help).to.match(/--max_line_length int\n.*no limit with --one_shot unless set.*\(default 0\)/);
  });
  it("lists every flag with its default", () => {
    const help = renderHelp("1.2.3");
    for (const f of FLAGS) expect(help).to.include(`--${f.name}`);
    expect(help).to.include("(default 3903)");
    expect(help).to.include("(default 1m0s)");
    expect(help).to.include('(default "json")');
  });
  it("suggests close names only", () => {
    expect(closestFlag("prog")).to.equal("progs");
    expect(closestFlag("prot")).to.equal("port");
    expect(closestFlag("emit-prog-labels")).to.equal("emit_prog_label");
    expect(closestFlag("qqqqqqqqqqqq")).to.equal(undefined);
  });
});
