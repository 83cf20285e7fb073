// What bin/logtally.cjs needs to start a one-shot or compile-only run from the bundled CLI, bundled by
// scripts/bundle-cli.js into one small CommonJS file (dist/src/cli/quick-start.cjs): a CommonJS entry reading two
// files starts about 5 ms sooner on Node 20 than an ES module entry importing four (docs/performance.md).
// Imports node builtins only, through the modules below.

export { BUNDLE_PATH, isBundleCurrent, loadBundledMain } from "./bundle-loader.js";
export { runMain } from "./run-main.js";
export { limitYoungGeneration } from "./young-generation.js";
