// Runs bytes through the tailer's line splitter and a framer, as the tailer and one-shot reading do, and collects
// the records: what the runtime would receive.
import { Framer } from "../../../src/framing/framer.js";
import { PRESETS } from "../../../src/framing/presets.js";
import { newFramingCounters, type FramingCounters, type FramingSettings, type LogFormat } from "../../../src/framing/types.js";
import { LineSplitter } from "../../../src/tailer/line-splitter.js";

export interface Rec {
  text: string;
  stream: string;
  timeMs: number;
}

export interface FrameOptions {
  format?: LogFormat;
  preset?: string;
  start?: RegExp;
  continue?: RegExp;
  maxLines?: number;
  maxBytes?: number;
  maxLineLength?: number;
  /** Sizes of the chunks the bytes are pushed in (cycled); default one chunk. */
  chunks?: number[];
}

/** Frames `input` and returns the records, the counters and the framer (for heldLines before flushing). */
export function frame(input: string | Buffer, o: FrameOptions = {}): { records: Rec[]; counters: FramingCounters; framer: Framer; texts: string[] } {
  const settings: FramingSettings = {
    format: o.format ?? "plain",
    multiline:
      o.preset || o.start || o.continue
        ? { preset: o.preset ? PRESETS[o.preset] : undefined, start: o.start, continue: o.continue, maxLines: o.maxLines ?? 5000, maxBytes: o.maxBytes ?? 1 << 20 }
        : undefined,
    maxLineLength: o.maxLineLength ?? 1 << 20,
    idleTimeoutMs: 1000,
  };
  const records: Rec[] = [];
  const counters = newFramingCounters();
  const framer = new Framer(settings, (text, _f, stream, timeMs) => records.push({ text, stream, timeMs }), counters);
  const splitter = new LineSplitter(framer.onLine, "/x.log", Infinity, framer.wantsBytes);
  const buf = typeof input === "string" ? Buffer.from(input) : input;
  const sizes = o.chunks ?? [buf.length];
  for (let pos = 0, i = 0; pos < buf.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    splitter.push(buf, pos, Math.min(buf.length, pos + n));
    pos += n;
  }
  splitter.flush();
  const flushAll = (): void => framer.flush();
  return {
    records,
    counters,
    framer,
    get texts() {
      flushAll();
      return records.map((r) => r.text);
    },
  };
}
