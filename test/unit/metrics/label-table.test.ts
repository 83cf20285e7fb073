// LabelTable: label set -> series id, checked case by case and against a Map model under random inserts and
// deletes (which exercise probing, growth, wrap-around and backward-shift deletion).

import { expect } from "chai";
import { LabelTable, inlineEquals, writeInline } from "../../../src/metrics/label-table.js";

/** A table plus the label columns it reads, with the insert protocol Metric follows (find, then insert). */
class Harness {
  readonly columns: string[][];
  readonly table: LabelTable;
  private next = 0;
  constructor(keys: number) {
    this.columns = Array.from({ length: keys }, () => []);
    this.table = new LabelTable(this.columns);
  }
  find(labels: readonly string[]): number {
    if (labels.length === 1) return this.table.find1(labels[0]!);
    if (labels.length === 2) return this.table.find2(labels[0]!, labels[1]!);
    return this.table.findN(labels);
  }
  add(labels: readonly string[]): number {
    const found = this.find(labels);
    if (found >= 0) return found;
    const id = this.next++;
    labels.forEach((v, j) => (this.columns[j]![id] = v));
    this.table.insert(id, labels);
    return id;
  }
}

describe("metrics/LabelTable", () => {
  describe("tells label sets apart", () => {
    const long = "x".repeat(40);
    const cases: Array<{ name: string; sets: string[][] }> = [
      { name: "one key, short values", sets: [["a"], ["b"], [""], ["ab"], ["ba"]] },
      { name: "values at the inline limit and just past it", sets: [["y".repeat(19)], ["y".repeat(20)], ["y".repeat(18)]] },
      { name: "long values, equal but for the last character", sets: [[long + "1"], [long + "2"], [long]] },
      { name: "characters above U+00FF are compared, not truncated", sets: [["é"], ["ĩ"], ["\u0169"], ["i"], ["😀"], ["\u0100"], ["\u0000"]] },
      { name: "two keys: where one value ends matters", sets: [["ab", "c"], ["a", "bc"], ["abc", ""], ["", "abc"]] },
      { name: "two keys, one value long", sets: [["GET", long], ["GET", long + "!"], [long, "GET"]] },
      { name: "three keys", sets: [["GET", "200", "HTTP/1.1"], ["GET", "200", "HTTP/1.0"], ["GET", "2", "00HTTP/1.1"]] },
      { name: "three keys spilled", sets: [["GET", "200", long], ["GET", "201", long]] },
      // A unit above U+00FF makes the whole set spilled, hashed unit by unit; its neighbours stay inline.
      { name: "a wide value beside Latin-1 ones", sets: [["a", "ĩ", "b"], ["a", "i", "b"], ["ĩ", "a", "b"], ["a", "\u0100", "b"], ["a", "\u0000", "b"]] },
      { name: "two keys at the inline limit (5 words) and one past it", sets: [["y".repeat(11), "z".repeat(7)], ["y".repeat(11), "z".repeat(8)], ["y".repeat(12), "z".repeat(7)]] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const h = new Harness(c.sets[0]!.length);
        const ids = c.sets.map((s) => h.add(s));
        expect(new Set(ids).size).to.equal(c.sets.length);
        // Fresh strings (not the stored objects) find the same ids.
        c.sets.forEach((s, i) => expect(h.find(s.map((v) => (" " + v).slice(1)))).to.equal(ids[i]));
        expect(h.table.size).to.equal(c.sets.length);
      });
    }
  });

  // Hashes differ for almost every pair of different labels, so the table rarely reaches this comparison:
  // it is checked here directly, every pair against every pair.
  it("the inline form of a label equals exactly that label", () => {
    // Only labels of at most 19 units, all below U+0100, are stored inline; anything may be looked up.
    const labels = ["", "a", "b", "ab", "abc", "abcd", "abce", "abcde", "abcdf", "a\u0000", "\u0000", "é", "ÿ", "ab\u0000", "x".repeat(19)];
    for (const stored of labels) {
      const words = new Int32Array(8).fill(0x7f7f7f7f);
      const end = writeInline(words, 1, stored);
      expect(end).to.equal(1 + ((stored.length + 4) >> 2));
      // "ab\u0100" packs its last unit to 0 when shifted into the top byte: it must still not equal "ab\u0000".
      for (const probe of [...labels, "ĩ", "\u0101", "ab\u0100", "x".repeat(20)]) {
        expect(inlineEquals(words, 1, probe), `${JSON.stringify(stored)} vs ${JSON.stringify(probe)}`).to.equal(stored === probe);
      }
    }
  });

  it("a missing label set is -1", () => {
    const h = new Harness(2);
    h.add(["a", "b"]);
    expect(h.find(["a", "c"])).to.equal(-1);
    expect(h.find(["b", "a"])).to.equal(-1);
  });

  it("find1, find2 and findN agree", () => {
    const one = new Harness(1);
    const id1 = one.add(["k"]);
    expect(one.table.findN(["k"])).to.equal(id1);
    const two = new Harness(2);
    const id2 = two.add(["k", "v"]);
    expect(two.table.findN(["k", "v"])).to.equal(id2);
  });

  it("removing a label set that is not there changes nothing", () => {
    const h = new Harness(1);
    const id = h.add(["a"]);
    h.table.remove(7, ["b"]);
    expect(h.find(["a"])).to.equal(id);
    expect(h.table.size).to.equal(1);
  });

  describe("matches a Map under random inserts and deletes", () => {
    for (const seed of [1, 2, 3]) {
      for (const keys of [1, 2, 3]) {
        it(`seed ${seed}, ${keys} key(s)`, () => {
          let state = seed;
          const rand = (n: number) => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state % n;
          };
          // A small alphabet makes repeats, deletes of present sets and long probe runs likely.
          const alphabet = ["a", "b", "ab", "", "é", "x".repeat(25), "0", "ĩ"];
          const model = new Map<string, number>();
          const h = new Harness(keys);
          for (let step = 0; step < 4000; step++) {
            const labels = Array.from({ length: keys }, () => alphabet[rand(alphabet.length)]! + String(rand(40)));
            const key = JSON.stringify(labels);
            if (rand(3) === 0) {
              const id = model.get(key);
              if (id !== undefined) {
                h.table.remove(id, labels);
                model.delete(key);
              }
            } else {
              const id = h.add(labels);
              const known = model.get(key);
              if (known !== undefined) expect(id).to.equal(known);
              model.set(key, id);
            }
          }
          expect(h.table.size).to.equal(model.size);
          for (const [key, id] of model) expect(h.find(JSON.parse(key) as string[])).to.equal(id);
        });
      }
    }
  });
});
