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
  // Made at start(), when the saved positions are known; `idleTailer` answers status questions before that.
  const make = (resume: Resume | undefined) =>
    new Tailer({
      logs: plan.logs,
      onLine: sink.processLine,
      // Plain sources get no framer: their lines go straight to processLine, as before framing existed.
      framerFor: plan.any ? framerFactory(plan, sink.processRecord, counters, idle) : undefined,
      logger: log,
      pollIntervalMs: options.poll_interval,
      pollLogIntervalMs: options.poll_log_interval,
      maxLineLength: options.max_line_length > 0 ? options.max_line_length : undefined, // undefined: the tailer's 1 MiB
      ignoreFilenameRegex: options.ignore_filename_regex_pattern,
      // With --state_dir the daemon saves positions in its snapshot, together with the values they belong to.
      resume,
    });
  let tailer: Tailer | undefined;
  const idleTailer = make(undefined);
  const t = () => tailer ?? idleTailer;
  return {
    start: (resume) => (tailer = make(resume)).start(),
    whenCaughtUp: () => t().whenCaughtUp(),
    halt: () => t().halt(),
    // Records still held are not handed on: with --state_dir their lines are read again after a restart.
    stop: async () => {
      await t().stop();
      idle?.stop();
    },
    positions: () => t().positions(),
    progress: () => {
      const s = t().stats();
      return `${s.linesRead} ${s.bytesRead} ${s.rotations} ${s.truncations} ${s.openFiles} ${s.files}`;
    },
    framing: () => ({ ...counters }),
    stats: () => ({ ...t().stats(), framing: { ...counters } }),
    patterns: () => t().patterns(),
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
        error: f.error !== "" ? f.error : f.errors > 0 ? `${f.errors} read error${f.errors === 1 ? "" : "s"}` : "",
      })),
  };
}
