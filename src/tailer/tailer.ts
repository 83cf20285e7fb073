// Follows every source of --logs and hands each complete line to onLine exactly once: discovery (globs, chokidar
// events, optional polling), rotation/truncation/deletion handling, fair chunked reading, and saved positions.
import { readdir, stat } from "node:fs/promises";
import { statSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { watch, type FSWatcher } from "chokidar";
import type { FramerFactory, LineHandler } from "../logline.js";
import { DEFAULT_MAX_LINE_LENGTH } from "./line-splitter.js";
import { compileGlob, type CompiledGlob } from "./glob.js";
import { FileStream, identityOf, type StartAt, type StreamHost } from "./file-stream.js";
import { loadPositions, readSignature, savePositions, type SavedPosition } from "./positions.js";
import { findCopy, findSavedFile, isDirectory, readHead, tryRead } from "./siblings.js";
import { isSocketUrl, newStatus, openNamedPipe, openSocketSource, openStdin, type Source } from "./sources.js";
import { describePermissionDenied, isPermissionError, processIdentity } from "./permission-hint.js";
import type { FileStatus, PatternStatus, TailerLogger, TailerOptions, TailerStats } from "./types.js";

export type { FileStatus, PatternStatus, TailerLogger, TailerOptions, TailerStats } from "./types.js";

/**
 * Bytes read per step. One step runs a chunk's lines through the programs before the next read, so this bounds how
 * long the event loop is busy at once (an HTTP scrape waits at most one chunk) and the memory in flight.
 */
const READ_CHUNK_BYTES = 256 * 1024;
/** Longest stretch of reading before the event loop gets a turn. */
const SLICE_MS = 10;
/** How often rotated-away or deleted files still open are checked for late writes. */
const RETIRED_CHECK_MS = 200;
/** How long before a save a file may have been born and still be unknown to it: see unknownBefore. */
const UNSAVED_SLACK_MS = 2000;
/** Remembered positions of closed files, so a rotated file matching the glob later is not read twice. */
const MAX_CLOSED_HINTS = 1024;

/** How often files are polled when they cannot be watched and no --poll_interval is set. */
const FALLBACK_POLL_MS = 1000;

/** How often directories of globs that do not exist yet are looked for. */
const MISSING_DIR_CHECK_MS = 1000;

/** Rotated generations that logrotate compressed: not text to read. */
const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|lzma|z|zip)$/i;

/** First and longest wait before trying again to open a file the process may not read. */
const PERMISSION_RETRY_FIRST_MS = 1000;
const PERMISSION_RETRY_MAX_MS = 10_000;

/** A matching file the process may not read yet: warned about once, then retried quietly with backoff. */
interface DeniedFile {
  /** Where to start once it opens: decided when it was first found, so lines written meanwhile are not skipped. */
  startAt: (path: string, st: Stats) => StartAt;
  delayMs: number;
  dueMs: number;
}

const silentLogger: TailerLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Follows log files, pipes and sockets (see {@link TailerOptions}).
 *
 * Files present at start-up are read from their end (as mtail does) unless a saved position or `readFromStart`
 * says otherwise; files that appear later are read from their start. A rotated file is read to its end (and
 * watched for late writes for `rotatedGraceMs`) while the new file at its path is followed from its start.
 */
export class Tailer implements StreamHost {
  readonly logger: TailerLogger;
  readonly onLine: LineHandler;
  readonly maxLineLength: number;
  readonly framerFor: FramerFactory | undefined;
  private readonly globs: CompiledGlob[] = [];
  private readonly socketUrls: string[] = [];
  private readonly wantStdin: boolean;
  private readonly ignore: RegExp | undefined;
  private readonly statuses = new Map<string, FileStatus>();
  private readonly active = new Map<string, FileStream>(); // path -> the stream following it
  private readonly retired = new Set<FileStream>();
  private readonly byIdentity = new Map<string, FileStream>();
  private readonly closedHints = new Map<string, { offset: number; tail: string }>(); // identity -> where it ended
  private readonly opening = new Set<string>();
  private readonly resumeAt = new Map<string, { identity: string; offset: number }>();
  private readonly knownPaths = new Set<string>(); // paths in the saved state: if found new, read from the start
  private readonly pipes = new Set<string>();
  private readonly copies = new Set<string>(); // identities of copytruncate copies: never followed as new files
  private readonly sources: Source[] = [];
  private readonly queue: FileStream[] = [];
  private readonly queued = new Set<FileStream>();
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private pump: Promise<void> | undefined;
  private pumping = false;
  private watcher: FSWatcher | undefined;
  private timers: NodeJS.Timeout[] = [];
  private retiredTimer: NodeJS.Timeout | undefined;
  private missingTimer: NodeJS.Timeout | undefined;
  private readonly bases = new Set<string>();
  private readonly missingBases = new Set<string>();
  private readonly deniedFiles = new Map<string, DeniedFile>();
  private deniedTimer: NodeJS.Timeout | undefined;
  private readonly unlistable = new Set<string>(); // folders already warned about (cannot list them)
  private savedAtMs = 0;
  private lastSavedKey: string | undefined;
  private saving: Promise<void> = Promise.resolve();
  private startingUp = true;
  private stopped = false;
  private closed = false;
  /** Streams open at the end of start() that have not reached an end of file yet (see whenCaughtUp). */
  private catchingUp: Set<FileStream> | undefined = new Set();
  private caughtUp: () => void = () => {};
  private readonly caughtUpPromise = new Promise<void>((resolve) => {
    this.caughtUp = () => {
      this.catchingUp = undefined;
      resolve();
    };
  });
  private fallbackPolling = false;

  /** Validates the options; nothing is opened before `start()`. */
  constructor(private readonly opts: TailerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.onLine = opts.onLine;
    this.maxLineLength = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.framerFor = opts.framerFor;
    if (!(this.maxLineLength >= 1)) throw new RangeError(`maxLineLength must be positive, got ${this.maxLineLength}.`);
    this.ignore =
      typeof opts.ignoreFilenameRegex === "string" && opts.ignoreFilenameRegex !== ""
        ? new RegExp(opts.ignoreFilenameRegex)
        : opts.ignoreFilenameRegex instanceof RegExp
          ? opts.ignoreFilenameRegex
          : undefined;
    let stdin = false;
    // Split on commas here too, as mtail does for --logs, so a caller passing the raw flag value gets the same result.
    for (const raw of opts.logs.flatMap((l) => l.split(","))) {
      const log = raw.trim();
      if (log === "") continue;
      if (log === "-") stdin = true;
      else if (isSocketUrl(log)) this.socketUrls.push(log);
      else this.globs.push(compileGlob(log));
    }
    this.wantStdin = stdin;
  }

  /** Opens every source and starts following. Resolves once files present now are open and positioned. */
  async start(): Promise<void> {
    const ctx = { onLine: this.onLine, logger: this.logger, maxLineLength: this.maxLineLength, framerFor: this.framerFor };
    if (this.wantStdin) this.sources.push(openStdin(ctx));
    for (const url of this.socketUrls) this.sources.push(await openSocketSource(ctx, url));
    if (this.opts.resume) await this.applyPositions(this.opts.resume);
    else if (this.opts.stateDir) await this.restorePositions(this.opts.stateDir);
    if (this.globs.length > 0) {
      await this.startWatcher();
      for (const path of await this.scanGlobs()) await this.discover(path, this.startAtForStartupFile.bind(this));
      this.logPatterns();
    }
    this.startingUp = false;
    this.expectCatchUp();
    const poll = this.opts.pollIntervalMs ?? 0;
    if (poll > 0) this.every(poll, () => this.pollFiles());
    const pollLogs = this.opts.pollLogIntervalMs ?? 0;
    if (pollLogs > 0) this.every(pollLogs, () => this.rediscover());
    if (this.opts.stateDir) this.every(this.opts.stateSaveIntervalMs ?? 2000, () => this.savePositions());
  }

  private pollFiles(): void {
    for (const s of this.active.values()) {
      if (s.changedSinceRead()) this.schedule(s);
    }
  }

  /** Stops reading, saves positions (with stateDir) and closes everything. Lines not yet complete stay unread. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.halt();
    if (this.opts.stateDir) await this.savePositions();
    for (const s of [...this.active.values(), ...this.retired]) s.close(false);
    for (const src of this.sources) await src.close();
  }

  /**
   * Stops reading and waits for the line being delivered, leaving files open so `positions()` still describes
   * them: a caller saving its own state does that between halt() and stop().
   */
  async halt(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.retiredTimer) clearInterval(this.retiredTimer);
    if (this.missingTimer) clearInterval(this.missingTimer);
    if (this.deniedTimer) clearTimeout(this.deniedTimer);
    await this.watcher?.close();
    await this.pump;
    this.caughtUp();
  }

  /**
   * Resolves once every file open at the end of start() (saved positions included) has been read up to an end
   * of file at least once: the lines written while logtally was down are then counted. Sockets and pipes have no
   * end to reach and are not waited for.
   */
  whenCaughtUp(): Promise<void> {
    return this.caughtUpPromise;
  }

  /**
   * Where each open file stands: every line before `offset` was handed to onLine. Synchronous, so a caller that
   * reads its metric values in the same turn gets positions and values that agree (no line runs in between).
   */
  positions(): SavedPosition[] {
    const files: SavedPosition[] = [];
    for (const s of [...this.active.values(), ...this.retired]) {
      if (!s.isOpen) continue;
      const offset = s.committedOffset;
      try {
        // Read through the stream's own descriptor: a rotated file's path names the new file by now.
        const sig = s.signature();
        if (sig) files.push({ path: s.path, dev: s.dev, ino: s.ino, offset, ...sig });
      } catch {
        files.push({ path: s.path, dev: s.dev, ino: s.ino, offset, fingerprint: "", fingerprintLength: 0, tail: "" });
      }
    }
    return files;
  }

  /** Status of every source followed so far (files, pipes, sockets). */
  files(): FileStatus[] {
    return [...this.statuses.values(), ...this.sources.map((s) => s.status)].map((s) => ({ ...s }));
  }

  /** Every --logs path or glob with the number of existing files that match it now. */
  patterns(): PatternStatus[] {
    const known = [...this.active.keys(), ...this.deniedFiles.keys(), ...this.pipes];
    return this.globs.map((g) => {
      const files = known.filter((path) => g.regex.test(path) && !this.ignore?.test(path)).length;
      return this.missingBases.has(g.base) ? { pattern: g.pattern, files, missingFolder: g.base } : { pattern: g.pattern, files };
    });
  }

  // At start-up, say what is followed: a pattern that silently matches nothing (a typo, a folder not mounted) is
  // the most common reason a new setup shows no metrics.
  private logPatterns(): void {
    for (const p of this.patterns()) {
      if (p.files > 0) {
        this.logger.info({ pattern: p.pattern, files: p.files }, `Following ${p.pattern}: ${p.files} file${p.files === 1 ? "" : "s"} now.`);
        continue;
      }
      const why = p.missingFolder !== undefined ? ` (the folder ${p.missingFolder} does not exist)` : "";
      this.logger.warn(
        { pattern: p.pattern, missingFolder: p.missingFolder },
        `No file matches ${p.pattern}${why}; files that appear later will be followed.`,
      );
    }
  }

  /** Totals for the self metrics. */
  stats(): TailerStats {
    const t: TailerStats = { linesRead: 0, bytesRead: 0, rotations: 0, truncations: 0, readErrors: 0, linesCut: 0, openFiles: 0, files: 0 };
    for (const s of [...this.statuses.values(), ...this.sources.map((x) => x.status)]) {
      t.linesRead += s.lines;
      t.bytesRead += s.bytes;
      t.rotations += s.rotations;
      t.truncations += s.truncations;
      t.readErrors += s.errors;
      t.linesCut += s.linesCut;
      t.files++;
    }
    for (const s of this.active.values()) if (s.isOpen) t.openFiles++;
    for (const s of this.retired) if (s.isOpen) t.openFiles++;
    return t;
  }

  // ---- StreamHost: called by a stream at the end of its file.

  /** @internal The path names another file now: finish this one as retired and follow the new one from its start. */
  onReplaced(stream: FileStream): void {
    this.retire(stream);
    stream.status.rotations++;
    this.logger.info({ path: stream.path, offset: stream.offset }, "Log file was rotated; following the new file.");
    void this.discover(stream.path, () => "start");
  }

  /** @internal The file changed. */
  wake(stream: FileStream): void {
    this.schedule(stream);
  }

  /**
   * @internal Following is event-driven unless --poll_interval is set; a file that cannot be watched (inotify's
   * max_user_watches reached, a filesystem without inotify) would go unread, so poll every followed file instead.
   */
  cannotWatch(stream: FileStream, err: unknown): void {
    this.startFallbackPolling(err, stream.path);
  }

  private startFallbackPolling(err: unknown, path?: string): void {
    if (this.fallbackPolling || (this.opts.pollIntervalMs ?? 0) > 0 || this.stopped) return;
    this.fallbackPolling = true;
    this.logger.warn(
      { err, path, pollIntervalMs: FALLBACK_POLL_MS },
      "Cannot watch log files for changes; polling them instead (raise fs.inotify.max_user_watches, or set --poll_interval).",
    );
    this.every(FALLBACK_POLL_MS, () => this.pollFiles());
    this.every(FALLBACK_POLL_MS, () => this.rediscover());
  }

  /**
   * @internal Truncated in place: the lines written between our last read and the copy are in the copy (logrotate's
   * copytruncate), so look for a sibling whose bytes before our old offset are the ones we read there, and finish
   * it from there under this path's name. Without this, lines lagging behind the writer at rotation time are lost.
   */
  onTruncated(stream: FileStream, lost: { offset: number; committedOffset: number; tail: Buffer }): void {
    if (stream.retired) return;
    const copy = findCopy(stream.path, lost.offset, lost.tail, (id) => id === stream.identity || this.byIdentity.has(id));
    if (copy) this.copies.add(copy.identity);
    if (!copy) return;
    const reader = new FileStream(this, copy.path, stream.status, stream.path);
    try {
      if (!reader.open(lost.committedOffset, copy.identity)) return;
    } catch (err) {
      this.logger.warn({ err, path: copy.path }, "Failed to open the copy of a truncated log file.");
      return;
    }
    // A record held when the file was truncated goes on in the copy.
    reader.adoptFramer(stream.handOverFramer());
    this.logger.info({ path: stream.path, copy: copy.path, offset: lost.committedOffset }, "Reading the rest of a truncated log file from its copy.");
    this.byIdentity.set(copy.identity, reader);
    this.retire(reader);
    this.schedule(reader);
  }

  /** @internal The path is gone (renamed away or deleted): keep draining the open file for a while. */
  onRemoved(stream: FileStream): void {
    this.retire(stream);
    this.logger.info({ path: stream.path, offset: stream.offset }, "Log file was removed or renamed.");
  }

  // ---- Discovery

  private matches(path: string): boolean {
    if (this.ignore?.test(path)) return false;
    for (const g of this.globs) if (g.regex.test(path)) return true;
    return false;
  }

  private async startWatcher(): Promise<void> {
    const bases = [...new Set(this.globs.map((g) => g.base))];
    const depth = Math.max(...this.globs.map((g) => g.depth));
    const watcher = watch(bases, {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: true,
      atomic: false, // we compare inodes ourselves; chokidar's 100 ms unlink/add merging would only delay us
      // A file we may not read is reported once by discover() and retried with backoff; as a watcher error it
      // started fallback polling, which retried and warned every second.
      ignorePermissionErrors: true,
      depth: depth === Infinity ? undefined : depth,
      ignored: (path: string, st?: Stats) => st !== undefined && st.isFile() && !this.matches(path),
    });
    const onEvent = (fromStart: boolean) => (path: string) => {
      if (this.stopped) return;
      const s = this.active.get(path);
      if (s) this.schedule(s);
      // A change event that beats start()'s own scan to a file present at start must open it where the scan would
      // (its saved position, if any), not at its end: that skipped every line written while logtally was down.
      else if (this.matches(path)) void this.discover(path, fromStart || !this.startingUp ? () => "start" : this.startAtForStartupFile.bind(this));
    };
    watcher.on("add", onEvent(true));
    watcher.on("change", onEvent(false));
    watcher.on("unlink", onEvent(false));
    watcher.on("error", (err) => this.startFallbackPolling(err));
    watcher.on("unlinkDir", (path: string) => {
      if (this.bases.has(path)) this.missingBases.add(path), this.watchMissingBases();
    });
    await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
    this.watcher = watcher;
    for (const base of bases) {
      this.bases.add(base);
      if (!(await isDirectory(base))) this.missingBases.add(base);
    }
    this.watchMissingBases();
  }

  // chokidar cannot watch a directory that does not exist yet. Until every glob's directory exists, check once a
  // second; when one appears, watch it and read the matching files in it from their start.
  private watchMissingBases(): void {
    if (this.missingBases.size === 0 || this.missingTimer || this.stopped) return;
    this.missingTimer = setInterval(async () => {
      for (const base of this.missingBases) {
        if (!(await isDirectory(base)) || this.stopped) continue;
        this.missingBases.delete(base);
        this.watcher?.unwatch(base);
        this.watcher?.add(base);
        this.logger.info({ path: base }, "Log directory appeared; watching it.");
        await this.rediscover();
      }
      if (this.missingBases.size === 0 && this.missingTimer) {
        clearInterval(this.missingTimer);
        this.missingTimer = undefined;
      }
    }, MISSING_DIR_CHECK_MS);
    this.missingTimer.unref();
  }

  /** Every existing path matching a glob (plain paths included when they exist). */
  private async scanGlobs(): Promise<string[]> {
    const found = new Set<string>();
    for (const g of this.globs) {
      if (!g.isGlob) {
        found.add(g.pattern);
        continue;
      }
      let entries: string[] = [];
      try {
        entries = await readdir(g.base, { recursive: g.depth > 0 });
        this.unlistable.delete(g.base);
      } catch (err) {
        // Once per folder: with polling, this runs every second.
        if ((err as NodeJS.ErrnoException).code !== "ENOENT" && !this.unlistable.has(g.base)) {
          this.unlistable.add(g.base);
          const hint = isPermissionError(err) ? ` (permission denied for user ${processIdentity().user})` : "";
          this.logger.warn({ path: g.base, code: (err as NodeJS.ErrnoException).code }, `Cannot list log folder ${g.base}${hint}.`);
        }
      }
      for (const e of entries) {
        const path = join(g.base, e);
        if (this.matches(path)) found.add(path);
      }
    }
    return [...found].sort();
  }

  private async rediscover(): Promise<void> {
    // Followed paths are left to events and polling; only paths not followed yet are looked at.
    for (const path of await this.scanGlobs()) if (!this.active.has(path)) await this.discover(path, () => "start");
  }

  private startAtForStartupFile(path: string, st: Stats): StartAt {
    const resume = this.resumeAt.get(path);
    if (resume && resume.identity === identityOf(st)) return resume.offset;
    if (this.knownPaths.has(path)) return "start"; // it replaced the file we knew while we were down
    if (this.opts.readFromStart) return "start";
    // With saved state, a file created after the last save is new to us: read it whole.
    const born = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
    return this.savedAtMs > 0 && born >= this.unknownBefore(this.savedAtMs) ? "start" : "end";
  }

  /**
   * Files born from this time on and in no saved position are new to the saved state. Not the save's own time: a
   * file created a moment before a save may not have been discovered yet (an event chokidar merged away is found by
   * the next 200 ms check), and a kill -9 then lost it (seen in test/integration/state/crash.test.ts: a file born
   * 117 ms before the last save, rotated away while logtally was down, 1,233 lines never read). Two seconds back
   * (at most the rotated-file grace) cannot take in a file the saved state had finished: a rotated file stays in
   * the saved positions until it has been quiet for the whole grace.
   */
  private unknownBefore(savedAtMs: number): number {
    return savedAtMs - Math.min(UNSAVED_SLACK_MS, this.opts.rotatedGraceMs ?? 5000);
  }

  /** Starts following `path` unless it is followed already or is another name of a followed file. */
  private async discover(path: string, startAt: (path: string, st: Stats) => StartAt): Promise<void> {
    if (this.stopped || this.active.has(path) || this.opening.has(path) || this.pipes.has(path)) return;
    const denied = this.deniedFiles.get(path);
    if (denied) startAt = denied.startAt;
    this.opening.add(path);
    try {
      let st: Stats;
      try {
        st = await stat(path);
      } catch (err) {
        if (isPermissionError(err)) this.permissionDenied(path, startAt);
        else if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.countError(path, err, "Cannot stat log file.");
        else if (denied) this.forgetDenied(path); // gone: nothing left to wait for
        return;
      }
      if (st.isFIFO()) {
        this.pipes.add(path);
        const ctx = { onLine: this.onLine, logger: this.logger, maxLineLength: this.maxLineLength, framerFor: this.framerFor };
        this.sources.push(await openNamedPipe(ctx, path));
        return;
      }
      if (!st.isFile()) return;
      const identity = identityOf(st);
      if (this.copies.has(identity)) return;
      const owner = this.byIdentity.get(identity);
      if (owner && !owner.retired) return; // the same file under another name (symlink, hard link): read it once
      if (!owner && !this.closedHints.has(identity) && this.isCopyOfFollowed(path)) {
        // copytruncate's x.log.1 matching the glob: its lines are (or will be, via onTruncated) read through x.log.
        this.copies.add(identity);
        this.logger.debug({ path }, "Not following a copy of a followed log file.");
        return;
      }
      const status = this.statusOf(path);
      const stream = new FileStream(this, path, status);
      let start = owner ? owner.committedOffset : startAt(path, st);
      const hint = this.closedHints.get(identity);
      if (!owner && hint) {
        // A file we finished earlier shows up under a matching name (x.log.1 for a *.log* glob): go on where we
        // ended if its content is still what we read, so it is not read twice.
        const sig = tryRead(() => readSignature(path, hint.offset));
        if (sig && sig.tail === hint.tail && st.size >= hint.offset) start = hint.offset;
      }
      if (owner) this.closeRetired(owner, false); // adopt: the new stream resumes where the old one stood
      let opened;
      try {
        opened = stream.open(start, identity);
      } catch (err) {
        if (!isPermissionError(err)) throw err;
        // Remember where this file would have been read from: once readable, lines written meanwhile are read.
        const offset = start === "start" ? 0 : start === "end" ? st.size : start;
        this.permissionDenied(path, (_, now) => (identityOf(now) === identity ? offset : "start"));
        return;
      }
      if (!opened || this.stopped) {
        stream.close(false);
        return;
      }
      this.active.set(path, stream);
      this.byIdentity.set(identity, stream);
      if (denied) {
        this.forgetDenied(path);
        this.logger.info({ path, offset: stream.offset }, `Log file ${path} can be read now; reading it from offset ${stream.offset}.`);
      }
      this.logger.debug({ path, offset: stream.offset }, "Following log file.");
      this.schedule(stream);
    } catch (err) {
      this.countError(path, err, "Failed to open log file.");
    } finally {
      this.opening.delete(path);
    }
  }

  // A file named like a followed one plus a suffix (x.log.1 next to x.log) that starts with the same bytes.
  private isCopyOfFollowed(path: string): boolean {
    const dir = dirname(path);
    const name = basename(path);
    let head: Buffer | undefined;
    for (const s of this.active.values()) {
      if (s.path === path || dirname(s.path) !== dir || !name.startsWith(basename(s.path))) continue;
      head ??= tryRead(() => readHead(path));
      if (head && s.startsLike(head)) return true;
    }
    return false;
  }

  private statusOf(path: string): FileStatus {
    let s = this.statuses.get(path);
    if (!s) this.statuses.set(path, (s = newStatus(path)));
    return s;
  }

  // The first time: one warning that names the file, the user and the fix, also shown on the status page. Then quiet
  // retries, each twice as late as the last (events on the file retry too), until it opens or disappears.
  private permissionDenied(path: string, startAt: (path: string, st: Stats) => StartAt): void {
    const firstMs = this.opts.permissionRetry?.firstMs ?? PERMISSION_RETRY_FIRST_MS;
    const maxMs = this.opts.permissionRetry?.maxMs ?? PERMISSION_RETRY_MAX_MS;
    const now = Date.now();
    const known = this.deniedFiles.get(path);
    if (known) {
      known.delayMs = Math.min(known.delayMs * 2, maxMs);
      known.dueMs = now + known.delayMs;
      this.logger.debug({ path, retryInMs: known.delayMs }, "Log file still cannot be read.");
    } else {
      this.deniedFiles.set(path, { startAt, delayMs: firstMs, dueMs: now + firstMs });
      const message = `${describePermissionDenied(path)} Retrying quietly until it can be read.`;
      const status = this.statusOf(path);
      status.errors++;
      status.error = message;
      this.logger.warn({ path, user: processIdentity().user }, message);
    }
    this.scheduleDeniedRetry();
  }

  private forgetDenied(path: string): void {
    this.deniedFiles.delete(path);
    const status = this.statuses.get(path);
    if (status) status.error = "";
  }

  private scheduleDeniedRetry(): void {
    if (this.deniedTimer) clearTimeout(this.deniedTimer);
    this.deniedTimer = undefined;
    if (this.stopped || this.deniedFiles.size === 0) return;
    let due = Infinity;
    for (const d of this.deniedFiles.values()) due = Math.min(due, d.dueMs);
    this.deniedTimer = setTimeout(() => void this.retryDenied(), Math.max(0, due - Date.now()));
    this.deniedTimer.unref();
  }

  private async retryDenied(): Promise<void> {
    this.deniedTimer = undefined;
    const now = Date.now();
    for (const [path, d] of this.deniedFiles) {
      if (d.dueMs > now) continue;
      if (!this.matches(path)) this.forgetDenied(path);
      else await this.discover(path, d.startAt);
    }
    this.scheduleDeniedRetry();
  }

  private countError(path: string, err: unknown, msg: string): void {
    this.statusOf(path).errors++;
    this.logger.warn({ err, path }, msg);
  }

  // ---- Reading: one chunk of one stream at a time, round-robin.

  private schedule(stream: FileStream): void {
    if (this.stopped || this.queued.has(stream)) return;
    this.queued.add(stream);
    this.queue.push(stream);
    if (!this.pumping) {
      this.pumping = true;
      this.pump = this.drain();
    }
  }

  private async drain(): Promise<void> {
    let sliceStart = performance.now();
    // `pumping` is cleared in the same synchronous stretch as the last queue check, so a stream scheduled at any
    // moment is either seen by this loop or starts a new one (clearing it in a later .finally() left streams stuck).
    for (;;) {
      if (this.queue.length === 0 || this.stopped) {
        this.pumping = false;
        return;
      }
      const stream = this.queue.shift()!;
      this.queued.delete(stream);
      let more = false;
      try {
        more = stream.step(this.buffer);
      } catch (err) {
        stream.status.errors++;
        this.logger.warn({ err, path: stream.path }, "Failed to read log file.");
      }
      if (more) this.schedule(stream); // to the back of the queue: hundreds of busy files take turns
      else if (this.catchingUp?.delete(stream) && this.catchingUp.size === 0) this.caughtUp();
      // Reads are synchronous (see FileStream): every few milliseconds, let timers, HTTP scrapes and fs events run.
      // Not after every step: with 200 files woken at once, one event-loop turn per step left the last file ~1 s
      // behind while the loop handled the watchers' events.
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }

  // ---- Rotated and deleted files

  private retire(stream: FileStream): void {
    if (stream.retired) return;
    stream.retire();
    if (this.active.get(stream.path) === stream) this.active.delete(stream.path);
    this.retired.add(stream);
    this.retiredTimer ??= setInterval(() => this.checkRetired(), RETIRED_CHECK_MS);
  }

  private checkRetired(): void {
    const grace = this.opts.rotatedGraceMs ?? 5000;
    const now = Date.now();
    for (const s of this.retired) {
      if (now - s.lastGrowthMs > grace && !this.queued.has(s)) this.closeRetired(s, true);
      else this.schedule(s);
      this.lookForRecreated(s);
    }
  }

  // A deleted file's path may be created again without any event reaching us: chokidar turns the unlink + add into
  // a change when it stats the path late, and drops a change whose mtime equals the last one it saw (Linux mtime
  // moves once per clock tick). While the old file drains, one stat per check finds the new file.
  private lookForRecreated(s: FileStream): void {
    if (this.stopped || this.active.has(s.path) || this.opening.has(s.path) || !this.matches(s.path)) return;
    const st = tryRead(() => statSync(s.path, { throwIfNoEntry: false }));
    if (st === undefined || !st.isFile()) return;
    const identity = identityOf(st);
    if (identity !== s.identity && !this.byIdentity.has(identity)) void this.discover(s.path, () => "start");
  }

  private closeRetired(stream: FileStream, flush: boolean): void {
    if (!this.retired.delete(stream)) return;
    if (this.catchingUp?.delete(stream) && this.catchingUp.size === 0) this.caughtUp();
    if (flush) {
      // Read what was written since the last look, then finish the file.
      try {
        while (stream.step(this.buffer));
      } catch (err) {
        stream.status.errors++;
        this.logger.warn({ err, path: stream.path }, "Failed to read log file.");
      }
      // Flushed, so every byte is delivered: the hint is the end of the file. It is trusted later only if the bytes
      // before it still match, and then the file is not read twice when it shows up under another matching name.
      const sig = tryRead(() => stream.signature(stream.offset));
      if (sig) this.closedHints.set(stream.identity, { offset: stream.offset, tail: sig.tail });
      if (this.closedHints.size > MAX_CLOSED_HINTS) this.closedHints.delete(this.closedHints.keys().next().value!);
    }
    if (this.byIdentity.get(stream.identity) === stream) this.byIdentity.delete(stream.identity);
    stream.close(flush);
    if (this.retired.size === 0 && this.retiredTimer) {
      clearInterval(this.retiredTimer);
      this.retiredTimer = undefined;
    }
  }

  private every(ms: number, fn: () => unknown): void {
    const t = setInterval(() => {
      if (!this.stopped) void Promise.resolve(fn()).catch((err) => this.logger.warn({ err }, "Periodic tailer task failed."));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  // Every file open now must reach its end once before whenCaughtUp() resolves. Each was scheduled when opened;
  // one no longer in the queue has already read up to an end of file (a step returning true re-queues it).
  private expectCatchUp(): void {
    const pending = this.catchingUp;
    if (pending === undefined) return;
    for (const s of [...this.active.values(), ...this.retired]) if (s.isOpen && this.queued.has(s)) pending.add(s);
    if (pending.size === 0) this.caughtUp();
  }

  // ---- Positions

  // Saves run one after another: a periodic save finishing after the one at stop() would put older offsets back.
  private savePositions(): Promise<void> {
    this.saving = this.saving.then(() => this.writePositions());
    return this.saving;
  }

  private async writePositions(): Promise<void> {
    const streams = [...this.active.values(), ...this.retired].filter((s) => s.isOpen);
    // Idle daemons should not rewrite (and fsync) the same positions every few seconds.
    const key = streams.map((s) => `${s.path}\0${s.identity}\0${s.committedOffset}`).join("\n");
    if (key === this.lastSavedKey) return;
    const files = this.positions();
    try {
      await savePositions(this.opts.stateDir!, { version: 1, savedAtMs: Date.now(), files });
      this.lastSavedKey = key;
    } catch (err) {
      this.logger.warn({ err, stateDir: this.opts.stateDir }, "Failed to save log positions.");
    }
  }

  private async restorePositions(stateDir: string): Promise<void> {
    let state;
    try {
      state = await loadPositions(stateDir);
    } catch (err) {
      this.logger.error({ err, stateDir }, "Ignoring unreadable positions file; logs are read from their end.");
      return;
    }
    if (state) await this.applyPositions(state);
  }

  private async applyPositions(state: { readonly savedAtMs: number; readonly files: readonly SavedPosition[] }): Promise<void> {
    this.savedAtMs = state.savedAtMs;
    for (const saved of state.files) {
      this.knownPaths.add(saved.path);
      const found = await findSavedFile(saved);
      if (!found) {
        this.logger.warn({ path: saved.path }, "Saved log file not found; its unread end (if any) is lost.");
        continue;
      }
      if (found.path === saved.path) {
        this.resumeAt.set(saved.path, { identity: found.identity, offset: saved.offset });
        continue;
      }
      // Rotated while we were down: finish the old file from the saved offset under its old name.
      const stream = new FileStream(this, found.path, this.statusOf(saved.path), saved.path);
      try {
        if (!stream.open(saved.offset, found.identity)) continue;
      } catch (err) {
        this.countError(saved.path, err, "Failed to open a log file rotated while stopped.");
        continue;
      }
      this.logger.info({ path: saved.path, rotatedTo: found.path, offset: saved.offset }, "Finishing a log file rotated while stopped.");
      this.byIdentity.set(found.identity, stream);
      this.retire(stream);
      this.schedule(stream);
    }
    await this.readUnsavedRotated(state);
  }

  /**
   * A file created after the positions were saved and rotated away before this start (x.log -> x.log.1 while
   * logtally was down, or between its last save and a crash) is in no saved position and no longer matches the
   * pattern: read it whole, under the name it was written as. Recognised by its name (the saved path plus a
   * suffix) and its birth time; where the filesystem reports none, it cannot be told from an old file and is left.
   */
  private async readUnsavedRotated(state: { readonly savedAtMs: number; readonly files: readonly SavedPosition[] }): Promise<void> {
    const known = new Set([...this.resumeAt.values()].map((r) => r.identity));
    const newerThan = this.unknownBefore(state.savedAtMs);
    for (const path of new Set(state.files.map((f) => f.path))) {
      let entries: string[];
      try {
        entries = (await readdir(dirname(path))).sort();
      } catch {
        continue;
      }
      const base = basename(path);
      for (const e of entries) {
        const rotated = join(dirname(path), e);
        if (e === base || !e.startsWith(base) || COMPRESSED.test(e) || this.matches(rotated)) continue;
        const st = tryRead(() => statSync(rotated, { throwIfNoEntry: false }));
        if (st === undefined || !st.isFile() || !(st.birthtimeMs > 0) || st.birthtimeMs < newerThan) continue;
        const identity = identityOf(st);
        if (this.byIdentity.has(identity) || known.has(identity)) continue;
        const stream = new FileStream(this, rotated, this.statusOf(path));
        stream.splitter.filename = path;
        try {
          if (!stream.open(0, identity)) continue;
        } catch (err) {
          this.countError(path, err, "Failed to open a log file rotated while stopped.");
          continue;
        }
        this.logger.info({ path, rotatedTo: rotated }, "Reading a log file created and rotated away while stopped.");
        this.byIdentity.set(identity, stream);
        this.retire(stream);
        this.schedule(stream);
      }
    }
  }
}
