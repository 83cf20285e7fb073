// File-system lookups around a log path: the file a saved position belongs to, the copy copytruncate made, and
// small synchronous reads. Used by the Tailer; depends on nothing but node:fs and the tailer's own helpers.
import { closeSync, openSync, readdirSync, readSync, statSync, type Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { HEAD_BYTES, identityOf } from "./file-stream.js";
import { contentMatches, type SavedPosition } from "./positions.js";

/** The file a saved position belongs to: at its path, or renamed next to it (x.log.1, x.log-2024...). */
export async function findSavedFile(saved: SavedPosition): Promise<{ path: string; identity: string } | undefined> {
  const candidates = [saved.path];
  try {
    const dir = dirname(saved.path);
    const base = basename(saved.path);
    for (const e of (await readdir(dir)).sort()) if (e !== base && e.startsWith(base)) candidates.push(join(dir, e));
  } catch {
    // the directory is gone: nothing to find
  }
  const identity = `${saved.dev}:${saved.ino}`;
  let byContent: { path: string; identity: string } | undefined;
  for (const path of candidates) {
    let st: Stats;
    try {
      st = await stat(path);
    } catch {
      continue;
    }
    if (!st.isFile() || st.size < saved.offset) continue;
    if (!tryRead(() => contentMatches(path, saved))) continue;
    if (identityOf(st) === identity) return { path, identity };
    // Same bytes, another inode: a copy (copytruncate's x.log.1). Used when the original inode is not found.
    byContent ??= { path, identity: identityOf(st) };
  }
  return byContent;
}

/** Whether `path` is a directory now. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The result of a synchronous read, or undefined when it failed (the file vanished or cannot be read). */
export function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * A file next to `path` whose name starts with its name (x.log.1, x.log-20240101) and whose bytes before `offset`
 * equal `tail`: the copy copytruncate made. Synchronous: one directory listing and a 64-byte read per candidate.
 */
export function findCopy(path: string, offset: number, tail: Buffer, skip: (identity: string) => boolean): { path: string; identity: string } | undefined {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const probe = Buffer.alloc(tail.length);
  for (const name of names.sort()) {
    if (name === base || !name.startsWith(base)) continue;
    const candidate = join(dir, name);
    try {
      const st = statSync(candidate);
      if (!st.isFile() || st.size < offset || skip(identityOf(st))) continue;
      const fd = openSync(candidate, "r");
      try {
        const n = readSync(fd, probe, 0, tail.length, offset - tail.length);
        if (n === tail.length && probe.equals(tail)) return { path: candidate, identity: identityOf(st) };
      } finally {
        closeSync(fd);
      }
    } catch {
      // vanished or unreadable: not the copy
    }
  }
  return undefined;
}

/** The first HEAD_BYTES bytes of `path` (fewer if it is shorter). */
export function readHead(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    return head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}
