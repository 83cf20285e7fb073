// The state stage: snapshots of positions + series values, written atomically and restored at start.
export { takeSnapshot, seriesCount, type Snapshot, type SavedMetric, type SavedDeclaration } from "./snapshot.js";
export { restoreSnapshot, type RestoreReport } from "./restore.js";
export { StateFile, STATE_FILE, type LoadResult } from "./state-file.js";
export { encodeSnapshot, decodeSnapshot, SnapshotError, FORMAT_VERSION } from "./format.js";
