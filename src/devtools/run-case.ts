// Runs one compiled program alone on one log, as `--one_shot --one_shot_format=prometheus --emit_prog_label=false`
// does: a fresh store and runtime, the file read by the tailer's one-shot reader, the store printed by the
// Prometheus text exporter. Runtime errors are collected (with the line number) instead of logged.

import type { CompiledProgram } from "../compiler/compile.js";
import type { FramerFactory, RecordHandler } from "../logline.js";
import { ExpositionError, StoreExposition } from "../exporter/prometheus-text.js";
import { Store } from "../metrics/store.js";
import { Runtime } from "../runtime/index.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { LineSplitter } from "../tailer/index.js";
import { TraceRecorder } from "./trace-recorder.js";

/** Flags a case may set in its CASE.yaml (the flags of the same names). */
export interface CaseSettings {
  overrideTimezone?: string;
  syslogUseCurrentYear?: boolean;
  /** Bytes; lines longer are cut (default: no limit, as in one-shot mode). */
  maxLineLength?: number;
  /**
   * The case's framing (log_format, multiline*: src/framing/), built by the CLI as the one-shot builds it: given
   * where records go, the framer factory of the log. Absent: every line is a record.
   */
  framing?: (onRecord: RecordHandler) => FramerFactory;
}

/** What a program did with a case's log. */
export interface CaseRun {
  /** The Prometheus text, or null when it could not be exported (see `failure`). */
  text: string | null;
  /** Why the case could not run at all (unreadable log, unknown time zone, an exposition error). */
  failure: string | null;
  runtimeErrors: number;
  /** The first few runtime errors: `LOG:LINE: message`. */
  errorSamples: string[];
  /** With a traced program: lines no regex matched, as [line number, text]. */
  unmatched: Array<[number, string]> | null;
}

/** How many runtime errors a case lists before it only counts them. */
const ERROR_SAMPLES = 3;

/**
 * Runs `program` on the log at `logPath`. With `traced` (the same program compiled with `trace`), also lists the
 * lines no pattern matched.
 */
export async function runCase(program: CompiledProgram, logPath: string, settings: CaseSettings, traced: boolean): Promise<CaseRun> {
  const store = new Store();
  const errorSamples: string[] = [];
  let lineNo = 0;
  const recorder = traced ? new TraceRecorder() : null;
  let runtime: Runtime;
  try {
    runtime = new Runtime(store, {
      overrideTimezone: settings.overrideTimezone,
      syslogUseCurrentYear: settings.syslogUseCurrentYear,
      errorLogIntervalMs: 0,
      logger: {
        info: (o: object) => {
          if (errorSamples.length < ERROR_SAMPLES) errorSamples.push(`${logPath}:${lineNo}: ${String((o as { err?: unknown }).err)}`);
        },
        warn: () => {},
      },
      tracer: recorder?.tracerFor,
    });
  } catch (err) {
    return failed(`${(err as Error).message}`);
  }
  const loaded = runtime.loadCompiled(program);
  if (!loaded.ok) return failed(loaded.diagnostics);
  const unmatched: Array<[number, string]> = [];
  /** Runs one record (a line, or a framed record) through the runtime, noting what --unmatched needs. */
  const onRecord: RecordHandler = (text, filename, stream, timeMs) => {
    lineNo++;
    if (recorder === null) {
      runtime.processRecord(text, filename, stream, timeMs);
      return;
    }
    recorder.currentLine = text;
    runtime.processRecord(text, filename, stream, timeMs);
    if (!recorder.matchedAny) unmatched.push([lineNo, text]);
    recorder.take();
  };
  // A case's log is small: read whole and split by the tailer's splitter (the one-shot reader's double 1 MiB
  // buffers per file cost more than the case itself: 100 cases, 1.20 -> 0.95 s of CPU).
  let bytes: Buffer;
  try {
    bytes = readFileSync(logPath);
  } catch (err) {
    return failed(`cannot read ${logPath}: ${(err as Error).message}`);
  }
  const filename = resolve(logPath);
  const framer = settings.framing?.(onRecord)(filename);
  const onLine = (text: string, name: string): void => onRecord(text, name, "", NaN);
  const splitter = new LineSplitter(framer?.onLine ?? onLine, filename, settings.maxLineLength ?? Infinity, framer?.wantsBytes, framer?.onAsciiLine);
  splitter.push(bytes);
  splitter.flush();
  framer?.flush();
  const status = runtime.programs().find((p) => p.name === program.name);
  let text: string;
  try {
    text = [...new StoreExposition(store, { emitProgLabel: false }).chunks("prometheus")].join("");
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw err;
    return failed(`cannot export the metrics: ${err.message}`);
  }
  return { text, failure: null, runtimeErrors: status?.runtimeErrors ?? 0, errorSamples, unmatched: recorder === null ? null : unmatched };
}

function failed(failure: string): CaseRun {
  return { text: null, failure, runtimeErrors: 0, errorSamples: [], unmatched: null };
}
