// The end of bin/logtally.js and bin/logtally.cjs, shared: runs main with the process's streams, sets the exit code,
// writes the one-shot bundle's code cache and makes sure the process ends. Imports nothing (bundled into
// dist/src/cli/quick-start.cjs as well as loaded as a module).

import type { main as mainFunction } from "./main.js";
import type { YoungGenerationLimit } from "./young-generation.js";

/** main, however it was loaded (bundled or module by module), and what to call once it has run. */
export interface LoadedMain {
  main: typeof mainFunction;
  saveCodeCache(): void;
}

/** Runs `loaded.main` with `argv` (without node and script) and this process's streams and environment. */
export async function runMain(argv: string[], loaded: LoadedMain, youngGeneration: YoungGenerationLimit | undefined): Promise<void> {
  // A reader that stops early (`logtally --one_shot ... | head`) closes the pipe: that ends the output, as it ends
  // `cat`, rather than crashing with an unhandled EPIPE and a stack trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(process.exitCode ?? 0);
  });
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, youngGeneration };
  const code = await loaded.main(argv, io);
  if (typeof code === "number") process.exitCode = code;
  // The code cache is made under V8's flags as they were when the bundle was compiled: the young generation's growth
  // factor goes back to V8's own first (the run is over).
  youngGeneration?.stop();
  loaded.saveCodeCache();
  // main has stopped everything it started; should a handle still linger (a collector connection that will not
  // close), do not hang a stopping service manager: exit once output has had time to drain.
  setTimeout(() => process.exit(), 5000).unref();
}
