// Bad programs in the --progs folder of a real daemon (issue 15, points 2-4): the daemon starts, the programs
// after a failing one load, and each failure shows as not loaded in the self metrics with its located error
// logged. Programs from test/hostile/programs.ts, so the cases stay the ones the compile tests check.
import { expect } from "chai";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, httpGet, waitForBody } from "../helpers/logtally-process.js";
import { waitFor } from "../helpers/wait-for.js";
import { hostilePrograms } from "./programs.js";

const bad = ["blocks-10000.mtail", "plus-1700.mtail", "decorators-doubling.mtail", "log-filter-range.mtail", "parens-100000.mtail"];
const GOOD = "counter good_lines_total\n/$/ {\n  good_lines_total++\n}\n";

describe("hostile programs: a daemon with bad programs in --progs", function () {
  this.timeout(60_000);
  let dir: string;
  let d: LogtallyProcess | undefined;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-hostile-progs-"));
    mkdirSync(path.join(dir, "progs"));
    // Named so the good programs come before, between and after the bad ones in the scan (sorted by name).
    writeFileSync(path.join(dir, "progs", "a-good.mtail"), GOOD.replace(/good_lines/g, "a_lines"));
    for (const name of bad) {
      const p = hostilePrograms.find((h) => h.name === name)!;
      writeFileSync(path.join(dir, "progs", `b-${name}`), p.source);
    }
    writeFileSync(path.join(dir, "progs", "c-neg-neg.mtail"), hostilePrograms.find((h) => h.name === "neg-neg.mtail")!.source);
    writeFileSync(path.join(dir, "progs", "z-good.mtail"), GOOD.replace(/good_lines/g, "z_lines"));
    writeFileSync(path.join(dir, "app.log"), "");
  });
  after(async () => {
    await d?.stop("SIGKILL").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts, loads the good programs and reports each bad one as not loaded", async () => {
    d = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "app.log"), "--port", "0", "--address", "127.0.0.1"]);
    // /readyz reports the failed programs (503); /healthz says the daemon serves.
    const port = await d.waitForHttp(0, "/healthz", 200, 30_000);
    expect((await httpGet({ port }, "/healthz")).status).to.equal(200);
    // Lines appended before the tailer follows the file would be skipped (it starts at the end).
    await waitFor(() => d!.stderr.includes("Following "), 30_000, () => d!.stderr.slice(-2000));
    appendFileSync(path.join(dir, "app.log"), "one line with an x\n");
    const body = await waitForBody(port, "/metrics", (b) => b.includes('z_lines_total{prog="z-good.mtail"} 1\n'), 20_000);
    expect(body).to.include('a_lines_total{prog="a-good.mtail"} 1\n');
    for (const name of bad) expect(body, name).to.include(`logtally_program_loaded{prog="b-${name}"} 0\n`);
    for (const name of ["a-good.mtail", "c-neg-neg.mtail", "z-good.mtail"]) expect(body, name).to.include(`logtally_program_loaded{prog="${name}"} 1\n`);
    expect(body).to.include('g{prog="c-neg-neg.mtail"} 5\n');
    // Each failure is logged with its location (file:line:col), not as an exception.
    for (const name of bad) expect(d.stderr, name).to.match(new RegExp(`b-${name.replace(/\./g, "\\.")}:\\d+:\\d+`));
    expect(d.stderr).not.to.match(/RangeError|Maximum call stack/);
  });
});
