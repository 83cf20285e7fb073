// The one type the tailer and the runtime share: a complete line of text and the file it came from.
// Neither side imports the other; the daemon connects a tailer's LineHandler to the runtime.

/** A complete log line (no trailing newline or CR) and the name of its source, as getfilename() returns it. */
export interface LogLine {
  readonly filename: string;
  readonly text: string;
}

/**
 * Receives each complete line exactly once. Two arguments rather than a LogLine object so that the per-line
 * path allocates nothing beyond the line's string.
 */
export type LineHandler = (text: string, filename: string) => void;
