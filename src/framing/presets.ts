// Multi-line presets: small state machines for the records languages print over many lines. Each says of a line
// whether it begins a record or continues the one held, from the line and what the record held so far.
// Imports nothing of ours outside framing.

import { verdict } from "./multiline.js";
import { LineAction, type LineRule } from "./types.js";

const { Start, Continue, Tentative } = { Start: LineAction.Start, Continue: LineAction.Continue, Tentative: LineAction.Tentative };

const BLANK = /^\s*$/;

// The presets look at the first character before any regex: most lines of a log begin a record (a timestamp, a
// letter), and two character reads decide them. Measured on the python bench workload (1M lines): the regex-first
// version cost ~0.1 s more CPU.
function isIndented(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 32 || c === 9;
}

/**
 * Whether a record reads like the log line of an error (`logger.exception`, `log.error("...", e)`): a traceback or
 * an exception right after it belongs to it. After any other line (an INFO line, a plain print) it is a record of
 * its own, as an uncaught exception printed by the runtime is.
 */
const ERROR_LINE = /ERROR|CRITICAL|FATAL|SEVERE|WARN|EXCEPTION|[Ee]rror|[Ee]xception|[Ff]ail|[Cc]rash|[Pp]anic/;

/** Blank: empty, or only white space (which starts with white space, so the regex runs only for those). */
function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  return (c === 32 || c === 9 || c === 12 || c === 11) && BLANK.test(line);
}

// ---- Python

/** The record is a log line (or several) with no traceback yet. */
const PY_PLAIN = 0;
/** Inside a traceback: after its header, in its frames. */
const PY_FRAMES = 1;
/** After the exception line that ends a traceback. */
const PY_RAISED = 2;
/** After "During handling of the above exception..." or "The above exception was the direct cause...". */
const PY_CHAINED = 3;

const PY_HEADER = /^(?:Traceback|Stack) \(most recent call last\):/;
const PY_CHAIN = /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)/;

/**
 * Python: a traceback (and any chain of them) belongs to the log line before it when that line reads like an error
 * (ERROR, CRITICAL, WARNING, "exception", "failed"...), as `logger.exception` writes them; after any other line it
 * is a record of its own (an uncaught exception printed by the interpreter). Indented lines continue a record;
 * the first unindented line of a traceback after its frames is the
 * exception. A traceback right after another complete one begins a record of its own, and blank lines between
 * chained tracebacks belong to the record only if the chain goes on.
 */
export const pythonRule: LineRule = {
  classify(line, state, held) {
    if (isBlank(line)) {
      if (state === PY_FRAMES) return verdict(Continue, state);
      return state === PY_RAISED || state === PY_CHAINED ? verdict(Tentative, state) : verdict(Start, PY_PLAIN);
    }
    const c = line.charCodeAt(0);
    if (c === 32 || c === 9) return verdict(Continue, state);
    // Headers begin with T(raceback), S(tack), D(uring) or T(he above): other first letters skip both regexes.
    if (c === 84 /* T */ || c === 83 /* S */) {
      if (PY_HEADER.test(line)) {
        const joins = state === PY_FRAMES || state === PY_CHAINED || (state === PY_PLAIN && ERROR_LINE.test(held));
        return verdict(joins ? Continue : Start, PY_FRAMES);
      }
    }
    if ((c === 68 /* D */ || c === 84) && PY_CHAIN.test(line)) {
      if (state === PY_RAISED) return verdict(Continue, PY_CHAINED);
      return state === PY_FRAMES ? verdict(Continue, state) : verdict(Start, PY_PLAIN);
    }
    if (state === PY_FRAMES) return verdict(Continue, PY_RAISED);
    return verdict(Start, PY_PLAIN);
  },
};

// ---- Java (and other JVM languages, and V8's "    at" stacks)

const JAVA_PLAIN = 0;
/** The record holds an exception or its frames. */
const JAVA_TRACE = 1;

const JAVA_EXCEPTION = /^(?:[\w$]+\.)*[\w$]*(?:Exception|Error|Throwable)(?::|$)/;
const JAVA_CAUSE = /^(?:Caused by: |Suppressed: |\.\.\. \d+ (?:more|common frames omitted))/;
const JAVA_FRAME = /^\s+(?:at |\.\.\. \d+ )/;

/**
 * Java: an exception line (`java.lang.IllegalStateException: boom`) belongs to the log line before it when that
 * line reads like an error (as logback and log4j print `log.error("...", e)`), and so do its `\tat` frames,
 * `Caused by:` and `Suppressed:` causes and
 * `... N more` lines. An exception after a complete trace, or `Exception in thread "..."`, begins a record.
 */
export const javaRule: LineRule = {
  classify(line, state, held) {
    if (isBlank(line)) return state === JAVA_TRACE ? verdict(Tentative, state) : verdict(Start, JAVA_PLAIN);
    if (isIndented(line)) return verdict(Continue, JAVA_FRAME.test(line) ? JAVA_TRACE : state);
    if (JAVA_CAUSE.test(line)) return verdict(Continue, JAVA_TRACE);
    if (line.startsWith("Exception in thread ")) return verdict(Start, JAVA_TRACE);
    if (JAVA_EXCEPTION.test(line)) return verdict(state === JAVA_PLAIN && ERROR_LINE.test(held) ? Continue : Start, JAVA_TRACE);
    return verdict(Start, JAVA_PLAIN);
  },
};

// ---- Go

const GO_PLAIN = 0;
/** Inside a panic, fatal error or goroutine dump. */
const GO_DUMP = 1;

const GO_BEGIN = /^(?:panic: |fatal error: |SIG[A-Z]+: |goroutine \d+ )/;
const GO_DUMP_LINE =
  /^(?:goroutine \d+ |fatal error: |runtime: |created by |\[signal |\[recovered\]|exit status \d+$|PC=|\.\.\.additional frames elided\.\.\.|[^\s(]+\(.*\)(?: \+0x[0-9a-f]+)?$|[a-z0-9]{2,6} +0x[0-9a-f]+$)/;

/**
 * Go: `panic:`, `fatal error:`, `SIGQUIT: quit` and the like begin a dump that goes on through its goroutine
 * headers, function lines (unindented), tab-indented file lines, `created by` lines and the blank lines between
 * goroutines; the first other line ends it. Outside a dump, indented lines continue a record.
 */
export const goRule: LineRule = {
  classify(line, state) {
    if (isBlank(line)) return state === GO_DUMP ? verdict(Tentative, state) : verdict(Start, GO_PLAIN);
    if (isIndented(line)) return verdict(Continue, state);
    if (state === GO_DUMP && GO_DUMP_LINE.test(line)) return verdict(Continue, state);
    if (GO_BEGIN.test(line)) return verdict(Start, GO_DUMP);
    return verdict(Start, GO_PLAIN);
  },
};

/** The presets by name (--multiline=NAME). */
export const PRESETS: Readonly<Record<string, LineRule>> = { python: pythonRule, java: javaRule, go: goRule };

/** Names of the presets, for messages. */
export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);
