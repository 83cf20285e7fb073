// Helpers for the tailer integration tests: a temp directory, a line collector and a started Tailer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Tailer, type TailerOptions } from "../../../src/tailer/tailer.js";
import { Framer } from "../../../src/framing/framer.js";
import { IdleFlusher } from "../../../src/framing/idle-flusher.js";
import { newFramingCounters, type FramingSettings } from "../../../src/framing/types.js";
import type { FramerFactory } from "../../../src/logline.js";
import { waitFor } from "../../helpers/wait-for.js";

/** Lines received, in order, with their file names. */
export class Collector {
  readonly lines: string[] = [];
  readonly files: string[] = [];
  readonly onLine = (text: string, filename: string): void => {
    this.lines.push(text);
    this.files.push(filename);
  };
  /** Waits until the count of lines has not changed for `quietMs` (failing if lines keep coming past `timeoutMs`). */
  async waitForQuiet(quietMs = 300, timeoutMs = 10000): Promise<void> {
    let seen = this.lines.length;
    let since = Date.now();
    await waitFor(() => {
      if (this.lines.length !== seen) {
        seen = this.lines.length;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    }, timeoutMs, () => `lines kept arriving for ${timeoutMs} ms (have ${this.lines.length})`);
  }

  /** Waits until `n` lines arrived (failing with what did arrive). */
  async waitForCount(n: number, timeoutMs = 10000): Promise<void> {
    await waitFor(() => this.lines.length >= n, timeoutMs, () => `wanted ${n} lines, have ${this.lines.length}: ${summarize(this.lines)}`);
  }
  /**
   * Waits until no line has arrived for `quietMs` (a duplicate delivered late would otherwise go unseen), then asserts
   * every expected line arrived exactly once (order free) and nothing else.
   */
  async expectExactly(want: string[], quietMs = 300, timeoutMs = 10000): Promise<void> {
    await this.waitForQuiet(quietMs, timeoutMs);
    const missing = want.filter((l) => !this.lines.includes(l));
    const counts = new Map<string, number>();
    for (const l of this.lines) counts.set(l, (counts.get(l) ?? 0) + 1);
    const dup = [...counts].filter(([, n]) => n > 1).map(([l]) => l);
    const extra = this.lines.filter((l) => !want.includes(l));
    expect({ missing: missing.slice(0, 5), duplicated: dup.slice(0, 5), extra: extra.slice(0, 5), count: this.lines.length })
      .to.deep.equal({ missing: [], duplicated: [], extra: [], count: want.length });
  }
}

function summarize(lines: string[]): string {
  return lines.length <= 6 ? JSON.stringify(lines) : `${JSON.stringify(lines.slice(0, 3))} ... ${JSON.stringify(lines.slice(-3))}`;
}

/** `n` distinct lines `prefix-<i>` starting at `from`. */
export function numbered(prefix: string, from: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${from + i} some payload to make the line longer`);
}

/**
 * Framing that changes no line but holds each one until the next arrives or its source is quiet for 50 ms: `auto`
 * (lines read as bytes, none of them a container line) with every line beginning a record. The tailer's tests run
 * with it too, to show rotation, truncation and restarts lose and double nothing while a framer holds lines.
 */
const HOLDING: FramingSettings = {
  format: "auto",
  multiline: { start: /(?:)/, maxLines: 100, maxBytes: 1 << 21 },
  maxLineLength: 1 << 21,
  idleTimeoutMs: 50,
};

function holdingFramers(c: Collector, idle: IdleFlusher): FramerFactory {
  const counters = newFramingCounters();
  return () => new Framer(HOLDING, (text, filename) => c.onLine(text, filename), counters, idle);
}

/** Per-test temp directory and tailers that are always stopped; with `framed`, every source has a holding framer. */
export function useSandbox(framed = false): { dir: () => string; start: (opts: Partial<TailerOptions> & { logs: string[] }, c?: Collector) => Promise<{ tailer: Tailer; c: Collector }> } {
  let dir = "";
  const tailers: Tailer[] = [];
  const flushers: IdleFlusher[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "logtally-tailer-"))));
  afterEach(async () => {
    for (const t of tailers.splice(0)) await t.stop();
    for (const f of flushers.splice(0)) f.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    start: async (opts, c = new Collector()) => {
      let framerFor: FramerFactory | undefined;
      if (framed) {
        const idle = new IdleFlusher(10);
        flushers.push(idle);
        framerFor = holdingFramers(c, idle);
      }
      const tailer = new Tailer({ onLine: c.onLine, rotatedGraceMs: 1000, framerFor, ...opts });
      tailers.push(tailer);
      await tailer.start();
      return { tailer, c };
    },
  };
}

/** Resolves after the event loop had a chance to run I/O callbacks (lets the tailer see an intermediate state). */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
