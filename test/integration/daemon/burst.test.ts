// A real daemon under a burst of 200k lines: /metrics keeps answering while the lines are processed (the tailer
// yields to the event loop between chunks), and every line is counted once, in the tailer's self metrics too.
import { expect } from "chai";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, httpGet } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

const LINES = 200_000;
const PROGRAM = "counter requests_total by method\n/^(?P<method>[A-Z]+) \\/(?P<path>\\S+) (?P<code>\\d+)$/ {\n  requests_total[$method]++\n}\n";

describe("daemon under a burst (integration)", function () {
  this.timeout(60_000);
  let dir: string;
  let d: LogtallyProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-burst-"));
    mkdirSync(path.join(dir, "progs"));
    mkdirSync(path.join(dir, "logs"));
    writeFileSync(path.join(dir, "progs", "count.mtail"), PROGRAM);
  });
  afterEach(async () => {
    await d?.stop("SIGKILL").catch(() => undefined);
    d = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /metrics during a 200k-line burst and counts every line once", async () => {
    const log = path.join(dir, "logs", "app.log");
    writeFileSync(log, "");
    d = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "logs", "*.log"),
      "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();

    // Scrape back to back from before the burst until its last line is counted. httpGet gives up after 5 s, so a
    // scrape starved by the burst fails the test; how long each one took is not asserted.
    let done = false;
    let answered = 0;
    let last = "";
    const scraper = (async () => {
      while (!done) {
        const r = await httpGet({ port }, "/metrics");
        expect(r.status, r.body).to.equal(200);
        answered++;
        last = r.body;
        if (last.includes(`requests_total{method="GET",prog="count.mtail"} ${LINES}\n`)) done = true;
      }
    })();

    const chunk = Array.from({ length: LINES / 4 }, (_, i) => `GET /item/${i} 200\n`).join("");
    for (let i = 0; i < 4; i++) appendFileSync(log, chunk);
    try {
      await waitFor(() => done, 45_000, () => `after ${answered} scrapes, last body:\n${last.slice(0, 3000)}`, 20);
    } finally {
      done = true;
      await scraper;
    }
    expect(answered).to.be.greaterThan(0);
    expect(last).to.include(`logtally_lines_total{prog="count.mtail"} ${LINES}\n`);
    expect(last).to.include(`logtally_lines_read_total ${LINES}\n`);
    expect(last).to.include(`logtally_log_lines_total{logfile="${log}"} ${LINES}\n`);
    expect(last).to.include(`logtally_bytes_read_total ${chunk.length * 4}\n`);
    expect(last).to.include("logtally_open_files 1\n");
    expect(await d.stop()).to.equal(0);
  });

  it("cuts a line longer than --max_line_length, counts it and still processes it", async () => {
    const log = path.join(dir, "logs", "app.log");
    writeFileSync(log, "");
    d = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "logs", "*.log"),
      "--port", "0", "--address", "127.0.0.1", "--max_line_length", "16"]);
    const port = await d.waitForHttp();
    appendFileSync(log, `GET /short 200\nPUT /${"x".repeat(100)} 200\r\nPOST /a\r\rb 201\n`);
    let body = "";
    await waitFor(async () => {
      body = (await httpGet({ port }, "/metrics")).body;
      return body.includes("logtally_lines_read_total 3\n");
    }, 10_000, () => body);
    // The cut PUT line no longer ends in a status code, so the program skips it; the CRs inside POST are removed.
    expect(body).to.include('requests_total{method="GET",prog="count.mtail"} 1\n');
    expect(body).to.include('requests_total{method="POST",prog="count.mtail"} 1\n');
    expect(body).not.to.include('method="PUT"');
    expect(body).to.include("logtally_lines_cut_total 1\n");
    expect(body).to.include(`logtally_log_lines_cut_total{logfile="${log}"} 1\n`);
    expect((await httpGet({ port }, "/")).body).to.include("1 lines cut");
  });
});
