// limitYoungGeneration: V8 flags are process-wide and the heap only grows, so each case runs in a fresh node.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { limitYoungGeneration } from "../../../src/cli/young-generation.js";

const MODULE = new URL("../../../src/cli/young-generation.js", import.meta.url).href;
const MIB = 1 << 20;

/**
 * Runs a fresh node that keeps up to ~1 MB of short-lived objects alive (which makes V8 grow its young generation,
 * as a daemon catching up does) over 500 event-loop turns, and returns its largest semi-space in bytes. The limit
 * is checked between turns, so each turn allocates less than a semi-space of the limit's size. The size is read
 * when a GC's entry is delivered, as the limit reads it: between scavenges Node 24's V8 lends the new space a few
 * extra pages (2 MiB semi-spaces read up to 3.9 MiB mid-turn and 2 MiB again after every scavenge), which is not
 * growth; Node 20 shows the same figure either way.
 */
function largestSemiSpace(
  limitBytes: number | null,
  nodeArgs: string[] = [],
  raiseTo: number | null = null,
): { largest: number; limited: boolean } {
  const script = `
    import { PerformanceObserver } from "node:perf_hooks";
    import { limitYoungGeneration, semiSpaceBytes } from ${JSON.stringify(MODULE)};
    const limit = ${limitBytes === null ? "undefined" : `limitYoungGeneration(${limitBytes})`};
    ${raiseTo === null ? "" : `limit.setLimit(${raiseTo});`}
    let keep = [];
    let largest = semiSpaceBytes();
    new PerformanceObserver(() => (largest = Math.max(largest, semiSpaceBytes()))).observe({ entryTypes: ["gc"] });
    for (let turn = 0; turn < 500; turn++) {
      for (let i = 0; i < 4000; i++) {
        keep.push({ i, s: "line " + i });
        if (keep.length > 20000) keep = [];
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(JSON.stringify({ largest, limited: limit !== undefined }));
  `;
  const out = execFileSync(process.execPath, [...nodeArgs, "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  return JSON.parse(out) as { largest: number; limited: boolean };
}

describe("cli/young-generation", () => {
  it("lets the young generation grow past 2 MiB without the limit (or the next case proves nothing)", () => {
    expect(largestSemiSpace(null).largest).to.be.greaterThan(2 * MIB);
  });

  it("keeps each semi-space at or under the limit", () => {
    const r = largestSemiSpace(2 * MIB);
    expect(r.limited).to.equal(true);
    expect(r.largest).to.be.at.most(2 * MIB);
  });

  it("setLimit moves the limit: the young generation grows past the old one, not past the new one", () => {
    const r = largestSemiSpace(1 * MIB, [], 4 * MIB);
    expect(r.largest).to.be.greaterThan(1 * MIB);
    expect(r.largest).to.be.at.most(4 * MIB);
  });

  it("stays out when node was given a young-generation size of its own", () => {
    const r = largestSemiSpace(2 * MIB, ["--max-semi-space-size=8"]);
    expect(r.limited).to.equal(false);
    expect(r.largest).to.be.greaterThan(2 * MIB);
  });

  const flagCases = [
    { name: "--max-semi-space-size in execArgv", flags: ["--max-semi-space-size=32"], limited: false },
    { name: "--max_semi_space_size in NODE_OPTIONS", flags: ["--inspect --max_semi_space_size=32"], limited: false },
    { name: "--min-semi-space-size", flags: ["--min-semi-space-size=4"], limited: false },
    { name: "--semi-space-growth-factor", flags: ["--semi-space-growth-factor=4"], limited: false },
    { name: "unrelated flags", flags: ["--max-old-space-size=512", "--enable-source-maps"], limited: true },
  ];
  for (const c of flagCases) {
    it(`${c.limited ? "applies" : "does not apply"} with ${c.name}`, () => {
      // A limit larger than any semi-space V8 uses, so this process's heap is not touched.
      const limit = limitYoungGeneration(1 << 30, c.flags);
      limit?.stop();
      expect(limit !== undefined).to.equal(c.limited);
    });
  }
});
