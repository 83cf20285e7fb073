// Where the daemon's lines come from: the tailer following --logs, adapted to what the status page and the
// self metrics show. Kept apart so the daemon reads as wiring only.

import type { Logger } from "pino";
import type { Options } from "./options.js";
import type { LineHandler } from "../logline.js";
import type { LogFileInfo, TailerTotals } from "../server/status.js";
import { Tailer } from "../tailer/tailer.js";
import type { PositionSource, Resume } from "./state-keeper.js";

/** A started/stopped stream of log lines with per-file status. */
export interface LineSource extends PositionSource {
  /** Opens every source; resumes at `resume` where given. Resolves once files present now are positioned. */
  start(resume?: Resume): Promise<void>;
  /** Resolves once the files present at start have been read to their end (see Tailer.whenCaughtUp). */
  whenCaughtUp(): Promise<void>;
  /** Stops reading; files stay open, so positions() still answers. */
  halt(): Promise<void>;
  /** Stops reading and closes every source. */
  stop(): Promise<void>;
  files(): LogFileInfo[];
  stats(): TailerTotals;
}

/** Creates the daemon's line source for the --logs patterns. Throws for an invalid ignore pattern. */
export function createLineSource(options: Options, onLine: LineHandler, log: Logger): LineSource {
  let tailer: Tailer | undefined;
  const make = (resume: Resume | undefined) => new Tailer({
    logs: options.logs,
    onLine,
    logger: log,
    pollIntervalMs: options.poll_interval,
    pollLogIntervalMs: options.poll_log_interval,
    maxLineLength: options.max_line_length > 0 ? options.max_line_length : undefined, // undefined: the tailer's 1 MiB
    ignoreFilenameRegex: options.ignore_filename_regex_pattern,
    // With --state_dir the daemon saves positions in its snapshot, together with the values they belong to.
    resume,
  });
  // Before start() (a failed start-up stops the daemon too) there is nothing to report or stop.
  const idle = make(undefined);
  const t = () => tailer ?? idle;
  return {
    start: (resume) => (tailer = make(resume)).start(),
    whenCaughtUp: () => t().whenCaughtUp(),
    halt: () => t().halt(),
    stop: () => t().stop(),
    positions: () => t().positions(),
    progress: () => {
      const s = t().stats();
      return `${s.linesRead} ${s.bytesRead} ${s.rotations} ${s.truncations} ${s.openFiles} ${s.files}`;
    },
    stats: () => t().stats(),
    files: () =>
      t().files().map((f) => ({
        path: f.path,
        offset: f.offset,
        lines: f.lines,
        bytes: f.bytes,
        rotations: f.rotations,
        truncations: f.truncations,
        linesCut: f.linesCut,
        readErrors: f.errors,
        error: f.errors > 0 ? `${f.errors} read error${f.errors === 1 ? "" : "s"}` : "",
      })),
  };
}
