// Reads Prometheus text exposition (format 0.0.4) into samples keyed by name and sorted labels, with each family's
// HELP and TYPE, for comparing an expected .prom file with a program's output. Strict: anything that is not valid
// exposition text is an error naming the line, so a broken .prom can never pass by comparing as "nothing".

/** One sample: metric name, labels (sorted by name), value, and the line it came from. */
export interface PromSample {
  name: string;
  labels: ReadonlyArray<readonly [string, string]>;
  value: number;
  line: number;
}

/** HELP and TYPE of one family (undefined when the text has no such line). */
export interface PromFamilyMeta {
  help?: string;
  type?: string;
}

/** A parsed exposition: samples by key (`name{a="x",b="y"}`, labels sorted) and families' HELP/TYPE by name. */
export interface PromText {
  samples: Map<string, PromSample>;
  meta: Map<string, PromFamilyMeta>;
}

/** Text that is not valid Prometheus exposition; `line` is 1-based. */
export class PromSyntaxError extends Error {
  override readonly name = "PromSyntaxError";
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses exposition text.
 * @throws PromSyntaxError at the first malformed line, a duplicate sample or a duplicate HELP/TYPE.
 */
export function parsePromText(text: string): PromText {
  const samples = new Map<string, PromSample>();
  const meta = new Map<string, PromFamilyMeta>();
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      parseComment(line, n, meta);
      return;
    }
    const s = parseSample(line, n);
    const key = sampleKey(s.name, s.labels);
    const before = samples.get(key);
    if (before !== undefined) throw new PromSyntaxError(n, `sample ${key} appears twice (also on line ${before.line}).`);
    samples.set(key, s);
  });
  return { samples, meta };
}

/** The key of a sample: name, then labels sorted by name, values quoted as in the text format. */
export function sampleKey(name: string, labels: ReadonlyArray<readonly [string, string]>): string {
  if (labels.length === 0) return name;
  return `${name}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
}

function parseComment(line: string, n: number, meta: Map<string, PromFamilyMeta>): void {
  const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
  if (m === null) return; // Any other comment is allowed and ignored, as Prometheus does.
  const [, what, name, rest = ""] = m as unknown as [string, "HELP" | "TYPE", string, string | undefined];
  if (!NAME.test(name) || NAME.exec(name)?.[0] !== name) throw new PromSyntaxError(n, `invalid metric name "${name}" in # ${what}.`);
  const entry = meta.get(name) ?? {};
  if (what === "HELP") {
    if (entry.help !== undefined) throw new PromSyntaxError(n, `second # HELP line for ${name}.`);
    entry.help = unescapeHelp(rest);
  } else {
    const type = rest.trim();
    if (!TYPES.has(type)) throw new PromSyntaxError(n, `unknown type "${type}" for ${name}; expected counter, gauge, histogram, summary or untyped.`);
    if (entry.type !== undefined) throw new PromSyntaxError(n, `second # TYPE line for ${name}.`);
    entry.type = type;
  }
  meta.set(name, entry);
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
}

function parseSample(line: string, n: number): PromSample {
  const nameMatch = NAME.exec(line);
  if (nameMatch === null) throw new PromSyntaxError(n, `expected a metric name, a # HELP/# TYPE line or a comment, got "${clip(line)}".`);
  const name = nameMatch[0];
  let at = name.length;
  const labels: Array<[string, string]> = [];
  if (line[at] === "{") {
    at++;
    for (;;) {
      while (line[at] === " ") at++;
      if (line[at] === "}") {
        at++;
        break;
      }
      const ln = LABEL_NAME.exec(line.slice(at));
      if (ln === null) throw new PromSyntaxError(n, `expected a label name at column ${at + 1} of "${clip(line)}".`);
      const label = ln[0];
      at += label.length;
      while (line[at] === " ") at++;
      if (line[at] !== "=" || line[at + 1] !== '"') throw new PromSyntaxError(n, `expected ="value" after label ${label}.`);
      at += 2;
      let value = "";
      for (;;) {
        const c = line[at];
        if (c === undefined) throw new PromSyntaxError(n, `label ${label}: value has no closing quote.`);
        at++;
        if (c === '"') break;
        if (c === "\\") {
          const e = line[at++];
          if (e === "n") value += "\n";
          else if (e === "\\" || e === '"') value += e;
          else throw new PromSyntaxError(n, `label ${label}: invalid escape \\${e ?? ""} (only \\\\, \\" and \\n are allowed).`);
        } else {
          value += c;
        }
      }
      if (labels.some(([k]) => k === label)) throw new PromSyntaxError(n, `label ${label} appears twice.`);
      labels.push([label, value]);
      while (line[at] === " ") at++;
      if (line[at] === ",") at++;
      else if (line[at] !== "}") throw new PromSyntaxError(n, `expected , or } after label ${label}.`);
    }
  }
  const rest = line.slice(at);
  if (!/^[ \t]/.test(rest)) throw new PromSyntaxError(n, `expected a space and a value after ${name}${labels.length > 0 ? "{...}" : ""}.`);
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) throw new PromSyntaxError(n, `unexpected text after the value and timestamp: "${clip(fields.slice(2).join(" "))}".`);
  const value = parseValue(fields[0] as string);
  if (value === undefined) throw new PromSyntaxError(n, `invalid sample value "${fields[0]}".`);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new PromSyntaxError(n, `invalid timestamp "${fields[1]}" (milliseconds, an integer).`);
  labels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { name, labels, value, line: n };
}

/** A sample value as Go's ParseFloat takes it in the text format (+Inf, -Inf, NaN included). */
function parseValue(s: string): number | undefined {
  if (/^[+]?Inf$/i.test(s)) return Infinity;
  if (/^-Inf$/i.test(s)) return -Infinity;
  if (/^NaN$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return undefined;
  return Number(s);
}

function clip(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + "..." : s;
}
