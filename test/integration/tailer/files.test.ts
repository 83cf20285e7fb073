// Tailer on real files: appends, rotation (create and copytruncate), truncation, new files, delete and recreate,
// partial lines, symlink retarget, many files, bursts and huge binary lines. Every test checks no loss, no duplicate.
import { expect } from "chai";
import {
  appendFileSync, closeSync, copyFileSync, mkdirSync, openSync, renameSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync, writeSync,
} from "node:fs";
import { join } from "node:path";
import { waitFor } from "../../helpers/wait-for.js";
import { numbered, tick, useSandbox } from "./harness.js";

// Each suite runs twice: as the tailer alone, and with a framer holding the last line of every source (the body
// is left unindented so that this loop does not touch every line of the suites).
for (const framed of [false, true]) {
describe(`tailer (integration): files${framed ? " (framed)" : ""}`, function () {
  this.timeout(30000);
  const sb = useSandbox(framed);

  it("reads files present at start-up from their end, and steady appends after", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "old line 1\nold line 2\n");
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "*.log")] });
    const want = numbered("steady", 0, 500);
    for (let i = 0; i < want.length; i += 10) {
      appendFileSync(path, want.slice(i, i + 10).join("\n") + "\n");
      await tick();
    }
    await c.waitForCount(want.length);
    expect(c.lines).to.deep.equal(want); // in order too
    expect(new Set(c.files)).to.deep.equal(new Set([path]));
    const st = tailer.files().find((f) => f.path === path)!;
    expect(st.lines).to.equal(500);
  });

  it("reads from the start with readFromStart", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "a\nb\n");
    const { c } = await sb.start({ logs: [path], readFromStart: true });
    await c.waitForCount(2);
    await c.expectExactly(["a", "b"]);
  });

  it("logrotate create while writing: finishes the old file (late writes too), then follows the new one", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "*.log")] });
    const want = numbered("rot", 0, 3000);
    let fd = openSync(path, "a");
    for (let i = 0; i < 1000; i++) writeSync(fd, want[i] + "\n");
    await waitFor(() => c.lines.length > 0); // some lines read before the rotation
    renameSync(path, path + ".1");
    for (let i = 1000; i < 1500; i++) writeSync(fd, want[i] + "\n"); // the writer has not reopened yet
    closeSync(fd);
    fd = openSync(path, "a");
    for (let i = 1500; i < 3000; i++) {
      writeSync(fd, want[i] + "\n");
      if (i % 100 === 0) await tick();
    }
    closeSync(fd);
    await c.waitForCount(want.length);
    await c.expectExactly(want);
    await waitFor(() => tailer.stats().rotations === 1, 5000, () => JSON.stringify(tailer.stats()));
  });

  it("logrotate copytruncate while writing: no loss, no duplicate", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "*.log")] });
    const want = numbered("ct", 0, 2000);
    const fd = openSync(path, "a"); // O_APPEND, as loggers open files for copytruncate
    for (let i = 0; i < 1000; i++) writeSync(fd, want[i] + "\n");
    await c.waitForCount(1000);
    copyFileSync(path, path + ".1");
    truncateSync(path, 0);
    for (let i = 1000; i < 2000; i++) {
      writeSync(fd, want[i] + "\n");
      if (i % 100 === 0) await tick();
    }
    closeSync(fd);
    await c.waitForCount(want.length);
    await c.expectExactly(want);
    expect(tailer.stats().truncations).to.equal(1);
  });

  it("copytruncate while the tailer lags behind the writer: the unread lines are read from the copy", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "*.log")] });
    const want = numbered("lag", 0, 3000);
    const fd = openSync(path, "a");
    for (let i = 0; i < 1000; i++) writeSync(fd, want[i] + "\n");
    await waitFor(() => c.lines.length > 0);
    // In one synchronous stretch, so the tailer cannot read them before the copy and the truncation.
    for (let i = 1000; i < 2000; i++) writeSync(fd, want[i] + "\n");
    copyFileSync(path, path + ".1");
    truncateSync(path, 0);
    for (let i = 2000; i < 3000; i++) writeSync(fd, want[i] + "\n");
    closeSync(fd);
    await c.waitForCount(want.length);
    await c.expectExactly(want);
    expect(tailer.stats().truncations).to.equal(1);
  });

  it("copytruncate under a writer without O_APPEND: the NUL hole it leaves is skipped, no line lost", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c } = await sb.start({ logs: [path] });
    const want = numbered("hole", 0, 400);
    const fd = openSync(path, "r+"); // writes at the descriptor's own offset
    for (let i = 0; i < 200; i++) writeSync(fd, want[i] + "\n");
    await c.waitForCount(200);
    copyFileSync(path, path + ".1");
    truncateSync(path, 0);
    for (let i = 200; i < 400; i++) writeSync(fd, want[i] + "\n");
    closeSync(fd);
    await c.waitForCount(400);
    await c.expectExactly(want);
  });

  it("truncation in place, even when the file grows past the old offset before the tailer looks", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [path] });
    const first = numbered("before", 0, 100);
    appendFileSync(path, first.join("\n") + "\n");
    await c.waitForCount(100);
    // Truncate and write more than before in one synchronous go: the size never shows the truncation.
    const second = numbered("after", 0, 300);
    truncateSync(path, 0);
    appendFileSync(path, second.join("\n") + "\n");
    await c.waitForCount(400);
    await c.expectExactly([...first, ...second]);
    expect(tailer.stats().truncations).to.equal(1);
    // And plain truncation to a smaller size.
    truncateSync(path, 0);
    appendFileSync(path, "small\n");
    await c.waitForCount(401);
    expect(c.lines[400]).to.equal("small");
    expect(tailer.stats().truncations).to.equal(2);
  });

  it("new files matching the glob are read from their start; others and ignored names are not", async () => {
    const sub = join(sb.dir(), "deep", "er");
    mkdirSync(sub, { recursive: true });
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "**", "*.log")], ignoreFilenameRegex: "skip" });
    writeFileSync(join(sb.dir(), "a.log"), "a1\na2\n");
    writeFileSync(join(sub, "b.log"), "b1\n");
    writeFileSync(join(sb.dir(), "c.txt"), "no\n");
    writeFileSync(join(sb.dir(), "skip.log"), "no\n");
    await c.waitForCount(3);
    appendFileSync(join(sub, "b.log"), "b2\n");
    await c.waitForCount(4);
    await c.expectExactly(["a1", "a2", "b1", "b2"]);
    expect(tailer.files().map((f) => f.path).sort()).to.deep.equal([join(sb.dir(), "a.log"), join(sub, "b.log")]);
  });

  it("delete and recreate: the new file is read from its start", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c } = await sb.start({ logs: [join(sb.dir(), "*.log")] });
    appendFileSync(path, "one\ntwo\n");
    await c.waitForCount(2);
    unlinkSync(path);
    writeFileSync(path, "three\n");
    appendFileSync(path, "four\n");
    await c.waitForCount(4);
    unlinkSync(path);
    await tick();
    writeFileSync(path, "five\n");
    await c.waitForCount(5);
    await c.expectExactly(["one", "two", "three", "four", "five"]);
  });

  it("delete and recreate is found even when the directory watcher reports nothing", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const infos: string[] = [];
    const quiet = (): void => undefined;
    const logger = { debug: quiet, warn: quiet, error: quiet, info: (_o: object, m: string) => void infos.push(m) };
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "*.log")], logger, rotatedGraceMs: 5000 });
    appendFileSync(path, "one\n");
    await c.waitForCount(1);
    // chokidar may turn a quick unlink + create into a change with an unchanged mtime and drop it; closing its
    // watcher (a private field, on purpose) leaves only the old file's own watch and the retired-file check.
    await (tailer as unknown as { watcher?: { close(): Promise<void> } }).watcher?.close();
    unlinkSync(path);
    // Create the new file only once the tailer has seen the deletion (the old file drains, retired).
    await waitFor(() => infos.includes("Log file was removed or renamed."), 5000, () => JSON.stringify(infos));
    writeFileSync(path, "two\n");
    await c.waitForCount(2);
    await c.expectExactly(["one", "two"]);
  });

  it("partial lines wait for their end and are delivered once, whole", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [path] });
    appendFileSync(path, "first\nhal");
    await c.waitForCount(1);
    await waitFor(() => tailer.files()[0].offset === 9); // the tailer has read the partial bytes
    appendFileSync(path, "f a li");
    await waitFor(() => tailer.files()[0].offset === 15);
    appendFileSync(path, "ne\r\nlast\n");
    await c.waitForCount(3);
    expect(c.lines).to.deep.equal(["first", "half a line", "last"]);
  });

  it("every CR byte is removed while following, in whole and partial lines alike (as mtail)", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [path] });
    appendFileSync(path, "1a\rb\rc\n3\r\r\r\nx\r");
    await c.waitForCount(2);
    await waitFor(() => tailer.files()[0].offset === 14); // "x\r" read, waiting for its newline
    appendFileSync(path, "\ry\r\n");
    await c.waitForCount(3);
    expect(c.lines).to.deep.equal(["1abc", "3", "xy"]);
    expect(tailer.stats()).to.include({ linesRead: 3, bytesRead: 18, linesCut: 0, openFiles: 1 });
  });

  it("falls back to polling when a file cannot be watched (polling is off by default)", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const logs: string[] = [];
    const quiet = (): void => undefined;
    const logger = { debug: quiet, info: quiet, error: quiet, warn: (_o: object, m: string) => void logs.push(m) };
    const { c, tailer } = await sb.start({ logs: [path], logger });
    // Stand-in for inotify's max_user_watches being reached: close every watch, then report the failure as the
    // stream would. Private fields on purpose: the point is that nothing but the fallback poll wakes the stream.
    const t = tailer as unknown as { watcher?: { close(): Promise<void> }; active: Map<string, { watcher?: { close(): void } }> };
    await t.watcher?.close();
    for (const s of t.active.values()) s.watcher?.close();
    tailer.cannotWatch([...t.active.values()][0] as never, new Error("ENOSPC"));
    appendFileSync(path, "polled 1\npolled 2\n");
    await c.waitForCount(2);
    await c.expectExactly(["polled 1", "polled 2"]);
    expect(logs.join("\n")).to.include("polling them instead");
  });

  it("symlink retargeted: finishes the old target, follows the new one", async () => {
    const a = join(sb.dir(), "a.data");
    const b = join(sb.dir(), "b.data");
    const link = join(sb.dir(), "current.log");
    writeFileSync(a, "");
    writeFileSync(b, "");
    symlinkSync(a, link);
    const { c } = await sb.start({ logs: [join(sb.dir(), "*.log")] });
    appendFileSync(a, "a1\n");
    await c.waitForCount(1);
    appendFileSync(a, "a2\n");
    symlinkSync(b, link + ".tmp");
    renameSync(link + ".tmp", link); // ln -sfn, atomically
    appendFileSync(b, "b1\n");
    await c.waitForCount(3);
    await c.expectExactly(["a1", "a2", "b1"]);
    expect(new Set(c.files)).to.deep.equal(new Set([link]));
  });

  it("200 files written round-robin: every line once, every file served", async () => {
    const n = 200;
    const paths = Array.from({ length: n }, (_, i) => join(sb.dir(), `f${String(i).padStart(3, "0")}.log`));
    for (const p of paths) writeFileSync(p, "");
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "*.log")] });
    const want: string[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < n; i++) {
        const line = `file ${i} round ${round}`;
        want.push(line);
        appendFileSync(paths[i], line + "\n");
      }
      await tick();
    }
    await c.waitForCount(want.length, 20000);
    await c.expectExactly(want);
    for (const f of tailer.files()) expect(f.lines, f.path).to.equal(20);
    expect(tailer.stats().openFiles).to.equal(n);
  });

  it("200k-line burst: all delivered, and the event loop keeps running between chunks", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c } = await sb.start({ logs: [path] });
    const want = numbered("burst", 0, 200_000);
    appendFileSync(path, want.join("\n") + "\n");
    // A chain of setImmediate callbacks records how many lines had arrived each time it got to run.
    const seen: number[] = [];
    let running = true;
    const probe = (): void => {
      seen.push(c.lines.length);
      if (running) setImmediate(probe);
    };
    probe();
    await c.waitForCount(want.length, 20000);
    running = false;
    expect(c.lines).to.deep.equal(want);
    expect(seen.some((n) => n > 0 && n < want.length), "callbacks ran while the burst was being read").to.equal(true);
  });

  it("a 1 MiB+ line of binary content is cut, counted and delivered once; the next line is intact", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [path] });
    const binary = Buffer.alloc((1 << 20) + 1000);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 131 + 7) % 256 === 10 ? 0 : (i * 131 + 7) % 256;
    appendFileSync(path, Buffer.concat([Buffer.from("before\n"), binary, Buffer.from("\nafter\n")]));
    await c.waitForCount(3);
    expect(c.lines.length).to.equal(3);
    expect(c.lines[0]).to.equal("before");
    expect(c.lines[2]).to.equal("after");
    expect(tailer.stats().linesCut).to.equal(1);
  });
});

describe(`tailer (integration): rotated names matching the glob${framed ? " (framed)" : ""}`, function () {
  this.timeout(30000);
  const sb = useSandbox(framed);

  it("app.log -> app.log.1 under 'app.log*': the rotated file is never read twice, late writes still once", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "app.log*")], pollLogIntervalMs: 50, rotatedGraceMs: 100 });
    const first = numbered("first", 0, 100);
    appendFileSync(path, first.join("\n") + "\n");
    await c.waitForCount(100);
    renameSync(path, path + ".1");
    const second = numbered("second", 0, 50);
    writeFileSync(path, second.join("\n") + "\n");
    await c.waitForCount(150);
    const late = numbered("late", 0, 10);
    appendFileSync(path + ".1", late.join("\n") + "\n");
    await c.waitForCount(160);
    // The rescan finds app.log.1 and follows it; once it stands at the end of that file, a second read of it would
    // have shown up as duplicates.
    const size = statSync(path + ".1").size;
    await waitFor(() => tailer.files().some((f) => f.path === path + ".1" && f.open && f.offset === size), 10000,
      () => JSON.stringify(tailer.files()));
    await c.expectExactly([...first, ...second, ...late]);
  });
});

describe(`tailer (integration): copytruncate copies matching the glob${framed ? " (framed)" : ""}`, function () {
  this.timeout(30000);
  const sb = useSandbox(framed);

  it("app.log.1 made by copytruncate under 'app.log*' is not read again as a new file", async () => {
    const path = join(sb.dir(), "app.log");
    writeFileSync(path, "");
    const { c, tailer } = await sb.start({ logs: [join(sb.dir(), "app.log*")], pollLogIntervalMs: 50 });
    const want = numbered("copy", 0, 600);
    const fd = openSync(path, "a");
    for (let i = 0; i < 300; i++) writeSync(fd, want[i] + "\n");
    await c.waitForCount(300);
    // Let rescans see app.log.1 before the truncation (logrotate copies, then truncates): it must stay unfollowed,
    // or its 300 lines would arrive a second time. A bounded window: proving that nothing happens needs one.
    const rescans = (n: number) => new Promise<void>((resolve) => setTimeout(resolve, n * 50));
    copyFileSync(path, path + ".1");
    await rescans(5);
    truncateSync(path, 0);
    for (let i = 300; i < 600; i++) writeSync(fd, want[i] + "\n");
    closeSync(fd);
    await c.waitForCount(600);
    await rescans(5);
    await c.expectExactly(want);
    expect(tailer.files().map((f) => f.path)).to.deep.equal([path]);
  });
});

describe(`tailer (integration): directories${framed ? " (framed)" : ""}`, function () {
  this.timeout(30000);
  const sb = useSandbox(framed);

  it("a glob whose directory does not exist yet is picked up when the directory appears", async () => {
    const sub = join(sb.dir(), "later");
    const { c } = await sb.start({ logs: [join(sub, "*.log")] });
    mkdirSync(sub);
    writeFileSync(join(sub, "x.log"), "x1\n");
    await c.waitForCount(1);
    appendFileSync(join(sub, "x.log"), "x2\n");
    await c.waitForCount(2);
    await c.expectExactly(["x1", "x2"]);
  });

  it("comma-separated --logs values are split, as mtail does", async () => {
    writeFileSync(join(sb.dir(), "a.log"), "");
    writeFileSync(join(sb.dir(), "b.txt"), "");
    const { c } = await sb.start({ logs: [`${join(sb.dir(), "a.log")},${join(sb.dir(), "*.txt")}`] });
    appendFileSync(join(sb.dir(), "a.log"), "a\n");
    appendFileSync(join(sb.dir(), "b.txt"), "b\n");
    await c.waitForCount(2);
    await c.expectExactly(["a", "b"]);
  });
});
}
