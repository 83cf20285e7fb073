// Parses Prometheus text expositions into comparable maps and diffs two of them, for the golden tests.
// Depends on nothing of ours: it reads text that mtail or logtally printed.

/** One parsed exposition: samples keyed by `name{sorted labels}`, plus HELP and TYPE lines by metric name. */
export interface Exposition {
  samples: Map<string, { value: number; timestampMs?: number }>;
  help: Map<string, string>;
  type: Map<string, string>;
  /** Lines that could not be parsed, with their 1-based line numbers, so a malformed output fails loudly. */
  errors: string[];
}

/** Parses a Prometheus text exposition (format 0.0.4) into an Exposition. */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: new Map(), help: new Map(), type: new Map(), errors: [] };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m) (m[1] === "HELP" ? out.help : out.type).set(m[2], m[3]);
      continue; // other comments are allowed by the format
    }
    try {
      const { key, value, timestampMs } = parseSample(line);
      if (out.samples.has(key)) out.errors.push(`line ${i + 1}: duplicate series ${key}`);
      out.samples.set(key, { value, timestampMs });
    } catch (e) {
      out.errors.push(`line ${i + 1}: ${(e as Error).message}: ${JSON.stringify(line)}`);
    }
  }
  return out;
}

/** Parses one sample line into its canonical series key (labels sorted by name), value and optional timestamp. */
export function parseSample(line: string): { key: string; value: number; timestampMs?: number } {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error("no metric name");
  const name = nameMatch[0];
  let pos = name.length;
  const labels: [string, string][] = [];
  if (line[pos] === "{") {
    pos++;
    for (;;) {
      while (line[pos] === " ") pos++;
      if (line[pos] === "}") { pos++; break; }
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(pos));
      if (!lm) throw new Error(`bad label at column ${pos + 1}`);
      pos += lm[0].length;
      let value = "";
      for (;;) {
        const c = line[pos++];
        if (c === undefined) throw new Error("unterminated label value");
        if (c === '"') break;
        if (c === "\\") {
          const e = line[pos++];
          value += e === "n" ? "\n" : e; // the format escapes only \\, \" and \n
        } else value += c;
      }
      labels.push([lm[1], value]);
      while (line[pos] === " ") pos++;
      if (line[pos] === ",") pos++;
    }
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === "") throw new Error("expected a value and an optional timestamp");
  const value = parseNumber(rest[0]);
  const timestampMs = rest.length === 2 ? Number(rest[1]) : undefined;
  if (timestampMs !== undefined && !Number.isInteger(timestampMs)) throw new Error(`bad timestamp ${rest[1]}`);
  labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const key = `${name}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
  return { key, value, timestampMs };
}

/** Reads a sample value: Go and prom-client spell infinities and NaN differently, and floats in any notation. */
export function parseNumber(text: string): number {
  if (/^\+?Inf$/i.test(text)) return Infinity;
  if (/^-Inf$/i.test(text)) return -Infinity;
  if (/^NaN$/i.test(text)) return NaN;
  const v = Number(text);
  if (Number.isNaN(v) || text.trim() === "") throw new Error(`bad value ${JSON.stringify(text)}`);
  return v;
}

/** Lists every sample difference (missing, extra, different value or timestamp), one readable line each. */
export function diffSamples(expected: Exposition, actual: Exposition): string[] {
  const diffs: string[] = [];
  for (const [key, want] of expected.samples) {
    const got = actual.samples.get(key);
    if (!got) { diffs.push(`missing   ${key} (mtail: ${want.value})`); continue; }
    const same = Object.is(want.value, got.value) || want.value === got.value;
    if (!same) diffs.push(`value     ${key}: mtail ${want.value}, logtally ${got.value}`);
    if (want.timestampMs !== got.timestampMs) {
      diffs.push(`timestamp ${key}: mtail ${want.timestampMs ?? "none"}, logtally ${got.timestampMs ?? "none"}`);
    }
  }
  for (const [key, got] of actual.samples) {
    if (!expected.samples.has(key)) diffs.push(`extra     ${key} (logtally: ${got.value})`);
  }
  return diffs;
}

/** Lists HELP and TYPE differences; kept apart from samples because scrapers ignore HELP text. */
export function diffMetadata(expected: Exposition, actual: Exposition): string[] {
  const diffs: string[] = [];
  for (const [what, want, got] of [
    ["TYPE", expected.type, actual.type],
    ["HELP", expected.help, actual.help],
  ] as const) {
    for (const [name, text] of want) {
      const other = got.get(name);
      if (other === undefined) diffs.push(`missing # ${what} ${name} ${text}`);
      else if (other !== text) diffs.push(`# ${what} ${name}: mtail ${JSON.stringify(text)}, logtally ${JSON.stringify(other)}`);
    }
    for (const [name, text] of got) if (!want.has(name)) diffs.push(`extra   # ${what} ${name} ${text}`);
  }
  return diffs;
}
