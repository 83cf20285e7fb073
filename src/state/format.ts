// The snapshot file's text: JSON lines (a header with the positions, then per metric its declaration and one line
// per series), closed by a line with the counts and a sha256 of everything before it, so a file cut short by a
// crash or damaged on disk is recognised instead of half-restored. Pure: no I/O here.

import { createHash } from "node:crypto";
import { Kind, ValueType } from "../metrics/types.js";
import { isSavedPosition, type SavedPosition } from "../tailer/positions.js";
import type { SeriesColumns } from "../metrics/metric.js";
import type { SavedNativeBuckets } from "../metrics/native-histogram.js";
import type { SavedDeclaration, SavedMetric, Snapshot } from "./snapshot.js";

/** Written in the header; a file with another format or version is not read (and kept aside). */
export const FORMAT = "logtally-state";
export const FORMAT_VERSION = 1;
/** Series encoded per chunk: a chunk is the longest the line loop waits for while a snapshot is written. */
const SERIES_PER_CHUNK = 1000;

/** Why a snapshot file cannot be used; the message says what is wrong, for the log. */
export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

// Series line: [labels, value, timeMs, ttlMs, histogram, extensions]; histogram is [counts, observations] or null;
// extensions (optional) is an object keyed by feature, for what a later version keeps per series (exemplars):
// a reader skips keys it does not know.
type SeriesLine = [string[], number | string, number, number, [number[], number] | null, Record<string, unknown>?];

/**
 * The file's text in chunks (each a run of whole lines), with the closing line last. A generator so the writer
 * can hand each chunk to the disk and let the event loop run between two.
 */
export function* encodeSnapshot(s: Snapshot): Generator<string> {
  const hash = createHash("sha256");
  let series = 0;
  const emit = (text: string): string => {
    hash.update(text);
    return text;
  };
  yield emit(JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, savedAtMs: s.savedAtMs, positions: s.positions }) + "\n");
  for (const m of s.metrics) {
    const ids = m.series.ids;
    let chunk = JSON.stringify({ metric: m.decl, series: ids.length }) + "\n";
    for (let i = 0; i < ids.length; i++) {
      chunk += seriesLine(m.series, ids[i] as number, m.decl.exemplars.length) + "\n";
      if ((i + 1) % SERIES_PER_CHUNK === 0) {
        yield emit(chunk);
        chunk = "";
      }
    }
    series += ids.length;
    if (chunk !== "") yield emit(chunk);
  }
  yield JSON.stringify({ end: { metrics: s.metrics.length, series, sha256: hash.digest("hex") } }) + "\n";
}

// A SeriesLine's JSON, built by hand: JSON.stringify of a fresh array per series cost about twice as much
// (200k series: ~1.2 s against ~0.6 s on a loaded 2-core machine) and made more garbage.
function seriesLine(c: SeriesColumns, id: number, exemplarNames: number): string {
  let line = "[[";
  for (let j = 0; j < c.labels.length; j++) line += (j > 0 ? "," : "") + JSON.stringify((c.labels[j] as readonly string[])[id]);
  line += "],";
  line += c.texts !== null ? JSON.stringify(c.texts[id]) : jsonNumber(c.cells[2 * id] as number);
  line += "," + jsonNumber(c.cells[2 * id + 1] as number) + "," + jsonNumber(c.ttls[id] as number) + ",";
  if (c.bucketCounts !== null && c.observations !== null) {
    line += "[[";
    for (let b = 0; b < c.buckets; b++) line += (b > 0 ? "," : "") + jsonNumber(c.bucketCounts[id * c.buckets + b] as number);
    line += "]," + jsonNumber(c.observations[id] as number) + "]";
  } else {
    line += "null";
  }
  return line + "," + extensions(c, id, exemplarNames) + "]";
}

// The per-series fields beyond mtail's: when it started, its exemplars, its native buckets.
function extensions(c: SeriesColumns, id: number, k: number): string {
  const ext: Record<string, unknown> = { born: c.born[id] };
  if (c.exemplarSlots > 0) {
    const slots: Array<[string[], number, number] | null> = [];
    for (let b = 0; b < c.exemplarSlots; b++) {
      const s = id * c.exemplarSlots + b;
      const t = c.exemplarCells[2 * s + 1] as number;
      slots.push(Number.isNaN(t) ? null : [c.exemplarLabels.slice(s * k, s * k + k) as string[], c.exemplarCells[2 * s] as number, t]);
    }
    ext.exemplars = slots;
  }
  const n = c.natives?.[id];
  if (n !== undefined) ext.native = n;
  return JSON.stringify(ext, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

// JSON has no NaN or infinities (a gauge may hold them): they are written as strings.
function jsonNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : `"${v}"`;
}

/** Parses a snapshot file's text. Throws SnapshotError saying what is wrong. */
export function decodeSnapshot(text: string): Snapshot {
  if (text === "") throw new SnapshotError("the file is empty");
  const endAt = text.lastIndexOf("\n", text.length - 2) + 1;
  let end: { end?: { metrics?: unknown; series?: unknown; sha256?: unknown } } | undefined;
  try {
    end = JSON.parse(text.slice(endAt)) as typeof end;
  } catch {
    end = undefined;
  }
  if (!text.endsWith("\n") || typeof end?.end?.sha256 !== "string") {
    throw new SnapshotError("the file is cut short (no closing line): it was not written completely");
  }
  const body = text.slice(0, endAt);
  if (createHash("sha256").update(body).digest("hex") !== end.end.sha256) {
    throw new SnapshotError("the checksum does not match: the file was damaged after it was written");
  }
  const lines = body.split("\n");
  lines.pop(); // after the last newline
  const header = parseLine(lines[0] ?? "", "header") as { format?: unknown; version?: unknown; savedAtMs?: unknown; positions?: unknown };
  if (header?.format !== FORMAT) throw new SnapshotError("it is not a logtally state file");
  if (header.version !== FORMAT_VERSION) {
    throw new SnapshotError(`it has format version ${String(header.version)}, and this logtally reads version ${FORMAT_VERSION}`);
  }
  if (typeof header.savedAtMs !== "number" || !Array.isArray(header.positions) || !header.positions.every(isSavedPosition)) {
    throw new SnapshotError("its header is malformed");
  }
  const metrics: SavedMetric[] = [];
  let at = 1;
  while (at < lines.length) {
    const head = parseLine(lines[at] as string, `line ${at + 1}`) as { metric?: unknown; series?: unknown };
    const decl = head?.metric;
    const n = head?.series;
    if (!isDeclaration(decl) || !Number.isSafeInteger(n) || (n as number) < 0 || at + 1 + (n as number) > lines.length) {
      throw new SnapshotError(`line ${at + 1} is not a metric header`);
    }
    metrics.push(decodeMetric(decl, lines, at + 1, n as number));
    at += 1 + (n as number);
  }
  if (end.end.metrics !== metrics.length) throw new SnapshotError("the metric count does not match");
  return { savedAtMs: header.savedAtMs, positions: header.positions as SavedPosition[], metrics };
}

// Decoded series get ids 0..n-1, in file order (the order they were created in).
function decodeMetric(decl: SavedDeclaration, lines: readonly string[], from: number, n: number): SavedMetric {
  const k = decl.keys.length;
  const isText = decl.type === ValueType.String;
  const nb = decl.kind === Kind.Histogram ? histogramBuckets(decl.buckets) : 0;
  const labels = decl.keys.map(() => new Array<string>(n));
  const cells = new Float64Array(2 * n);
  const texts = isText ? new Array<string>(n) : null;
  const ttls = new Float64Array(n);
  const bucketCounts = nb > 0 ? new Float64Array(n * nb) : null;
  const observations = nb > 0 ? new Float64Array(n) : null;
  const born = new Float64Array(n);
  const ek = decl.exemplars.length;
  const exemplarSlots = ek === 0 ? 0 : Math.max(1, nb);
  const exemplarLabels = new Array<string>(n * exemplarSlots * ek).fill("");
  const exemplarCells = new Float64Array(2 * n * exemplarSlots).fill(NaN);
  const natives: (SavedNativeBuckets | undefined)[] | null = decl.native ? [] : null;
  for (let i = 0; i < n; i++) {
    const where = `line ${from + i + 1}`;
    const line = parseLine(lines[from + i] as string, where) as SeriesLine;
    if (!Array.isArray(line) || !Array.isArray(line[0]) || line[0].length !== k || !line[0].every((l) => typeof l === "string")) {
      throw new SnapshotError(`${where}: malformed series`);
    }
    for (let j = 0; j < k; j++) (labels[j] as string[])[i] = line[0][j] as string;
    const v = line[1];
    if (texts !== null) texts[i] = String(v);
    else cells[2 * i] = typeof v === "number" ? v : Number(v); // "NaN", "Infinity", "-Infinity"
    cells[2 * i + 1] = finiteOr0(line[2]);
    ttls[i] = finiteOr0(line[3]);
    if (bucketCounts !== null && observations !== null) {
      const h = line[4];
      if (!Array.isArray(h) || !Array.isArray(h[0]) || h[0].length !== nb) throw new SnapshotError(`${where}: malformed histogram`);
      for (let b = 0; b < nb; b++) bucketCounts[i * nb + b] = finiteOr0(h[0][b]);
      observations[i] = finiteOr0(h[1]);
    }
    // Extensions: unknown keys are skipped, malformed known ones are left out (the series itself is good).
    const ext = (typeof line[5] === "object" && line[5] !== null ? line[5] : {}) as { born?: unknown; exemplars?: unknown; native?: unknown };
    born[i] = finiteOr0(ext.born);
    if (exemplarSlots > 0 && Array.isArray(ext.exemplars)) {
      ext.exemplars.slice(0, exemplarSlots).forEach((e: unknown, b: number) => {
        if (!Array.isArray(e) || !Array.isArray(e[0]) || e[0].length !== ek || !e[0].every((v) => typeof v === "string")) return;
        const slot = i * exemplarSlots + b;
        for (let j = 0; j < ek; j++) exemplarLabels[slot * ek + j] = e[0][j] as string;
        exemplarCells[2 * slot] = typeof e[1] === "number" ? e[1] : Number(e[1]);
        exemplarCells[2 * slot + 1] = finiteOr0(e[2]);
      });
    }
    if (natives !== null && isSavedNative(ext.native)) natives[i] = ext.native;
  }
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    decl,
    series: { ids, labels, cells, ttls, texts, buckets: nb, bucketCounts, observations, born, exemplarSlots, exemplarLabels, exemplarCells, natives },
  };
}

function isSavedNative(x: unknown): x is SavedNativeBuckets {
  if (typeof x !== "object" || x === null) return false;
  const n = x as Record<string, unknown>;
  const pairs = (p: unknown) => Array.isArray(p) && p.every((e) => Array.isArray(e) && e.length === 2 && Number.isSafeInteger(e[0]) && typeof e[1] === "number" && e[1] >= 0);
  return Number.isSafeInteger(n.schema) && typeof n.zeroCount === "number" && pairs(n.positive) && pairs(n.negative);
}

// As BucketLayout builds them (metrics/datum.ts): a first bound at or below 0 is only a lower edge.
function histogramBuckets(bounds: readonly number[]): number {
  if (bounds.length === 0) return 1;
  return (bounds[0] as number) > 0 ? bounds.length + 1 : bounds.length;
}

function finiteOr0(x: unknown): number {
  return typeof x === "number" && Number.isFinite(x) ? x : 0;
}

function parseLine(line: string, where: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new SnapshotError(`${where} is not valid JSON`);
  }
}

function isDeclaration(x: unknown): x is SavedDeclaration {
  if (typeof x !== "object" || x === null) return false;
  const d = x as Record<string, unknown>;
  return (
    typeof d.program === "string" &&
    typeof d.name === "string" &&
    typeof d.kind === "number" &&
    Kind[d.kind] !== undefined &&
    typeof d.type === "number" &&
    ValueType[d.type] !== undefined &&
    Array.isArray(d.keys) &&
    d.keys.every((k) => typeof k === "string") &&
    Array.isArray(d.buckets) &&
    d.buckets.every((b) => typeof b === "number") &&
    Array.isArray(d.exemplars) &&
    d.exemplars.every((e) => typeof e === "string") &&
    typeof d.native === "boolean"
  );
}
