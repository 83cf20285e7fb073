// A declared metric and its series, stored by column: one typed array per field, indexed by a small series id,
// and a LabelTable from label values to id. Imports only our metric types. Compiled programs call the id methods
// (`m.add(m.id1(v), 1, t)`); Datum objects are views made on request, for code off the per-line path.
//
// Why columns: a series was a Datum object (plus its labels array, plus index Map entries). With 200,000 series,
// each update then waited on several scattered cache misses and the objects cost the garbage collector; with
// columns an update is one LabelTable slot and one Float64Array element (see label-table.ts for the figures).

import { Datum, bucketLayout, type BucketLayout, type SeriesStorage } from "./datum.js";
import { LabelTable } from "./label-table.js";
import { NativeBuckets, type SavedNativeBuckets } from "./native-histogram.js";
import { Kind, ValueType, type MetricDeclaration } from "./types.js";

const NO_LABELS: readonly string[] = Object.freeze([]);
/**
 * The columns every new metric starts with. Shared: a zero-length array holds nothing to write, and each column is
 * replaced by a larger copy before its first series. One array of each kind instead of nine per metric cut declaring
 * the 6,118 metrics of a 1 MB program from ~35 to ~20 ms (the daemon links on the thread that answers /healthz).
 */
const EMPTY_F64 = new Float64Array(0);
const EMPTY_U8 = new Uint8Array(0);

/** One series as a snapshot saved it (see Metric.restoreSeries). */
export interface RestoredSeries {
  /** Number, or the text of a text metric; for histograms the sum of observations. */
  readonly value: number | string;
  readonly timeMs: number;
  /** `del ... after` time to live, 0 for none. */
  readonly ttlMs: number;
  /** Histograms: observations per bucket (non-cumulative, +Inf last). */
  readonly counts?: ArrayLike<number>;
  /** Histograms: number of observations. */
  readonly count?: number;
  /** When the series started (`_created`); absent: now. */
  readonly bornMs?: number;
  /** Exemplars, one per slot of the series (see SeriesColumns): label values in exemplar-name order, or null. */
  readonly exemplars?: ReadonlyArray<{ readonly values: readonly string[]; readonly value: number; readonly timeMs: number } | null>;
  /** `native` histograms: the native buckets. */
  readonly native?: SavedNativeBuckets;
}

/**
 * Every series of a metric at one instant (Metric.copyColumns), indexed by series id: series `ids[i]` has label j
 * `labels[j][id]`, value `cells[2 * id]` (a histogram's sum), time `cells[2 * id + 1]`, and so on.
 */
export interface SeriesColumns {
  /** The live series, in creation order. */
  readonly ids: readonly number[];
  readonly labels: readonly (readonly string[])[];
  readonly cells: Float64Array;
  readonly ttls: Float64Array;
  /** Text metrics' values, else null. */
  readonly texts: readonly string[] | null;
  /** Histograms: buckets per series (+Inf included), 0 for other kinds. */
  readonly buckets: number;
  /** Histograms: `buckets` non-cumulative counts per id, and the number of observations per id. */
  readonly bucketCounts: Float64Array | null;
  readonly observations: Float64Array | null;
  /** When each series started (OpenMetrics `_created`), ms. */
  readonly born: Float64Array;
  /**
   * Exemplars (metrics declared with `exemplar`): `exemplarSlots` per id; slot s = id * exemplarSlots + b has label
   * values exemplarLabels[s * k .. s * k + k) (k = exemplar names; "" unbound), value exemplarCells[2 * s] and time
   * exemplarCells[2 * s + 1] (NaN while the slot has none). exemplarSlots is 0 without `exemplar`.
   */
  readonly exemplarSlots: number;
  readonly exemplarLabels: readonly string[];
  readonly exemplarCells: Float64Array;
  /** `native` histograms: each id's native buckets, else null. */
  readonly natives: readonly (SavedNativeBuckets | undefined)[] | null;
}

/** OpenMetrics: an exemplar's label names and values together hold at most 128 UTF-8 characters. */
export const EXEMPLAR_MAX_CHARS = 128;

/** The latest exemplar of a histogram bucket or a counter series. */
export interface Exemplar {
  /** [name, value] pairs in declaration order, only the names bound at the update. */
  readonly labels: ReadonlyArray<readonly [string, string]>;
  /** The observed value (histograms) or the increment (counters). */
  readonly value: number;
  /** ms since the epoch: the line's time when the program set one, else the wall clock. */
  readonly timeMs: number;
}

/**
 * A copy of `s` that does not keep the line it came from alive: logline.ts's detachString, repeated here because
 * metrics imports nothing of ours. Captures are slices of a decoded chunk of the log, which V8 keeps alive with
 * any slice of 13 or more characters; stored labels and text values go through this.
 */
function detachString(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

/** A live metric in the store: its declaration plus its series. */
export class Metric implements SeriesStorage {
  readonly name: string;
  readonly program: string;
  readonly kind: Kind;
  readonly type: ValueType;
  readonly keys: readonly string[];
  readonly buckets: readonly number[];
  /** Histograms: how observations map to buckets and the exported `le` edges (`layout.uppers`, then +Inf). */
  readonly layout: BucketLayout | null;
  /** Mutable because a reload that keeps this metric may change them (see Store.declare). */
  hidden: boolean;
  limit: number;
  source: string;
  /**
   * --max_series_per_metric: at most this many series; a new series beyond it is not created, the update goes to a
   * discard slot and is counted in `dropped`. 0: no budget. Set by the Store.
   */
  seriesBudget = 0;
  /**
   * Enforce `limit` when a series is created (mtail 3.3.1), not only at collection (mtail 3.0.0~rc50, whose
   * one-shot output the golden suite holds). Set by the Store: the daemon turns it on.
   */
  limitOnCreate = false;
  /** Updates dropped because their new series would have gone over `seriesBudget`. */
  dropped = 0;
  /** Told once, at the first drop, so the owner can log it (the Store passes it in). */
  onFirstDrop: ((m: Metric) => void) | undefined = undefined;
  /** `exemplar ...`: the exemplar label names (empty: the metric keeps no exemplars). */
  readonly exemplarNames: readonly string[];
  /** `native`: each series keeps native histogram buckets too. */
  readonly native: boolean;
  /** Exemplars not kept because their labels were over the OpenMetrics limit (EXEMPLAR_MAX_CHARS). */
  exemplarsDropped = 0;

  /** Ids below `top` have been handed out; deleted ones wait in `free` to be reused. */
  private top = 0;
  private live = 0;
  private capacity = 0;
  private readonly free: number[] = [];
  /** Creation sequence number per id: the order mtail lists series in, once ids have been reused. */
  private nextSeq = 0;
  private reused = false;
  private scalarId = -1;
  /** The id over-budget updates write to: handed out like others but never alive, so no export lists it. */
  private discardId = -1;

  private alive = EMPTY_U8;
  /**
   * Per id, its numeric value (for histograms the sum of observations, what mtail reports as the value) at 2 * id
   * and its last update time at 2 * id + 1: an update writes one cache line, not two (bench high-cardinality, 6
   * alternating runs each: 1.09-1.19 s with two arrays, 1.01-1.12 s with one).
   */
  private cells = EMPTY_F64;
  private ttls = EMPTY_F64;
  private seqs = EMPTY_F64;
  /** Values of string metrics (null for numeric ones). */
  private readonly strs: string[] | null;
  /** Histograms: bucket counts, `nb` per id, non-cumulative; and observation counts per id. */
  private hist = EMPTY_F64;
  private hcount = EMPTY_F64;
  private readonly nb: number;
  /** Label values: columns[j][id] is the value of key j. */
  private readonly columns: string[][];
  private readonly table: LabelTable | null;
  private views: (Datum | undefined)[] = [];
  /**
   * When each series started (OpenMetrics `_created`): the time of its first update (the line's time when the
   * program set one, as for the series' own time), or the wall clock at creation for a series never updated (a
   * scalar counter exported at 0 from load). The first update is seen from the time cell, still 0 until then and
   * on the cache line the update writes anyway, so the common update touches nothing more.
   */
  private born = EMPTY_F64;
  /**
   * Exemplars, one per slot: a slot is a series (counters) or one bucket of a series (histograms, `nb` per id).
   * exLabels[slot * k + j] is the value of exemplar label j ("" when it was not bound); exCells[2 * slot] the value
   * and exCells[2 * slot + 1] the time (NaN while the slot has none). Allocated only with `exemplar`.
   */
  private readonly exPerId: number;
  private readonly exNameChars: readonly number[];
  private exLabels: string[] = [];
  private exCells = EMPTY_F64;
  /** Native buckets per id (`native` histograms only). */
  private readonly natives: (NativeBuckets | undefined)[] = [];

  constructor(decl: MetricDeclaration) {
    this.name = decl.name;
    this.program = decl.program;
    this.kind = decl.kind;
    this.type = decl.type;
    this.keys = Object.freeze(decl.keys.slice());
    this.buckets = Object.freeze(decl.buckets.slice());
    this.hidden = decl.hidden;
    this.limit = decl.limit;
    this.source = decl.source;
    this.layout = decl.kind === Kind.Histogram ? Object.freeze(bucketLayout(this.buckets)) : null;
    this.nb = this.layout === null ? 0 : this.layout.uppers.length + 1;
    this.strs = decl.type === ValueType.String ? [] : null;
    this.columns = this.keys.map(() => []);
    this.table = this.keys.length === 0 ? null : new LabelTable(this.columns);
    this.exemplarNames = Object.freeze((decl.exemplars ?? []).slice());
    this.exNameChars = this.exemplarNames.map((n) => n.length);
    this.exPerId = this.exemplarNames.length === 0 ? 0 : Math.max(1, this.nb);
    this.native = decl.native === true && decl.kind === Kind.Histogram;
    // mtail 3.0.0~rc50 exports a counter or histogram without keys from the start (value 0, time 0), even
    // before any line matched; other kinds without keys appear on their first update.
    if (this.keys.length === 0 && (decl.kind === Kind.Counter || decl.kind === Kind.Histogram)) this.id0();
  }

  /** Number of series currently held. */
  get size(): number {
    return this.live;
  }

  // ---- series ids: what compiled programs call per line ----

  /** The series of a metric without keys (created on first use). */
  id0(): number {
    const id = this.scalarId;
    return id >= 0 ? id : (this.scalarId = this.create(NO_LABELS));
  }

  /** The series for one label value (created on first use). */
  id1(a: string): number {
    const t = this.table as LabelTable;
    const id = t.find1(a);
    if (id >= 0) return id;
    if (this.full()) {
      const discard = this.admit();
      if (discard >= 0) return discard;
    }
    const labels = [detachString(a)];
    const created = this.create(labels);
    t.insert(created, labels);
    return created;
  }

  /** The series for two label values (created on first use). */
  id2(a: string, b: string): number {
    const t = this.table as LabelTable;
    const id = t.find2(a, b);
    if (id >= 0) return id;
    if (this.full()) {
      const discard = this.admit();
      if (discard >= 0) return discard;
    }
    const labels = [detachString(a), detachString(b)];
    const created = this.create(labels);
    t.insert(created, labels);
    return created;
  }

  /** The series for label values in key order (created on first use); `values` is not kept. */
  idN(values: readonly string[]): number {
    if (values.length === 0) return this.id0();
    const t = this.table as LabelTable;
    const id = t.findN(values);
    if (id >= 0) return id;
    if (this.full()) {
      const discard = this.admit();
      if (discard >= 0) return discard;
    }
    const labels = values.map(detachString);
    const created = this.create(labels);
    t.insert(created, labels);
    return created;
  }

  /** The series for these label values if it exists, else -1. */
  findId(values: readonly string[]): number {
    if (values.length === 0) return this.scalarId;
    if (this.table === null || values.length !== this.keys.length) return -1;
    return this.table.findN(values);
  }

  // ---- values by id ----

  /** Adds to the value (`+=`, `++`, `--` with a negative v); a histogram observes v. */
  add(id: number, v: number, tMs: number): void {
    if (this.layout !== null) {
      this.observe(id, v, tMs);
      return;
    }
    this.cells[2 * id] = (this.cells[2 * id] as number) + v;
    if (this.cells[2 * id + 1] === 0) this.born[id] = tMs;
    this.cells[2 * id + 1] = tMs;
  }

  /** Sets a numeric value (`=`); a histogram observes v, as mtail does for `h = v`. */
  set(id: number, v: number, tMs: number): void {
    if (this.layout !== null) {
      this.observe(id, v, tMs);
      return;
    }
    if (this.strs !== null) {
      this.setStr(id, String(v), tMs);
      return;
    }
    this.cells[2 * id] = v;
    if (this.cells[2 * id + 1] === 0) this.born[id] = tMs;
    this.cells[2 * id + 1] = tMs;
  }

  /** Sets the value of a string metric. */
  setStr(id: number, s: string, tMs: number): void {
    if (this.strs === null) {
      this.set(id, Number(s), tMs);
      return;
    }
    this.strs[id] = detachString(s);
    this.cells[2 * id + 1] = tMs;
  }

  /** `x++` used as a value: adds, then returns the new value. */
  incGet(id: number, by: number, tMs: number): number {
    this.add(id, by, tMs);
    return this.cells[2 * id] as number;
  }

  /**
   * Records one histogram observation: count and sum always; the bucket whose range (lower, upper] holds v,
   * if any (see BucketLayout: v at or below the lowest edge, or NaN, is in no bucket, as in mtail).
   */
  observe(id: number, v: number, tMs: number): void {
    this.observeAt(id, v, tMs);
  }

  /** observe(), returning the index of the classic bucket v fell in, or -1 for none. */
  private observeAt(id: number, v: number, tMs: number): number {
    const l = this.layout;
    let bucket = -1;
    if (l !== null) {
      if (v > l.lowest) {
        const u = l.uppers;
        const n = u.length;
        let i = 0;
        while (i < n && v > (u[i] as number)) i++;
        const at = id * this.nb + i;
        this.hist[at] = (this.hist[at] as number) + 1;
        bucket = i;
      }
      this.hcount[id] = (this.hcount[id] as number) + 1;
      this.cells[2 * id] = (this.cells[2 * id] as number) + v;
      if (this.native) (this.natives[id] as NativeBuckets).observe(v);
    }
    if (this.cells[2 * id + 1] === 0) this.born[id] = tMs;
    this.cells[2 * id + 1] = tMs;
    return bucket;
  }

  // ---- exemplars: what compiled programs call for metrics declared with `exemplar` ----

  /**
   * add() plus this update's exemplar, kept as the latest of its slot: the bucket v fell in (histograms; none
   * when v is in no classic bucket, except for a native-only histogram, whose one slot takes every exemplar), or
   * the series (counters, value = the increment). `ex` holds the exemplar label values in exemplarNames order, ""
   * for a name not bound at this update; it is not kept.
   */
  addEx(id: number, v: number, tMs: number, ex: readonly string[]): void {
    if (this.layout === null) {
      this.add(id, v, tMs);
      this.keepExemplar(id, v, tMs, ex);
      return;
    }
    const b = this.observeAt(id, v, tMs);
    if (this.native && this.buckets.length === 0) this.keepExemplar(id * this.nb, v, tMs, ex);
    else if (b >= 0) this.keepExemplar(id * this.nb + b, v, tMs, ex);
  }

  /** set() plus the exemplar (a counter's exemplar value is then the value set). */
  setEx(id: number, v: number, tMs: number, ex: readonly string[]): void {
    if (this.layout !== null) {
      this.addEx(id, v, tMs, ex);
      return;
    }
    this.set(id, v, tMs);
    this.keepExemplar(id, v, tMs, ex);
  }

  /** incGet() plus the exemplar. */
  incGetEx(id: number, by: number, tMs: number, ex: readonly string[]): number {
    this.addEx(id, by, tMs, ex);
    return this.cells[2 * id] as number;
  }

  /**
   * Keeps the exemplar unless no label is bound (it would link to nothing) or its labels are over the
   * OpenMetrics limit (then it is counted in exemplarsDropped and the slot keeps its previous exemplar).
   */
  private keepExemplar(slot: number, v: number, tMs: number, ex: readonly string[]): void {
    const k = this.exNameChars.length;
    let chars = 0;
    for (let j = 0; j < k; j++) {
      const s = ex[j] as string;
      if (s !== "") chars += (this.exNameChars[j] as number) + s.length;
    }
    if (chars === 0) return;
    // UTF-16 length >= code points, so only a long exemplar needs counting.
    if (chars > EXEMPLAR_MAX_CHARS && this.exemplarChars(ex) > EXEMPLAR_MAX_CHARS) {
      this.exemplarsDropped++;
      return;
    }
    const labels = this.exLabels;
    const at = slot * k;
    for (let j = 0; j < k; j++) {
      const s = ex[j] as string;
      labels[at + j] = s === "" ? "" : detachString(s);
    }
    this.exCells[2 * slot] = v;
    this.exCells[2 * slot + 1] = tMs;
  }

  /** Label names and bound values of an exemplar in UTF-8 characters (code points). */
  private exemplarChars(ex: readonly string[]): number {
    let n = 0;
    for (let j = 0; j < this.exemplarNames.length; j++) {
      const s = ex[j] as string;
      if (s === "") continue;
      n += this.exNameChars[j] as number;
      for (const _ of s) n++;
    }
    return n;
  }

  /** The latest exemplar of series `id` (bucket `bucket` for histograms), or null. */
  exemplar(id: number, bucket = 0): Exemplar | null {
    if (this.exPerId === 0) return null;
    const slot = this.layout === null ? id : id * this.nb + bucket;
    const timeMs = this.exCells[2 * slot + 1] as number;
    if (timeMs !== timeMs) return null;
    const k = this.exemplarNames.length;
    const labels: Array<readonly [string, string]> = [];
    for (let j = 0; j < k; j++) {
      const v = this.exLabels[slot * k + j] as string;
      if (v !== "") labels.push([this.exemplarNames[j] as string, v]);
    }
    return { labels, value: this.exCells[2 * slot] as number, timeMs };
  }

  /** When the series started, ms (OpenMetrics `_created`): its first update's time, else its creation's. */
  created(id: number): number {
    return this.born[id] as number;
  }

  /** The native buckets of a series of a `native` histogram, else undefined. */
  nativeBuckets(id: number): NativeBuckets | undefined {
    return this.natives[id];
  }

  /** The numeric value (0 for string metrics, as mtail exports them). */
  num(id: number): number {
    return this.strs === null ? (this.cells[2 * id] as number) : 0;
  }

  /** The value of a string metric ("" for numeric ones). */
  str(id: number): string {
    return this.strs === null ? "" : (this.strs[id] as string);
  }

  /** The value: a string for string metrics, else a number (a histogram's sum). */
  value(id: number): number | string {
    return this.strs === null ? (this.cells[2 * id] as number) : (this.strs[id] as string);
  }

  /** Last update, ms since the epoch (0 until the first update). */
  time(id: number): number {
    return this.cells[2 * id + 1] as number;
  }

  /** `del ... after` time to live in ms (0: never expires). */
  ttl(id: number): number {
    return this.ttls[id] as number;
  }

  /** Label value of key j. */
  label(id: number, j: number): string {
    return (this.columns[j] as string[])[id] as string;
  }

  /** All label values in key order (a fresh array). */
  labels(id: number): string[] {
    const out = new Array<string>(this.columns.length);
    for (let j = 0; j < out.length; j++) out[j] = (this.columns[j] as string[])[id] as string;
    return out;
  }

  /** Histograms: observations in bucket i (non-cumulative; the last bucket is +Inf). */
  bucket(id: number, i: number): number {
    return this.hist[id * this.nb + i] as number;
  }

  /** Histograms: every bucket's observations (a view, valid until the next series is created). */
  bucketCounts(id: number): Float64Array {
    return this.hist.subarray(id * this.nb, id * this.nb + this.nb);
  }

  /** Histograms: sum of all observations. */
  histSum(id: number): number {
    return this.layout === null ? 0 : (this.cells[2 * id] as number);
  }

  /** Histograms: number of observations. */
  histCount(id: number): number {
    return this.hcount[id] as number;
  }

  /**
   * The creation number of live series `id` (unique over the metric's life), or -1 when `id` holds no series: a
   * reader that paused (a sliced scrape) tells a series from a later one that reused its id.
   */
  seqOf(id: number): number {
    return this.alive[id] === 1 ? (this.seqs[id] as number) : -1;
  }

  /** The ids of every series, in creation order. */
  ids(): number[] {
    // Sized up front: pushing a million ids one by one took 30-100 ms (the array regrowing), 7-12 ms this way, and
    // a scrape calls this in one slice (issue 15: no slice over 50 ms).
    const out = new Array<number>(this.live);
    const alive = this.alive;
    let n = 0;
    for (let id = 0; id < this.top; id++) if (alive[id] === 1) out[n++] = id;
    out.length = n;
    if (this.reused) {
      const seqs = this.seqs;
      out.sort((a, b) => (seqs[a] as number) - (seqs[b] as number));
    }
    return out;
  }

  // ---- snapshots (src/state/ copies the series with copyColumns and puts them back with restoreSeries) ----

  /**
   * A copy of every series at this instant, by column and indexed by series id (as the readers above are), for a
   * state snapshot: taken between two lines, so it must be quick. Copying the arrays whole costs a few memcpys
   * where reading 200k series through the per-id readers cost 50-120 ms on a loaded 2-core machine. New per-series
   * fields (exemplars, native buckets) belong here and in restoreSeries.
   */
  copyColumns(): SeriesColumns {
    const top = this.top;
    const natives: (SavedNativeBuckets | undefined)[] | null = this.native ? [] : null;
    if (natives !== null) for (let id = 0; id < top; id++) natives[id] = this.alive[id] === 1 ? this.natives[id]?.save() : undefined;
    return {
      born: this.born.slice(0, top),
      exemplarSlots: this.exPerId,
      exemplarLabels: this.exPerId > 0 ? this.exLabels.slice(0, top * this.exPerId * this.exemplarNames.length) : [],
      exemplarCells: this.exPerId > 0 ? this.exCells.slice(0, 2 * top * this.exPerId) : new Float64Array(0),
      natives,
      ids: this.ids(),
      labels: this.columns.map((c) => c.slice(0, top)),
      cells: this.cells.slice(0, 2 * top),
      ttls: this.ttls.slice(0, top),
      texts: this.strs === null ? null : this.strs.slice(0, top),
      buckets: this.nb,
      bucketCounts: this.nb > 0 ? this.hist.slice(0, top * this.nb) : null,
      observations: this.nb > 0 ? this.hcount.slice(0, top) : null,
    };
  }

  /**
   * Puts back one series saved in a snapshot: creates it (or finds it) by its label values in key order and sets
   * every field, as if the lines that made it had just been read again. Returns its id. `counts` (histograms) is
   * per bucket, non-cumulative, in the layout's order; extra or missing entries are ignored or left at 0.
   */
  restoreSeries(labels: readonly string[], saved: RestoredSeries): number {
    const id = labels.length === 0 ? this.id0() : this.idN(labels);
    if (this.strs !== null) this.strs[id] = typeof saved.value === "string" ? saved.value : String(saved.value);
    else this.cells[2 * id] = typeof saved.value === "number" ? saved.value : Number(saved.value);
    this.cells[2 * id + 1] = saved.timeMs;
    this.ttls[id] = saved.ttlMs > 0 ? saved.ttlMs : 0;
    if (this.nb > 0) {
      const counts = saved.counts ?? [];
      for (let i = 0; i < this.nb; i++) this.hist[id * this.nb + i] = Number(counts[i] ?? 0);
      this.hcount[id] = saved.count ?? 0;
    }
    if (saved.bornMs !== undefined && saved.bornMs > 0) this.born[id] = saved.bornMs;
    const k = this.exemplarNames.length;
    if (this.exPerId > 0 && saved.exemplars !== undefined) {
      for (let b = 0; b < this.exPerId && b < saved.exemplars.length; b++) {
        const ex = saved.exemplars[b];
        if (ex == null || ex.values.length !== k) continue;
        const slot = id * this.exPerId + b;
        for (let j = 0; j < k; j++) this.exLabels[slot * k + j] = ex.values[j] as string;
        this.exCells[2 * slot] = ex.value;
        this.exCells[2 * slot + 1] = ex.timeMs;
      }
    }
    if (this.native && saved.native !== undefined) {
      const n = new NativeBuckets();
      n.restore(saved.native);
      this.natives[id] = n;
    }
    return id;
  }

  // ---- limits on the number of series ----

  /** Whether a new series must wait for `limit` or `seriesBudget` (one comparison while neither is reached). */
  private full(): boolean {
    return (
      (this.limitOnCreate && this.limit > 0 && this.live >= this.limit) ||
      (this.seriesBudget > 0 && this.live >= this.seriesBudget)
    );
  }

  /**
   * Before a new series: `limit` evicts the least recently updated series (the first created on a tie), as mtail
   * 3.3.1 does on insert and not only at collection; then, if the budget is still reached, the update is dropped.
   * Returns -1 when the series may be created, else the discard id.
   */
  private admit(): number {
    while (this.limitOnCreate && this.limit > 0 && this.live >= this.limit && this.live > 0) this.deleteId(this.oldestId());
    if (!(this.seriesBudget > 0 && this.live >= this.seriesBudget)) return -1;
    if (this.dropped++ === 0) this.onFirstDrop?.(this);
    if (this.discardId < 0) {
      this.discardId = this.top++;
      if (this.discardId >= this.capacity) this.grow(this.discardId + 1);
    }
    return this.discardId;
  }

  /** The live series with the earliest update time, the first created on a tie. */
  private oldestId(): number {
    let best = -1;
    const cells = this.cells;
    const seqs = this.seqs;
    for (let id = 0; id < this.top; id++) {
      if (this.alive[id] !== 1) continue;
      if (
        best < 0 ||
        (cells[2 * id + 1] as number) < (cells[2 * best + 1] as number) ||
        ((cells[2 * id + 1] as number) === (cells[2 * best + 1] as number) && (seqs[id] as number) < (seqs[best] as number))
      ) {
        best = id;
      }
    }
    return best;
  }

  // ---- deletion and collection ----

  /** Removes the series of a metric without keys (`del m`). */
  delete0(): void {
    if (this.scalarId >= 0) this.deleteId(this.scalarId);
  }

  /** Removes the label set (a). */
  delete1(a: string): void {
    this.deleteN([a]);
  }

  /** Removes the label set (a, b). */
  delete2(a: string, b: string): void {
    this.deleteN([a, b]);
  }

  /** Removes a label set given in key order; a missing label set is not an error (as in mtail). */
  deleteN(values: readonly string[]): void {
    const id = this.findId(values);
    if (id >= 0) this.deleteId(id);
  }

  /** Removes one series by id. */
  deleteId(id: number): void {
    if (id < 0 || id >= this.top || this.alive[id] !== 1) return;
    if (id === this.scalarId) this.scalarId = -1;
    else this.table?.remove(id, this.labels(id));
    this.alive[id] = 0;
    for (const col of this.columns) col[id] = "";
    if (this.strs !== null) this.strs[id] = "";
    this.views[id] = undefined;
    if (this.native) this.natives[id] = undefined;
    this.free.push(id);
    this.live--;
  }

  /**
   * `del m[...] after DURATION`: the collector removes the series once it has not been updated for ttlMs. As in
   * mtail, expiry is measured from the series' last update.
   */
  expire(series: number | Datum, ttlMs: number): void {
    const id = typeof series === "number" ? series : series.id;
    this.ttls[id] = ttlMs > 0 ? ttlMs : 0;
  }

  /**
   * Drops every series not updated within its ttl, then the least recently updated series beyond `limit`;
   * returns how many went. "Updated" is the series' time, i.e. the log line's time when the program set one.
   * With `limitOnCreate` (the daemon), `limit` is also enforced when a series is created (admit).
   */
  collectGarbage(nowMs: number): number {
    let removed = 0;
    for (const id of this.ids()) {
      const ttl = this.ttls[id] as number;
      if (ttl > 0 && nowMs - (this.cells[2 * id + 1] as number) > ttl) {
        this.deleteId(id);
        removed++;
      }
    }
    // mtail removes, one at a time, the series with the earliest update time (the first created on a tie).
    if (this.limit > 0 && this.live > this.limit) {
      const cells = this.cells;
      const seqs = this.seqs;
      const order = this.ids().sort(
        (a, b) => (cells[2 * a + 1] as number) - (cells[2 * b + 1] as number) || (seqs[a] as number) - (seqs[b] as number),
      );
      for (let i = 0; this.live > this.limit; i++) {
        this.deleteId(order[i] as number);
        removed++;
      }
    }
    return removed;
  }

  /** True when `decl` describes this same metric: name, kind, type, keys and buckets all equal. */
  sameShape(decl: MetricDeclaration): boolean {
    return (
      decl.name === this.name &&
      decl.program === this.program &&
      decl.kind === this.kind &&
      decl.type === this.type &&
      sameArray(decl.keys, this.keys) &&
      sameArray(decl.buckets, this.buckets) &&
      sameArray(decl.exemplars ?? [], this.exemplarNames) &&
      (decl.native === true) === this.native
    );
  }

  // ---- Datum views: tests and code off the per-line path ----

  /** The datum of a metric with no keys. */
  get0(): Datum {
    return this.view(this.id0());
  }

  /** The datum for one label value (created on first use). */
  get1(a: string): Datum {
    return this.view(this.id1(a));
  }

  /** The datum for two label values (created on first use). */
  get2(a: string, b: string): Datum {
    return this.view(this.id2(a, b));
  }

  /** The datum for any number of label values in key order (created on first use). */
  getN(values: readonly string[]): Datum {
    return this.view(this.idN(values));
  }

  /** The datum for these label values if it exists, without creating it. */
  find(values: readonly string[]): Datum | undefined {
    const id = this.findId(values);
    return id >= 0 ? this.view(id) : undefined;
  }

  /** Every datum, in creation order. */
  datums(): Datum[] {
    return this.ids().map((id) => this.view(id));
  }

  private view(id: number): Datum {
    return (this.views[id] ??= new Datum(this, id));
  }

  // ---- storage ----

  private create(labels: readonly string[]): number {
    let id = this.free.pop();
    if (id === undefined) {
      id = this.top++;
      if (id >= this.capacity) this.grow(id + 1);
    } else {
      this.reused = true;
    }
    this.alive[id] = 1;
    this.cells[2 * id] = 0;
    this.cells[2 * id + 1] = 0;
    this.ttls[id] = 0;
    this.seqs[id] = this.nextSeq++;
    this.born[id] = Date.now();
    if (this.strs !== null) this.strs[id] = "";
    if (this.native) this.natives[id] = new NativeBuckets();
    if (this.exPerId > 0) {
      const k = this.exemplarNames.length;
      const first = id * this.exPerId;
      this.exCells.fill(NaN, 2 * first, 2 * (first + this.exPerId));
      for (let i = first * k; i < (first + this.exPerId) * k; i++) this.exLabels[i] = "";
    }
    if (this.nb > 0) {
      this.hist.fill(0, id * this.nb, id * this.nb + this.nb);
      this.hcount[id] = 0;
    }
    for (let j = 0; j < labels.length; j++) (this.columns[j] as string[])[id] = labels[j] as string;
    this.live++;
    return id;
  }

  private grow(need: number): void {
    let cap = Math.max(4, this.capacity * 2);
    while (cap < need) cap *= 2;
    this.alive = grown(this.alive, cap);
    this.cells = grown(this.cells, 2 * cap);
    this.ttls = grown(this.ttls, cap);
    this.seqs = grown(this.seqs, cap);
    this.born = grown(this.born, cap);
    if (this.exPerId > 0) this.exCells = grown(this.exCells, 2 * cap * this.exPerId);
    if (this.nb > 0) {
      this.hist = grown(this.hist, cap * this.nb);
      this.hcount = grown(this.hcount, cap);
    }
    this.capacity = cap;
  }
}

function grown<T extends Float64Array | Uint8Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
