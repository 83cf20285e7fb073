// Joins a source's lines into multi-line records (tracebacks, stack traces, panics): a rule (the user's start and
// continue regexes, a preset, or both) says of each line whether it begins a record or continues the one held; a
// held record is handed on when the next one begins, at a size bound, when its source goes quiet (framer.ts) or at
// the end of the source. Imports nothing of ours outside framing.

import type { LineTaker } from "./unwrap.js";
import { LineAction, type FramingCounters, type LineRule, type MultilineSettings, type Verdict } from "./types.js";

/** One stream's record being built. */
class HeldRecord {
  text = "";
  lines = 0;
  chars = 0;
  state = 0;
  filename = "";
  stream = "";
  timeMs = NaN;
  firstSeq = Infinity;
  /** Lines that belong to the record only if a later line continues it (blank lines inside a traceback). */
  tentative: string[] = [];

  begin(text: string, filename: string, stream: string, timeMs: number, firstSeq: number, state: number): void {
    this.text = text;
    this.lines = 1;
    this.chars = text.length;
    this.state = state;
    this.filename = filename;
    this.stream = stream;
    this.timeMs = timeMs;
    this.firstSeq = firstSeq;
  }
}

/**
 * The multi-line joiner of one source. It holds one record: a line of another stream than the record's (stdout
 * after stderr in a container log) ends it. Records are thus runs of consecutive lines, so what is held is always
 * the last lines read: a restart that reads them again counts nothing twice, and the idle timeout, which watches
 * the whole source, always applies (a record held per stream could wait for ever behind a busy other stream).
 */
export class MultilineJoiner {
  private readonly h = new HeldRecord();
  private readonly rule: LineRule;
  private readonly maxLines: number;
  private readonly maxChars: number;

  constructor(
    settings: MultilineSettings,
    private readonly emit: (text: string, filename: string, stream: string, timeMs: number) => void,
    private readonly counters: FramingCounters,
  ) {
    this.rule = combineRules(settings);
    this.maxLines = settings.maxLines;
    this.maxChars = settings.maxBytes;
  }

  /** Takes one line (already unwrapped when the source is a container log). */
  readonly take: LineTaker = (text, filename, stream, timeMs, firstSeq) => {
    const h = this.h;
    const fresh = h.lines === 0 || h.stream !== stream;
    const verdict: Verdict = this.rule.classify(text, fresh ? 0 : h.state, fresh ? "" : h.text);
    const action = verdict & 3;
    const state = verdict >> 2;
    if (h.lines === 0) {
      h.begin(text, filename, stream, timeMs, firstSeq, state);
      return;
    }
    if (action === LineAction.Start || h.stream !== stream) {
      this.handOn(h);
      h.begin(text, filename, stream, timeMs, firstSeq, state);
      return;
    }
    const tentativeChars = h.tentative.length === 0 ? 0 : h.tentative.reduce((n, t) => n + t.length + 1, 0);
    if (h.lines + h.tentative.length >= this.maxLines || h.chars + tentativeChars + 1 + text.length > this.maxChars) {
      // Too big: hand the record on as it stands (counted as cut); this line begins the next one.
      this.counters.recordsCut++;
      this.handOn(h);
      h.begin(text, filename, stream, timeMs, firstSeq, state);
      return;
    }
    if (action === LineAction.Tentative) {
      h.tentative.push(text);
      h.state = state;
      return;
    }
    if (h.tentative.length > 0) {
      h.text += "\n" + h.tentative.join("\n");
      h.lines += h.tentative.length;
      h.chars += tentativeChars;
      h.tentative = [];
    }
    h.text += "\n" + text;
    h.lines++;
    h.chars += 1 + text.length;
    h.state = state;
  };

  /** The number of the oldest physical line held, or Infinity. */
  oldestHeld(): number {
    return this.h.lines > 0 ? this.h.firstSeq : Infinity;
  }

  /** Hands on the held record. */
  flush(): void {
    if (this.h.lines > 0) this.handOn(this.h);
  }

  /** Drops what is held. */
  clear(): void {
    this.h.lines = 0;
    this.h.tentative = [];
    this.h.firstSeq = Infinity;
  }

  // The record without its unconfirmed blank lines, then each of those as a record of its own.
  private handOn(h: HeldRecord): void {
    const tentative = h.tentative;
    h.lines = 0;
    h.firstSeq = Infinity;
    this.counters.records++;
    this.emit(h.text, h.filename, h.stream, h.timeMs);
    if (tentative.length === 0) return;
    h.tentative = [];
    for (const t of tentative) {
      this.counters.records++;
      this.emit(t, h.filename, h.stream, h.timeMs);
    }
  }
}

/** Builds a verdict. */
export function verdict(action: LineAction, state: number): Verdict {
  return action | (state << 2);
}

/**
 * The rule for `settings`: a line matching `start` begins a record, else one matching `continue` continues it,
 * else the preset decides; without a preset, a line matching neither continues the record when only `start` is
 * given and begins one otherwise.
 */
export function combineRules(settings: MultilineSettings): LineRule {
  const { preset, start } = settings;
  const cont = settings.continue;
  if (preset && !start && !cont) return preset;
  const otherwise: LineRule = preset ?? {
    classify: () => (start && !cont ? LineAction.Continue : LineAction.Start),
  };
  return {
    classify(line: string, state: number, held: string): Verdict {
      if (start?.test(line)) return preset ? verdict(LineAction.Start, preset.classify(line, 0, "") >> 2) : LineAction.Start;
      if (cont?.test(line)) return verdict(LineAction.Continue, state);
      return otherwise.classify(line, state, held);
    },
  };
}
