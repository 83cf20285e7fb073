// A restart in the middle of a multi-line record, and of a container line's pieces: the position saved is the first
// byte of the oldest line the framer holds, so the record is read again after the restart, whole, and counted once.
import { expect } from "chai";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Framer } from "../../../src/framing/framer.js";
import { IdleFlusher } from "../../../src/framing/idle-flusher.js";
import { newFramingCounters, type FramingSettings } from "../../../src/framing/types.js";
import { Tailer } from "../../../src/tailer/tailer.js";
import { waitFor } from "../../helpers/wait-for.js";
import { useSandbox } from "./harness.js";

describe("tailer + framing (integration): restart in the middle of a record", function () {
  this.timeout(20000);
  const sb = useSandbox();

  /** Runs a tailer with one framer per source; records go to `out`. A long idle timeout keeps records held. */
  async function run(settings: FramingSettings, logs: string[], stateDir: string, out: string[]) {
    const idle = new IdleFlusher(10);
    const counters = newFramingCounters();
    const tailer = new Tailer({ logs, stateDir, onLine: (t) => out.push(`line:${t}`), framerFor: () => new Framer(settings, (t) => out.push(t), counters, idle) });
    await tailer.start();
    return { tailer, idle };
  }

  // `all`: what the two runs hand on together; the second run stops with the last `heldAtEnd` records held.
  const cases: Array<{ name: string; settings: FramingSettings; before: string; after: string; first: string[]; all: string[]; heldAtEnd: number }> = [
    {
      name: "a traceback held when the daemon stops",
      settings: { format: "plain", multiline: { start: /^\d{4}-/, maxLines: 100, maxBytes: 1 << 20 }, maxLineLength: 1 << 20, idleTimeoutMs: 60_000 },
      before: "2024-05-01 INFO one\n2024-05-01 ERROR two\nTraceback (most recent call last):\n  File \"a.py\"\n",
      after: "ValueError: v\n2024-05-01 INFO three\n",
      first: ["2024-05-01 INFO one"],
      all: ["2024-05-01 INFO one", "2024-05-01 ERROR two\nTraceback (most recent call last):\n  File \"a.py\"\nValueError: v", "2024-05-01 INFO three"],
      heldAtEnd: 1,
    },
    {
      name: "a CRI line whose pieces were not all written",
      settings: { format: "cri", maxLineLength: 1 << 20, idleTimeoutMs: 60_000 },
      before: "2024-05-01T10:00:00Z stdout F whole\n2024-05-01T10:00:01Z stdout P first half, \n2024-05-01T10:00:01Z stderr F err\n",
      after: "2024-05-01T10:00:01Z stdout F second half\n2024-05-01T10:00:02Z stdout F next\n",
      // The stderr line after the held piece was counted before the stop, and is read again: the one case where a
      // single saved offset cannot be exact (two streams interleaved around a held piece).
      first: ["whole", "err"],
      all: ["whole", "err", "err", "first half, second half", "next"],
      heldAtEnd: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const path = join(sb.dir(), "app.log");
      const stateDir = join(sb.dir(), "state");
      writeFileSync(path, "");
      const out: string[] = [];
      const first = await run(c.settings, [path], stateDir, out);
      appendFileSync(path, c.before);
      await waitFor(() => out.length >= c.first.length, 5000, () => JSON.stringify(out));
      await first.tailer.stop();
      first.idle.stop();
      expect(out).to.deep.equal(c.first);
      const saved = JSON.parse(readFileSync(join(stateDir, "logtally-positions.json"), "utf8")) as { files: Array<{ offset: number }> };
      const heldFrom = c.before.indexOf(c.settings.format === "cri" ? "2024-05-01T10:00:01Z stdout P" : "2024-05-01 ERROR");
      expect(saved.files[0]!.offset, "saved offset: the first byte of the held record").to.equal(heldFrom);
      appendFileSync(path, c.after);
      const second = await run(c.settings, [path], stateDir, out);
      try {
        const want = c.all.slice(0, c.all.length - c.heldAtEnd);
        await waitFor(() => out.length >= want.length, 5000, () => JSON.stringify(out));
        await second.tailer.stop(); // a record still held is not handed on: a third run would read it
        expect(out).to.deep.equal(want);
      } finally {
        second.idle.stop();
      }
    });
  }
});
