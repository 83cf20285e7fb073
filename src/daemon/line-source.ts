// Where the daemon's lines come from: the tailer following --logs, adapted to what the status page and the
// self metrics show. Kept apart so the daemon reads as wiring only.

import type { Logger } from "pino";
import type { Options } from "./options.js";
import type { LineHandler, RecordHandler } from "../logline.js";
import type { LogFileInfo, LogPatternInfo, TailerTotals } from "../server/status.js";
import { newFramingCounters, type FramingCounters } from "../framing/index.js";
import { DEFAULT_MAX_LINE_LENGTH } from "../tailer/line-splitter.js";
import { Tailer } from "../tailer/tailer.js";
import { framerFactory, idleFlusherFor, planFraming } from "./framing-config.js";

/** A started/stopped stream of log lines with per-file status. */
export interface LineSource {
  start(): Promise<void>;
  /** Stops reading and saves positions (with --state_dir). */
  stop(): Promise<void>;
  files(): LogFileInfo[];
  patterns(): LogPatternInfo[];
  stats(): TailerTotals;
  /** What the framers did (all zero when no source is framed). */
  framing(): FramingCounters;
}

/** Where lines and records go: plain sources' lines to processLine, framed sources' records to processRecord. */
export interface LineSink {
  processLine: LineHandler;
  processRecord: RecordHandler;
}

/**
 * Creates the daemon's line source for the --logs patterns and the config file's sources. Throws for an invalid
 * ignore pattern or framing setting.
 */
export function createLineSource(options: Options, sink: LineSink, log: Logger): LineSource {
  const plan = planFraming(options, DEFAULT_MAX_LINE_LENGTH);
  const counters = newFramingCounters();
  const idle = idleFlusherFor(plan);
  const tailer = new Tailer({
    logs: plan.logs,
    onLine: sink.processLine,
    // Plain sources get no framer: their lines go straight to processLine, as before framing existed.
    framerFor: plan.any ? framerFactory(plan, sink.processRecord, counters, idle) : undefined,
    logger: log,
    pollIntervalMs: options.poll_interval,
    pollLogIntervalMs: options.poll_log_interval,
    maxLineLength: options.max_line_length > 0 ? options.max_line_length : undefined, // undefined: the tailer's 1 MiB
    ignoreFilenameRegex: options.ignore_filename_regex_pattern,
    stateDir: options.state_dir === "" ? undefined : options.state_dir,
  });
  return {
    start: () => tailer.start(),
    // Records still held are not handed on: with --state_dir their lines are read again after a restart.
    stop: async () => {
      await tailer.stop();
      idle?.stop();
    },
    framing: () => ({ ...counters }),
    stats: () => ({ ...tailer.stats(), framing: { ...counters } }),
    patterns: () => tailer.patterns(),
    files: () =>
      tailer.files().map((f) => ({
        path: f.path,
        offset: f.offset,
        lines: f.lines,
        bytes: f.bytes,
        rotations: f.rotations,
        truncations: f.truncations,
        linesCut: f.linesCut,
        readErrors: f.errors,
        error: f.error !== "" ? f.error : f.errors > 0 ? `${f.errors} read error${f.errors === 1 ? "" : "s"}` : "",
      })),
  };
}
