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

/**
 * Receives each record (one or more lines joined with `\n`) with what its container wrapper said about it:
 * `stream` is "stdout" or "stderr" ("" when the source has no wrapper) and `timeMs` the runtime's timestamp in
 * milliseconds since the epoch (NaN when there is none).
 */
export type RecordHandler = (text: string, filename: string, stream: string, timeMs: number) => void;

/**
 * The framing stage of one byte stream (see src/framing/): it takes the stream's lines from the tailer's splitter
 * and hands records on. The tailer knows only this shape; the daemon decides which sources get one.
 */
export interface LineFramer {
  /** Takes each complete line of the stream, in order. */
  readonly onLine: LineHandler;
  /**
   * Whether lines must arrive undecoded: one character per byte (latin1), so that a container runtime's pieces of
   * one line, split in the middle of a UTF-8 sequence, can be joined before they are decoded.
   */
  readonly wantsBytes: boolean;
  /**
   * With `wantsBytes`: takes the lines the splitter knows to be ASCII (it checks each 64 KiB segment), which then
   * need no UTF-8 decoding at all. Lines not known to be ASCII go to `onLine`.
   */
  readonly onAsciiLine?: LineHandler;
  /**
   * How many of the last lines taken are held, not yet handed on in a record: a restart must read the stream again
   * from the first byte of the oldest of them to count every record once.
   */
  heldLines(): number;
  /** Hands on everything held (the stream ended). */
  flush(): void;
  /** Drops what is held and stops any timer (the stream is abandoned; a restart reads the held lines again). */
  close(): void;
}

/** Makes the framer of a source named `filename`, or undefined when its lines go to the runtime unchanged. */
export type FramerFactory = (filename: string) => LineFramer | undefined;
