#!/usr/bin/env node
// Entry point: limits V8's young generation, then hands argv to the CLI and exits with the code it returns.
import { limitYoungGeneration } from "../dist/src/cli/young-generation.js";

// Before the CLI's modules load (hence the dynamic import below), since loading and compiling already grow the young
// generation; main lifts the limit for one-shot runs. Why, and the figures: src/cli/young-generation.ts.
const youngGeneration = limitYoungGeneration();
const { main } = await import("../dist/src/cli/main.js");

const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, youngGeneration };
const code = await main(process.argv.slice(2), io);
if (typeof code === "number") process.exitCode = code;
// main has stopped everything it started; should a handle still linger (a collector connection that will not
// close), do not hang a stopping service manager: exit once output has had time to drain.
setTimeout(() => process.exit(), 5000).unref();
