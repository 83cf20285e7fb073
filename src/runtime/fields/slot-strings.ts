// The strings a record's str() made during the current parse, by slot: one per field, made once per parse and kept
// (a program often reads one field for several metrics' labels). Shared by the json and logfmt records; one class,
// so the call sites in generated code stay monomorphic. Imports nothing.

/**
 * A value is a slice of the line; whatever keeps it beyond the line (a new series' labels) detaches it. A memo
 * that handed back one string object per recent value cost more than it saved: red-json and red-logfmt in process,
 * 200k lines, 1.65 -> 1.58 and 1.41 -> 1.36 us a line without it.
 */
export class SlotStrings {
  /** strs[slot] is current where made[slot] is the record's generation (its parse number). */
  private made = new Float64Array(0);
  private strs: (string | undefined)[] = [];

  /** Whether slot's string was made during parse `gen`. */
  has(slot: number, gen: number): boolean {
    return this.made[slot] === gen;
  }

  at(slot: number): string | undefined {
    return this.strs[slot];
  }

  /** Keeps `v` as slot's string for parse `gen`, and returns it. */
  keep(slot: number, gen: number, v: string | undefined): string | undefined {
    this.made[slot] = gen;
    this.strs[slot] = v;
    return v;
  }

  /** Room for `size` slots (the record grows with the paths programs read). */
  grow(size: number): void {
    const made = new Float64Array(size);
    made.set(this.made);
    this.made = made;
    while (this.strs.length < size) this.strs.push(undefined);
  }
}
