// Go-style command-line parsing driven by the flag table: `-progs x`, `--progs=x`, `--progs x`, booleans as
// `--one_shot` or `--emit_prog_label=false`, durations like `250ms`, repeatable comma-separated --logs.
// Also renders --help from the same table.

import { FramingConfigError, planFraming } from "../daemon/framing-config.js";
import { FLAGS, type FlagDef, type Options, closestFlag, findFlag, formatDuration, parseDuration } from "./flag-table.js";

/** A mistake in the command line or config file: printed to the user with the usage hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Converts one textual value to the flag's type; `where` names its origin for the error message. */
export function convertValue(flag: FlagDef, text: string, where: string): string | boolean | number | string[] {
  switch (flag.type) {
    case "sources":
      throw new UsageError(`${where}: ${flag.name} can only be set in the --config file, as a list of entries.`);
    case "bool": {
      const b = parseBool(text);
      if (b === undefined) throw new UsageError(`${where}: invalid boolean value "${text}" for ${flag.name}; use true or false.`);
      return b;
    }
    case "int": {
      if (!/^[+-]?\d+$/.test(text.trim())) {
        throw new UsageError(`${where}: invalid integer value "${text}" for ${flag.name}.`);
      }
      return Number(text);
    }
    case "duration": {
      const ms = parseDuration(text);
      if (ms === undefined) {
        throw new UsageError(`${where}: invalid duration "${text}" for ${flag.name}; write it like 250ms, 30s, 1m or 1h0m0s.`);
      }
      return ms;
    }
    case "list":
      return splitList(text);
    case "string":
      return text;
  }
}

/** Splits a comma-separated list, dropping empty items (so "a,,b," is ["a", "b"]). */
export function splitList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function parseBool(text: string): boolean | undefined {
  // The spellings Go's strconv.ParseBool accepts.
  if (["1", "t", "T", "true", "TRUE", "True"].includes(text)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(text)) return false;
  return undefined;
}

/**
 * Parses argv into the flags it sets (only those; defaults and the config file are merged by the caller).
 * A list flag given several times accumulates; any other flag given twice keeps the last value.
 * @throws UsageError for an unknown flag, a missing or malformed value, or a stray argument.
 */
export function parseArgv(argv: readonly string[]): Partial<Options> {
  const set: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      if (i + 1 < argv.length) throw strayArgument(argv[i + 1]!);
      break;
    }
    if (!arg.startsWith("-") || arg === "-") throw strayArgument(arg);
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    // Accept --one-shot for --one_shot: the table's names use underscores, as mtail's do.
    const name = (eq < 0 ? body : body.slice(0, eq)).replace(/-/g, "_");
    const flag = findFlag(name);
    if (flag === undefined) {
      const near = closestFlag(name);
      throw new UsageError(`Unknown flag -${name}.${near ? ` Did you mean --${near}?` : ""} Run logtally --help for the list.`);
    }
    let text: string;
    if (eq >= 0) {
      text = body.slice(eq + 1);
    } else if (flag.type === "bool") {
      text = "true";
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`Flag --${name} needs a value.`);
      text = argv[++i]!;
    }
    const value = convertValue(flag, text, `flag --${name}`);
    if (flag.type === "list") {
      set[name] = [...((set[name] as string[] | undefined) ?? []), ...(value as string[])];
    } else {
      set[name] = value;
    }
  }
  return set as Partial<Options>;
}

function strayArgument(arg: string): UsageError {
  return new UsageError(
    `Unexpected argument "${arg}". Flags take their value as --flag=value or --flag value; give several logs as ` +
      `--logs a.log,b.log or repeat --logs.`,
  );
}

/** Checks values the type alone does not constrain (choices, ranges). */
export function validateOptions(o: Options): void {
  for (const f of FLAGS as readonly FlagDef[]) {
    const v = (o as Record<string, unknown>)[f.name];
    if (f.choices !== undefined && !f.choices.includes(v as string)) {
      throw new UsageError(`Invalid value "${String(v)}" for ${f.name}; expected one of ${f.choices.join(", ")}.`);
    }
    if (f.type === "duration" && (v as number) < 0) {
      throw new UsageError(`${f.name} must not be negative (got ${formatDuration(v as number)}).`);
    }
  }
  if (!Number.isSafeInteger(o.max_line_length) || o.max_line_length < 0) {
    throw new UsageError(`Invalid max_line_length ${o.max_line_length}; expected a number of bytes (0: the default).`);
  }
  if (!Number.isSafeInteger(o.max_series_per_metric) || o.max_series_per_metric < 0) {
    throw new UsageError(`Invalid max_series_per_metric ${o.max_series_per_metric}; expected a number of series (0: no budget).`);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
    throw new UsageError(`Invalid port ${o.port}; expected a number from 0 to 65535.`);
  }
  try {
    planFraming(o, Infinity); // compiles the regexes and looks the presets up, to report mistakes now
  } catch (err) {
    if (err instanceof FramingConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** The --help text: every flag with its type, default and description, from the flag table. */
export function renderHelp(version: string): string {
  const out: string[] = [
    `logtally ${version}: extract metrics from logs with mtail programs.`,
    "",
    "Usage:",
    "  logtally --progs DIR --logs FILE[,FILE...] [flags]                 serve /metrics on --port",
    "  logtally --progs DIR --logs FILE --one_shot --one_shot_format=prometheus   print metrics and exit",
    "  logtally test [--update] [--unmatched] [PATH...]                   run the cases in NAME.test/ beside each program",
    "  logtally explain --progs DIR [--logs FILE] [--json] [LINE...]      show what each program does with each line",
    "",
    "Flags may be written -name value, --name value or --name=value; booleans as --name or --name=false.",
    "Every flag can also be set in the --config YAML file under its own name.",
  ];
  const groups: Array<[string, string]> = [
    ["main", "Programs and one-shot"],
    ["daemon", "Daemon"],
    ["framing", "Records: container logs and multi-line records (for the --logs sources)"],
    ["push", "Push exporters"],
    ["compat", "Accepted for mtail compatibility (no effect)"],
  ];
  for (const [group, title] of groups) {
    out.push("", `${title}:`);
    for (const f of FLAGS as readonly FlagDef[]) {
      if ((f.group ?? "main") !== group) continue;
      const type = f.type === "bool" ? "" : ` ${f.type}`;
      out.push(`  --${f.name}${type}`);
      out.push(`        ${f.description}${describeDefault(f)}`);
    }
  }
  return out.join("\n") + "\n";
}

function describeDefault(f: FlagDef): string {
  switch (f.type) {
    case "bool":
      return ` (default ${String(f.default)})`;
    case "duration":
      return ` (default ${formatDuration(f.default as number)})`;
    case "int":
      return ` (default ${String(f.default)})`;
    case "list":
      return (f.default as readonly string[]).length > 0 ? ` (default ${(f.default as string[]).join(",")})` : " (default none)";
    case "string":
      return f.default === "" ? " (default none)" : ` (default "${String(f.default)}")`;
    case "sources":
      return "";
  }
}
