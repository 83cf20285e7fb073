// Framing settings from flags and from the config file's `sources:` list: what each source gets, and mistakes
// named by flag or by file:line.
import { expect } from "chai";
import { parseConfig } from "../../../src/cli/config.js";
import { UsageError } from "../../../src/cli/flags.js";
import { resolveOptions } from "../../../src/cli/options.js";
import { planFraming } from "../../../src/daemon/framing-config.js";
import { PRESETS } from "../../../src/framing/presets.js";

const CONFIG = [
  "progs: p",
  "sources:",
  "  - path: /var/log/containers/*.log",
  "    log_format: cri",
  "    multiline: python",
  "    multiline_timeout: 2s",
  "  - path: [/var/log/nginx/*.log, /var/log/app/*.log]",
  "  - glob: logs/*.json",
  "    format: docker",
  "    multiline_start: '^\\d{4}-'",
].join("\n");

describe("cli/framing options", () => {
  it("reads the sources list, its spellings and locations", () => {
    const got = parseConfig(CONFIG, "/etc/logtally/c.yaml");
    expect(got.sources).to.have.length(3);
    expect(got.sources![0]).to.deep.include({ paths: ["/var/log/containers/*.log"], log_format: "cri", multiline: "python", multiline_timeout: 2000 });
    expect(got.sources![1]!.paths).to.deep.equal(["/var/log/nginx/*.log", "/var/log/app/*.log"]);
    expect(got.sources![2]).to.deep.include({ paths: ["/etc/logtally/logs/*.json"], log_format: "docker", multiline_start: "^\\d{4}-" });
    expect(got.sources![0]!.at.multiline).to.equal("/etc/logtally/c.yaml:5:5");
  });

  it("reads a nested multiline mapping", () => {
    const got = parseConfig("sources:\n  - path: /a/*.log\n    multiline:\n      start: '^\\d'\n      timeout: 3s\n  - files: /b.log\n    multiline: {preset: go}\n", "/c.yaml");
    expect(got.sources![0]).to.deep.include({ paths: ["/a/*.log"], multiline_start: "^\\d", multiline_timeout: 3000 });
    expect(got.sources![1]).to.deep.include({ paths: ["/b.log"], multiline: "go" });
    expect(() => parseConfig("sources:\n  - path: /a\n    multiline: {lines: 3}\n", "/c.yaml")).to.throw(UsageError, /^\/c\.yaml:3:17: unknown key "lines" in "multiline"/);
  });

  it("gives each file the settings of the first glob that matches it, and the flags' to the rest", async () => {
    const options = await resolveOptions(["--config", "/etc/c.yaml", "--logs", "/srv/x.log", "--log_format=auto"], async (f) => parseConfig(CONFIG, f));
    const plan = planFraming(options, Infinity);
    expect(plan.logs).to.deep.equal(["/srv/x.log", "/var/log/containers/*.log", "/var/log/nginx/*.log", "/var/log/app/*.log", "/etc/logs/*.json"]);
    const cri = plan.settingsFor("/var/log/containers/web_default_app-0123.log")!;
    expect(cri).to.deep.include({ format: "cri", idleTimeoutMs: 2000 });
    expect(cri.multiline!.preset).to.equal(PRESETS.python);
    expect(plan.settingsFor("/var/log/nginx/access.log"), "plain, no rule: no framer").to.equal(undefined);
    expect(plan.settingsFor("/etc/logs/a.json")!.multiline!.start!.test("2024-05-01 x")).to.equal(true);
    expect(plan.settingsFor("/srv/x.log")!.format).to.equal("auto");
    expect(plan.shortestTimeoutMs).to.equal(1000);
  });

  it("runs --multiline_start/--multiline_continue patterns on a linear-time engine (issue 15 patterns)", async () => {
    const argv = ["--progs", "p", "--logs", "/a.log", "--multiline_start=^(\\p{L}+)+$", "--multiline_continue=(?m)^(a+)+$"];
    const rule = planFraming(await resolveOptions(argv), Infinity).settingsFor("/a.log")!.multiline!;
    // Before, each of these took 15 s or more on V8's backtracking engine.
    expect(rule.start!.test("a".repeat(28) + "!")).to.equal(false);
    expect(rule.continue!.test("a".repeat(34) + "!")).to.equal(false);
    expect(rule.start!.test("Grüße")).to.equal(true);
    expect(rule.continue!.test("aaa")).to.equal(true);
  });

  it("frames nothing by default", async () => {
    const plan = planFraming(await resolveOptions(["--progs", "p", "--logs", "/a.log"]), Infinity);
    expect(plan.any).to.equal(false);
    expect(plan.settingsFor("/a.log")).to.equal(undefined);
  });

  const flagErrors: Array<{ argv: string[]; message: RegExp }> = [
    { argv: ["--log_format=journald"], message: /Invalid value "journald" for log_format; expected one of plain, cri, docker, auto/ },
    { argv: ["--multiline=ruby"], message: /^flag --multiline: unknown multi-line preset "ruby"; expected one of python, java, go\.$/ },
    { argv: ["--multiline_start=(oops"], message: /^flag --multiline_start: invalid regular expression "\(oops": .*missing closing \)/ },
    { argv: ["--multiline_continue=a**"], message: /^flag --multiline_continue: invalid regular expression "a\*\*"/ },
    { argv: ["--sources=x"], message: /sources can only be set in the --config file/ },
  ];
  for (const c of flagErrors) {
    it(`rejects ${c.argv.join(" ")}`, async () => {
      const err = await resolveOptions(["--progs", "p", ...c.argv]).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(UsageError);
      expect((err as Error).message).to.match(c.message);
    });
  }

  const fileErrors: Array<{ name: string; text: string; message: RegExp }> = [
    { name: "an unknown preset", text: "sources:\n  - path: /a\n    multiline: perl\n", message: /^\/c\.yaml:3:5: key "multiline": unknown multi-line preset "perl"/ },
    { name: "a bad regex", text: "sources:\n  - path: /a\n    multiline_start: '[a'\n", message: /^\/c\.yaml:3:5: key "multiline_start": invalid regular expression "\[a"/ },
    { name: "a bad format", text: "sources:\n  - path: /a\n    log_format: xml\n", message: /^\/c\.yaml:3:5: key "log_format": unknown log format "xml"/ },
    { name: "an unknown key", text: "sources:\n  - path: /a\n    multilne: go\n", message: /^\/c\.yaml:3:5: unknown key "multilne" in a "sources" entry/ },
    { name: "no path", text: "sources:\n  - log_format: cri\n", message: /^\/c\.yaml:2:5: this "sources" entry names no files/ },
    { name: "not a list", text: "sources: /a\n", message: /^\/c\.yaml:1:10: key "sources" must be a list/ },
  ];
  for (const c of fileErrors) {
    it(`names the line of ${c.name}`, async () => {
      const err = await resolveOptions(["--config", "/c.yaml", "--progs", "p"], async (f) => parseConfig(c.text, f)).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(UsageError);
      expect((err as Error).message).to.match(c.message);
    });
  }
});
