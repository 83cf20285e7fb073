// Saved read positions (--state_dir): load, save atomically, and recognise a file again after a restart by its
// device+inode, a fingerprint of its first bytes and the bytes just before the saved offset.
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { mkdir, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Bytes hashed for a file's fingerprint (fewer when the file is shorter). */
export const FINGERPRINT_BYTES = 1024;
/** Bytes before the offset saved with a position (compared on resume). */
export const TAIL_BYTES = 64;
const STATE_FILE = "logtally-positions.json";
let saveSequence = 0;

/** One saved position. */
export interface SavedPosition {
  /** Path the lines were delivered under. */
  path: string;
  dev: number;
  ino: number;
  /** Every line before this offset was delivered. */
  offset: number;
  /** sha256 (hex) of the first `fingerprintLength` bytes. */
  fingerprint: string;
  fingerprintLength: number;
  /** The `min(64, offset)` bytes before `offset`, base64. */
  tail: string;
}

/** The state file's content. */
export interface SavedState {
  version: 1;
  savedAtMs: number;
  files: SavedPosition[];
}

/** Reads the state of `stateDir`; undefined when there is none yet. Throws on a corrupt file, saying which. */
export async function loadPositions(stateDir: string): Promise<SavedState | undefined> {
  const path = join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const state = JSON.parse(text) as SavedState;
  if (state?.version !== 1 || !Array.isArray(state.files) || !state.files.every(isSavedPosition)) {
    throw new Error(`Unrecognised positions file "${path}": delete it to start from the end of each log.`);
  }
  return state;
}

/** Whether `x` has every field of a SavedPosition with the right type (a saved file is input like any other). */
export function isSavedPosition(x: unknown): x is SavedPosition {
  if (typeof x !== "object" || x === null) return false;
  const p = x as Record<string, unknown>;
  return (
    typeof p.path === "string" &&
    p.path !== "" &&
    Number.isSafeInteger(p.dev) &&
    Number.isSafeInteger(p.ino) &&
    Number.isSafeInteger(p.offset) &&
    (p.offset as number) >= 0 &&
    typeof p.fingerprint === "string" &&
    Number.isSafeInteger(p.fingerprintLength) &&
    typeof p.tail === "string"
  );
}

/** Writes the state to a temporary file, syncs it and renames it over the old one, so a crash never leaves half. */
export async function savePositions(stateDir: string, state: SavedState): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, STATE_FILE);
  // Unique per call: a periodic save and the one at stop may overlap.
  const tmp = `${path}.${process.pid}.${++saveSequence}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(state));
    const fh = await open(tmp, "r+");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    // A full disk or a read-only folder must not leave a temporary file behind at every try.
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** What a file looks like now, to compare with a saved position. */
export interface FileSignature {
  fingerprint: string;
  fingerprintLength: number;
  tail: string;
}

/** Reads the fingerprint of `path` and the bytes before `offset`. Throws the fs error if it cannot. */
export function readSignature(path: string, offset: number, fingerprintLength = FINGERPRINT_BYTES): FileSignature {
  const fd = openSync(path, "r");
  try {
    return readSignatureFd(fd, offset, fingerprintLength);
  } finally {
    closeSync(fd);
  }
}

/**
 * Like {@link readSignature} on an open descriptor (whose file may no longer have a name, or whose name may belong
 * to another file by now). Synchronous: at most 1 KiB + 64 bytes of a local file.
 */
export function readSignatureFd(fd: number, offset: number, fingerprintLength = FINGERPRINT_BYTES): FileSignature {
  const head = Buffer.alloc(fingerprintLength);
  const headLength = fingerprintLength > 0 ? readSync(fd, head, 0, fingerprintLength, 0) : 0;
  const tailLength = Math.min(TAIL_BYTES, offset);
  const tail = Buffer.alloc(tailLength);
  const tailRead = tailLength > 0 ? readSync(fd, tail, 0, tailLength, offset - tailLength) : 0;
  return {
    fingerprint: hash(head.subarray(0, headLength)),
    fingerprintLength: headLength,
    tail: tail.subarray(0, tailRead).toString("base64"),
  };
}

/** Whether the file at `path` (of at least `saved.offset` bytes) is the one `saved` describes, by content. */
export function contentMatches(path: string, saved: SavedPosition): boolean {
  const now = readSignature(path, saved.offset, saved.fingerprintLength);
  return (
    now.fingerprintLength === saved.fingerprintLength && now.fingerprint === saved.fingerprint && now.tail === saved.tail
  );
}

function hash(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}
