// Compares an expected exposition with the one a program produced: samples order-free, values with a relative
// tolerance of 1e-9 (a hand-written 0.3 equals a computed 0.1 + 0.2), and the HELP and TYPE lines the expected
// text has (a hand-written .prom may list samples only; a HELP or TYPE it gives must match).

import type { PromSample, PromText } from "./prom-text.js";

/** Relative tolerance on sample values (absolute below 1). */
const TOLERANCE = 1e-9;

/** One difference, ready to print. */
export interface PromDifference {
  kind: "missing" | "unexpected" | "changed";
  /** `name{labels}` of the sample, or `# HELP name` / `# TYPE name`. */
  key: string;
  expected?: string;
  actual?: string;
}

/** Every difference between two expositions, samples first (sorted by key), then HELP/TYPE. */
export function diffPromText(expected: PromText, actual: PromText): PromDifference[] {
  const out: PromDifference[] = [];
  const keys = [...new Set([...expected.samples.keys(), ...actual.samples.keys()])].sort(compareKeys);
  for (const key of keys) {
    const e = expected.samples.get(key);
    const a = actual.samples.get(key);
    if (a === undefined) out.push({ kind: "missing", key, expected: formatValue(e as PromSample) });
    else if (e === undefined) out.push({ kind: "unexpected", key, actual: formatValue(a) });
    else if (!sameValue(e.value, a.value)) out.push({ kind: "changed", key, expected: formatValue(e), actual: formatValue(a) });
  }
  const families = [...new Set([...expected.meta.keys(), ...actual.meta.keys()])].sort();
  for (const name of families) {
    const e = expected.meta.get(name) ?? {};
    const a = actual.meta.get(name) ?? {};
    for (const what of ["TYPE", "HELP"] as const) {
      const ev = what === "TYPE" ? e.type : e.help;
      const av = what === "TYPE" ? a.type : a.help;
      if (ev === av || ev === undefined) continue;
      const key = `# ${what} ${name}`;
      if (av === undefined) out.push({ kind: "missing", key, expected: ev });
      else out.push({ kind: "changed", key, expected: ev, actual: av });
    }
  }
  return out;
}

/** The differences as indented lines: `missing`, `unexpected` and `changed` with expected and actual values. */
export function renderDifferences(diffs: readonly PromDifference[], indent = "  "): string[] {
  return diffs.map((d) => {
    switch (d.kind) {
      case "missing":
        return `${indent}missing    ${d.key} ${d.expected ?? ""}`.trimEnd();
      case "unexpected":
        return `${indent}unexpected ${d.key} ${d.actual ?? ""}`.trimEnd();
      case "changed": {
        // HELP texts are quoted (they hold spaces); sample values are numbers.
        const show = (v: string | undefined): string => (d.key.startsWith("# ") ? JSON.stringify(v) : String(v));
        return `${indent}changed    ${d.key} expected ${show(d.expected)}, got ${show(d.actual)}`;
      }
    }
  });
}

/** Sample keys by name, then labels, with histogram `le` bounds in numeric order (0.005 before 0.01 before +Inf). */
function compareKeys(a: string, b: string): number {
  const le = (k: string): number => {
    const m = /le="([^"]*)"/.exec(k);
    return m === null ? NaN : m[1] === "+Inf" ? Infinity : Number(m[1]);
  };
  const strip = (k: string): string => k.replace(/,?le="[^"]*"/, "");
  const sa = strip(a);
  const sb = strip(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  const la = le(a);
  const lb = le(b);
  if (la !== lb && !Number.isNaN(la) && !Number.isNaN(lb)) return la - lb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

function formatValue(s: PromSample): string {
  if (s.value === Infinity) return "+Inf";
  if (s.value === -Infinity) return "-Inf";
  return String(s.value);
}
