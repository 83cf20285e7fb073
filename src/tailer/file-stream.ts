// One open log file being followed: reads new bytes in chunks, notices truncation, rotation and deletion.
// The Tailer owns the scheduling (which stream reads next) and what happens when a path names a new file.
import { closeSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher, type Stats } from "node:fs";
import type { FramerFactory, LineFramer, LineHandler } from "../logline.js";
import { LineSplitter } from "./line-splitter.js";
import { readSignatureFd, type FileSignature } from "./positions.js";
import type { FileStatus, TailerLogger } from "./types.js";

/**
 * Bytes before the read offset that every read fetches again and compares with what was read last time. If they
 * differ the file was truncated and rewritten past our offset between two looks (copytruncate under a fast writer),
 * which the size alone cannot show.
 */
const TAIL_CHECK_BYTES = 64;

/** Bytes at the start of a file compared to recognise a copy of it. */
export const HEAD_BYTES = 64;

/** What a stream needs from its owner. */
export interface StreamHost {
  readonly logger: TailerLogger;
  readonly onLine: LineHandler;
  readonly maxLineLength: number;
  /** The framer of each stream's lines (container unwrapping, multi-line records); none: lines go to onLine. */
  readonly framerFor: FramerFactory | undefined;
  /** The path now names another file (rename + create, delete + recreate, symlink retarget). */
  onReplaced(stream: FileStream): void;
  /** The path no longer exists; the stream keeps draining its open file. */
  onRemoved(stream: FileStream): void;
  /** The file changed: read it soon. */
  wake(stream: FileStream): void;
  /** The file cannot be watched (inotify limit reached, no inotify): it must be polled to be followed. */
  cannotWatch(stream: FileStream, err: unknown): void;
  /**
   * The file was truncated while bytes before `offset` were unread or partly read: the host may find them in a copy
   * (copytruncate's x.log.1) whose bytes before `offset` equal `tail`, and read it from `committedOffset`.
   */
  onTruncated(stream: FileStream, lost: { offset: number; committedOffset: number; tail: Buffer }): void;
}

/** Where to start reading a newly opened file. */
export type StartAt = "start" | "end" | number;

/** `dev:ino`, the identity of a file while it exists. */
export function identityOf(st: Pick<Stats, "dev" | "ino">): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * A followed file. `step()` reads one chunk; the owner calls it again while it returns true.
 *
 * Reads are synchronous on purpose: a log file is a local, page-cached regular file, and its lines are processed
 * synchronously right after anyway. With promise-based reads (a thread-pool round trip and three calls per wake),
 * 200 files written round-robin plus a 200k-line burst kept the read queue ~0.5 s behind on a loaded 2-core box,
 * long enough for a truncation to overtake unread lines; the owner yields to the event loop between steps instead.
 */
export class FileStream {
  /** Identity (`dev:ino`) of the open file, "" before open. */
  identity = "";
  dev = 0;
  ino = 0;
  /** Offset of the next byte to read. */
  offset = 0;
  /** True once the path names another file or none: the stream only drains what is left, then closes. */
  retired = false;
  /** When the file last grew, for closing retired streams after a quiet grace period. */
  lastGrowthMs = Date.now();
  splitter: LineSplitter;
  /** Between the splitter and onLine when the source is framed: it may hold the last lines read (heldLines). */
  private framer: LineFramer | undefined;
  private fd: number | undefined;
  private watcher: FSWatcher | undefined;
  private readonly tail = Buffer.alloc(TAIL_CHECK_BYTES);
  private tailLength = 0;
  private skipHole = false; // set by a truncation: skip NUL bytes at the start of the file
  // The first bytes read from offset 0, and those before the last truncation: a copy of this file (copytruncate)
  // starts with one of them. Only kept when reading started at 0.
  private head: Buffer | undefined;
  private headBeforeTruncation: Buffer | undefined;

  /**
   * @param path absolute path this stream was opened through
   * @param status the path's counters, shared with the streams that follow it after rotations
   * @param name the name delivered with each line (the path, or the name of the file it is a rotated copy of)
   * @param framer the framer taking over the lines and records of another stream of this name (truncation)
   */
  constructor(
    private readonly host: StreamHost,
    readonly path: string,
    readonly status: FileStatus,
    readonly name: string = path,
    framer: LineFramer | undefined = host.framerFor?.(name),
  ) {
    this.framer = framer;
    this.splitter = this.newSplitter();
  }

  private newSplitter(): LineSplitter {
    const f = this.framer;
    return new LineSplitter(f ? f.onLine : this.host.onLine, this.name, this.host.maxLineLength, f?.wantsBytes, f?.onAsciiLine);
  }

  /**
   * Gives this stream's framer, with the records it holds, to a stream that reads on where this one stopped (the copy
   * of a truncated file), and takes a fresh one.
   */
  handOverFramer(): LineFramer | undefined {
    const f = this.framer;
    if (f === undefined) return undefined;
    this.framer = this.host.framerFor?.(this.name);
    this.splitter = this.newSplitter();
    return f;
  }

  /** Takes `framer` (see handOverFramer) in place of this stream's own; only before anything was read. */
  adoptFramer(framer: LineFramer | undefined): void {
    if (framer === undefined) return;
    this.framer?.close();
    this.framer = framer;
    this.splitter = this.newSplitter();
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /**
   * Offset up to which every line was delivered in a record: what a restart resumes from. With a framer holding the
   * last lines read (an unfinished multi-line record, a container line waiting for its last piece), it is the first
   * byte of the oldest held line, so a restart reads that record again, whole, and counts it once.
   */
  get committedOffset(): number {
    const lineEnd = this.offset - this.splitter.pendingBytes;
    const held = this.framer?.heldLines() ?? 0;
    return held === 0 ? lineEnd : this.startOfLastLines(lineEnd, held);
  }

  /** Offset after the last complete line read (records held by the framer not taken into account). */
  get lineOffset(): number {
    return this.offset - this.splitter.pendingBytes;
  }

  /**
   * The offset of the first of the last `count` lines before `end` (which follows a newline), found by reading the
   * file backwards through the open descriptor: lines are not measured as they pass, so framing costs nothing per
   * line for this, only when a position is saved. 0 when the file starts first.
   */
  private startOfLastLines(end: number, count: number): number {
    const fd = this.fd;
    if (fd === undefined) return end;
    const block = Buffer.allocUnsafe(64 * 1024);
    let newlines = 0;
    let pos = end;
    while (pos > 0) {
      const from = Math.max(0, pos - block.length);
      const n = readSync(fd, block, 0, pos - from, from);
      if (n < pos - from) return end; // shorter than we read it: truncated, which the next read notices
      for (let i = n - 1; i >= 0; i--) {
        // The newline ending the last line sits at end - 1; the one before the first held line is newline count+1.
        if (block[i] === 10 && ++newlines === count + 1) return from + i + 1;
      }
      pos = from;
    }
    return 0;
  }

  /**
   * Opens the path and positions the stream. With a number, the position is used only if the file is at least that
   * long (otherwise reading starts at 0). Returns the file's stats, or undefined when the path does not exist (or,
   * with `expectIdentity`, names another file by now). Throws for other errors.
   */
  open(startAt: StartAt, expectIdentity?: string): Stats | undefined {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const st = fstatSync(fd);
    if (!st.isFile() || (expectIdentity !== undefined && identityOf(st) !== expectIdentity)) {
      closeSync(fd);
      if (!st.isFile()) throw Object.assign(new Error(`Not a regular file: "${this.path}".`), { code: "ENOTREG" });
      return undefined;
    }
    this.fd = fd;
    this.dev = st.dev;
    this.ino = st.ino;
    this.identity = identityOf(st);
    const offset = startAt === "start" ? 0 : startAt === "end" ? st.size : startAt <= st.size ? startAt : 0;
    this.seek(offset);
    this.status.size = st.size;
    this.status.open = true;
    this.watchFile();
    return st;
  }

  /**
   * Reads the next chunk into `buf` and delivers its lines. Returns true when there may be more to read now.
   * At the end of the file it checks whether the path still names this file and tells the host if not.
   */
  step(buf: Buffer): boolean {
    const fd = this.fd;
    if (fd === undefined) return false;
    const tailLength = this.tailLength;
    const bytesRead = readSync(fd, buf, 0, buf.length, this.offset - tailLength);
    if (bytesRead < tailLength || buf.compare(this.tail, 0, tailLength, 0, tailLength) !== 0) {
      this.restartAfterTruncation(bytesRead < tailLength ? "size" : "content");
      return true;
    }
    const fresh = bytesRead - tailLength;
    if (fresh > 0) {
      const lines = this.splitter.lines;
      const cut = this.splitter.linesCut;
      let from = tailLength;
      if (this.skipHole) {
        // After a truncation, a writer without O_APPEND goes on writing at its old offset and leaves a hole of NUL
        // bytes before its next line. Those bytes were never a line; skip them so that next line arrives intact.
        while (from < bytesRead && buf[from] === 0) from++;
        if (from < bytesRead) this.skipHole = false;
      }
      if (this.offset === 0 || (this.head && this.head.length < HEAD_BYTES)) this.rememberHead(buf, tailLength, bytesRead);
      this.splitter.push(buf, from, bytesRead);
      this.offset += fresh;
      this.rememberTail(buf, bytesRead);
      this.status.lines += this.splitter.lines - lines;
      this.status.linesCut += this.splitter.linesCut - cut;
      this.status.bytes += fresh;
      this.status.offset = this.offset;
      this.lastGrowthMs = Date.now();
      if (bytesRead === buf.length) return true;
    }
    this.status.size = this.offset; // read up to the end just now
    // One stat of the path per pass that reached the end (~2 µs, synchronous): chokidar reports no event when a
    // symlink is pointed elsewhere, so waiting for a directory event would miss that kind of rotation.
    this.checkPath();
    return false;
  }

  /**
   * For polling: whether a read pass could find something (the file's size differs from the offset, or the path
   * names another file or none). Two stat calls; for 200 idle files polled every 250 ms this cost ~10 ms of CPU per
   * second, where a promise-based read pass per file cost ~140 ms.
   */
  changedSinceRead(): boolean {
    if (this.fd === undefined) return false;
    try {
      if (fstatSync(this.fd).size !== this.offset) return true;
      if (this.retired) return false;
      const current = statSync(this.path, { throwIfNoEntry: false });
      return current === undefined || identityOf(current) !== this.identity;
    } catch {
      return true; // let a read pass find out and report what is wrong
    }
  }

  /**
   * Fingerprint and the bytes before `offset` (default: the committed offset), read through the open file (its path
   * may name another file by now). Undefined when closed.
   */
  signature(offset = this.committedOffset): FileSignature | undefined {
    return this.fd === undefined ? undefined : readSignatureFd(this.fd, offset);
  }

  /** Whether `head` (the first bytes of another file) is how this file began, now or before its last truncation. */
  startsLike(head: Buffer): boolean {
    for (const own of [this.head, this.headBeforeTruncation]) {
      if (own && own.length === HEAD_BYTES && head.length >= HEAD_BYTES && own.equals(head.subarray(0, HEAD_BYTES))) return true;
    }
    return false;
  }

  /** Stops following the path: from now on only what is left in the open file is read. */
  retire(): void {
    this.retired = true;
    this.lastGrowthMs = Date.now();
  }

  /** Closes the file. With `flush`, a last line without newline is delivered first (the file is finished). */
  close(flush: boolean): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    if (flush) {
      const lines = this.splitter.lines;
      this.splitter.flush();
      this.status.lines += this.splitter.lines - lines;
      this.framer?.flush();
    }
    this.framer?.close();
    if (!this.retired) this.status.open = false;
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to release
    }
  }

  // An inotify watch on the file itself (it follows the inode through renames, so a rotated file still draining is
  // woken by late writes). chokidar's own change events are not enough: it drops a change whose mtime equals the
  // previous one, and Linux updates mtime once per clock tick, so the last of several quick writes went unseen.
  private watchFile(): void {
    try {
      this.watcher = watch(this.path, { persistent: false }, () => this.host.wake(this));
      this.watcher.on("error", () => undefined); // the file went away; the tailer notices on its own
    } catch (err) {
      // Cannot watch (no inotify, limit reached): the host falls back to polling, since none runs by default.
      this.host.cannotWatch(this, err);
    }
  }

  private checkPath(): void {
    if (this.retired) return;
    const current = statSync(this.path, { throwIfNoEntry: false });
    if (!current) this.host.onRemoved(this);
    else if (identityOf(current) !== this.identity) this.host.onReplaced(this);
  }

  private restartAfterTruncation(how: "size" | "content"): void {
    const framer = this.framer;
    if (this.tailLength > 0) {
      const tail = Buffer.from(this.tail.subarray(0, this.tailLength));
      // The copy is read from the end of the last whole line; the records held go with it (handOverFramer).
      this.host.onTruncated(this, { offset: this.offset, committedOffset: this.lineOffset, tail });
    }
    // No copy took the held records: the lines they hold were read, and the file starts again, so they are complete.
    if (framer !== undefined && this.framer === framer) framer.flush();
    const dropped = this.splitter.discardPartial();
    this.host.logger.info(
      { path: this.path, offset: this.offset, droppedPartialBytes: dropped, detectedBy: how },
      "Log file was truncated; reading it again from the start.",
    );
    this.status.truncations++;
    this.skipHole = true;
    this.headBeforeTruncation = this.head;
    this.head = undefined;
    this.seek(0);
  }

  private seek(offset: number): void {
    this.offset = offset;
    this.status.offset = offset;
    this.tailLength = 0;
    const length = Math.min(TAIL_CHECK_BYTES, offset);
    if (length > 0 && this.fd !== undefined) {
      const bytesRead = readSync(this.fd, this.tail, 0, length, offset - length);
      this.tailLength = bytesRead;
      if (bytesRead < length) this.offset = this.status.offset = offset - length + bytesRead;
    }
  }

  // buf[tailLength] is the byte at this.offset; keep up to HEAD_BYTES bytes of the file's start.
  private rememberHead(buf: Buffer, tailLength: number, end: number): void {
    const have = this.head?.length ?? 0;
    if (this.offset !== have) return; // not contiguous with what we kept (we did not start at 0)
    const more = buf.subarray(tailLength, Math.min(end, tailLength + HEAD_BYTES - have));
    this.head = this.head ? Buffer.concat([this.head, more]) : Buffer.from(more);
  }

  // The last TAIL_CHECK_BYTES consumed bytes end at buf[end]; buf starts at offset - tailLength, so they are there.
  private rememberTail(buf: Buffer, end: number): void {
    const length = Math.min(TAIL_CHECK_BYTES, end);
    buf.copy(this.tail, 0, end - length, end);
    this.tailLength = length;
  }
}
