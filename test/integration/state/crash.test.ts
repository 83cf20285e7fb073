// Exactly once across crashes, with real processes: a writer appends lines and rotates the log while the test
// kill -9s the daemon at random moments and starts it again on the same --state_dir. At the end every counter
// equals what was written, and a poller that scraped /metrics throughout never saw a counter go down.
import { expect } from "chai";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, httpGet } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";
import { seededRandom } from "../../helpers/prng.js";

const PROGRAM = [
  "counter lines_total",
  "counter by_kind by kind",
  "histogram sizes buckets 10, 100",
  "/^(?P<kind>[a-c]) (?P<size>\\d+)$/ {",
  "  lines_total++",
  "  by_kind[$kind]++",
  "  sizes = $size",
  "}",
  "",
].join("\n");

/** The exported series of the test's program, "name{labels}" -> value. */
function parse(body: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (line.startsWith("#") || !/^(lines_total|by_kind|sizes_count|sizes_bucket)/.test(line)) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe("state: kill -9 and restart while logs are written and rotated (integration)", function () {
  this.timeout(120_000);
  let dir: string;
  let daemon: LogtallyProcess | null = null;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "logtally-crash-"))));
  after(async () => {
    await daemon?.stop("SIGKILL").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts every line once and no scrape sees a counter decrease", async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
    const random = seededRandom(seed);
    const progs = path.join(dir, "progs");
    mkdirSync(progs);
    writeFileSync(path.join(progs, "count.mtail"), PROGRAM);
    const log = path.join(dir, "app.log");
    writeFileSync(log, "");
    const state = path.join(dir, "state");
    const args = ["--progs", progs, "--logs", log, "--state_dir", state, "--state_save_interval", "100ms", "--port", "0", "--address", "127.0.0.1", "--log_level", "info"];
    let port = 0;
    const logs: string[] = [];
    const start = async () => {
      if (daemon) logs.push(daemon.stderr);
      daemon = new LogtallyProcess(args);
      // Up once ready: until then the daemon is not following app.log (see the writer below).
      port = await daemon.waitForHttp(0, "/readyz", 200, 20_000);
    };
    await start();
    // Before the first snapshot there is nothing to resume from (files present at start are read from their end).
    await waitFor(() => existsSync(path.join(state, "logtally-state.ndjson")), 10_000, () => "no snapshot written");

    // The writer: batches of lines, a rotation (rename to app.log.N, a new app.log) every ~1500 lines. A file
    // created and rotated away again while logtally is down is never seen (docs/state.md lists this limit), so
    // while the daemon is down the writer rotates at most once.
    const written = new Map<string, number>([["a", 0], ["b", 0], ["c", 0]]);
    let total = 0;
    let rotations = 0;
    let sinceRotation = 0;
    let writing = true;
    let down = false;
    let rotatedWhileDown = false;
    const writer = (async () => {
      while (writing) {
        let batch = "";
        const n = 1 + Math.floor(random() * 20);
        for (let i = 0; i < n; i++) {
          const kind = "abc"[Math.floor(random() * 3)] as string;
          batch += `${kind} ${Math.floor(random() * 200)}\n`;
          written.set(kind, (written.get(kind) ?? 0) + 1);
        }
        appendFileSync(log, batch);
        total += n;
        sinceRotation += n;
        if (sinceRotation > 1500 && !(down && rotatedWhileDown)) {
          renameSync(log, `${log}.${++rotations}`);
          sinceRotation = 0;
          if (down) rotatedWhileDown = true;
        }
        await new Promise((r) => setTimeout(r, 2 + random() * 6));
      }
    })();

    // The poller: every answer must be >= the last one seen for each series, across restarts.
    const seen = new Map<string, number>();
    const decreases: string[] = [];
    let polls = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const p = port;
        try {
          const r = await httpGet({ port: p }, "/metrics");
          if (r.status === 200) {
            polls++;
            for (const [k, v] of parse(r.body)) {
              const before = seen.get(k) ?? 0;
              if (v < before) decreases.push(`${k}: ${before} -> ${v}`);
              seen.set(k, Math.max(before, v));
            }
          }
        } catch {
          // down between a kill and a restart
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const kills = 5;
    for (let k = 0; k < kills; k++) {
      await new Promise((r) => setTimeout(r, 300 + random() * 900));
      const d = daemon!;
      down = true;
      rotatedWhileDown = false;
      d.child.kill("SIGKILL");
      await d.exit(10_000);
      await new Promise((r) => setTimeout(r, random() * 400));
      await start();
      down = false;
    }
    writing = false;
    await writer;

    const body = async () => parse((await httpGet({ port }, "/metrics")).body);
    let last = new Map<string, number>();
    await waitFor(
      async () => {
        last = await body();
        return last.get('lines_total{prog="count.mtail"}') === total;
      },
      30_000,
      () => `seed ${seed}: wrote ${total} lines, daemon counted ${last.get('lines_total{prog="count.mtail"}')}; logs:\n${[...logs, daemon?.stderr ?? ""].join("\n----\n")}`,
      100,
    );
    // Duplicates would arrive late: wait for the daemon to be quiet, then compare everything.
    await new Promise((r) => setTimeout(r, 1000));
    polling = false;
    await poller;
    last = await body();
    expect(last.get('lines_total{prog="count.mtail"}'), `seed ${seed}`).to.equal(total);
    for (const [kind, n] of written) expect(last.get(`by_kind{kind="${kind}",prog="count.mtail"}`), `seed ${seed} kind ${kind}`).to.equal(n);
    expect(last.get('sizes_count{prog="count.mtail"}'), `seed ${seed}`).to.equal(total);
    expect(decreases, `seed ${seed}`).to.deep.equal([]);
    expect(polls, "the poller scraped throughout").to.be.greaterThan(20);
    expect(rotations, "the writer rotated the log").to.be.greaterThan(1);
    expect(total).to.be.greaterThan(600);
  });
});
