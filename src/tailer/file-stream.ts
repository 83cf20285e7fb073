// One open log file being followed: reads new bytes in chunks, notices truncation, rotation and deletion.
// The Tailer owns the scheduling (which stream reads next) and what happens when a path names a new file.
import { open, stat, type FileHandle } from "node:fs/promises";
import { watch, type FSWatcher, type Stats } from "node:fs";
import type { LineHandler } from "../logline.js";
import { LineSplitter } from "./line-splitter.js";
import type { FileStatus, TailerLogger } from "./types.js";

/**
 * Bytes before the read offset that every read fetches again and compares with what was read last time. If they
 * differ the file was truncated and rewritten past our offset between two looks (copytruncate under a fast writer),
 * which the size alone cannot show.
 */
const TAIL_CHECK_BYTES = 64;

/** What a stream needs from its owner. */
export interface StreamHost {
  readonly logger: TailerLogger;
  readonly onLine: LineHandler;
  readonly maxLineLength: number;
  /** The path now names another file (rename + create, delete + recreate, symlink retarget). */
  onReplaced(stream: FileStream): void;
  /** The path no longer exists; the stream keeps draining its open file. */
  onRemoved(stream: FileStream): void;
  /** The file changed: read it soon. */
  wake(stream: FileStream): void;
}

/** Where to start reading a newly opened file. */
export type StartAt = "start" | "end" | number;

/** `dev:ino`, the identity of a file while it exists. */
export function identityOf(st: Pick<Stats, "dev" | "ino">): string {
  return `${st.dev}:${st.ino}`;
}

/** A followed file. `step()` reads one chunk; the owner calls it again while it returns true. */
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
  readonly splitter: LineSplitter;
  private file: FileHandle | undefined;
  private watcher: FSWatcher | undefined;
  private readonly tail = Buffer.alloc(TAIL_CHECK_BYTES);
  private tailLength = 0;

  /**
   * @param path absolute path this stream was opened through (also the name delivered with each line)
   * @param status the path's counters, shared with the streams that follow it after rotations
   */
  constructor(
    private readonly host: StreamHost,
    readonly path: string,
    readonly status: FileStatus,
  ) {
    this.splitter = new LineSplitter(host.onLine, path, host.maxLineLength);
  }

  get isOpen(): boolean {
    return this.file !== undefined;
  }

  /** Offset up to which every line was delivered: what a restart resumes from. */
  get committedOffset(): number {
    return this.offset - this.splitter.pendingBytes;
  }

  /**
   * Opens the path and positions the stream. With a number, the position is used only if the file is at least that
   * long (otherwise reading starts at 0). Returns the file's stats, or undefined when the path does not exist.
   */
  async open(startAt: StartAt, expectIdentity?: string): Promise<Stats | undefined> {
    let file: FileHandle;
    try {
      file = await open(this.path, "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const st = await file.stat();
    if (!st.isFile() || (expectIdentity !== undefined && identityOf(st) !== expectIdentity)) {
      await file.close();
      if (!st.isFile()) throw Object.assign(new Error(`Not a regular file: "${this.path}".`), { code: "ENOTREG" });
      return undefined;
    }
    this.file = file;
    this.dev = st.dev;
    this.ino = st.ino;
    this.identity = identityOf(st);
    const offset = startAt === "start" ? 0 : startAt === "end" ? st.size : startAt <= st.size ? startAt : 0;
    await this.seek(offset);
    this.status.size = st.size;
    this.status.open = true;
    this.watchFile();
    return st;
  }

  /**
   * Reads the next chunk into `buf` and delivers its lines. Returns true when there may be more to read now.
   * At the end of the file it checks whether the path still names this file and tells the host if not.
   */
  async step(buf: Buffer): Promise<boolean> {
    const file = this.file;
    if (!file) return false;
    const tailLength = this.tailLength;
    const { bytesRead } = await file.read(buf, 0, buf.length, this.offset - tailLength);
    if (this.file !== file) return false; // closed while reading
    if (bytesRead < tailLength || buf.compare(this.tail, 0, tailLength, 0, tailLength) !== 0) {
      await this.restartAfterTruncation(bytesRead < tailLength ? "size" : "content");
      return true;
    }
    const fresh = bytesRead - tailLength;
    if (fresh > 0) {
      const lines = this.splitter.lines;
      const cut = this.splitter.linesCut;
      this.splitter.push(buf, tailLength, bytesRead);
      this.offset += fresh;
      this.rememberTail(buf, bytesRead);
      this.status.lines += this.splitter.lines - lines;
      this.status.linesCut += this.splitter.linesCut - cut;
      this.status.bytes += fresh;
      this.status.offset = this.offset;
      if (this.offset > this.status.size) this.status.size = this.offset;
      this.lastGrowthMs = Date.now();
      if (bytesRead === buf.length) return true;
    }
    await this.checkAtEnd(file);
    return false;
  }

  /** Stops following the path: from now on only what is left in the open file is read. */
  retire(): void {
    this.retired = true;
    this.lastGrowthMs = Date.now();
  }

  /** Closes the file. With `flush`, a last line without newline is delivered first (the file is finished). */
  async close(flush: boolean): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    if (flush) {
      const lines = this.splitter.lines;
      this.splitter.flush();
      this.status.lines += this.splitter.lines - lines;
    }
    if (!this.retired) this.status.open = false;
    await file.close().catch(() => undefined);
  }

  // An inotify watch on the file itself (it follows the inode through renames, so a rotated file still draining is
  // woken by late writes). chokidar's own change events are not enough: it drops a change whose mtime equals the
  // previous one, and Linux updates mtime once per clock tick, so the last of several quick writes went unseen.
  private watchFile(): void {
    try {
      this.watcher = watch(this.path, { persistent: false }, () => this.host.wake(this));
      this.watcher.on("error", () => undefined); // the file went away; the tailer notices on its own
    } catch {
      // Cannot watch (no inotify, limit reached): chokidar's directory events and polling still wake the stream.
    }
  }

  private async checkAtEnd(file: FileHandle): Promise<void> {
    const own = await file.stat();
    this.status.size = own.size;
    if (own.size < this.offset) {
      await this.restartAfterTruncation("size");
      return;
    }
    if (this.retired) return;
    let current: Stats | undefined;
    try {
      current = await stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (this.file !== file || this.retired) return;
    if (!current) this.host.onRemoved(this);
    else if (identityOf(current) !== this.identity) this.host.onReplaced(this);
  }

  private async restartAfterTruncation(how: "size" | "content"): Promise<void> {
    const dropped = this.splitter.discardPartial();
    this.host.logger.info(
      { path: this.path, offset: this.offset, droppedPartialBytes: dropped, detectedBy: how },
      "Log file was truncated; reading it again from the start.",
    );
    this.status.truncations++;
    await this.seek(0);
  }

  private async seek(offset: number): Promise<void> {
    this.offset = offset;
    this.status.offset = offset;
    this.tailLength = 0;
    const length = Math.min(TAIL_CHECK_BYTES, offset);
    if (length > 0 && this.file) {
      const { bytesRead } = await this.file.read(this.tail, 0, length, offset - length);
      this.tailLength = bytesRead;
      if (bytesRead < length) this.offset = this.status.offset = offset - length + bytesRead;
    }
  }

  // The last TAIL_CHECK_BYTES consumed bytes end at buf[end]; buf starts at offset - tailLength, so they are there.
  private rememberTail(buf: Buffer, end: number): void {
    const length = Math.min(TAIL_CHECK_BYTES, end);
    buf.copy(this.tail, 0, end - length, end);
    this.tailLength = length;
  }
}
