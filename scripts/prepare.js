// npm's `prepare` (run by `npm ci` / `npm install` in a clone): builds the parser and the TypeScript when the build
// tools (devDependencies) are installed. `npm ci --omit=dev` has none of them: say so and succeed, instead of
// failing on a missing tsc. The package from `npm pack` carries dist/ already (built by `prepack`).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
let tsc;
try {
  require.resolve("peggy");
  require.resolve("esbuild");
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  console.error("logtally: the build tools (devDependencies) are not installed, so nothing is built; run `npm ci` to build, or install the package made by `npm pack`.");
  process.exit(0);
}
for (const args of [[join(root, "scripts", "build-parser.js")], [tsc, "-p", join(root, "tsconfig.json")], [join(root, "scripts", "bundle-cli.js")]]) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
