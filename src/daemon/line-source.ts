// Where the daemon's lines come from: the tailer following --logs, adapted to what the status page and the
// self metrics show. Kept apart so the daemon reads as wiring only.

import type { Logger } from "pino";
import type { Options } from "./options.js";
import type { LineHandler } from "../logline.js";
import type { LogFileInfo, LogPatternInfo, TailerTotals } from "../server/status.js";
import { Tailer } from "../tailer/tailer.js";

/** A started/stopped stream of log lines with per-file status. */
export interface LineSource {
  start(): Promise<void>;
  /** Stops reading and saves positions (with --state_dir). */
  stop(): Promise<void>;
  files(): LogFileInfo[];
  patterns(): LogPatternInfo[];
  stats(): TailerTotals;
}

/** Creates the daemon's line source for the --logs patterns. Throws for an invalid ignore pattern. */
export function createLineSource(options: Options, onLine: LineHandler, log: Logger): LineSource {
  const tailer = new Tailer({
    logs: options.logs,
    onLine,
    logger: log,
    pollIntervalMs: options.poll_interval,
    pollLogIntervalMs: options.poll_log_interval,
    maxLineLength: options.max_line_length > 0 ? options.max_line_length : undefined, // undefined: the tailer's 1 MiB
    ignoreFilenameRegex: options.ignore_filename_regex_pattern,
    stateDir: options.state_dir === "" ? undefined : options.state_dir,
  });
  return {
    start: () => tailer.start(),
    stop: () => tailer.stop(),
    stats: () => tailer.stats(),
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
