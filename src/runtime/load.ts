// Loads programs from a path: every *.mtail file of a directory (sorted by name), or a single file.
// Returns one result per file so callers (one-shot, daemon, --compile_only) can report every error.

import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { LoadResult } from "./runtime.js";

/** One program file read from disk and what loading it gave. */
export interface ProgramFileResult {
  path: string;
  result: LoadResult;
}

/** The *.mtail files in `path` (a directory, not recursive, no dotfiles), or `path` itself when it is a file. */
export async function listProgramFiles(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  // As mtail: regular *.mtail files directly in the folder; dotfiles and subfolders are skipped.
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory() && e.name.endsWith(".mtail") && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort()
    .map((n) => join(path, n));
}

/** Reads each program file under `path` and hands it to `load` (e.g. runtime.load or compileOnly). */
export async function loadProgramsFromPath(
  path: string,
  load: (name: string, source: string) => LoadResult,
): Promise<ProgramFileResult[]> {
  const files = await listProgramFiles(path);
  const results: ProgramFileResult[] = [];
  for (const f of files) {
    const source = await readFile(f, "utf8");
    results.push({ path: f, result: load(f, source) });
  }
  return results;
}
