// Loads the CLI bundled into one CommonJS file (scripts/bundle-cli.js) with a V8 code cache, for the runs whose
// start-up matters (--one_shot, --compile_only: bin/logtally.js). Node 20 has no compile cache of its own (Node 22's
// module.enableCompileCache()), and without one each run compiles the parser and compiler functions it calls
// afresh: with the cache a one-shot run of a small program costs about 1.4x `node -e 0` instead of 2.2x
// (docs/performance.md). Imports node builtins and compiler/regexp-flags.js only.

import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";
import { setRegExpEngineFlags } from "../compiler/regexp-flags.js";
import type { main as mainFunction } from "./main.js";

/** The bundled CLI's main, and what to call once it has run. */
export interface BundledMain {
  main: typeof mainFunction;
  /**
   * Writes the code cache when there was none or V8 refused it, so the next run finds the functions this run
   * compiled. Call it after main has run, with V8's flags as they were when the bundle was compiled (the caller
   * gives the young generation's growth factor back first). Never throws.
   */
  saveCodeCache(): void;
  /** The code cache at load: "off" (disabled, or no safe folder), "none" (none yet), "used", or "rejected" by V8. */
  readonly cache: "off" | "none" | "used" | "rejected";
}

/** Where the cache folder goes (default: the OS temp folder) and the environment (NODE_DISABLE_COMPILE_CACHE). */
export interface BundleLoadOptions {
  cacheRoot?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Compiles and runs `bundlePath` in a CommonJS wrapper (what the bundle's `require`, `import.meta.url` and the
 * dynamic imports it keeps resolve against: see scripts/bundle-cli.js), with the code cache when one is usable.
 * Throws when the bundle cannot be read or run: the caller then loads the modules one by one.
 */
export function loadBundledMain(bundlePath: string, options: BundleLoadOptions = {}): BundledMain {
  const env = options.env ?? process.env;
  // The bundle's regex module sets these when it runs; set before compiling, so the cache is made and used under
  // the same flags (V8 refuses a cache made under others).
  setRegExpEngineFlags();
  const gcTask = holdMinorGcTask();
  // scripts/bundle-cli.js writes ASCII only: latin1 reads it into a one-byte string without UTF-8 decoding.
  const source = readFileSync(bundlePath, "latin1");
  const cacheFile = env.NODE_DISABLE_COMPILE_CACHE ? null : cacheFileFor(bundlePath, options.cacheRoot ?? tmpdir());
  const cached = cacheFile === null ? undefined : readIfPresent(cacheFile);
  const wrapper = `(function (exports, require, module, __filename, __dirname, __importMetaUrl, __import) {"use strict";${source}\n})`;
  const script = new Script(wrapper, { filename: bundlePath, cachedData: cached });
  const bundleUrl = pathToFileURL(bundlePath);
  const mod = { exports: {} as { main?: typeof mainFunction } };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const dynamicImport = (specifier: string): Promise<unknown> => import(new URL(specifier, bundleUrl).href);
  run.call(mod.exports, mod.exports, createRequire(bundlePath), mod, bundlePath, dirname(bundlePath), bundleUrl.href, dynamicImport);
  if (typeof mod.exports.main !== "function") throw new Error(`${bundlePath} does not export main`);
  return {
    main: mod.exports.main,
    cache: cacheFile === null ? "off" : cached === undefined ? "none" : script.cachedDataRejected === true ? "rejected" : "used",
    saveCodeCache() {
      if (cacheFile === null || (cached !== undefined && !script.cachedDataRejected)) return;
      try {
        // Written whole and renamed into place: concurrent runs never read half a file (and V8 checks what it reads).
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        gcTask.asCompiled();
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cacheFile);
        // Caches of this checkout's earlier builds are dead weight: one file per checkout and Node version stays.
        const dir = dirname(cacheFile);
        const mine = basename(cacheFile);
        const prefix = cachePrefix(bundlePath);
        for (const f of readdirSync(dir)) if (f !== mine && f.startsWith(prefix) && f.endsWith(".bin")) rmSync(join(dir, f), { force: true });
      } catch {
        // A cache that cannot be written only costs the next run its speed.
      }
    },
  };
}

/**
 * V8 scavenges the young generation in a task once it is 80% full. A one-shot run of a small program crosses that
 * line as it ends, and the task then costs it ~2 ms of CPU (of ~27 over `node -e 0`, Node 20) for a heap about to be
 * thrown away. So the task is off from the start, until the first garbage collection (V8 collects when the young
 * generation is full, task or not) shows a run that allocates enough to need them: the task then comes back, and a
 * long run keeps V8's own timing (a 960k-line apache one-shot run: the same CPU time and peak RSS, 63-72 MB, with the
 * task always on or held this way; 5 runs each).
 * Set before compiling, like the regex flags: V8 refuses a code cache made under other flags.
 */
function holdMinorGcTask(): { asCompiled(): void } {
  setFlagsFromString("--no-minor-gc-task");
  const observer = new PerformanceObserver(() => {
    observer.disconnect();
    setFlagsFromString("--minor-gc-task");
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    /** Sets the flag as it was when the bundle was compiled (for the code cache); the task stays off from then on. */
    asCompiled() {
      observer.disconnect();
      setFlagsFromString("--no-minor-gc-task");
    },
  };
}

/**
 * Where the cache of this bundle lives: a folder of this user's own under the OS temp folder (made 0700, and used
 * only when it is a real folder owned by this user that nobody else may write: a cache planted by someone else
 * would be code run as this user), one file per bundle build and Node version. Null when no such folder can be had.
 */
function cacheFileFor(bundlePath: string, root: string): string | null {
  try {
    const uid = process.getuid?.() ?? 0;
    const dir = join(root, `logtally-code-cache-${uid}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const d = lstatSync(dir);
    if (!d.isDirectory() || d.uid !== uid || (d.mode & 0o077) !== 0) return null;
    // V8 checks its version and flags, but of the source only the length: a rebuilt bundle of the same length
    // must not meet the old cache, so the build's size and time are in the name.
    const b = statSync(bundlePath);
    return join(dir, `${cachePrefix(bundlePath)}${b.size}-${Math.round(b.mtimeMs * 1000)}.bin`);
  } catch {
    return null;
  }
}

/** The start of the cache file names of one checkout's bundle on this Node version. */
function cachePrefix(bundlePath: string): string {
  return `${fnv1a(bundlePath)}-${process.version}-${process.arch}-`;
}

/** FNV-1a of a string's UTF-16 units, in hex: tells checkouts apart in a file name (node:crypto costs ~2 ms to load). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Whether the bundle exists and was built after the modules (by `npm run build`), so it runs the current code. */
export function isBundleCurrent(bundlePath: string): boolean {
  const built = statSync(bundlePath, { throwIfNoEntry: false });
  const compiled = statSync(join(dirname(bundlePath), "main.js"), { throwIfNoEntry: false });
  return built !== undefined && compiled !== undefined && built.mtimeMs >= compiled.mtimeMs;
}

/** The bundle next to this module (dist/src/cli/main.bundle.cjs). */
export const BUNDLE_PATH = join(dirname(fileURLToPath(import.meta.url)), "main.bundle.cjs");
