// When the daemon's state is saved and restored (src/state/ decides how): restore once programs are loaded and
// before any line is read; a snapshot every --state_save_interval, taken between two lines; a last one at stop.

import type { Logger } from "pino";
import type { Store } from "../metrics/store.js";
import { StateFile, restoreSnapshot, seriesCount, takeSnapshot } from "../state/index.js";
import { loadPositions, type SavedPosition } from "../tailer/positions.js";

/** Positions for the tailer to resume from. */
export interface Resume {
  readonly savedAtMs: number;
  readonly files: readonly SavedPosition[];
}

/** What the keeper reads besides the store: the line source's positions, and a text that changes when they move. */
export interface PositionSource {
  positions(): SavedPosition[];
  /** Changes whenever a line is read or a file is opened, rotated or truncated (cheap: no file is read). */
  progress(): string;
}

/** Saves and restores the daemon's state in one --state_dir. */
export class StateKeeper {
  private readonly file: StateFile;
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> | null = null;
  private lastKey = "";
  /** Figures of the last save, for the status page and the bench. */
  lastSave = { bytes: 0, series: 0, captureMs: 0, writeMs: 0, atMs: 0, failures: 0 };

  constructor(
    dir: string,
    private readonly store: Store,
    private readonly source: PositionSource,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {
    this.file = new StateFile(dir);
  }

  /** Checks the folder is writable (throws a sentence naming it otherwise) and clears a crash's temporary files. */
  prepare(): Promise<void> {
    return this.file.prepare();
  }

  /**
   * Reads the snapshot and puts its values back into the store's metrics (call once programs are loaded); returns
   * the positions the tailer resumes from. A bad snapshot is logged and moved aside, and logtally starts fresh.
   */
  async restore(): Promise<Resume | undefined> {
    const r = await this.file.load();
    if (r.kind === "unusable") {
      this.log.error(
        { path: this.file.path, reason: r.reason, keptAs: r.keptAs },
        `Cannot use the saved state (${r.reason}); starting fresh: values from zero, logs read from their end.`,
      );
      return undefined;
    }
    if (r.kind === "none") return this.legacyPositions();
    const report = restoreSnapshot(this.store, r.snapshot);
    this.log.info(
      { path: this.file.path, savedAtMs: r.snapshot.savedAtMs, bytes: r.bytes, metrics: report.metrics, series: report.series, files: r.snapshot.positions.length },
      `Restored ${report.series} series and ${r.snapshot.positions.length} log positions from the saved state.`,
    );
    if (report.skipped.length > 0) {
      this.log.warn({ metrics: report.skipped }, "Saved values of metrics whose declaration changed (or whose program is not loaded) were dropped.");
    }
    return { savedAtMs: r.snapshot.savedAtMs, files: r.snapshot.positions };
  }

  /** Saves every interval from now on. */
  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.save(false), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and saves one last time (reading must be halted first, so nothing moves after it). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.saving;
    await this.save(true);
  }

  /**
   * Takes a snapshot now (synchronously: no line runs between reading the positions and the values) and writes
   * it. A periodic save is skipped while one is being written, or when no line was read since the last one.
   */
  save(force: boolean): Promise<void> {
    if (this.saving !== null) return this.saving;
    const key = this.source.progress();
    if (!force && key === this.lastKey) return Promise.resolve();
    const t0 = performance.now();
    const snapshot = takeSnapshot(this.store, this.source.positions(), Date.now());
    const captureMs = performance.now() - t0;
    this.saving = (async () => {
      try {
        const bytes = await this.file.save(snapshot);
        this.lastKey = key;
        this.lastSave = { ...this.lastSave, bytes, series: seriesCount(snapshot), captureMs, writeMs: performance.now() - t0 - captureMs, atMs: snapshot.savedAtMs };
        this.log.debug({ bytes, captureMs, series: this.lastSave.series }, "Saved state.");
      } catch (err) {
        this.lastSave.failures++;
        this.log.warn({ err, path: this.file.path }, "Failed to save the state; the previous snapshot stays in place.");
      } finally {
        this.saving = null;
      }
    })();
    return this.saving;
  }

  // A state folder from before snapshots holds only positions: resume reading there (values start from zero).
  private async legacyPositions(): Promise<Resume | undefined> {
    try {
      const state = await loadPositions(this.file.dir);
      if (state) this.log.info({ files: state.files.length }, "Resuming from a positions file of an older logtally; values start from zero.");
      return state;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "Ignoring an unreadable positions file of an older logtally.");
      return undefined;
    }
  }
}
