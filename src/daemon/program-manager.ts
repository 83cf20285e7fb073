// Keeps the runtime's programs in step with the --progs folder: loads every *.mtail at start, reloads what
// changed on a chokidar event or SIGHUP (a failed compile keeps the running version), unloads removed files.
// With a compiler (the daemon's compile worker) programs compile off the main thread and are linked here.

import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { watch, type FSWatcher } from "chokidar";
import type { Logger } from "pino";
import type { CompileResult } from "../compiler/compile.js";
import { listProgramFiles, type LoadResult, type Runtime } from "../runtime/index.js";
import type { ProgramInfo } from "../server/status.js";

/** Per-program counters the runtime does not keep. */
interface Tracked {
  /** Source text of the version last handed to the runtime (compiled or not), to skip unchanged files. */
  source: string | null;
  loads: number;
  compileFailures: number;
  /** When it last loaded and last failed to compile (ms since the epoch, 0 if never), for the status page. */
  lastLoadMs: number;
  lastCompileFailureMs: number;
}

/** Compiles a program somewhere else (the compile worker); resolves, never rejects. */
export interface ProgramCompiler {
  compile(name: string, source: string): Promise<CompileResult>;
  close(): Promise<void>;
}

/** How long to wait after the last change event before rescanning: editors write a file in several steps. */
const SETTLE_MS = 100;

/** True for files the daemon loads as programs (*.mtail, not hidden, so editor swap files are ignored). */
export function isProgramFile(file: string): boolean {
  const base = path.basename(file);
  return base.endsWith(".mtail") && !base.startsWith(".");
}

/** Loads, reloads and unloads the programs under one path. */
export class ProgramManager {
  private readonly tracked = new Map<string, Tracked>();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Scans run one at a time; a change during a scan schedules one more. */
  private scanning: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Programs whose first compile is under way (the runtime knows nothing of them until it ends). */
  private readonly compiling = new Set<string>();

  constructor(
    private readonly progs: string,
    private readonly runtime: Runtime,
    private readonly log: Logger,
    /** --dump_js: log each program's generated JavaScript when it loads. */
    private readonly dumpJs = false,
    /** Where programs compile; owned (closed by close()). Without one they compile in place (runtime.load). */
    private readonly compiler?: ProgramCompiler,
  ) {}

  /** Loads every program once. Resolves with the number that failed to compile. */
  async loadAll(): Promise<number> {
    await this.rescan();
    return [...this.tracked.keys()].filter((name) => this.status(name)?.lastCompileError !== "").length;
  }

  /** Watches the folder (or file) for changes; each change triggers a rescan after the files settle. */
  async watch(): Promise<void> {
    const isDir = (await stat(this.progs)).isDirectory();
    this.watcher = watch(this.progs, {
      ignoreInitial: true,
      depth: 0,
      ignored: (p, s) => isDir && p !== this.progs && s !== undefined && s.isFile() && !isProgramFile(p),
    });
    this.watcher.on("all", (_event, p) => {
      if (p === this.progs || isProgramFile(p)) this.scheduleRescan();
    });
    this.watcher.on("error", (err) => this.log.warn({ err, progs: this.progs }, "Watching the programs folder failed."));
    await new Promise<void>((resolve) => this.watcher!.once("ready", () => resolve()));
  }

  /** Reloads whatever changed since the last scan (SIGHUP, or a watcher event after SETTLE_MS). */
  rescan(): Promise<void> {
    if (this.scanning !== null) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      try {
        do {
          this.again = false;
          await this.scanOnce();
        } while (this.again);
      } finally {
        this.scanning = null;
      }
    })();
    return this.scanning;
  }

  /** Stops watching and compiling (a compile in flight ends as a failure, so a scan in progress ends soon). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.watcher?.close();
    this.watcher = null;
    await this.compiler?.close();
    await this.scanning;
  }

  /** Status of every program known to the runtime, with load and failure counts, then those compiling for the first time. */
  programs(): ProgramInfo[] {
    const known = this.runtime.programs().map((p) => {
      const t = this.tracked.get(p.name);
      return {
        ...p,
        loads: t?.loads ?? 0,
        compileFailures: t?.compileFailures ?? 0,
        lastLoadMs: t?.lastLoadMs ?? 0,
        lastCompileErrorMs: p.lastCompileError === "" ? 0 : (t?.lastCompileFailureMs ?? 0),
      };
    });
    const firsts = [...this.compiling].map((name): ProgramInfo => ({
      name, loaded: false, compiling: true, lastCompileError: "", lines: 0, runtimeErrors: 0, lastRuntimeError: "", loads: 0, compileFailures: 0,
    }));
    return [...known, ...firsts];
  }

  private status(name: string) {
    return this.runtime.programs().find((p) => p.name === name);
  }

  private scheduleRescan(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.rescan().catch((err: unknown) => this.log.error({ err }, "Reloading programs failed."));
    }, SETTLE_MS);
  }

  /** Compiles and links one program; linking (store declarations, regexes, the function) is on this thread. */
  private async load(file: string, source: string): Promise<LoadResult> {
    if (this.compiler === undefined) return this.runtime.load(file, source);
    const name = path.basename(file);
    const first = this.status(name) === undefined;
    if (first) this.compiling.add(name);
    try {
      return this.runtime.install(file, await this.compiler.compile(file, source));
    } finally {
      if (first) this.compiling.delete(name);
    }
  }

  private async scanOnce(): Promise<void> {
    let files: string[];
    try {
      files = (await listProgramFiles(this.progs)).filter(isProgramFile);
    } catch (err) {
      // The folder went away: keep what runs rather than dropping every metric on a transient error.
      this.log.error({ err, progs: this.progs }, "Cannot list the programs folder; keeping the programs already loaded.");
      return;
    }
    const present = new Set<string>();
    for (const file of files) {
      if (this.closed) return;
      const name = path.basename(file);
      present.add(name);
      let source: string;
      try {
        source = await readFile(file, "utf8");
      } catch (err) {
        // Removed between listing and reading: the next scan unloads it.
        this.log.warn({ err, path: file }, "Cannot read program file.");
        continue;
      }
      const t = this.tracked.get(name) ?? { source: null, loads: 0, compileFailures: 0, lastLoadMs: 0, lastCompileFailureMs: 0 };
      this.tracked.set(name, t);
      if (t.source === source) continue;
      t.source = source;
      const reload = t.loads > 0;
      const r = await this.load(file, source);
      // Stopping: the compile was cut short, which says nothing about the program.
      if (this.closed) return;
      if (r.ok) {
        t.loads++;
        t.lastLoadMs = Date.now();
        this.log.info({ program: name, path: file, reload }, reload ? `Reloaded program ${name}.` : `Loaded program ${name}.`);
        if (this.dumpJs) this.log.info({ program: name, js: this.runtime.generatedSource(name) }, `Generated JavaScript of ${name}.`);
      } else {
        t.compileFailures++;
        t.lastCompileFailureMs = Date.now();
        this.log.error(
          { program: name, path: file, errors: r.diagnostics, keptPreviousVersion: reload },
          reload ? `Program ${name} failed to compile; the previous version keeps running.` : `Program ${name} failed to compile; it is not loaded.`,
        );
      }
    }
    for (const name of [...this.tracked.keys()]) {
      if (present.has(name)) continue;
      this.tracked.delete(name);
      this.runtime.unload(name);
      this.log.info({ program: name }, `Unloaded program ${name}: its file was removed.`);
    }
  }
}
