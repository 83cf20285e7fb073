// main() in-process: --help, usage errors, --compile_only and --one_shot, with buffers for stdout and stderr.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { main } from "../../../src/cli/main.js";
import { ONE_SHOT_SEMI_SPACE_LIMIT_BYTES, type YoungGenerationLimit } from "../../../src/cli/young-generation.js";
import { freePort, httpGet } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

/** A writable that keeps what was written. */
class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(
  argv: string[],
  stopSignal?: Promise<unknown>,
  youngGeneration?: YoungGenerationLimit,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, env: {}, stopSignal, youngGeneration });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Stands in for the young-generation limit bin/logtally.js passes, recording what main did with it. */
function limitSpy(): YoungGenerationLimit & { stops: number; limits: number[] } {
  return {
    stops: 0,
    limits: [],
    stop() {
      this.stops++;
    },
    setLimit(bytes: number) {
      this.limits.push(bytes);
    },
  };
}

describe("cli/main", () => {
  let dir: string;
  let progs: string;
  let log: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-cli-"));
    progs = path.join(dir, "progs");
    mkdirSync(progs);
    writeFileSync(path.join(progs, "count.mtail"), 'counter lines by kind\n/^(?P<kind>\\w+) / {\n  lines[$kind]++\n}\n');
    writeFileSync(path.join(progs, "notes.txt"), "not a program");
    writeFileSync(path.join(dir, "broken.mtail"), "counter a\n/x/ {\n  b++\n}\n");
    log = path.join(dir, "app.log");
    writeFileSync(log, "get /a\nput /b\nget /c\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints help listing flags, exit 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include("--one_shot_format");
    expect(r.stdout).to.include("(default 3903)");
  });

  it("reports a usage error with exit 2", async () => {
    const r = await run(["--prog", progs]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("Did you mean --progs?");
  });

  it("asks for --progs when it is missing", async () => {
    const r = await run(["--one_shot"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/no programs given; use --progs/);
  });

  it("one-shot prometheus output with the prog label", async () => {
    const r = await run(["-progs", progs, "--logs", log, "--one_shot", "--one_shot_format=prometheus"]);
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(
      "# HELP lines defined at count.mtail:1:9-13\n# TYPE lines counter\n" +
        'lines{kind="get",prog="count.mtail"} 2\nlines{kind="put",prog="count.mtail"} 1\n',
    );
  });

  it("one-shot openmetrics output: unknown-typed counter as mtail names it, closing # EOF", async () => {
    const r = await run(["-progs", progs, "--logs", log, "--one_shot", "--one_shot_format=openmetrics"]);
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(
      "# HELP lines defined at count.mtail:1:9-13\n# TYPE lines unknown\n" +
        'lines{kind="get",prog="count.mtail"} 2\nlines{kind="put",prog="count.mtail"} 1\n# EOF\n',
    );
  });

  it("one-shot without the prog label, a log named twice read once", async () => {
    const r = await run(["--progs", progs, `--logs=${log},${log}`, "--logs", log, "--one_shot",
      "--one_shot_format", "prometheus", "--emit_prog_label=false"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include('lines{kind="get"} 2\n');
  });

  it("one-shot keeps a 2 MiB line whole unless --max_line_length is given", async () => {
    const long = path.join(dir, "long.txt");
    writeFileSync(long, `get ${"x".repeat(2 << 20)}\nput /e\n`);
    const whole = await run(["--progs", progs, "--logs", long, "--one_shot", "--one_shot_format=prometheus"]);
    expect(whole.code).to.equal(0);
    expect(whole.stdout).to.include('lines{kind="get",prog="count.mtail"} 1\n');
    expect(whole.stdout).to.include('lines{kind="put",prog="count.mtail"} 1\n');
    // Cut to 3 bytes, each line loses the space after its first word, so the program matches neither.
    const cut = await run(["--progs", progs, "--logs", long, "--one_shot", "--one_shot_format=prometheus", "--max_line_length=3"]);
    expect(cut.code).to.equal(0);
    expect(cut.stdout).not.to.include("kind=");
  });

  it("one-shot expands globs in --logs", async () => {
    writeFileSync(path.join(dir, "more.log"), "get /d\n");
    const r = await run(["--progs", progs, "--logs", path.join(dir, "*.log"), "--one_shot", "--one_shot_format=prometheus"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include('lines{kind="get",prog="count.mtail"} 3\n');
  });

  it("one-shot JSON is the default format", async () => {
    const r = await run(["--progs", progs, "--logs", log, "--one_shot"]);
    expect(r.code).to.equal(0);
    const parsed = JSON.parse(r.stdout) as Record<string, Array<{ Program: string }>>;
    expect(parsed["lines"]![0]!.Program).to.equal("count.mtail");
  });

  it("one-shot with a missing log reports it and still prints the metrics of the others", async () => {
    const r = await run(["--progs", progs, "--logs", `${path.join(dir, "nope.log")},${log}`, "--one_shot", "--one_shot_format=prometheus"]);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.match(/cannot read log .*nope\.log: ENOENT/);
    expect(r.stdout).to.include('lines{kind="get",prog="count.mtail"} 2\n');
  });

  it("one-shot warns about a glob matching nothing and reads the other patterns", async () => {
    const r = await run(["--progs", progs, "--logs", path.join(dir, "*.nothing"), "--logs", log, "--one_shot", "--one_shot_format=prometheus"]);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal(`logtally: --logs ${path.join(dir, "*.nothing")} matches no file.\n`);
    expect(r.stdout).to.include('lines{kind="get",prog="count.mtail"} 2\n');
  });

  // No input file at all: all-zero metrics would pass for a quiet log, so nothing is printed and the exit is 1.
  const noInputCases = [
    { name: "a glob matching nothing", logs: () => ["--logs", path.join(dir, "*.nothing")], says: /matches no file\.\n.*no log file was read \(--logs .*\*\.nothing\)/s },
    { name: "a missing plain file", logs: () => ["--logs", path.join(dir, "nope.log")], says: /cannot read log .*nope\.log.*\n.*no log file was read/s },
    { name: "no --logs at all", logs: () => [], says: /no log file was read \(no --logs given\), so no metrics are printed\./ },
  ];
  for (const c of noInputCases) {
    it(`one-shot with ${c.name} prints no metrics and exits 1`, async () => {
      const r = await run(["--progs", progs, ...c.logs(), "--one_shot", "--one_shot_format=prometheus"]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.match(c.says);
    });
  }

  it("one-shot on an empty log is a run that read a file: exit 0", async () => {
    const empty = path.join(dir, "empty.txt");
    writeFileSync(empty, "");
    const r = await run(["--progs", progs, "--logs", empty, "--one_shot", "--one_shot_format=prometheus"]);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal("");
  });

  it("one-shot with a broken program prints its errors and exits 1", async () => {
    const r = await run(["--progs", path.join(dir, "broken.mtail"), "--logs", log, "--one_shot"]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.include("compile failed for broken.mtail:");
    expect(r.stderr).to.match(/broken\.mtail:3:3/);
  });

  it("compile_only: 0 for good programs, 1 with the errors for a broken one", async () => {
    expect((await run(["--progs", progs, "--compile_only"])).code).to.equal(0);
    const bad = await run(["--progs", path.join(dir, "broken.mtail"), "--compile_only"]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/broken\.mtail:3:3/);
  });

  it("compile_only --dump_js prints the generated function", async () => {
    const r = await run(["--progs", progs, "--compile_only", "--dump_js"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include("count.mtail");
    expect(r.stdout).to.include("function line(");
  });

  it("a missing --progs folder is an error naming it", async () => {
    const r = await run(["--progs", path.join(dir, "missing"), "--one_shot"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/cannot read --progs .*missing: no such file or directory/);
  });

  const liftCases = [
    { name: "one-shot", argv: () => ["--progs", progs, "--logs", log, "--one_shot"] },
    { name: "compile_only", argv: () => ["--progs", progs, "--compile_only"] },
  ];
  for (const c of liftCases) {
    it(`${c.name} raises the young-generation limit to the one-shot limit (2 MiB only slowed such runs down)`, async () => {
      const limit = limitSpy();
      expect((await run(c.argv(), undefined, limit)).code).to.equal(0);
      expect(limit.limits).to.deep.equal([ONE_SHOT_SEMI_SPACE_LIMIT_BYTES]);
      expect(limit.stops).to.equal(0);
    });
  }

  it("runs the daemon in-process until told to stop, keeping the young-generation limit", async () => {
    const port = await freePort(); // log_level warn hides the "Serving" line that --port 0 relies on
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const limit = limitSpy();
    const running = run(["--progs", progs, "--port", String(port), "--address", "127.0.0.1", "--log_level=warn"], stopped, limit);
    await waitFor(async () => {
      try {
        return (await httpGet({ port }, "/readyz")).status === 200;
      } catch {
        return false;
      }
    }, 10_000);
    stop();
    const r = await running;
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal("");
    expect(limit.stops).to.equal(0);
    expect(limit.limits).to.deep.equal([]);
  });

  it("an unknown time zone is a usage error", async () => {
    const r = await run(["--progs", progs, "--logs", log, "--one_shot", "--override_timezone=Mars/Base"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("Mars/Base");
  });
});
