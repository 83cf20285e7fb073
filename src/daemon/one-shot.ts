// --one_shot and --compile_only: load every program, read each log from start to end, print the metrics once.
// Wires store, runtime, file reader and exporter like the daemon does, without tailing or HTTP.

import { basename, resolve } from "node:path";
import type { Options } from "./options.js";
import { jsonChunks } from "../exporter/json.js";
import { ExpositionError, StoreExposition } from "../exporter/prometheus-text.js";
import { Store } from "../metrics/store.js";
import { Runtime, compileOnly, listProgramFiles } from "../runtime/index.js";
import { NO_LINE_LIMIT } from "../tailer/line-splitter.js";
import { readFileLines } from "../tailer/read-file.js";
import { describePermissionDenied, isPermissionError } from "../tailer/permission-hint.js";
import { expandLogs } from "./expand-logs.js";
import { newFramingCounters } from "../framing/index.js";
import { framerFactory, planFraming } from "./framing-config.js";
import { createLogger } from "./logger.js";
import { readFile } from "node:fs/promises";

/** The streams the command writes to. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Reads the program files under --progs; a missing folder is reported, not thrown. */
async function programFiles(progs: string, io: CommandIo): Promise<string[] | null> {
  try {
    return await listProgramFiles(progs);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === "ENOENT" ? "no such file or directory" : e.message;
    io.stderr.write(`logtally: cannot read --progs ${progs}: ${why}.\n`);
    return null;
  }
}

/** --compile_only: compiles every program, prints every error, exits 1 if any program fails. */
export async function runCompileOnly(options: Options, io: CommandIo): Promise<number> {
  const files = await programFiles(options.progs, io);
  if (files === null) return 1;
  let failed = 0;
  if (options.dump_js) {
    // Loading into a throwaway runtime gives us the generated source to print.
    const runtime = new Runtime(new Store(), runtimeOptions(options));
    for (const f of files) {
      const r = runtime.load(f, await readFile(f, "utf8"));
      if (!r.ok) {
        failed++;
        io.stderr.write(compileFailure(f, r.diagnostics));
        continue;
      }
      io.stdout.write(`// ${f}\n${runtime.generatedSource(f) ?? ""}\n`);
    }
  } else {
    for (const f of files) {
      const r = compileOnly(f, await readFile(f, "utf8"), runtimeOptions(options));
      if (!r.ok) {
        failed++;
        io.stderr.write(compileFailure(f, r.diagnostics));
      }
    }
  }
  if (files.length === 0) io.stderr.write(`logtally: no *.mtail programs found in ${options.progs}.\n`);
  return failed > 0 ? 1 : 0;
}

/**
 * --one_shot: prints the metrics after reading every log once, exit 0. Follows mtail: a program that fails to
 * compile means exit 1 and no metrics (every program's errors are printed first); a log that cannot be read is
 * reported and skipped. Unlike mtail, a glob matching nothing is reported, and when no log at all could be read the
 * run prints no metrics and exits 1: all-zero metrics from a mistyped --logs looked like a valid, quiet result.
 */
export async function runOneShot(options: Options, io: CommandIo): Promise<number> {
  const files = await programFiles(options.progs, io);
  if (files === null) return 1;
  // Made on the first runtime error only: most one-shot runs log nothing, and loading pino costs start-up time.
  let log: ReturnType<typeof createLogger> | undefined;
  const logInfo = (o: object, m: string): void => (log ??= createLogger(options.log_level, io.stderr)).info(o, m);
  const store = new Store({
    maxSeriesPerMetric: options.max_series_per_metric,
    onSeriesDropped: (m) =>
      logInfo({ prog: m.program, metric: m.name, budget: m.seriesBudget }, `Metric "${m.name}" of ${m.program} reached --max_series_per_metric; updates to new series are dropped.`),
  });
  let runtime: Runtime;
  try {
    runtime = new Runtime(store, {
      ...runtimeOptions(options),
      // Runtime errors go to the log; compile failures are printed below in mtail's form instead.
      logger: options.vm_logs_runtime_errors ? { info: logInfo, warn: () => {} } : undefined,
    });
  } catch (err) {
    io.stderr.write(`logtally: ${(err as Error).message}\n`);
    return 2;
  }
  let failed = 0;
  for (const f of files) {
    const r = runtime.load(f, await readFile(f, "utf8"));
    if (!r.ok) {
      failed++;
      io.stderr.write(compileFailure(f, r.diagnostics));
    } else if (options.dump_js) {
      // stderr, so the metrics on stdout stay machine-readable.
      io.stderr.write(`// ${f}\n${runtime.generatedSource(f) ?? ""}\n`);
    }
  }
  if (failed > 0) return 1;

  // Settings were checked when the options were read; no idle timeout here: each file's last record ends at its EOF.
  const plan = planFraming(options, NO_LINE_LIMIT);
  const framerFor = plan.any ? framerFactory(plan, runtime.processRecord, newFramingCounters()) : () => undefined;
  const seen = new Set<string>();
  let read = 0;
  for (const pattern of await expandLogs(plan.logs)) {
    if (pattern.isGlob && pattern.files.length === 0) io.stderr.write(`logtally: --logs ${pattern.pattern} matches no file.\n`);
    for (const logPath of pattern.files) {
      // mtail reads a log named twice only once.
      const abs = resolve(logPath);
      if (seen.has(abs)) continue;
      seen.add(abs);
      try {
        // Lines are cut only when --max_line_length is set: mtail rc50 keeps a 1.1 MB line whole, and one-shot reads
        // files the user named, where matching mtail matters more than bounding memory.
        await readFileLines(logPath, runtime.processLine, {
          maxLineLength: options.max_line_length > 0 ? options.max_line_length : NO_LINE_LIMIT,
          framer: framerFor(abs),
        });
        read++;
      } catch (err) {
        const why = isPermissionError(err) ? describePermissionDenied(abs) : `cannot read log ${logPath}: ${(err as Error).message}`;
        io.stderr.write(`logtally: ${why}\n`);
      }
    }
  }
  if (read === 0) {
    const given = plan.logs.length === 0 ? "no --logs given" : `--logs ${plan.logs.join(",")}`;
    io.stderr.write(`logtally: no log file was read (${given}), so no metrics are printed.\n`);
    return 1;
  }

  // Both formats go out in chunks, never as one string: 200k series are 15 MB of text, 35 MB of JSON.
  let chunks: Iterable<string>;
  if (options.one_shot_format === "prometheus" || options.one_shot_format === "openmetrics") {
    try {
      const exposition = new StoreExposition(store, { emitProgLabel: options.emit_prog_label, emitTimestamp: options.emit_metric_timestamp });
      chunks = options.one_shot_format === "prometheus" ? exposition.chunks("prometheus") : openMetricsChunks(exposition);
    } catch (err) {
      if (!(err instanceof ExpositionError)) throw err;
      io.stderr.write(`logtally: cannot export the metrics: ${err.message}\n`);
      return 1;
    }
  } else {
    chunks = jsonChunks(store);
  }
  for (const chunk of chunks) await writeAll(io.stdout, chunk);
  return 0;
}

/** OpenMetrics text ends with `# EOF`. */
function* openMetricsChunks(exposition: StoreExposition): Generator<string, void, undefined> {
  yield* exposition.chunks("openmetrics");
  yield "# EOF\n";
}

function runtimeOptions(options: Options) {
  return {
    overrideTimezone: options.override_timezone,
    syslogUseCurrentYear: options.syslog_use_current_year,
    maxRegexpLength: options.max_regexp_length,
    maxRecursionDepth: options.max_recursion_depth,
  };
}

/** The diagnostics of a program that failed to compile, as mtail prints them. */
export function compileFailure(file: string, diagnostics: string): string {
  const text = diagnostics.endsWith("\n") ? diagnostics : diagnostics + "\n";
  return `compile failed for ${basename(file)}:\n${text}`;
}

/** Writes `text` and waits until the stream has taken it (large expositions to a pipe). */
function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolveWrite, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolveWrite()));
  });
}
