// Turns a byte stream into complete lines: decodes the complete lines of each chunk, splits them on '\n', removes
// every '\r' and keeps the partial tail between chunks. Shared by one-shot reading and the follower; depends only on
// src/logline.ts.
import { isAscii } from "node:buffer";
import type { LineHandler } from "../logline.js";

/** Lines longer than this many bytes (without the newline) are cut to it, counted, and still delivered. */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 20;

/** `maxLineLength` that never cuts (one-shot reads, as mtail keeps a 1.1 MB line whole). */
export const NO_LINE_LIMIT = Infinity;

type Decode = (buf: Buffer, start: number, end: number) => string;

// Buffer#latin1Slice and #utf8Slice are the undocumented methods toString() ends up in; calling them directly skips
// the encoding switch and argument checks. On a 1M-line, 76 MB file (Node 20, 1 MiB chunks) splitting and decoding
// ran at 8.4M lines/s with toString('utf8', s, e), 10.0M with utf8Slice and 10.7M with an isAscii() check per chunk
// followed by latin1Slice (identical to UTF-8 for ASCII bytes). Chosen once at load time, not per line.
interface FastSlices {
  latin1Slice?(start: number, end: number): string;
  utf8Slice?(start: number, end: number): string;
}
const proto = Buffer.prototype as unknown as FastSlices;
const decodeLatin1: Decode =
  typeof proto.latin1Slice === "function"
    ? (b, s, e) => (b as unknown as Required<FastSlices>).latin1Slice(s, e)
    : (b, s, e) => b.toString("latin1", s, e);
const decodeUtf8: Decode =
  typeof proto.utf8Slice === "function"
    ? (b, s, e) => (b as unknown as Required<FastSlices>).utf8Slice(s, e)
    : (b, s, e) => b.toString("utf8", s, e);

const LF = 10;
const CR = 13;

// Complete lines are decoded into one string per segment of at most SEGMENT_BYTES (or one longer line). 64 KiB keeps
// that string in V8's young generation, cheap to make and to drop: splitting the file measured in push() took 74-114 ms
// (min-median) with 64 KiB segments, 162-233 ms with 256 KiB (large-object space) and 89-111 ms with one string per
// 1 MiB chunk, which is an external string and doubled the one-shot run's peak RSS (60 -> 121 MB). A small segment
// also pins less memory should a consumer keep a line (a slice of it) without flattening it.
const SEGMENT_BYTES = 64 << 10;

/**
 * Splits chunks of bytes into lines and hands each complete line to `onLine` exactly once.
 *
 * - A line ends at `\n`. Every `\r` byte in it is removed, wherever it sits, as mtail does (`1a\rb\rc` is read as
 *   `1abc`, `3\r\r\r` as `3`). Invalid UTF-8 becomes U+FFFD (never throws).
 * - Bytes after the last `\n` of a chunk wait (copied, since callers reuse their read buffers) until the rest of the
 *   line arrives; `flush()` delivers them as a last line, `discardPartial()` drops them.
 * - A line longer than `maxLineLength` bytes is cut to that length, counted in `linesCut` and delivered when its end
 *   arrives; at most `maxLineLength + 1` bytes of a partial line are kept, so memory stays bounded. The length
 *   counts the bytes before the newline except a CR right before it. `NO_LINE_LIMIT` (Infinity) never cuts.
 */
export class LineSplitter {
  /** Lines delivered. */
  lines = 0;
  /** Bytes consumed by `push()`, including newlines and bytes still waiting in the partial line. */
  bytes = 0;
  /** Lines cut because they were longer than `maxLineLength`. */
  linesCut = 0;

  private parts: Buffer[] = [];
  private keptLength = 0; // bytes of the partial line held in `parts` (at most maxLineLength + 1)
  private partialLength = 0; // bytes of the partial line seen so far, including those dropped for length
  private lastByte = -1; // last byte of the partial line seen, kept even when dropped (a trailing CR is not counted)

  /**
   * @param onLine receives every complete line and `filename`
   * @param filename the source name passed with each line (what getfilename() returns)
   * @param maxLineLength longest line in bytes; longer lines are cut (`NO_LINE_LIMIT`: never)
   * @param bytesAsLatin1 deliver each line undecoded, one character per byte (for a framer that joins pieces of
   *   lines split inside a UTF-8 sequence before decoding them; see LineFramer.wantsBytes)
   * @param onAsciiLine with bytesAsLatin1: receives the lines of segments found to be all ASCII instead of `onLine`
   */
  constructor(
    private readonly onLine: LineHandler,
    public filename: string,
    readonly maxLineLength: number = DEFAULT_MAX_LINE_LENGTH,
    private readonly bytesAsLatin1 = false,
    private readonly onAsciiLine: LineHandler = onLine,
  ) {
    if (!(maxLineLength >= 1) || !(Number.isSafeInteger(maxLineLength) || maxLineLength === NO_LINE_LIMIT)) {
      throw new RangeError(`maxLineLength must be a positive integer, got ${maxLineLength}.`);
    }
  }

  /** Bytes of an incomplete last line waiting for its newline (to compute the offset of the last whole line). */
  get pendingBytes(): number {
    return this.partialLength;
  }

  /** Consumes `buf[start, end)` and delivers every line it completes. The buffer may be reused afterwards. */
  push(buf: Buffer, start = 0, end = buf.length): void {
    if (end <= start) return;
    // A view bounded to `end`, so indexOf never scans stale bytes of a reused read buffer past the data.
    const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    const length = view.length;
    this.bytes += length;
    let pos = 0;
    if (this.partialLength > 0) {
      const nl = view.indexOf(LF, 0);
      if (nl < 0) {
        this.keepPartial(view, 0, length);
        return;
      }
      this.keepPartial(view, 0, nl);
      this.deliverPartial();
      pos = nl + 1;
    }
    // Why lines are sliced out of one string per segment: a Buffer#indexOf and a latin1Slice per line are two C++
    // binding calls per line (~8% of a one-shot run under perf). Decoding a segment of complete lines once and
    // splitting it with String#indexOf and #slice (each line a slice of it) splits a 162 MB, 1M-line ASCII file in
    // 1 MiB chunks in 74-114 ms instead of 150-210 ms (min-median, bench/split-lines.ts, Node 20); a one-shot
    // linecount run of that file went from 0.48-0.75 s to 0.41-0.53 s wall (min-median of 15 runs).
    const lastNl = view.lastIndexOf(LF);
    if (lastNl >= pos) {
      // One scan finds the first carriage return of the complete lines (again after a segment that held one).
      let cr = view.indexOf(CR, pos);
      if (cr > lastNl) cr = -1;
      while (pos <= lastNl) {
        // The segment [pos, segEnd] holds complete lines: up to SEGMENT_BYTES, or one longer line.
        let segEnd = lastNl;
        if (lastNl - pos >= SEGMENT_BYTES) {
          segEnd = view.lastIndexOf(LF, pos + SEGMENT_BYTES - 1);
          if (segEnd < pos) segEnd = view.indexOf(LF, pos + SEGMENT_BYTES);
        }
        const segCr = cr > segEnd ? -1 : cr;
        const ascii = isAscii(view.subarray(pos, segEnd + 1));
        if (ascii || this.bytesAsLatin1) {
          // ASCII (or bytes wanted as they are): one character per byte, so character counts are the byte counts
          // maxLineLength is measured in.
          const onLine = ascii ? this.onAsciiLine : this.onLine;
          this.splitString(decodeLatin1(view, pos, segEnd + 1), segCr < 0 ? -1 : segCr - pos, onLine);
        } else if (segCr < 0 && segEnd - pos <= this.maxLineLength) {
          // UTF-8 without CR, in lines too short to be cut: LF never occurs inside a multi-byte sequence, so the
          // lines decode the same together as one by one (an invalid sequence ends at the LF either way).
          this.splitString(decodeUtf8(view, pos, segEnd + 1), -1, this.onLine);
        } else {
          // Bytes must be cut at maxLineLength, or CRs dropped before decoding (see withoutCarriageReturns).
          this.splitBytes(view, pos, segEnd, segCr);
        }
        pos = segEnd + 1;
        if (cr >= 0 && cr < pos) {
          cr = view.indexOf(CR, pos);
          if (cr > lastNl) cr = -1;
        }
      }
    }
    if (pos < length) this.keepPartial(view, pos, length);
  }

  /** Delivers a waiting partial line as a complete line (end of a one-shot file). Returns whether there was one. */
  flush(): boolean {
    if (this.partialLength === 0) return false;
    this.deliverPartial();
    return true;
  }

  /** Drops a waiting partial line (the file was truncated under it). Returns the number of bytes dropped. */
  discardPartial(): number {
    const dropped = this.partialLength;
    this.clearPartial();
    return dropped;
  }

  /**
   * Delivers the lines of `text`, complete lines each ending in `\n`, as slices of it. `cr` is the index of its first
   * `\r` or -1. Cuts at maxLineLength characters, which are bytes here (ASCII, or UTF-8 too short to be cut).
   */
  private splitString(text: string, cr: number, onLine: LineHandler): void {
    const max = this.maxLineLength;
    const filename = this.filename;
    const count = text.length;
    let lines = 0;
    let pos = 0;
    while (pos < count) {
      const nl = text.indexOf("\n", pos);
      let end = nl;
      // The length limit does not count a CR before the newline (a CRLF line of exactly `max` bytes is whole).
      if (end - pos > max && (text.charCodeAt(end - 1) !== CR || end - 1 - pos > max)) {
        end = pos + max;
        this.linesCut++;
      }
      lines++;
      if (cr < 0 || cr >= end) {
        onLine(text.slice(pos, end), filename);
      } else if (cr === end - 1) {
        onLine(text.slice(pos, end - 1), filename); // CRLF: the first CR is the last character, so the only one
      } else {
        onLine(text.slice(pos, end).replaceAll("\r", ""), filename);
      }
      pos = nl + 1;
      if (cr >= 0 && cr < pos) cr = text.indexOf("\r", pos);
    }
    this.lines += lines;
  }

  /**
   * Delivers the complete lines of `view[pos, lastNl]` (which ends in `\n`) one by one, decoding bytes per line.
   * `cr` is the index of the first CR byte from `pos`, or -1 when there is none before `lastNl`.
   */
  private splitBytes(view: Buffer, pos: number, lastNl: number, cr: number): void {
    const max = this.maxLineLength;
    const onLine = this.onLine;
    const filename = this.filename;
    let lines = 0;
    while (pos <= lastNl) {
      const nl = view.indexOf(LF, pos);
      let end = nl;
      // The length limit does not count a CR before the newline, as in splitString.
      if (end - pos > max && (view[end - 1] !== CR || end - 1 - pos > max)) {
        end = pos + max;
        this.linesCut++;
      }
      lines++;
      if (cr < 0 || cr >= end) {
        onLine(decodeUtf8(view, pos, end), filename);
      } else if (cr === end - 1) {
        onLine(decodeUtf8(view, pos, end - 1), filename); // CRLF: the first CR is the last byte, so the only one
      } else {
        const clean = withoutCarriageReturns(view, pos, end, cr);
        onLine(decodeUtf8(clean, 0, clean.length), filename);
      }
      pos = nl + 1;
      if (cr >= 0 && cr < pos) cr = view.indexOf(CR, pos);
    }
    this.lines += lines;
  }

  private keepPartial(view: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const room = this.maxLineLength + 1 - this.keptLength;
    const keepEnd = Math.min(end, start + Math.max(room, 0));
    if (keepEnd > start) {
      // Copy: the caller's buffer is reused for the next read.
      this.parts.push(Buffer.from(view.subarray(start, keepEnd)));
      this.keptLength += keepEnd - start;
    }
    this.partialLength += end - start;
    this.lastByte = view[end - 1];
  }

  private deliverPartial(): void {
    const length = this.lastByte === CR ? this.partialLength - 1 : this.partialLength;
    let keep = Math.min(length, this.keptLength);
    if (length > this.maxLineLength) {
      keep = this.maxLineLength;
      this.linesCut++;
    }
    let whole = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.keptLength);
    this.clearPartial();
    this.lines++;
    const cr = whole.indexOf(CR);
    if (cr >= 0 && cr < keep) {
      whole = withoutCarriageReturns(whole, 0, keep, cr);
      keep = whole.length;
    }
    this.onLine(this.bytesAsLatin1 ? decodeLatin1(whole, 0, keep) : decodeUtf8(whole, 0, keep), this.filename);
  }

  private clearPartial(): void {
    this.parts = [];
    this.keptLength = 0;
    this.partialLength = 0;
    this.lastByte = -1;
  }
}

/**
 * A copy of `buf[start, end)` without its CR bytes; `firstCr` is the first one. Bytes, not decoded text, are
 * filtered so an invalid UTF-8 sequence split by a CR decodes the way mtail (which drops the bytes) sees it.
 */
function withoutCarriageReturns(buf: Buffer, start: number, end: number, firstCr: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  let n = buf.copy(out, 0, start, firstCr);
  for (let i = firstCr + 1; i < end; i++) {
    const b = buf[i];
    if (b !== CR) out[n++] = b;
  }
  return out.subarray(0, n);
}
