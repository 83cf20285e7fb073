// What the HTTP server shows about the running daemon. The daemon implements StatusSource; the server only reads
// it, so the server knows nothing of the runtime or the tailer.

/** One program, as the status page and the self metrics show it. */
export interface ProgramInfo {
  readonly name: string;
  /** A version of the program is running (a failed reload keeps the old one, so this can be true with an error). */
  readonly loaded: boolean;
  /** Its first compile is under way (in the daemon's compile worker): not loaded yet, not failed either. */
  readonly compiling?: boolean;
  /** The last compile error (file:line:col, excerpt, caret), "" when the last load succeeded. */
  readonly lastCompileError: string;
  /** Lines (records) run through the program. */
  readonly lines: number;
  /** Of those, the lines that matched at least one of its patterns (a line regex, a json/logfmt block that parsed). */
  readonly matchedLines?: number;
  readonly runtimeErrors: number;
  readonly lastRuntimeError: string;
  /** When the last runtime error happened (ms since the epoch, 0 or absent if never), on which line of which file. */
  readonly lastRuntimeErrorMs?: number;
  readonly lastRuntimeErrorLine?: string;
  readonly lastRuntimeErrorFile?: string;
  /** When the program last loaded or reloaded, and when the compile error shown failed (ms since the epoch). */
  readonly lastLoadMs?: number;
  readonly lastCompileErrorMs?: number;
  /** Successful loads, reloads included. */
  readonly loads: number;
  readonly compileFailures: number;
  /** Time spent running this program on lines, in seconds, when the runtime measures it. */
  readonly seconds?: number;
  /** Texts its json/logfmt conditions could not parse, per format, when the runtime counts them. */
  readonly parseFailures?: { readonly json: number; readonly logfmt: number };
  /** Statements skipped because a field they read was missing. */
  readonly skippedUpdates?: number;
}

/** One log file being followed. */
export interface LogFileInfo {
  readonly path: string;
  /** Next byte to read. */
  readonly offset: number;
  readonly lines: number;
  readonly bytes: number;
  readonly rotations: number;
  readonly truncations: number;
  /** Lines cut for being longer than --max_line_length. */
  readonly linesCut: number;
  /** Errors opening or reading it. */
  readonly readErrors: number;
  /** The last error reading it, "" if none. */
  readonly error: string;
}

/** One --logs pattern (or plain path) and how many existing files match it now. */
export interface LogPatternInfo {
  readonly pattern: string;
  readonly files: number;
  /** Set when the folder the pattern looks in does not exist. */
  readonly missingFolder?: string;
}

/** Totals over every log source, for the self metrics and the status page. */
export interface TailerTotals {
  readonly linesRead: number;
  readonly bytesRead: number;
  readonly rotations: number;
  readonly truncations: number;
  readonly readErrors: number;
  readonly linesCut: number;
  /** Log files held open (rotated files still draining included). */
  readonly openFiles: number;
  /** What the framing stage did (src/framing/), for sources with a log format or a multi-line rule. */
  readonly framing?: {
    readonly records: number;
    readonly recordsCut: number;
    readonly linesCut: number;
    readonly unrecognised: number;
    readonly idleFlushes: number;
  };
}

/** Remote-write totals, for the self metrics. */
export interface RemoteWriteTotals {
  /** The endpoint, without credentials. */
  readonly url: string;
  readonly samplesSent: number;
  readonly samplesFailed: number;
  readonly samplesDropped: number;
  readonly retries: number;
  readonly queuedSamples: number;
}

/** Everything the server reads about the daemon; called at request time, never per log line. */
export interface StatusSource {
  programs(): readonly ProgramInfo[];
  files(): readonly LogFileInfo[];
  /** The --logs patterns with their current match counts; absent when nothing is tailed. */
  patterns?(): readonly LogPatternInfo[];
  /** Totals of the log tailer; absent when nothing is tailed (one-shot, tests). */
  tailerStats?(): TailerTotals;
  /** Remote-write totals; absent or undefined when remote write is off. */
  remoteWrite?(): RemoteWriteTotals | undefined;
  /** True once programs are loaded and the tailer runs (/metrics waits for it). */
  ready(): boolean;
  /**
   * For /readyz: "" when ready, else why not. Stricter than ready(): a program that has never compiled makes the
   * daemon not ready (it exports none of that program's metrics), though /metrics still answers.
   */
  notReadyReason?(): string;
  /**
   * Resolves once ready() is true. /metrics and /json wait for it (boundedly), so a client that sees its first
   * answer can rely on every log file present at start-up being followed: lines written after that are counted.
   */
  whenReady?(): Promise<void>;
  /** Settings worth showing on the status page, e.g. { progs, logs, version }. */
  settings(): Readonly<Record<string, string>>;
  /** When the daemon started, ms since the epoch. */
  readonly startedMs: number;
}
