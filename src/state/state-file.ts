// The snapshot on disk in --state_dir: checked writable at start, written atomically (temporary file, fsync,
// rename, fsync of the folder) so a crash at any moment leaves the previous snapshot or the new one whole, and
// read back at start. A file that cannot be used is reported, moved aside for inspection, and never fatal.

import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SnapshotError, decodeSnapshot, encodeSnapshot } from "./format.js";
import type { Snapshot } from "./snapshot.js";

/** The snapshot's file name in the state folder. */
export const STATE_FILE = "logtally-state.ndjson";

/** What load() found. */
export type LoadResult =
  | { readonly kind: "none" }
  | { readonly kind: "ok"; readonly snapshot: Snapshot; readonly bytes: number }
  /** Unusable: `reason` says why, `keptAs` is where the file was moved (undefined if it could not be moved). */
  | { readonly kind: "unusable"; readonly reason: string; readonly keptAs: string | undefined };

let sequence = 0;

/** One state folder. */
export class StateFile {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, STATE_FILE);
  }

  /**
   * Creates the folder if needed, removes temporary files a crash left behind, and proves the folder writable by
   * writing, syncing and removing a file: a read-only or full folder is found now, not at the first save.
   * @throws Error naming the folder and the reason
   */
  async prepare(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      for (const e of await readdir(this.dir)) {
        if (e.startsWith(`${STATE_FILE}.`) && e.endsWith(".tmp")) await unlink(join(this.dir, e)).catch(() => undefined);
      }
      const probe = this.tmpPath();
      try {
        const fh = await open(probe, "w");
        try {
          await fh.write("probe\n");
          await fh.sync();
        } finally {
          await fh.close();
        }
      } finally {
        await unlink(probe).catch(() => undefined);
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === "EROFS" ? "it is on a read-only file system" : e.code === "EACCES" ? "permission denied" : e.code === "ENOSPC" ? "the disk is full" : e.message;
      throw new Error(`cannot write to --state_dir ${this.dir}: ${why}.`);
    }
  }

  /** Reads the snapshot. Never throws for a bad file: it is moved aside and reported as unusable. */
  async load(): Promise<LoadResult> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "none" };
      return { kind: "unusable", reason: (err as Error).message, keptAs: undefined };
    }
    try {
      return { kind: "ok", snapshot: decodeSnapshot(text), bytes: Buffer.byteLength(text) };
    } catch (err) {
      if (!(err instanceof SnapshotError)) throw err;
      const keptAs = `${this.path}.unusable-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      const moved = await rename(this.path, keptAs).then(
        () => true,
        () => false,
      );
      return { kind: "unusable", reason: err.message, keptAs: moved ? keptAs : undefined };
    }
  }

  /**
   * Writes the snapshot atomically; resolves with its size in bytes. The encoding runs chunk by chunk with the
   * disk writes in between, so the event loop (and the line loop) is never held for the whole file.
   * On failure the temporary file is removed and the previous snapshot stays in place.
   */
  async save(snapshot: Snapshot): Promise<number> {
    const tmp = this.tmpPath();
    let bytes = 0;
    try {
      const fh = await open(tmp, "w");
      try {
        for (const chunk of encodeSnapshot(snapshot)) {
          const b = Buffer.from(chunk);
          await fh.write(b);
          bytes += b.length;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await syncDir(this.dir);
    return bytes;
  }

  private tmpPath(): string {
    return `${this.path}.${process.pid}.${++sequence}.tmp`;
  }
}

// The rename is durable only once the folder's entry is on disk.
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
