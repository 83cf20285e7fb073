// The tailer's public surface: one-shot reading, the follower and its status types. The daemon imports from here.
export { readFileLines, type ReadFileOptions, type ReadFileResult } from "./read-file.js";
export { LineSplitter, DEFAULT_MAX_LINE_LENGTH } from "./line-splitter.js";
export { Tailer } from "./tailer.js";
export type { FileStatus, PatternStatus, TailerLogger, TailerOptions, TailerStats } from "./types.js";
export { describePermissionDenied, isPermissionError } from "./permission-hint.js";
