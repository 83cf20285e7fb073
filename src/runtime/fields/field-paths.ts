// The field paths loaded programs read, as a tree of keys per format: each node a slot the scanners fill. Paths
// of every program share one tree, so a record is scanned once for all of them (append-only: a slot keeps its
// number while the runtime lives). Imports nothing of ours.

/** One key of the tree: its slot, and the keys below it (JSON objects only). */
export class KeyNode {
  /** Child keys, found by the key's length first so a scanner compares few candidates, allocating nothing. */
  readonly byLength: (KeyNode[] | undefined)[] = [];
  /** Number of children (0: a leaf, the scanner need not look inside the value). */
  children = 0;
  /**
   * A filter in front of childAt: for each key length below 64, one bit per first character (its low 5 bits) of
   * the children of that length. Most keys of a record are not read by any program, and ruling them out with one
   * load and a shift instead of a call to childAt halved what key lookups cost the json benchmark's scan.
   */
  readonly firstChars = new Int32Array(64);
  /** Slots of this node and of every node below it, cleared when a duplicate key replaces the value. */
  readonly subtree: number[] = [];
  constructor(readonly key: string, readonly slot: number) {
    this.subtree.push(slot);
  }

  /** False when no child can be a key of `length` characters starting with `first`; true when one may be. */
  mayHave(length: number, first: number): boolean {
    return length >= 64 || ((this.firstChars[length] as number) >>> (first & 31) & 1) === 1;
  }

  /** The child for the key text[start, end) (no escapes in it), or undefined. */
  // Called only for keys mayHave admits (in practice, the wanted ones). A slice compared with === is two native
  // steps (copy, memcmp); a loop of charCodeAt over the key, or startsWith, cost more: logfmt benchmark, scan alone,
  // 200k lines: 817-832 ns a line with the loop, 785-792 with the slice (json: no difference).
  childAt(text: string, start: number, end: number): KeyNode | undefined {
    const list = this.byLength[end - start];
    if (list === undefined) return undefined;
    const key = text.slice(start, end);
    for (let i = 0; i < list.length; i++) {
      const n = list[i] as KeyNode;
      if (n.key === key) return n;
    }
    return undefined;
  }

  /** The child for a decoded key, or undefined. */
  child(key: string): KeyNode | undefined {
    const list = this.byLength[key.length];
    return list?.find((n) => n.key === key);
  }

  add(node: KeyNode): void {
    (this.byLength[node.key.length] ??= []).push(node);
    const len = node.key.length;
    if (len < 64) this.firstChars[len] |= len === 0 ? -1 : 1 << (node.key.charCodeAt(0) & 31);
    this.children++;
  }
}

/** The tree of one format's paths; slot 0 is the record itself. */
export class FieldPaths {
  readonly root = new KeyNode("", 0);
  private slots = 1;
  /** Bumped whenever a path is added: records parsed before hold no value for the new slot. */
  version = 0;

  /** Number of slots (records size their arrays by it). */
  get size(): number {
    return this.slots;
  }

  /** The slot for a path, adding it (and its prefixes) on first use. */
  slot(path: readonly string[]): number {
    let node = this.root;
    const chain: KeyNode[] = [node];
    for (const key of path) {
      let next = node.child(key);
      if (next === undefined) {
        next = new KeyNode(key, this.slots++);
        node.add(next);
        for (const up of chain) up.subtree.push(next.slot);
        this.version++;
      }
      node = next;
      chain.push(node);
    }
    return node.slot;
  }
}
