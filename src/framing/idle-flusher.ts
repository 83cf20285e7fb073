// Hands on the records a quiet source holds: a following daemon must not keep the last traceback of a log until the
// next line arrives, which may be never. One timer for all framers, running only while some framer holds lines,
// and no clock read per line: a framer is quiet when its line count has not moved for its timeout.

import type { Framer } from "./framer.js";

/** The idle timeouts of a daemon's framers. */
export class IdleFlusher {
  private readonly watched = new Set<Framer>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param periodMs how often held records are checked: a record is handed on between its timeout and its timeout
   *   plus this after its source's last line
   */
  constructor(private readonly periodMs: number, private readonly now: () => number = Date.now) {}

  /** Starts checking `framer` (it took a line). */
  watch(framer: Framer): void {
    framer.watched = true;
    framer.sweptSeq = -1;
    this.watched.add(framer);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.periodMs);
      this.timer.unref();
    }
  }

  /** Stops checking `framer`. */
  unwatch(framer: Framer): void {
    framer.watched = false;
    this.watched.delete(framer);
    if (this.watched.size === 0) this.stop();
  }

  /** Checks every framer once (the timer's job; tests call it directly). */
  sweep(): void {
    const now = this.now();
    for (const f of this.watched) {
      if (f.heldLines() === 0) {
        this.unwatch(f);
      } else if (f.seq !== f.sweptSeq) {
        f.sweptSeq = f.seq;
        f.quietSinceMs = now;
      } else if (now - f.quietSinceMs >= f.timeoutMs) {
        f.flushIdle();
        this.unwatch(f);
      }
    }
  }

  /** Stops the timer (held records stay held). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
