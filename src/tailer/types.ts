// Public types of the tailer: options, the injected logger and the status it reports.
// The daemon fills the options from flags and reads the status for self metrics.
import type { FramerFactory, LineHandler } from "../logline.js";
import type { SavedPosition } from "./positions.js";

/** The logger the tailer writes to (pino's shape: `log.warn({ err, path }, "Failed to open log file.")`). */
export interface TailerLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of {@link Tailer}. */
export interface TailerOptions {
  /**
   * Sources, as in mtail's --logs (already split on commas): file paths, globs (`*`, `?`, `[..]`, `**`), `-` for
   * stdin, named pipes, `unix:///path` (stream socket), `tcp://host:port`, `udp://host:port`.
   */
  logs: string[];
  /** Receives every complete line once, with its absolute file name (or the socket URL). */
  onLine: LineHandler;
  /**
   * The framer of each source's lines, by the name delivered with them (see src/framing/): it takes the lines and
   * hands records to the runtime itself. Sources it returns none for deliver their lines to `onLine`.
   */
  framerFor?: FramerFactory;
  /** Where the tailer logs rotations, truncations and errors. Default: silent. */
  logger?: TailerLogger;
  /** mtail --poll_interval: also check every followed file this often. 0 (default) = event-driven only. */
  pollIntervalMs?: number;
  /** mtail --poll_log_interval: also re-evaluate the globs this often. 0 (default) = event-driven only. */
  pollLogIntervalMs?: number;
  /** mtail --ignore_filename_regex_pattern: paths matching it (tested on the absolute path) are never followed. */
  ignoreFilenameRegex?: RegExp | string;
  /** Longest line in bytes; longer lines are cut, counted and still delivered. Default 1 MiB. */
  maxLineLength?: number;
  /** Directory where positions are saved (created if missing). Without it nothing survives a restart. */
  stateDir?: string;
  /**
   * Positions to resume from, for a caller that keeps them itself (the daemon saves them in its state snapshot,
   * together with the metric values they belong to). Used instead of stateDir's positions file; the tailer then
   * saves nothing itself unless stateDir is also set.
   */
  resume?: { readonly savedAtMs: number; readonly files: readonly SavedPosition[] };
  /** Read files present at start-up from their start rather than their end (new files are always read whole). */
  readFromStart?: boolean;
  /** How often positions are saved to stateDir. Default 2000 ms. */
  stateSaveIntervalMs?: number;
  /** How long a rotated-away or deleted file is still watched for late writes before it is closed. Default 5000 ms. */
  rotatedGraceMs?: number;
  /**
   * Retries of a file the process may not read (EACCES): the first after `firstMs`, each later one twice as late, up
   * to `maxMs`. Default 1000 and 10000 ms.
   */
  permissionRetry?: { firstMs: number; maxMs: number };
}

/** One --logs pattern and how many existing files match it now (a pattern matching nothing is worth a warning). */
export interface PatternStatus {
  pattern: string;
  /** Files matching it that exist (followed, or waiting for read permission). */
  files: number;
  /** Set when the folder the pattern looks in does not exist. */
  missingFolder?: string;
}

/** Status of one followed path, for `files()` and the self metrics. Counters add up over rotations. */
export interface FileStatus {
  /** Absolute path (or source URL) as delivered with each line. */
  path: string;
  /** Next byte to read in the current file. */
  offset: number;
  /** Size of the current file when last checked. */
  size: number;
  /** Whether a file is open for this path. */
  open: boolean;
  lines: number;
  bytes: number;
  rotations: number;
  truncations: number;
  errors: number;
  linesCut: number;
  /** What stops it being read now (permission denied, with the fix), "" when nothing does. */
  error: string;
  /** For tcp:// and udp:// sources, the address actually bound ("127.0.0.1:41234"): port 0 asks the kernel for one. */
  listening?: string;
}

/** Totals over all sources, for the self metrics. */
export interface TailerStats {
  linesRead: number;
  bytesRead: number;
  rotations: number;
  truncations: number;
  readErrors: number;
  linesCut: number;
  /** File descriptors currently open on log files (rotated files still draining included). */
  openFiles: number;
  /** Paths currently followed. */
  files: number;
}
