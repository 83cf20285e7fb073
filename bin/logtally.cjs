#!/usr/bin/env node
// The command (package.json's bin). One-shot and compile-only runs start here, from the CLI bundled into one file
// with a V8 code cache (src/cli/quick-start.ts, src/cli/bundle-loader.ts); every other run, and these should the bundle
// be missing, older than the modules (tsc run without `npm run build`) or fail to load, goes to bin/logtally.js.
// CommonJS, and deciding by argv alone, because starting from an ES module costs Node 20 about 5 ms of the ~30 ms a
// one-shot run adds to `node -e 0` (docs/performance.md, "Start-up time").
"use strict";

const argv = process.argv.slice(2);

function startBundled() {
  // Mirrors the flag parser (src/cli/flags.ts): `-x` or `--x`, dashes for underscores, Go's spellings of true.
  const quick = /^--?(one[_-]shot|compile[_-]only)(=(1|t|T|true|TRUE|True))?$/;
  if (!argv.some((a) => quick.test(a))) return false;
  let youngGeneration;
  try {
    const start = require("../dist/src/cli/quick-start.cjs");
    if (!start.isBundleCurrent(start.BUNDLE_PATH)) return false;
    // Before the bundle loads, since compiling it already grows the young generation; main lifts the limit for
    // these runs. Why, and the figures: src/cli/young-generation.ts.
    youngGeneration = start.limitYoungGeneration();
    const loaded = start.loadBundledMain(start.BUNDLE_PATH);
    start.runMain(argv, loaded, youngGeneration);
    return true;
  } catch (err) {
    youngGeneration?.stop();
    if (process.env.LOGTALLY_DEBUG_BUNDLE) process.stderr.write(`logtally: bundle not used: ${err?.stack ?? err}\n`);
    return false;
  }
}

if (!startBundled()) import("./logtally.js");
