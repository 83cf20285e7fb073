// logtally's command: argv (and --config) -> options -> --help, --compile_only, --one_shot or the daemon.
// Returns the exit code instead of exiting, so it is tested in-process with its own streams.

import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import type { Options } from "./flag-table.js";
import { UsageError, renderHelp } from "./flags.js";
import { resolveOptions } from "./options.js";
import { ONE_SHOT_SEMI_SPACE_LIMIT_BYTES, type YoungGenerationLimit } from "./young-generation.js";
import { runCompileOnly, runOneShot } from "../daemon/one-shot.js";

/** The streams and environment main works with (process.* in bin/logtally.js, buffers in tests). */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Resolves when the daemon should stop; default: SIGTERM or SIGINT. Tests pass their own. */
  stopSignal?: Promise<unknown>;
  /** The limit bin/logtally.js put on V8's young generation: kept for the daemon, lifted for the other modes. */
  youngGeneration?: YoungGenerationLimit;
}

/** Exit codes: 0 success, 1 a program or log failed, 2 a usage mistake (as Go's flag package uses). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Runs logtally with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === "healthcheck") {
    const { runHealthcheck } = await import("./healthcheck.js");
    return runHealthcheck(argv.slice(1), io);
  }
  if (argv[0] === "test" || argv[0] === "explain") {
    // Like one-shot runs, these read files start to end: they get the larger young generation.
    io.youngGeneration?.setLimit(ONE_SHOT_SEMI_SPACE_LIMIT_BYTES);
    // Loaded only here: the devtools pull in the tailer (and chokidar), which one-shot runs never need (start-up
    // time, docs/performance.md).
    const { runSubcommand } = await import("./devtools-commands.js");
    return runSubcommand(argv[0], argv.slice(1), io);
  }
  let options: Options;
  try {
    options = await resolveOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`logtally: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (options.help) {
    io.stdout.write(renderHelp(version()));
    return EXIT_OK;
  }
  if (options.version) {
    io.stdout.write(`logtally ${version()} (node ${process.version})\n`);
    return EXIT_OK;
  }
  if (options.progs === "") {
    io.stderr.write("logtally: no programs given; use --progs DIR (a folder of *.mtail files) or set progs in --config.\n");
    return EXIT_USAGE;
  }
  // The daemon's 2 MiB limit keeps a catching-up daemon's RSS down, but cost one-shot runs 6-10% of their time;
  // they get 8 MiB, which bounds their peak RSS without a measurable cost (young-generation.ts has the figures).
  if (options.compile_only || options.one_shot) io.youngGeneration?.setLimit(ONE_SHOT_SEMI_SPACE_LIMIT_BYTES);
  if (options.compile_only) return runCompileOnly(options, io);
  if (options.one_shot) return runOneShot(options, io);
  // Loaded only here: one-shot runs (the conformance suite starts hundreds) skip HTTP, chokidar and the tailer.
  const { runDaemon } = await import("../daemon/run.js");
  return runDaemon(options, io, version());
}

let cachedVersion: string | undefined;

/** The version from package.json (dist/src/cli/main.js sits three folders below it). */
export function version(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
      cachedVersion = pkg.version ?? "unknown";
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
