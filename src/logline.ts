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

/**
 * A copy of `s` (a line, or a part of one such as a regex capture) that does not keep the text it came from
 * alive. Lines are slices of the larger string a chunk was decoded into (see tailer/line-splitter.ts), and V8
 * keeps a slice's parent alive for as long as the slice when it has 13 or more characters: anything that stores
 * text from a line beyond the call must store it through this, or one kept value pins a whole decoded segment.
 * Concatenating and slicing makes V8 flatten into a new string of just these characters.
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}
