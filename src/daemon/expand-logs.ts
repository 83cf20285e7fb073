// Expands --logs globs for one-shot reading (the tailer does its own discovery while following): the files that
// match now, sorted like Go's filepath.Glob, as mtail's one-shot reads them.

import { readdir } from "node:fs/promises";
import path from "node:path";
import { compileGlob } from "../tailer/glob.js";

/** One --logs entry and the paths it stands for. */
export interface ExpandedPattern {
  /** As given on the command line or in the config file. */
  pattern: string;
  /** Whether it has wildcards; a plain path stands for itself whether or not it exists. */
  isGlob: boolean;
  /** The plain path, or the glob's matches sorted. */
  files: string[];
}

/** Each of `logs` with the paths to read for it: plain paths as given, each glob replaced by its sorted matches. */
export async function expandLogs(logs: readonly string[]): Promise<ExpandedPattern[]> {
  const out: ExpandedPattern[] = [];
  for (const log of logs) {
    const g = compileGlob(log);
    if (!g.isGlob) {
      out.push({ pattern: log, isGlob: false, files: [log] });
      continue;
    }
    const matches: string[] = [];
    await walk(g.base, g.depth, (file) => {
      if (g.regex.test(file)) matches.push(file);
    });
    out.push({ pattern: log, isGlob: true, files: matches.sort() });
  }
  return out;
}

async function walk(dir: string, depth: number, onFile: (file: string) => void): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // A missing or unreadable folder matches nothing, as with Go's Glob.
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth > 0) await walk(full, depth - 1, onFile);
    } else {
      onFile(full);
    }
  }
}
