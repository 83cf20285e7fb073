// mtail's per-program strptime memo: an LRU of the last 64 values parsed, keyed by the value string alone (not the
// layout), which also remembers failures: a value that failed once yields "no time" afterwards, without an error.

import { parseTime, type Layout, type ParseOptions } from "./strptime.js";
import type { Zone } from "./zone.js";
import { detachString } from "../../logline.js";

/** "No time set": timestamp() then reads the clock, and updates are stamped with the current time. */
export const UNSET_TIME = Number.NaN;

// Go's zero Time (0001-01-01T00:00:00Z): mtail treats a parse that lands exactly there as unset (IsZero).
const GO_ZERO_TIME_MS = -62135596800000;

/** One per loaded program, as mtail keeps one per VM. Not shared between programs. */
export class TimeMemo {
  private readonly entries = new Map<string, number>();
  private lastValue: string | undefined;
  private lastResult = UNSET_TIME;

  constructor(
    private readonly zone: Zone,
    private readonly options: ParseOptions = {},
    private readonly capacity = 64,
  ) {}

  /**
   * strptime(value, layout) through the memo: epoch milliseconds, or UNSET_TIME (NaN) when this value failed to
   * parse before. Throws the TimeParseError the first time a value fails; the runtime counts it as a runtime error.
   */
  parse(layout: Layout, value: string): number {
    // Consecutive lines usually share a timestamp: skip the Map entirely then (the entry is already the newest).
    if (value === this.lastValue) return this.lastResult;
    // Keys and lastValue outlive the line, so they are detached copies (a timestamp string is a slice of the
    // decoded chunk, which the memo would otherwise keep alive: +30 MB peak RSS on the bench tail workload).
    // A copy only when the value changes: about once every 20 lines of a typical log.
    value = detachString(value);
    let result = this.entries.get(value);
    if (result !== undefined) {
      this.entries.delete(value);
      this.entries.set(value, result);
    } else {
      let error: unknown;
      try {
        result = parseTime(layout, value, this.zone, this.options);
        if (result === GO_ZERO_TIME_MS) result = UNSET_TIME;
      } catch (e) {
        error = e;
        result = UNSET_TIME;
      }
      this.entries.set(value, result);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
      if (error !== undefined) {
        this.lastValue = undefined;
        throw error;
      }
    }
    this.lastValue = value;
    this.lastResult = result;
    return result;
  }
}
