// Compile workers for tests of the client's recovery. As a worker script: the real worker
// (runtime/compile-worker.ts), except that a program whose source is "exit" ends the thread. With
// workerData "broken", it fails at start, as a worker whose code cannot load would.
import { parentPort, workerData } from "node:worker_threads";
import type { CompileJob } from "../../src/runtime/compile-protocol.js";

if (workerData === "broken") throw new Error("cannot start");
// Registered before the real worker's listener, so it runs first.
parentPort!.on("message", (job: CompileJob) => {
  if (job.source === "exit") process.exit(3);
});
await import("../../src/runtime/compile-worker.js");
