// The messages between the compile worker (compile-worker.ts) and its client (compile-client.ts): types only,
// so neither side loads the other's code.

import type { CompileDataResult, CompileOptions, CompilePhase } from "../compiler/compile.js";

/** The compile options that cross to the worker (functions cannot: the worker adds the strptime layout check). */
export type WorkerCompileOptions = Pick<CompileOptions, "maxRegexpLength" | "maxRecursionDepth" | "literalScanMin">;

/** Main thread -> worker: compile one program. `name` is the file's base name. */
export interface CompileJob {
  id: number;
  name: string;
  source: string;
  options: WorkerCompileOptions;
}

/** Worker -> main thread. */
export type WorkerReply =
  | { kind: "ready" }
  | { kind: "phase"; id: number; phase: CompilePhase }
  | { kind: "done"; id: number; result: CompileDataResult };
