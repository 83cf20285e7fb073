// Which framing (src/framing/) each log source gets: the --log_format and --multiline* flags for the sources of
// --logs, and each entry of the config file's `sources:` list for the files its globs match. Regexes are RE2, as
// in programs (translated by the compiler's regex translator); mistakes name the flag or the config file's line.

import { buildLineRegExp } from "../compiler/line-regexp.js";
import { planRegex } from "../compiler/regex-engine.js";
import {
  Framer,
  IdleFlusher,
  LOG_FORMATS,
  PRESETS,
  PRESET_NAMES,
  isFramed,
  type FramingCounters,
  type FramingSettings,
  type LinePattern,
  type LogFormat,
  type MultilineSettings,
} from "../framing/index.js";
import type { FramerFactory, RecordHandler } from "../logline.js";
import { compileGlob } from "../tailer/glob.js";
import type { Options, SourceOptions } from "./options.js";

/** A multi-line record (or a container line's pieces) is cut at this size when --max_line_length is 0. */
const DEFAULT_RECORD_BYTES = 1 << 20;

/** A mistake in the framing settings; the message names the flag or the config file's line. */
export class FramingConfigError extends Error {
  override readonly name = "FramingConfigError";
}

/** The framing of every source of a run. */
export interface FramingPlan {
  /** --logs plus the globs of `sources:` (each once): what to read or follow. */
  readonly logs: string[];
  /** Settings for a source by the name its lines carry (absolute path, "-", socket URL); undefined: plain. */
  settingsFor(filename: string): FramingSettings | undefined;
  /** Whether any source is framed at all (when none is, nothing is wired in). */
  readonly any: boolean;
  /** The shortest idle timeout of any framed source, to pace the idle flusher. */
  readonly shortestTimeoutMs: number;
}

/**
 * Checks and compiles the framing settings of `options`.
 * @param lineLimit the longest line when --max_line_length is 0 (Infinity in one-shot runs)
 * @throws FramingConfigError for an unknown format or preset, or a regex that does not compile
 */
export function planFraming(options: Options, lineLimit: number): FramingPlan {
  const maxLineLength = options.max_line_length > 0 ? options.max_line_length : lineLimit;
  const maxBytes = options.max_line_length > 0 ? options.max_line_length : DEFAULT_RECORD_BYTES;
  const flagWhere = (key: string): string => `flag --${key}`;
  const fromFlags = settingsOf(
    {
      log_format: options.log_format,
      multiline: options.multiline,
      multiline_start: options.multiline_start,
      multiline_continue: options.multiline_continue,
      multiline_timeout: options.multiline_timeout,
    },
    flagWhere,
    { maxLineLength, maxBytes, maxLines: options.multiline_max_lines, timeoutMs: options.multiline_timeout },
  );
  const entries = options.sources.map((src) => {
    const where = (key: string): string => `${src.at[key] ?? options.config}: key "${key}"`;
    const settings = settingsOf(src, where, {
      maxLineLength,
      maxBytes,
      maxLines: options.multiline_max_lines,
      timeoutMs: options.multiline_timeout,
    });
    return { globs: src.paths.map((p) => compileGlob(p).regex), settings };
  });
  const logs = [...new Set([...options.logs, ...options.sources.flatMap((s) => s.paths)])];
  const all = [fromFlags, ...entries.map((e) => e.settings)].filter((s): s is FramingSettings => s !== undefined);
  return {
    logs,
    any: all.length > 0,
    shortestTimeoutMs: Math.min(...all.map((s) => s.idleTimeoutMs)),
    settingsFor(filename) {
      for (const e of entries) if (e.globs.some((g) => g.test(filename))) return e.settings;
      return fromFlags;
    },
  };
}

interface Limits {
  maxLineLength: number;
  maxBytes: number;
  maxLines: number;
  timeoutMs: number;
}

// The settings of one source, or undefined when it is plain without a multi-line rule.
function settingsOf(src: Omit<SourceOptions, "paths" | "at">, where: (key: string) => string, limits: Limits): FramingSettings | undefined {
  const format = (src.log_format ?? "plain") as LogFormat;
  if (!LOG_FORMATS.includes(format)) {
    throw new FramingConfigError(`${where("log_format")}: unknown log format "${src.log_format}"; expected one of ${LOG_FORMATS.join(", ")}.`);
  }
  const presetName = src.multiline ?? "";
  const preset = presetName === "" ? undefined : PRESETS[presetName];
  if (presetName !== "" && preset === undefined) {
    throw new FramingConfigError(`${where("multiline")}: unknown multi-line preset "${presetName}"; expected one of ${PRESET_NAMES.join(", ")}.`);
  }
  const start = compileRegex(src.multiline_start ?? "", where("multiline_start"));
  const cont = compileRegex(src.multiline_continue ?? "", where("multiline_continue"));
  const timeoutMs = src.multiline_timeout ?? limits.timeoutMs;
  if (!(timeoutMs > 0)) throw new FramingConfigError(`${where("multiline_timeout")}: the idle timeout must be longer than 0.`);
  if (!(limits.maxLines >= 2)) throw new FramingConfigError(`${where("multiline_max_lines")}: a record must be allowed at least 2 lines.`);
  const multiline: MultilineSettings | undefined =
    preset || start || cont ? { preset, start, continue: cont, maxLines: limits.maxLines, maxBytes: limits.maxBytes } : undefined;
  const settings: FramingSettings = { format, multiline, maxLineLength: limits.maxLineLength, idleTimeoutMs: timeoutMs };
  return isFramed(settings) ? settings : undefined;
}

/** The pattern on the engine a program's pattern would run on: linear in the line's length, like those. */
function compileRegex(text: string, where: string): LinePattern | undefined {
  if (text === "") return undefined;
  const t = planRegex(text, { maxLength: Infinity, captures: new Set() });
  if (!t.ok) throw new FramingConfigError(`${where}: invalid regular expression "${text}": ${t.error} (at offset ${t.offset}).`);
  const re = buildLineRegExp(t);
  return { test: (line) => re.exec(line) !== null };
}

/** The framers of a run: one per source, all counting into `counters`. */
export function framerFactory(
  plan: FramingPlan,
  out: RecordHandler,
  counters: FramingCounters,
  idle?: IdleFlusher,
): FramerFactory {
  return (filename) => {
    const settings = plan.settingsFor(filename);
    return settings === undefined ? undefined : new Framer(settings, out, counters, idle);
  };
}

/** The idle flusher of a daemon: checks four times per shortest timeout (at least every 250 ms, at most every 20). */
export function idleFlusherFor(plan: FramingPlan): IdleFlusher | undefined {
  if (!plan.any) return undefined;
  return new IdleFlusher(Math.min(250, Math.max(20, Math.floor(plan.shortestTimeoutMs / 4))));
}
