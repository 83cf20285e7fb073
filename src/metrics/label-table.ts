// An open-addressing hash index from a label set (one string per key) to a series id: the lookup every compiled
// program does once per matching line and metric. Imports nothing.
//
// Why not a Map: with 200,000 label values (bench high-cardinality) a Map<string, ...> lookup cost ~450-500 ns on
// the bench machines, nearly all of it waiting on memory: V8's OrderedHashMap walks bucket -> entry -> stored key
// string (one cache miss each, more on a chain) and hashes a fresh capture string in a runtime call. Here a slot
// holds the hash and, for short label sets, the label bytes themselves, so a hit reads one 32-byte slot: 800k
// lookups at 200k keys took 125-145 ms here against 357-410 ms through a Map (fresh capture strings, same machine).

/** int32 words per slot: [id + 1 (0: empty), hash, inline words (-1: spilled), w0 .. w4]: 32 bytes. */
const STRIDE = 8;
/** Words of label bytes a slot holds: label sets longer than this are compared as strings ("spilled"). */
const INLINE_WORDS = STRIDE - 3;
const SPILLED = -1;

/**
 * Per-process random seed, so label values crafted offline cannot all collide (hostile logs choose label values).
 * V8 seeds its own string hashes per process for the same reason.
 */
const SEED = (Math.random() * 0x100000000) | 0;

const FNV_PRIME = 0x01000193;

/**
 * The label set being looked up in its inline form (see wordsOf), written by packLabel while it hashes, so a probe
 * compares whole words instead of reading the labels' characters a second time. Only the first INLINE_WORDS
 * words are kept: a longer set is never inline.
 */
const PACKED = new Int32Array(INLINE_WORDS);
/** Words packLabel has counted so far for the current label set; WIDE once a label has a unit above 255. */
let packedWords = 0;
/** Larger than any inline word count: a label set with a unit above 255 is never inline. */
const WIDE = 1 << 30;

/**
 * Mixes one label into h and appends its inline form to PACKED: the words of the inline form (length byte, then
 * one byte per unit, four to a word) are hashed one multiply each (FNV-1a style over words; finish() spreads the
 * bits). A label with a unit above 255 has no inline form and is mixed unit by unit instead (mixWide), so distinct
 * labels never map to the same words. Hashing and packing in one pass over the characters, rather than hashing
 * every character and packing them again to compare, made label lookups about 40% cheaper (json benchmark,
 * docs/performance.md).
 */
function packLabel(h: number, s: string): number {
  const n = s.length;
  let w = packedWords;
  let word = n;
  let shift = 8;
  let x = h;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) {
      packedWords = WIDE;
      return mixWide(h, s);
    }
    word |= c << shift;
    shift += 8;
    if (shift === 32) {
      x = Math.imul(x ^ word, FNV_PRIME);
      if (w < INLINE_WORDS) PACKED[w] = word;
      w++;
      word = 0;
      shift = 0;
    }
  }
  if (shift !== 0) {
    x = Math.imul(x ^ word, FNV_PRIME);
    if (w < INLINE_WORDS) PACKED[w] = word;
    w++;
  }
  packedWords = w;
  return x;
}

/** Mixes a label with a unit above 255 into h: a marker, its length, then each UTF-16 unit. */
function mixWide(h: number, s: string): number {
  const n = s.length;
  h = Math.imul(h ^ 0x7fffffff ^ n, FNV_PRIME);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash of a whole label set (the same packLabel computes for find1/find2/findN). */
function hashLabels(labels: readonly string[]): number {
  packedWords = 0;
  let h = SEED;
  for (const v of labels) h = packLabel(h, v);
  return finish(h);
}

/** True when slots[w..] hold the first `words` words of PACKED. */
function packedEquals(slots: Int32Array, w: number, words: number): boolean {
  for (let k = 0; k < words; k++) if (slots[w + k] !== PACKED[k]) return false;
  return true;
}

/** murmur3's final mix: every input bit reaches the low bits that pick the slot. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Inline form of a label: a length byte, then one byte per UTF-16 unit, packed four to an int32 word and
 * padded to whole words, so each label starts on a word. Only labels of 0-19 units, all below 256, fit.
 */
function wordsOf(s: string): number {
  return (s.length + 4) >> 2;
}

/** True when the label at words[w..] is `s` (false as soon as a unit cannot be inline). Exported for tests. */
export function inlineEquals(slots: Int32Array, w: number, s: string): boolean {
  const n = s.length;
  let word = n;
  let shift = 8;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) return false;
    word |= c << shift;
    shift += 8;
    if (shift === 32) {
      if (slots[w++] !== word) return false;
      word = 0;
      shift = 0;
    }
  }
  return shift === 0 || slots[w] === word;
}

/** Writes the inline form of `s` at slots[w..]; returns the next word. Exported for tests. */
export function writeInline(slots: Int32Array, w: number, s: string): number {
  const n = s.length;
  let word = n;
  let shift = 8;
  for (let i = 0; i < n; i++) {
    word |= s.charCodeAt(i) << shift;
    shift += 8;
    if (shift === 32) {
      slots[w++] = word;
      word = 0;
      shift = 0;
    }
  }
  if (shift !== 0) slots[w++] = word;
  return w;
}

function fitsInline(s: string): boolean {
  if (s.length > 4 * INLINE_WORDS) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
}

/**
 * Label set -> series id. The caller owns the label values (`columns[j][id]` is label j of series id, read to
 * compare spilled label sets) and the ids; the table only indexes them. A lookup that misses remembers where
 * the label set would go, so `insert` right after it does not probe again.
 */
export class LabelTable {
  private slots: Int32Array;
  private mask: number;
  private used = 0;
  private missSlot = -1;
  private missHash = 0;

  /** @param columns label values by key then series id; read only for label sets too long to keep inline */
  constructor(private readonly columns: readonly (readonly string[])[]) {
    this.slots = new Int32Array(16 * STRIDE);
    this.mask = 15;
  }

  /** Number of label sets indexed. */
  get size(): number {
    return this.used;
  }

  // find1, find2 and findN repeat one probe loop on purpose: each is the whole per-line lookup for its arity, with
  // no array built for the labels and no callback to compare them, so V8 compiles each to one tight loop. Measured:
  // find1 as `findN` over a reused one-element array took 137-165 ms per 800k lookups of 200k labels, against
  // 119-150 ms for this loop (4 alternating runs each, same machine).

  /** The id of the one-label set (a), or -1. */
  find1(a: string): number {
    packedWords = 0;
    const h = finish(packLabel(SEED, a));
    const words = packedWords;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const b = s * STRIDE;
      const idp1 = slots[b] as number;
      if (idp1 === 0) return this.missed(s, h);
      if (slots[b + 1] !== h) continue;
      const inline = slots[b + 2];
      if (inline === SPILLED) {
        if ((this.columns[0] as string[])[idp1 - 1] === a) return idp1 - 1;
      } else if (inline === words && packedEquals(slots, b + 3, words)) {
        return idp1 - 1;
      }
    }
  }

  /** The id of the two-label set (a, b), or -1. */
  find2(a: string, b2: string): number {
    packedWords = 0;
    const h = finish(packLabel(packLabel(SEED, a), b2));
    const words = packedWords;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const b = s * STRIDE;
      const idp1 = slots[b] as number;
      if (idp1 === 0) return this.missed(s, h);
      if (slots[b + 1] !== h) continue;
      const inline = slots[b + 2];
      if (inline === SPILLED) {
        const id = idp1 - 1;
        if ((this.columns[0] as string[])[id] === a && (this.columns[1] as string[])[id] === b2) return id;
      } else if (inline === words && packedEquals(slots, b + 3, words)) {
        return idp1 - 1;
      }
    }
  }

  /** The id of the label set `values` (one per key, in key order), or -1. */
  findN(values: readonly string[]): number {
    packedWords = 0;
    let h = SEED;
    for (let j = 0; j < values.length; j++) h = packLabel(h, values[j] as string);
    h = finish(h);
    const words = packedWords;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const b = s * STRIDE;
      const idp1 = slots[b] as number;
      if (idp1 === 0) return this.missed(s, h);
      if (slots[b + 1] !== h) continue;
      const inline = slots[b + 2];
      if (inline === SPILLED) {
        if (this.spilledEquals(idp1 - 1, values)) return idp1 - 1;
      } else if (inline === words && packedEquals(slots, b + 3, words)) {
        return idp1 - 1;
      }
    }
  }

  /**
   * Indexes `labels` as series `id`. Must directly follow the find that returned -1 for these same labels,
   * with no other change to the table in between (the slot it found is reused).
   */
  insert(id: number, labels: readonly string[]): void {
    this.place(this.missSlot, this.missHash, id, labels);
    this.missSlot = -1;
    if (++this.used * 2 > this.mask + 1) this.grow();
  }

  /** Removes series `id`, indexed under `labels`; nothing happens if it is not there. */
  remove(id: number, labels: readonly string[]): void {
    const h = hashLabels(labels);
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;; s = (s + 1) & mask) {
      const idp1 = slots[s * STRIDE] as number;
      if (idp1 === 0) return;
      if (idp1 === id + 1) break;
    }
    // Backward-shift deletion (linear probing without tombstones): pull later entries of the probe run into the
    // hole unless their home slot lies cyclically in (hole, their slot].
    let hole = s;
    for (let j = (hole + 1) & mask; slots[j * STRIDE] !== 0; j = (j + 1) & mask) {
      const home = (slots[j * STRIDE + 1] as number) & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      slots.copyWithin(hole * STRIDE, j * STRIDE, j * STRIDE + STRIDE);
      hole = j;
    }
    slots.fill(0, hole * STRIDE, hole * STRIDE + STRIDE);
    this.used--;
  }

  /** Forgets every label set. */
  clear(): void {
    this.slots = new Int32Array(16 * STRIDE);
    this.mask = 15;
    this.used = 0;
    this.missSlot = -1;
  }

  private missed(slot: number, h: number): number {
    this.missSlot = slot;
    this.missHash = h;
    return -1;
  }

  private place(slot: number, h: number, id: number, labels: readonly string[]): void {
    const slots = this.slots;
    const b = slot * STRIDE;
    slots[b] = id + 1;
    slots[b + 1] = h;
    let words = 0;
    let inline = true;
    for (const v of labels) {
      words += wordsOf(v);
      if (!fitsInline(v)) inline = false;
    }
    if (!inline || words > INLINE_WORDS) {
      slots[b + 2] = SPILLED;
      return;
    }
    slots[b + 2] = words;
    let w = b + 3;
    for (const v of labels) w = writeInline(slots, w, v);
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const mask = cap - 1;
    const slots = new Int32Array(cap * STRIDE);
    // Slots are copied word by word: a subarray() per slot made growing to 200,000 label sets cost ~90 ms.
    for (let b = 0; b < old.length; b += STRIDE) {
      if (old[b] === 0) continue;
      let s = (old[b + 1] as number) & mask;
      while (slots[s * STRIDE] !== 0) s = (s + 1) & mask;
      const to = s * STRIDE;
      for (let w = 0; w < STRIDE; w++) slots[to + w] = old[b + w] as number;
    }
    this.slots = slots;
    this.mask = mask;
  }

  private spilledEquals(id: number, values: readonly string[]): boolean {
    for (let j = 0; j < values.length; j++) if ((this.columns[j] as string[])[id] !== values[j]) return false;
    return true;
  }
}
