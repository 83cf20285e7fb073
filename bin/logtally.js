#!/usr/bin/env node
// Entry point: limits V8's young generation, then hands argv to the CLI and exits with the code it returns.
import module from "node:module";
import { limitYoungGeneration } from "../dist/src/cli/young-generation.js";

// Node 22.1+ keeps V8's compiled code of our ~80 modules on disk (in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1
// turns it off), which cuts a one-shot run's start-up CPU time by a third on Node 24 (docs/performance.md). Node 20
// has no such cache: the call is skipped there.
module.enableCompileCache?.();

// Before the CLI's modules load (hence the dynamic import below), since loading and compiling already grow the young
// generation; main lifts the limit for one-shot runs. Why, and the figures: src/cli/young-generation.ts.
const youngGeneration = limitYoungGeneration();
const { main } = await import("../dist/src/cli/main.js");

// A reader that stops early (`logtally --one_shot ... | head`) closes the pipe: that ends the output, as it ends
// `cat`, rather than crashing with an unhandled EPIPE and a stack trace.
process.stdout.on("error", (err) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(process.exitCode ?? 0);
});

const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, youngGeneration };
const code = await main(process.argv.slice(2), io);
if (typeof code === "number") process.exitCode = code;
// main has stopped everything it started; should a handle still linger (a collector connection that will not
// close), do not hang a stopping service manager: exit once output has had time to drain.
setTimeout(() => process.exit(), 5000).unref();
