#!/usr/bin/env node
// Entry point of the daemon and the subcommands (package.json's bin is bin/logtally.cjs, which starts one-shot and
// compile-only runs itself and hands every other run to this module): limits V8's young generation, then hands argv
// to the CLI and exits with the code it returns.
import module from "node:module";
import { limitYoungGeneration } from "../dist/src/cli/young-generation.js";

// Node 22.1+ keeps V8's compiled code of our modules on disk (in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1
// turns it off), which cuts the start of a daemon by a third on Node 24. Node 20 has no such cache: the call is
// skipped there. One-shot runs bring their own (below).
module.enableCompileCache?.();

const argv = process.argv.slice(2);

// Before the CLI's modules load (hence the dynamic imports below), since loading and compiling already grow the young
// generation; main lifts the limit for one-shot runs. Why, and the figures: src/cli/young-generation.ts.
const youngGeneration = limitYoungGeneration();

/**
 * One-shot and compile-only runs load the CLI bundled into one file, with a V8 code cache (src/cli/bundle-loader.ts):
 * on Node 20 that takes their start from 2.2x to about 1.4x the CPU time of `node -e 0` (docs/performance.md). The
 * bundle is a complete main; the daemon and the subcommands load the modules one by one. The check mirrors the flag
 * parser (src/cli/flags.ts): `-x` or `--x`, dashes for underscores, Go's spellings of true. Should the bundle be
 * missing, older than the modules (tsc run without `npm run build`) or fail to load, the modules are used.
 */
async function loadMain() {
  const quick = /^--?(one[_-]shot|compile[_-]only)(=(1|t|T|true|TRUE|True))?$/;
  if (argv.some((a) => quick.test(a))) {
    try {
      const { BUNDLE_PATH, isBundleCurrent, loadBundledMain } = await import("../dist/src/cli/bundle-loader.js");
      if (isBundleCurrent(BUNDLE_PATH)) return loadBundledMain(BUNDLE_PATH);
    } catch (err) {
      if (process.env.LOGTALLY_DEBUG_BUNDLE) process.stderr.write(`logtally: bundle not used: ${err?.stack ?? err}\n`);
    }
  }
  const { main } = await import("../dist/src/cli/main.js");
  return { main, saveCodeCache() {} };
}
const { runMain } = await import("../dist/src/cli/run-main.js");
await runMain(argv, await loadMain(), youngGeneration);
