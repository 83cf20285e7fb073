// Reads the --config YAML file: keys are flag names, values are checked against the flag table, and errors name
// the file, line, column and key (with the closest known key for a typo). Relative paths resolve from the file's folder.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import type { Node } from "yaml";
import { type FlagDef, type Options, type SourceOptions, closestFlag, findFlag } from "./flag-table.js";
import { UsageError, convertValue } from "./flags.js";

// yaml is loaded on first use, not at start-up: one-shot runs never read a config file, and importing yaml costs
// about 20 ms of CPU and 9 MB of RSS on every run (bench: linecount start-up).
type YamlModule = typeof import("yaml");
let yamlModule: YamlModule | undefined;
function yaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)("yaml") as YamlModule);
}

/** Flags holding paths: relative values in a config file are taken relative to the file, not the working directory. */
const PATH_FLAGS = new Set(["progs", "logs", "unix_socket", "state_dir", "web_config_file"]);

/** Parses config text (already read) into the flags it sets. `file` is used in messages and to resolve paths. */
export function parseConfig(text: string, file: string): Partial<Options> {
  const { LineCounter, isMap, isScalar, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return file;
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const p = lines.linePos(e.pos[0]);
    const loc = `${file}:${p.line}:${p.col}`;
    throw new UsageError(`${loc}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  const set: Record<string, unknown> = {};
  if (doc.contents === null) return set; // An empty file sets nothing.
  if (!isMap(doc.contents)) {
    throw new UsageError(`${at(doc.contents)}: the config file must be a mapping of flag names to values, like "progs: programs".`);
  }
  const dir = path.dirname(path.resolve(file));
  for (const pair of doc.contents.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const flag = findFlag(key);
    if (flag === undefined || key === "config" || key === "help" || key === "version") {
      const near = flag === undefined ? closestFlag(key) : undefined;
      const why = flag === undefined ? "unknown key" : "key not allowed in a config file";
      throw new UsageError(`${at(keyNode)}: ${why} "${key}".${near ? ` Did you mean "${near}"?` : ""}`);
    }
    const valueNode = pair.value as Node | null;
    if (key === "sources") {
      set[key] = parseSources(valueNode, at(valueNode ?? keyNode), at, dir);
      continue;
    }
    const js: unknown = valueNode === null ? null : valueNode.toJSON();
    let value = convertYamlValue(flag, js, `${at(valueNode ?? keyNode)}: key "${key}"`);
    if (PATH_FLAGS.has(key)) value = resolvePaths(value as string | string[], dir);
    set[key] = value;
  }
  return set as Partial<Options>;
}

/** Keys of a `sources:` entry: canonical name -> the spellings accepted (flag names and short forms). */
const SOURCE_KEYS: Record<string, readonly string[]> = {
  paths: ["path", "paths", "glob", "globs", "logs", "include", "files", "pattern"],
  log_format: ["log_format", "format"],
  multiline: ["multiline", "preset", "multiline_preset"],
  multiline_start: ["multiline_start", "start", "start_pattern"],
  multiline_continue: ["multiline_continue", "continue", "continue_pattern"],
  multiline_timeout: ["multiline_timeout", "timeout"],
};
const SOURCE_KEY_BY_SPELLING = new Map(Object.entries(SOURCE_KEYS).flatMap(([k, names]) => names.map((n) => [n, k] as const)));

/**
 * The `sources:` list: each entry a mapping with the globs (`path`, one string or a list) and their framing keys.
 * Locations of keys are kept, so a bad regex or preset found later names its line.
 */
function parseSources(node: Node | null, where: string, at: (n: Node | null | undefined) => string, dir: string): SourceOptions[] {
  const { isMap, isScalar, isSeq } = yaml();
  if (node === null || !isSeq(node)) {
    throw new UsageError(`${where}: key "sources" must be a list of entries such as {path: /var/log/containers/*.log, log_format: cri}.`);
  }
  return node.items.map((item) => {
    const entryAt = at(item as Node);
    if (!isMap(item)) throw new UsageError(`${entryAt}: each entry of "sources" must be a mapping with a "path" key.`);
    const src: SourceOptions = { paths: [], at: {} };
    for (const pair of item.items) {
      const keyNode = pair.key as Node;
      const spelled = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const key = SOURCE_KEY_BY_SPELLING.get(spelled);
      if (key === undefined) {
        throw new UsageError(`${at(keyNode)}: unknown key "${spelled}" in a "sources" entry; expected one of ${Object.keys(SOURCE_KEYS).map((k) => (k === "paths" ? "path" : k)).join(", ")}.`);
      }
      const valueNode = pair.value as Node | null;
      if (key === "multiline" && valueNode !== null && isMap(valueNode)) {
        // multiline: {preset: python} or {start: REGEX, continue: REGEX, timeout: 2s}: the same keys, nested.
        for (const inner of valueNode.items) {
          const innerKeyNode = inner.key as Node;
          const innerSpelled = isScalar(innerKeyNode) ? String(innerKeyNode.value) : String(innerKeyNode);
          const innerKey = innerSpelled === "preset" || innerSpelled === "mode" ? "multiline" : SOURCE_KEY_BY_SPELLING.get(innerSpelled);
          if (innerKey === undefined || !innerKey.startsWith("multiline")) {
            throw new UsageError(`${at(innerKeyNode)}: unknown key "${innerSpelled}" in "multiline"; expected preset, start, continue or timeout.`);
          }
          const innerValue = inner.value as Node | null;
          const innerJs: unknown = innerValue === null ? null : innerValue.toJSON();
          src.at[innerKey] = at(innerKeyNode);
          setSourceKey(src, innerKey, innerJs, `${at(innerValue ?? innerKeyNode)}: key "${innerSpelled}"`);
        }
        continue;
      }
      const js: unknown = valueNode === null ? null : valueNode.toJSON();
      const here = `${at(valueNode ?? keyNode)}: key "${spelled}"`;
      src.at[key] = at(keyNode);
      if (key === "paths") {
        src.paths = resolvePaths(convertYamlValue(findFlag("logs")!, js, here) as string[], dir) as string[];
      } else {
        setSourceKey(src, key, js, here);
      }
    }
    if (src.paths.length === 0) throw new UsageError(`${entryAt}: this "sources" entry names no files; add path: GLOB.`);
    return src;
  });
}

// One framing key of a sources entry, checked as the flag of that name.
function setSourceKey(src: SourceOptions, key: string, js: unknown, where: string): void {
  const value = convertYamlValue(findFlag(key)!, js, where);
  if (key === "multiline_timeout") src.multiline_timeout = value as number;
  else (src as unknown as Record<string, string>)[key] = value as string;
}

/** Reads and parses a config file. */
export async function loadConfigFile(file: string): Promise<Partial<Options>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`Cannot read config file ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, file);
}

function convertYamlValue(flag: FlagDef, v: unknown, where: string): unknown {
  const wrongType = (expected: string): UsageError =>
    new UsageError(`${where} must be ${expected}, not ${describe(v)}.`);
  switch (flag.type) {
    case "bool":
      if (typeof v !== "boolean") throw wrongType("true or false");
      return v;
    case "int":
      if (typeof v === "number" && Number.isInteger(v)) return v;
      if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
      throw wrongType("an integer");
    case "duration":
      if (typeof v !== "string") throw wrongType('a duration string such as "30s", "1m" or "250ms"');
      return convertValue(flag, v, where);
    case "list":
      if (typeof v === "string") return convertValue(flag, v, where);
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.filter((x) => x !== "");
      throw wrongType("a list of strings (or one comma-separated string)");
    case "string":
      if (typeof v !== "string") throw wrongType("a string");
      return v;
    case "sources":
      throw wrongType("a list of entries");
  }
}

function describe(v: unknown): string {
  if (v === null) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

function resolvePaths(v: string | string[], dir: string): string | string[] {
  // "-" (stdin) and socket URLs such as tcp://host:port are not paths.
  const one = (p: string): string => (p === "" || p === "-" || p.includes("://") || path.isAbsolute(p) ? p : path.join(dir, p));
  return Array.isArray(v) ? v.map(one) : one(v);
}
