#!/usr/bin/env node
// Entry point: hands argv to the CLI and exits with the code it returns.
import { main } from "../dist/src/cli/main.js";

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
if (typeof code === "number") process.exitCode = code;
// main has stopped everything it started; should a handle still linger (a collector connection that will not
// close), do not hang a stopping service manager: exit once output has had time to drain.
setTimeout(() => process.exit(), 5000).unref();
