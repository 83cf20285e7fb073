// Compares two Prometheus text expositions sample by sample (labels in any order, numbers by value), so the
// benchmark can warn when logtally and mtail disagree on a workload.

/** The samples of one exposition: "name{a="x",b="y"}" (labels sorted) -> value; plus the HELP/TYPE lines. */
export interface Exposition {
  samples: Map<string, number>;
  meta: Set<string>;
}

/** Parses Prometheus text format 0.0.4. Timestamps after the value are ignored. */
export function parseExposition(text: string): Exposition {
  const samples = new Map<string, number>();
  const meta = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) meta.add(line);
      continue;
    }
    const { key, rest } = parseSeries(line);
    const value = rest.trim().split(/\s+/)[0]!;
    samples.set(key, parseValue(value));
  }
  return { samples, meta };
}

function parseValue(s: string): number {
  if (s === "+Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  return Number(s); // "NaN" -> NaN
}

/** Splits "name{labels} rest" into a canonical key (labels sorted by name) and the text after it. */
function parseSeries(line: string): { key: string; rest: string } {
  const brace = line.indexOf("{");
  const space = line.indexOf(" ");
  if (brace === -1 || (space !== -1 && space < brace)) return { key: line.slice(0, space), rest: line.slice(space) };
  const name = line.slice(0, brace);
  const labels: string[] = [];
  let i = brace + 1;
  while (line[i] !== "}") {
    const eq = line.indexOf("=", i);
    const labelName = line.slice(i, eq).replace(/^,/, "").trim();
    let j = eq + 2; // skip ="
    let value = "";
    while (line[j] !== '"') {
      if (line[j] === "\\") value += line[j++];
      value += line[j++];
      if (j >= line.length) throw new Error(`Unterminated label value in exposition line: ${line}`);
    }
    labels.push(`${labelName}="${value}"`);
    i = j + 1;
    if (line[i] === ",") i++;
  }
  labels.sort();
  return { key: `${name}{${labels.join(",")}}`, rest: line.slice(i + 1) };
}

/** Differences between two expositions, as human-readable lines (empty when the samples are equal). */
export interface ExpositionDiff {
  sampleDifferences: string[];
  metaDifferences: string[];
  /** Total counts, as the detail lists are truncated. */
  missing: number;
  extra: number;
  changed: number;
}

const MAX_REPORTED = 5;

/** `actual` (logtally) against `expected` (mtail). */
export function diffExpositions(actual: Exposition, expected: Exposition): ExpositionDiff {
  const out: ExpositionDiff = { sampleDifferences: [], metaDifferences: [], missing: 0, extra: 0, changed: 0 };
  const note = (list: string[], s: string) => {
    if (list.length < MAX_REPORTED) list.push(s);
  };
  for (const [key, want] of expected.samples) {
    const got = actual.samples.get(key);
    if (got === undefined) {
      out.missing++;
      note(out.sampleDifferences, `missing: ${key} ${want}`);
    } else if (!sameNumber(got, want)) {
      out.changed++;
      note(out.sampleDifferences, `differs: ${key} logtally=${got} mtail=${want}`);
    }
  }
  for (const [key, got] of actual.samples) {
    if (!expected.samples.has(key)) {
      out.extra++;
      note(out.sampleDifferences, `extra: ${key} ${got}`);
    }
  }
  for (const line of expected.meta) if (!actual.meta.has(line)) note(out.metaDifferences, `missing: ${line}`);
  for (const line of actual.meta) if (!expected.meta.has(line)) note(out.metaDifferences, `extra: ${line}`);
  return out;
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
