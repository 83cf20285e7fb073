// Unwraps container runtime lines (cri, docker, or either with auto) into the application's lines: the pieces of a
// line the runtime split (CRI `P`, a Docker "log" without its newline) are joined per stream, bounded by the
// longest line allowed, and decoded from bytes only once whole. Imports nothing of ours outside framing.

import { decodeBytes, newEntry, parseCri, parseDocker, STDERR, type ContainerEntry } from "./container.js";
import { Rfc3339Reader } from "./rfc3339.js";
import type { FramingCounters, LogFormat } from "./types.js";

/** Takes one unwrapped line; `firstSeq` numbers the first physical line it came from (see Framer.seq). */
export type LineTaker = (text: string, filename: string, stream: string, timeMs: number, firstSeq: number) => void;

/** Pieces of one stream's line waiting for the rest. */
interface Pieces {
  bytes: string;
  /** Every piece so far was known to be ASCII: no decoding needed. */
  ascii: boolean;
  timeMs: number;
  firstSeq: number;
  cut: boolean;
}

/** The container wrapper of one source. */
export class ContainerUnwrapper {
  private readonly entry: ContainerEntry = newEntry();
  private readonly times = new Rfc3339Reader();
  // Index 0: stdout (and Docker's other streams), 1: stderr. Pieces of the two streams interleave in one file.
  private readonly waiting: (Pieces | undefined)[] = [undefined, undefined];
  private readonly parse: (line: string, e: ContainerEntry) => boolean;
  /** cri or docker (not auto): a line that is neither is counted as unrecognised. */
  private readonly strict: boolean;

  constructor(
    format: Exclude<LogFormat, "plain">,
    private readonly maxLength: number,
    private readonly next: LineTaker,
    private readonly counters: FramingCounters,
  ) {
    this.parse = format === "cri" ? parseCri : format === "docker" ? parseDocker : parseAuto;
    this.strict = format !== "auto";
  }

  /**
   * Takes the physical line numbered `seq` (bytes as latin1 characters); `ascii` when the splitter knows it is
   * ASCII, so it needs no decoding (a Docker line's \u escapes may still make non-ASCII bytes: those are checked).
   */
  take(line: string, filename: string, seq: number, ascii: boolean): void {
    const e = this.entry;
    if (!this.parse(line, e)) {
      // Not a container line: handed on unchanged (counted when the source says it is all cri or docker).
      if (this.strict) this.counters.unrecognised++;
      this.next(ascii ? line : decodeBytes(line), filename, "", NaN, seq);
      return;
    }
    if (ascii && e.escaped) ascii = false;
    const slot = e.stream === STDERR ? 1 : 0;
    const w = this.waiting[slot];
    if (w === undefined) {
      const timeMs = this.times.parse(line, e.timeStart, e.timeEnd);
      if (e.partial) {
        this.waiting[slot] = { bytes: this.bounded(e.message), ascii, timeMs, firstSeq: seq, cut: e.message.length > this.maxLength };
        return;
      }
      this.next(ascii ? e.message : decodeBytes(e.message), filename, e.stream, timeMs, seq);
      return;
    }
    // A piece continuing a line: join within the bound; what exceeds it is dropped and the line counted once as cut.
    const room = this.maxLength - w.bytes.length;
    if (e.message.length > room) {
      if (room > 0) w.bytes += e.message.slice(0, room);
      w.cut = true;
    } else {
      w.bytes += e.message;
    }
    w.ascii &&= ascii;
    if (e.partial) return;
    this.waiting[slot] = undefined;
    if (w.cut) this.counters.linesCut++;
    this.next(w.ascii ? w.bytes : decodeBytes(w.bytes), filename, e.stream, w.timeMs, w.firstSeq);
  }

  /** The number of the oldest physical line whose pieces wait, or Infinity. */
  oldestWaiting(): number {
    const a = this.waiting[0]?.firstSeq ?? Infinity;
    const b = this.waiting[1]?.firstSeq ?? Infinity;
    return a < b ? a : b;
  }

  /** Hands on pieces still waiting (the source ended, or went quiet), oldest first, as complete lines. */
  flush(filename: string): void {
    const order = (this.waiting[1]?.firstSeq ?? Infinity) < (this.waiting[0]?.firstSeq ?? Infinity) ? [1, 0] : [0, 1];
    for (const slot of order) {
      const w = this.waiting[slot];
      if (w === undefined) continue;
      this.waiting[slot] = undefined;
      if (w.cut) this.counters.linesCut++;
      this.next(decodeBytes(w.bytes), filename, slot === 1 ? STDERR : "stdout", w.timeMs, w.firstSeq);
    }
  }

  /** Drops waiting pieces. */
  clear(): void {
    this.waiting[0] = this.waiting[1] = undefined;
  }

  private bounded(bytes: string): string {
    return bytes.length > this.maxLength ? bytes.slice(0, this.maxLength) : bytes;
  }
}

/** `auto`: Docker when the line starts with `{`, CRI when it starts with a digit, otherwise not a container line. */
function parseAuto(line: string, e: ContainerEntry): boolean {
  const c = line.charCodeAt(0);
  if (c === 123) return parseDocker(line, e);
  return c >= 48 && c <= 57 && parseCri(line, e);
}
