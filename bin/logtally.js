#!/usr/bin/env node
// Entry point: hands argv to the CLI and exits with the code it returns.
import { main } from "../dist/src/cli/main.js";

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
if (typeof code === "number") process.exitCode = code;
