// The --config YAML file: keys are flag names, errors name the file, line and key.
import { expect } from "chai";
import path from "node:path";
import { parseConfig } from "../../../src/cli/config.js";
import { UsageError } from "../../../src/cli/flags.js";
import { resolveOptions } from "../../../src/cli/options.js";

describe("cli/config parseConfig", () => {
  it("reads every kind of value and resolves paths from the file's folder", () => {
    const got = parseConfig(
      ["progs: programs", "logs:", "  - /var/log/a.log", "  - b.log", "port: 9310", "one_shot: true",
        "metric_push_interval: 30s", "statsd_prefix: app."].join("\n"),
      "/etc/logtally/logtally.yaml",
    );
    expect(got).to.deep.equal({
      progs: "/etc/logtally/programs",
      logs: ["/var/log/a.log", "/etc/logtally/b.log"],
      port: 9310,
      one_shot: true,
      metric_push_interval: 30000,
      statsd_prefix: "app.",
    });
  });
  it("leaves stdin and socket URLs in logs alone", () => {
    expect(parseConfig('logs: ["-", "tcp://127.0.0.1:5140", "unix:///run/app.sock"]\n', "/etc/c.yaml")).to.deep.equal({
      logs: ["-", "tcp://127.0.0.1:5140", "unix:///run/app.sock"],
    });
  });
  it("accepts a comma-separated logs string and an empty file", () => {
    expect(parseConfig("logs: /a.log,/b.log\n", "/c.yaml")).to.deep.equal({ logs: ["/a.log", "/b.log"] });
    expect(parseConfig("", "/c.yaml")).to.deep.equal({});
  });

  const errors: Array<{ name: string; text: string; message: RegExp }> = [
    { name: "unknown key with suggestion", text: "port: 1\nprog: x\n", message: /^c\.yaml:2:1: unknown key "prog"\. Did you mean "progs"\?$/ },
    { name: "bool as string", text: "one_shot: yes please\n", message: /c\.yaml:1:11: key "one_shot" must be true or false, not string "yes please"\./ },
    { name: "int as text", text: "port: http\n", message: /key "port" must be an integer/ },
    { name: "duration as number", text: "poll_interval: 5\n", message: /key "poll_interval" must be a duration string/ },
    { name: "bad duration", text: "poll_interval: soon\n", message: /invalid duration "soon"/ },
    { name: "list of numbers", text: "logs: [1, 2]\n", message: /key "logs" must be a list of strings/ },
    { name: "not a mapping", text: "- progs\n", message: /must be a mapping of flag names/ },
    { name: "config inside config", text: "config: other.yaml\n", message: /key not allowed in a config file "config"/ },
    { name: "bad YAML", text: "progs: [\n", message: /^c\.yaml:\d+:\d+: invalid YAML/ },
  ];
  for (const c of errors) {
    it(`rejects: ${c.name}`, () => {
      expect(() => parseConfig(c.text, "c.yaml")).to.throw(UsageError, c.message);
    });
  }
});

describe("cli/options resolveOptions", () => {
  const file = { progs: "/from/file", port: 1234, logs: ["/file.log"], emit_prog_label: false };
  const load = async (name: string) => {
    expect(name).to.equal("x.yaml");
    return { ...file };
  };
  it("layers defaults, then the config file, then flags", async () => {
    const o = await resolveOptions(["--config", "x.yaml", "--port=9311", "--logs", "/flag.log"], load);
    expect(o.progs).to.equal("/from/file");
    expect(o.port).to.equal(9311);
    expect(o.logs).to.deep.equal(["/flag.log"]);
    expect(o.emit_prog_label).to.equal(false);
    expect(o.one_shot_format).to.equal("json");
    expect(o.metric_push_interval).to.equal(60000);
  });
  it("uses defaults without a config file", async () => {
    const o = await resolveOptions(["--progs", path.join("a", "b")]);
    expect(o.port).to.equal(3903);
    expect(o.emit_prog_label).to.equal(true);
  });
  it("checks merged values", async () => {
    let err: unknown;
    try {
      await resolveOptions(["--one_shot_format=xml", "--progs=x"]);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(UsageError);
  });
});
