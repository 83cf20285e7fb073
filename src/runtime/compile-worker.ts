// The compile worker's entry point (a worker_threads Worker started by compile-client.ts): compiles one program
// per message with the runtime's checks and posts the plain result back. It never links: the store and the
// generated function live on the main thread. Loaded only inside the worker, never by the one-shot path.

import { parentPort } from "node:worker_threads";
import { compileToData, type CompileDataResult } from "../compiler/compile.js";
import { formatDiagnostics } from "../compiler/diagnostics.js";
import { checkLayout } from "./builtins/strptime.js";
import type { CompileJob, WorkerReply } from "./compile-protocol.js";

const port = parentPort;
if (port === null) throw new Error("compile-worker.js runs only as a worker thread.");

port.on("message", (job: CompileJob) => {
  let result: CompileDataResult;
  try {
    result = compileToData(job.name, job.source, {
      ...job.options,
      checkTimeLayout: checkLayout,
      // Posted while the compile runs: the main thread receives it even though this thread is busy, and names the
      // stage in a --compile_timeout error.
      onPhase: (phase) => port.postMessage({ kind: "phase", id: job.id, phase } satisfies WorkerReply),
    });
  } catch (e) {
    result = internalError(job, `Internal compiler error: ${(e as Error).message ?? String(e)}.`);
  }
  try {
    port.postMessage({ kind: "done", id: job.id, result } satisfies WorkerReply);
  } catch (e) {
    // Something in the result cannot be cloned: a compiler bug, reported as this program's error.
    port.postMessage({ kind: "done", id: job.id, result: internalError(job, `Internal error returning the compiled program: ${(e as Error).message}.`) } satisfies WorkerReply);
  }
});

function internalError(job: CompileJob, message: string): CompileDataResult {
  const errors = [{ pos: { line: 1, col: 1, endLine: 1, endCol: 1 }, message }];
  return { diagnostics: formatDiagnostics(job.name, job.source, errors), errors };
}

port.postMessage({ kind: "ready" } satisfies WorkerReply);
