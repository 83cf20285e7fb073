// Compiles programs in one long-lived worker thread (compile-worker.ts) so a long compile never holds the main
// thread: the daemon keeps answering /healthz and /metrics and reading lines meanwhile. A compile that exceeds its
// budget is stopped (the worker is terminated and a fresh one started) and becomes that program's compile error.
// The daemon's only: one-shot, --compile_only, devtools and tests compile in place (Runtime.load).

import { Worker } from "node:worker_threads";
import { basename } from "node:path";
import { makeProgram, type CompileOptions, type CompilePhase, type CompileResult } from "../compiler/compile.js";
import { formatDiagnostics } from "../compiler/diagnostics.js";
import type { CompileJob, WorkerCompileOptions, WorkerReply } from "./compile-protocol.js";

export interface CompileWorkerOptions {
  /** Longest one compile may take, in ms, counted from when the worker receives it; 0: no limit. */
  timeoutMs: number;
  /** The runtime's compile options (Runtime.compileOptions()); the function-valued ones stay behind. */
  compileOptions: CompileOptions;
  /** Told each time a worker is ready, with how long it took to start (ms, from `new Worker` to its first message). */
  onWorkerReady?: (startMs: number) => void;
  /** Told when a worker is stopped for a compile over budget, or dies (out of memory, a crash). */
  onWorkerLost?: (reason: string) => void;
  /** Tests: another worker script speaking the same protocol (compile-protocol.ts), and its workerData. */
  workerUrl?: URL;
  workerData?: unknown;
}

interface Job {
  id: number;
  /** The file's base name, as compile() names the program. */
  name: string;
  source: string;
  resolve: (r: CompileResult) => void;
  /** The stage the worker last reported. */
  phase: CompilePhase | null;
  timer: NodeJS.Timeout | null;
  timeoutMs: number;
}

/** A compile worker: compile() as compile() does, off the main thread, one program at a time, in order. */
export class CompileWorker {
  private worker: Worker | null = null;
  private ready = false;
  private spawnedAt = 0;
  private current: Job | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly options: WorkerCompileOptions;

  constructor(private readonly opts: CompileWorkerOptions) {
    const o = opts.compileOptions;
    this.options = { maxRegexpLength: o.maxRegexpLength, maxRecursionDepth: o.maxRecursionDepth, literalScanMin: o.literalScanMin };
  }

  /** Starts the worker now (it otherwise starts with the first compile), so that compile does not wait for it. */
  prestart(): void {
    if (this.worker === null && !this.closed) this.spawn();
  }

  /**
   * Compiles `source`; resolves with the program (made on this thread from the worker's plain data, not yet
   * linked) or its diagnostics, including a compile over budget or a worker that died. Never rejects.
   * `timeoutMs` replaces the budget for this compile.
   */
  compile(name: string, source: string, timeoutMs = this.opts.timeoutMs): Promise<CompileResult> {
    return new Promise((resolve) => {
      const job: Job = { id: this.nextId++, name: basename(name), source, resolve, phase: null, timer: null, timeoutMs };
      if (this.closed) return this.finish(job, failure(job, "The compile was not started: logtally is stopping."));
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops the worker; compiles not finished resolve with an error. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    for (const job of [...(this.current === null ? [] : [this.current]), ...this.queue.splice(0)]) {
      this.finish(job, failure(job, "The compile was stopped: logtally is stopping."));
    }
    if (w !== null) await w.terminate();
  }

  /** Hands the next job to the worker when it is free and ready; keeps the process alive only while busy. */
  private pump(): void {
    if (!this.closed && this.current === null && this.queue.length > 0) {
      if (this.worker === null) this.spawn();
      if (this.ready) {
        const job = this.queue.shift() as Job;
        this.current = job;
        this.worker!.postMessage({ id: job.id, name: job.name, source: job.source, options: this.options } satisfies CompileJob);
        if (job.timeoutMs > 0) job.timer = setTimeout(() => this.overBudget(job), job.timeoutMs);
      }
    }
    // An idle worker must not keep a process from exiting; a worker with work must (a test awaiting a compile).
    if (this.current !== null || this.queue.length > 0) this.worker?.ref();
    else this.worker?.unref();
  }

  private spawn(): void {
    const w = new Worker(this.opts.workerUrl ?? new URL("./compile-worker.js", import.meta.url), { workerData: this.opts.workerData });
    this.worker = w;
    this.ready = false;
    this.spawnedAt = performance.now();
    // Events of a worker already replaced (terminated after a timeout) are ignored.
    w.on("message", (m: WorkerReply) => {
      if (w === this.worker) this.onMessage(m);
    });
    w.on("error", (err: Error) => {
      if (w === this.worker) this.lost(`the compile worker failed: ${err.message}`);
    });
    w.on("exit", (code) => {
      if (w === this.worker) this.lost(`the compile worker exited with code ${code}`);
    });
    w.unref();
  }

  private onMessage(m: WorkerReply): void {
    if (m.kind === "ready") {
      this.ready = true;
      this.opts.onWorkerReady?.(performance.now() - this.spawnedAt);
      this.pump();
      return;
    }
    const job = this.current;
    if (job === null || job.id !== m.id) return;
    if (m.kind === "phase") {
      job.phase = m.phase;
      return;
    }
    let result: CompileResult;
    try {
      result = "data" in m.result ? { program: makeProgram(m.result.data) } : m.result;
    } catch (e) {
      result = failure(job, `Internal error loading the compiled program: ${(e as Error).message}.`);
    }
    this.finish(job, result);
  }

  /** The compile went over budget: stop it (terminating the only way to stop synchronous code) and start afresh. */
  private overBudget(job: Job): void {
    if (job !== this.current) return;
    const w = this.worker;
    this.worker = null;
    this.ready = false;
    void w?.terminate();
    const where = job.phase === null ? "" : ` (it was ${job.phase})`;
    this.opts.onWorkerLost?.(`${job.name}: compile over budget`);
    this.finish(job, failure(job, `Compile did not finish within ${formatMs(job.timeoutMs)}${where} and was stopped; raise --compile_timeout if the program is meant to be this large.`));
    // The next compile should not wait for a worker to start.
    this.prestart();
    this.pump();
  }

  /** The worker died (out of memory, a bug): the compile in flight fails, or the first queued one if it never started. */
  private lost(reason: string): void {
    this.worker = null;
    this.ready = false;
    this.opts.onWorkerLost?.(reason);
    // A worker that dies before it is ready fails the first queued job, so a worker that cannot start at all ends
    // each compile with an error instead of being restarted forever.
    const job = this.current ?? this.queue.shift();
    if (job !== undefined) this.finish(job, failure(job, `Internal error: ${reason}.`));
    this.pump();
  }

  private finish(job: Job, result: CompileResult): void {
    if (job.timer !== null) clearTimeout(job.timer);
    job.timer = null;
    if (this.current === job) this.current = null;
    job.resolve(result);
    this.pump();
  }
}

/** A compile error of the whole program, placed at its start (the caret excerpt shows which file it is). */
function failure(job: Job, message: string): CompileResult {
  const errors = [{ pos: { line: 1, col: 1, endLine: 1, endCol: 1 }, message }];
  return { diagnostics: formatDiagnostics(job.name, job.source, errors), errors };
}

/** 10000 -> "10s", 50 -> "50ms", as the duration flags are written. */
function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}
