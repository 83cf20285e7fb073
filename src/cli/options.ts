// Turns argv (and the --config file it names) into the complete Options: defaults, then the file, then the
// command line, each overriding the one before.

import { type Options, defaultOptions } from "./flag-table.js";
import { loadConfigFile } from "./config.js";
import { parseArgv, validateOptions } from "./flags.js";

/** Reads a config file; injected so tests can supply text without touching the disk. */
export type ConfigLoader = (file: string) => Promise<Partial<Options>>;

/**
 * Resolves the effective options for `argv`.
 * @throws UsageError for any command-line or config-file mistake
 */
export async function resolveOptions(argv: readonly string[], load: ConfigLoader = loadConfigFile): Promise<Options> {
  const fromArgv = parseArgv(argv);
  const options = defaultOptions();
  if (fromArgv.config !== undefined && fromArgv.config !== "") {
    Object.assign(options, await load(fromArgv.config));
  }
  Object.assign(options, fromArgv);
  validateOptions(options);
  return options;
}
