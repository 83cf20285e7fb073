// Settings and counters of the framing stage (src/framing/), which turns a source's lines into records:
// container unwrapping (cri, docker, auto) and multi-line joining. Imports nothing of ours.

/** How each line of a source is wrapped. `plain`: not at all; `auto`: CRI or Docker recognised line by line. */
export type LogFormat = "plain" | "cri" | "docker" | "auto";

/** The formats, for flag choices and messages. */
export const LOG_FORMATS: readonly LogFormat[] = ["plain", "cri", "docker", "auto"];

/** What a rule says about a line, given the record held so far (see multiline.ts). */
export const enum LineAction {
  /** The line begins a new record: the held one is complete. */
  Start = 0,
  /** The line belongs to the held record. */
  Continue = 1,
  /**
   * The line belongs to the held record only if a later line continues it (a blank line inside a traceback chain);
   * otherwise it is a record of its own.
   */
  Tentative = 2,
}

/**
 * A multi-line rule's verdict on one line: `action | (state << 2)`, where `state` is the rule's own state for the
 * record once the line is taken (for a Start, the state of the new record). One number, so no object per line.
 */
export type Verdict = number;

/**
 * A multi-line rule: a preset or the user's regexes. `state` is 0 for a record that has just begun; `held` is the
 * text of the record held ("" when none), for the rare decisions that depend on it (read only then: it may be a
 * string of many lines).
 */
export interface LineRule {
  classify(line: string, state: number, held: string): Verdict;
}

/** A line test: a RegExp, or the daemon's linear-time matcher for an RE2 pattern. */
export interface LinePattern {
  test(line: string): boolean;
}

/** How a source's lines are joined into records. */
export interface MultilineSettings {
  /** A preset's rule (see presets.ts), applied after `start` and `continue`. */
  readonly preset?: LineRule;
  /** A line matching this begins a new record. */
  readonly start?: LinePattern;
  /** A line matching this continues the current record. */
  readonly continue?: LinePattern;
  /** A record reaching this many lines is handed on (cut) and the next line begins a new one. */
  readonly maxLines: number;
  /** Likewise for characters (bytes for ASCII text), the `\n` between lines included. */
  readonly maxBytes: number;
}

/** The framing of one source. */
export interface FramingSettings {
  readonly format: LogFormat;
  readonly multiline?: MultilineSettings;
  /** Longest line a container runtime's pieces are joined into (longer ones are cut and counted). */
  readonly maxLineLength: number;
  /**
   * A record (or a piece of a container line) held this long with no new line on its source is complete
   * (--multiline_timeout). Only a following daemon has a clock for it; one-shot runs hand everything on at EOF.
   */
  readonly idleTimeoutMs: number;
}

/** What the framers of a daemon (or a one-shot run) did, summed over sources. */
export interface FramingCounters {
  /** Records handed on. */
  records: number;
  /** Records handed on because they reached a size bound (lines or bytes); the lines after it begin a new one. */
  recordsCut: number;
  /** Container lines whose joined pieces exceeded the length bound and were cut. */
  linesCut: number;
  /** Lines a `cri` or `docker` source could not unwrap; they were handed on unchanged. */
  unrecognised: number;
  /** Records handed on by the idle timeout. */
  idleFlushes: number;
}

/** Fresh counters. */
export function newFramingCounters(): FramingCounters {
  return { records: 0, recordsCut: 0, linesCut: 0, unrecognised: 0, idleFlushes: 0 };
}

/** Whether settings do anything: a plain source without a multi-line rule needs no framer at all. */
export function isFramed(s: FramingSettings): boolean {
  return s.format !== "plain" || s.multiline !== undefined;
}
