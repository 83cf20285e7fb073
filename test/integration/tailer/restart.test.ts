// Tailer restarts with a state directory: positions resume exactly, also across rotations made while stopped.
import { expect } from "chai";
import { appendFileSync, copyFileSync, existsSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Tailer } from "../../../src/tailer/tailer.js";
import { Collector, numbered, useSandbox } from "./harness.js";

// Each suite runs twice: as the tailer alone, and with a framer holding the last line of every source (the body
// is left unindented so that this loop does not touch every line of the suites).
for (const framed of [false, true]) {
describe(`tailer (integration): restart with stateDir${framed ? " (framed)" : ""}`, function () {
  this.timeout(30000);
  const sb = useSandbox(framed);

  interface FirstRun {
    path: string;
    stateDir: string;
    c: Collector;
    /** The lines the first run read. */
    first: string[];
    /** Starts the second run with the same state directory and collector. */
    restart: () => Promise<Tailer>;
  }

  /** A first run over app.log that reads 100 lines, then stops with the partial line "half a li" unread. */
  async function firstRun(): Promise<FirstRun> {
    const path = join(sb.dir(), "app.log");
    const stateDir = join(sb.dir(), "state");
    const c = new Collector();
    const first = numbered("run1", 0, 100);
    const start = async (): Promise<Tailer> => (await sb.start({ logs: [join(sb.dir(), "*.log")], stateDir }, c)).tailer;
    writeFileSync(path, "");
    const tailer = await start();
    appendFileSync(path, first.join("\n") + "\n" + "half a li"); // ends in a partial line
    await c.waitForCount(first.length);
    await tailer.stop();
    expect(existsSync(join(stateDir, "logtally-positions.json"))).to.equal(true);
    return { path, stateDir, c, first, restart: start };
  }

  /** Completes the first run's partial line ("half a line") and appends `n` lines more while the tailer is down. */
  function appendWhileDown(path: string, prefix: string, n: number): string[] {
    const lines = numbered(prefix, 0, n);
    appendFileSync(path, "ne\n" + lines.join("\n") + "\n");
    return lines;
  }

  it("resumes where it stopped: lines written while down are read once, the partial line whole", async () => {
    const { path, c, first, restart } = await firstRun();
    const down = appendWhileDown(path, "down", 50);
    await restart();
    await c.waitForCount(151);
    await c.expectExactly([...first, "half a line", ...down]);
  });

  it("rename + create while down: finishes the old file from its position, reads the new one whole", async () => {
    const { path, c, first, restart } = await firstRun();
    const late = appendWhileDown(path, "late", 30);
    renameSync(path, path + ".1");
    const fresh = numbered("fresh", 0, 40);
    writeFileSync(path, fresh.join("\n") + "\n");
    const tailer = await restart();
    await c.waitForCount(171);
    await c.expectExactly([...first, "half a line", ...late, ...fresh]);
    const more = numbered("more", 0, 10);
    appendFileSync(path, more.join("\n") + "\n");
    await c.waitForCount(181);
    await c.expectExactly([...first, "half a line", ...late, ...fresh, ...more]);
    expect(tailer.files().find((f) => f.path === path)!.lines).to.equal(1 + 30 + 40 + 10);
  });

  it("copytruncate while down: the copy is finished from the position, the truncated file read whole", async () => {
    const { path, c, first, restart } = await firstRun();
    const late = appendWhileDown(path, "late", 30);
    copyFileSync(path, path + ".1");
    truncateSync(path, 0);
    // Longer than before, so only the content (not the size) shows it is another file.
    const fresh = numbered("fresh-and-longer", 0, 300);
    appendFileSync(path, fresh.join("\n") + "\n");
    await restart();
    await c.waitForCount(100 + 1 + 30 + 300);
    await c.expectExactly([...first, "half a line", ...late, ...fresh]);
  });

  it("delete + recreate while down: the new file is read whole; the positions file is valid JSON", async () => {
    const { path, stateDir, c, first, restart } = await firstRun();
    const saved = JSON.parse(readFileSync(join(stateDir, "logtally-positions.json"), "utf8"));
    expect(saved.files[0]).to.include({ path, offset: first.join("\n").length + 1 });
    unlinkSync(path);
    writeFileSync(path, "new 1\nnew 2\n");
    await restart();
    await c.waitForCount(102);
    await c.expectExactly([...first, "new 1", "new 2"]);
  });

  it("a rotated file still draining at stop is saved too: late writes to it while down are read once", async () => {
    const dir = sb.dir();
    const path = join(dir, "app.log");
    const stateDir = join(dir, "state");
    const c = new Collector();
    // A long grace keeps the rotated file open (draining) until the stop, whatever the machine's speed.
    const start = async (): Promise<Tailer> =>
      (await sb.start({ logs: [join(dir, "*.log")], stateDir, rotatedGraceMs: 60_000 }, c)).tailer;
    writeFileSync(path, "");
    const tailer = await start();
    const old = numbered("old", 0, 20);
    appendFileSync(path, old.join("\n") + "\n");
    await c.waitForCount(20);
    renameSync(path, path + ".1"); // app.log.1 no longer matches *.log: only the open stream still reads it
    const fresh = numbered("fresh", 0, 5);
    writeFileSync(path, fresh.join("\n") + "\n");
    await c.waitForCount(25); // the new file is read, so the rotation was seen
    await tailer.stop();
    const saved = JSON.parse(readFileSync(join(stateDir, "logtally-positions.json"), "utf8")) as { files: { ino: number; offset: number }[] };
    const rotated = statSync(path + ".1");
    expect(saved.files.find((f) => f.ino === rotated.ino), JSON.stringify(saved.files)).to.include({ offset: rotated.size });

    const late = numbered("late", 0, 7);
    appendFileSync(path + ".1", late.join("\n") + "\n");
    await start();
    await c.waitForCount(32);
    await c.expectExactly([...old, ...fresh, ...late]);
  });
});
}
