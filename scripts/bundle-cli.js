// Bundles the compiled CLI (dist/src/cli/main.js and every module it imports statically) into one CommonJS file,
// dist/src/cli/main.bundle.cjs, which bin/logtally.js runs for --one_shot and --compile_only through
// src/cli/bundle-loader.ts (one file to read and compile instead of 75 modules, and a V8 code cache on every Node
// line: docs/performance.md, "Start-up time"). The daemon, `test`, `explain` and `healthcheck` keep loading the
// modules one by one: the bundle imports them as they are, from the folder of main.js. Packages from node_modules
// stay outside the bundle (required from there).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "src", "cli");
const outfile = join(cli, "main.bundle.cjs");
const quickStart = join(cli, "quick-start.cjs");
// Loaded by main only for the modes that do not use the bundle.
const unbundled = ["./healthcheck.js", "./devtools-commands.js", "../daemon/run.js"];
let build;
try {
  ({ build } = await import("esbuild"));
} catch {
  // A node_modules installed before esbuild joined the devDependencies: bin/logtally.js then loads the modules one by
  // one (correct, only slower to start). Say how to get the bundle rather than fail the build.
  rmSync(outfile, { force: true });
  rmSync(quickStart, { force: true });
  console.error("logtally build: esbuild is not installed, so one-shot runs will not use the bundled CLI; run `npm install`.");
  process.exit(0);
}
const result = await build({
  entryPoints: [join(cli, "main.js")],
  outfile,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  packages: "external",
  external: unbundled,
  // The loader passes the bundle's own URL: createRequire() and the path to package.json resolve from dist/src/cli/,
  // as they do from main.js.
  define: { "import.meta.url": "__importMetaUrl" },
  logLevel: "warning",
  metafile: true,
  // Whitespace and syntax only (names stay, for stack traces): a 40% smaller file to read and to hash, ~1.3 ms of a
  // one-shot start on Node 20.
  minifyWhitespace: true,
  minifySyntax: true,
});
const bundled = Object.keys(result.metafile.inputs);
// A bundle that pulled in the daemon would load the HTTP server and chokidar in every one-shot run.
const unexpected = bundled.filter((p) => /dist\/src\/(daemon\/(run|daemon)|server|devtools|tailer\/tailer)\b/.test(p));
if (unexpected.length > 0) fail(`the one-shot bundle must not include ${unexpected.join(", ")}`);

// A script compiled by vm has no module loader for import(): the loader passes __import, which resolves the
// specifier against the bundle's folder and imports it.
let source = readFileSync(outfile, "utf8");
for (const spec of unbundled) {
  const call = `import(${JSON.stringify(spec)})`;
  const count = source.split(call).length - 1;
  if (count !== 1) fail(`expected one ${call} in the bundle, found ${count}`);
  source = source.replace(call, `__import(${JSON.stringify(spec)})`);
}
if (/\bimport\(/.test(source.replace(/\/\/.*$/gm, ""))) fail("the bundle holds a dynamic import() the loader cannot serve");
// ASCII only, so the loader reads it as latin1 into a one-byte string (a few non-ASCII characters in regex literals,
// µs and μs, would make the whole 330 kB a two-byte string). \uXXXX means the same character in a string, regex,
// template or identifier; astral characters are written as their two UTF-16 halves, which both regex modes accept.
source = source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
writeFileSync(outfile, source);

// bin/logtally.cjs's own part of the start (src/cli/quick-start.ts) as one CommonJS file: the loader, the young
// generation's limit and the end of a run. import.meta.url becomes the file's own URL (it sits next to the modules).
const quick = await build({
  entryPoints: [join(cli, "quick-start.js")],
  outfile: quickStart,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  define: { "import.meta.url": "__quickStartUrl" },
  banner: { js: 'const __quickStartUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
  metafile: true,
});
const quickInputs = Object.keys(quick.metafile.inputs).map((p) => p.replace(/^.*dist\/src\//, ""));
const expectedQuick = ["cli/quick-start.js", "cli/bundle-loader.js", "cli/run-main.js", "cli/young-generation.js", "compiler/regexp-flags.js"];
if (quickInputs.some((p) => !expectedQuick.includes(p))) fail(`quick-start.cjs must hold only ${expectedQuick.join(", ")}, not ${quickInputs.join(", ")}`);

function fail(why) {
  rmSync(outfile, { force: true });
  rmSync(quickStart, { force: true });
  throw new Error(`bundle-cli: ${why}`);
}
