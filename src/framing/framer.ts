// The framer of one byte stream: unwraps container lines and joins multi-line records, then hands each record to
// the runtime once. It implements the LineFramer the tailer knows (src/logline.ts); the daemon makes one per
// followed file, pipe or connection. Imports only src/logline.ts and framing's own files.

import type { LineFramer, RecordHandler } from "../logline.js";
import { MultilineJoiner } from "./multiline.js";
import { ContainerUnwrapper, type LineTaker } from "./unwrap.js";
import type { FramingCounters, FramingSettings } from "./types.js";
import type { IdleFlusher } from "./idle-flusher.js";

/** A source's framer. */
export class Framer implements LineFramer {
  readonly wantsBytes: boolean;
  readonly onLine: (text: string, filename: string) => void;
  readonly onAsciiLine: ((text: string, filename: string) => void) | undefined;
  /** Physical lines taken so far: positions in the stream are counted in these (see heldLines). */
  seq = 0;
  /** For the idle flusher: `seq` when it last looked, and since when it has not moved. */
  sweptSeq = -1;
  quietSinceMs = 0;
  watched = false;
  readonly timeoutMs: number;
  private readonly unwrap: ContainerUnwrapper | undefined;
  private readonly join: MultilineJoiner | undefined;
  private filename = "";

  /**
   * @param out receives every record once
   * @param idle flushes records held while the source is quiet (the daemon); none in one-shot runs, which flush at EOF
   */
  constructor(
    settings: FramingSettings,
    out: RecordHandler,
    private readonly counters: FramingCounters,
    private readonly idle?: IdleFlusher,
  ) {
    const ml = settings.multiline;
    this.timeoutMs = settings.idleTimeoutMs;
    let next: LineTaker;
    if (ml) {
      this.join = new MultilineJoiner(ml, out, counters);
      next = this.join.take;
    } else {
      next = (text, filename, stream, timeMs) => {
        counters.records++;
        out(text, filename, stream, timeMs);
      };
    }
    this.wantsBytes = settings.format !== "plain";
    if (settings.format !== "plain") {
      const unwrap = new ContainerUnwrapper(settings.format, settings.maxLineLength, next, counters);
      this.unwrap = unwrap;
      this.onLine = (text, filename) => {
        this.filename = filename;
        unwrap.take(text, filename, ++this.seq, false);
        if (!this.watched && this.idle !== undefined) this.idle.watch(this);
      };
      this.onAsciiLine = (text, filename) => {
        this.filename = filename;
        unwrap.take(text, filename, ++this.seq, true);
        if (!this.watched && this.idle !== undefined) this.idle.watch(this);
      };
    } else {
      this.onAsciiLine = undefined;
      this.onLine = (text, filename) => {
        this.filename = filename;
        next(text, filename, "", NaN, ++this.seq);
        if (!this.watched && this.idle !== undefined) this.idle.watch(this);
      };
    }
  }

  heldLines(): number {
    const a = this.unwrap?.oldestWaiting() ?? Infinity;
    const b = this.join?.oldestHeld() ?? Infinity;
    const oldest = a < b ? a : b;
    return oldest === Infinity ? 0 : this.seq - oldest + 1;
  }

  flush(): void {
    // Pieces first: a line completed by the end of the source may itself continue a held record.
    this.unwrap?.flush(this.filename);
    this.join?.flush();
  }

  /** Hands on what is held because the source has been quiet for `timeoutMs`. */
  flushIdle(): void {
    if (this.heldLines() === 0) return;
    this.counters.idleFlushes++;
    this.flush();
  }

  close(): void {
    this.unwrap?.clear();
    this.join?.clear();
    this.idle?.unwatch(this);
  }
}
