// The subcommands `logtally test` and `logtally explain`: their argv (Go-style flags from SUBCOMMAND_FLAGS, the rest
// positional) -> devtools options. CASE.yaml files are read with the config-file reader, so a case sets any flag the
// runtime takes under the flag's own name.

import type { Writable } from "node:stream";
import { FLAGS, SUBCOMMAND_FLAGS, defaultOptions, type FlagDef, type Options } from "./flag-table.js";
import { FramingConfigError, framerFactory, planFraming, type FramingPlan } from "../daemon/framing-config.js";
import { newFramingCounters } from "../framing/index.js";
import type { RecordHandler } from "../logline.js";
import { UsageError, convertValue } from "./flags.js";
import { loadConfigFile } from "./config.js";
import { runExplain, runTests, type CaseSettings } from "../devtools/index.js";

interface SubcommandIo {
  stdout: Writable;
  stderr: Writable;
}

type Subcommand = keyof typeof SUBCOMMAND_FLAGS;

/** Flags of a case's CASE.yaml that mean something for one program on one log (others are refused). */
const CASE_FLAGS = new Set([
  "override_timezone",
  "syslog_use_current_year",
  "max_line_length",
  "log_format",
  "multiline",
  "multiline_start",
  "multiline_continue",
  "multiline_max_lines",
]);

/** Runs `logtally test ARGS` or `logtally explain ARGS`; resolves to the exit code. */
export async function runSubcommand(name: Subcommand, argv: readonly string[], io: SubcommandIo): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseSubcommandArgv(name, argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`logtally ${name}: ${err.message}\n`);
    return 2;
  }
  const f = parsed.flags;
  if (f.help === true) {
    io.stdout.write(renderSubcommandHelp(name));
    return 0;
  }
  const settings: CaseSettings = {
    overrideTimezone: f.override_timezone as string | undefined,
    syslogUseCurrentYear: f.syslog_use_current_year as boolean | undefined,
    maxLineLength: (f.max_line_length as number | undefined) || undefined,
  };
  const maxRegexpLength = f.max_regexp_length as number | undefined;
  const out = (s: string): void => void io.stdout.write(s.endsWith("\n") ? s : s + "\n");
  const err = (s: string): void => void io.stderr.write(s + "\n");
  if (name === "test") {
    const progs = f.progs as string | undefined;
    const paths = parsed.positional.length > 0 ? parsed.positional : [progs !== undefined && progs !== "" ? progs : "programs"];
    return runTests(
      { paths, update: f.update === true, unmatched: f.unmatched === true, maxRegexpLength, defaults: settings, loadCaseSettings },
      { out, err },
    );
  }
  const progs = f.progs as string | undefined;
  if (progs === undefined || progs === "") {
    err("logtally explain: no programs given; use --progs DIR (or a single NAME.mtail).");
    return 2;
  }
  const logs = (f.logs as string[] | undefined) ?? [];
  if (logs.length === 0 && parsed.positional.length === 0) {
    err('logtally explain: no lines to explain; give --logs FILE or the lines as arguments (logtally explain --progs DIR -- "LINE").');
    return 2;
  }
  // --log_format and --multiline* frame the --logs files as the one-shot frames them.
  let plan: FramingPlan;
  try {
    plan = planFraming({ ...defaultOptions(), ...(f as Partial<Options>) }, Infinity);
  } catch (e) {
    if (!(e instanceof FramingConfigError)) throw e;
    err(`logtally explain: ${e.message}`);
    return 2;
  }
  if (plan.any) settings.framing = (onRecord: RecordHandler) => framerFactory(plan, onRecord, newFramingCounters());
  return runExplain({ progs, logs, lines: parsed.positional, json: f.json === true, maxRegexpLength, settings }, { out, err });
}

/** Reads a CASE.yaml: flag names as keys (as in --config), only those that apply to a test case. */
async function loadCaseSettings(file: string): Promise<CaseSettings> {
  const o = await loadConfigFile(file);
  for (const key of Object.keys(o)) {
    if (!CASE_FLAGS.has(key)) {
      throw new UsageError(`${file}: key "${key}" does not apply to a test case; a case may set ${[...CASE_FLAGS].join(", ")}.`);
    }
  }
  // Framing is planned as the one-shot plans it (no idle timeout: the log's last record ends at its end).
  let plan: FramingPlan;
  try {
    plan = planFraming({ ...defaultOptions(), ...o }, Infinity);
  } catch (err) {
    if (!(err instanceof FramingConfigError)) throw err;
    throw new UsageError(`${file}: ${err.message}`);
  }
  return {
    ...(o.override_timezone !== undefined ? { overrideTimezone: o.override_timezone } : {}),
    ...(o.syslog_use_current_year !== undefined ? { syslogUseCurrentYear: o.syslog_use_current_year } : {}),
    ...(o.max_line_length !== undefined && o.max_line_length > 0 ? { maxLineLength: o.max_line_length } : {}),
    ...(plan.any ? { framing: (onRecord: RecordHandler) => framerFactory(plan, onRecord, newFramingCounters()) } : {}),
  };
}

interface ParsedArgs {
  flags: Record<string, unknown>;
  positional: string[];
}

function flagsOf(name: Subcommand): Map<string, FlagDef> {
  const spec = SUBCOMMAND_FLAGS[name];
  const defs = new Map<string, FlagDef>();
  for (const shared of spec.shares) defs.set(shared, FLAGS.find((f) => f.name === shared) as FlagDef);
  for (const own of spec.own) defs.set(own.name, own);
  defs.set("help", { name: "help", type: "bool", default: false, description: "Print this help and exit." });
  return defs;
}

/** Go-style flags (`-x v`, `--x=v`, `--x`), anything else positional; `--` ends the flags. */
export function parseSubcommandArgv(name: Subcommand, argv: readonly string[]): ParsedArgs {
  const defs = flagsOf(name);
  const flags: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const key = (eq < 0 ? body : body.slice(0, eq)).replace(/-/g, "_");
    const flag = defs.get(key);
    if (flag === undefined) {
      throw new UsageError(`unknown flag -${key}. Flags of logtally ${name}: ${[...defs.keys()].map((k) => `--${k}`).join(", ")}. A line starting with - goes after --.`);
    }
    let text: string;
    if (eq >= 0) text = body.slice(eq + 1);
    else if (flag.type === "bool") text = "true";
    else if (i + 1 < argv.length) text = argv[++i] as string;
    else throw new UsageError(`flag --${key} needs a value.`);
    const value = convertValue(flag, text, `flag --${key}`);
    flags[key] = flag.type === "list" ? [...((flags[key] as string[] | undefined) ?? []), ...(value as string[])] : value;
  }
  return { flags, positional };
}

/** `logtally test --help` / `logtally explain --help`. */
export function renderSubcommandHelp(name: Subcommand): string {
  const out = [`Usage: ${SUBCOMMAND_FLAGS[name].usage}`, "", "Flags:"];
  for (const f of flagsOf(name).values()) {
    out.push(`  --${f.name}${f.type === "bool" ? "" : ` ${f.type}`}`, `        ${f.description}`);
  }
  return out.join("\n") + "\n";
}
