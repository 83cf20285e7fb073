// ProgramStatus.matchedLines: the lines that matched at least one of a program's patterns (a line regex, or a
// json/logfmt block that parsed), whatever the program then did with them. Each case's expected count comes
// from a JavaScript predicate over the same lines, not from the runtime.
import { expect } from "chai";
import { Store } from "../../../src/metrics/store.js";
import { Runtime, type RuntimeLogger } from "../../../src/runtime/index.js";
import { seededRandom } from "../../helpers/prng.js";

const quiet: RuntimeLogger = { info: () => {}, warn: () => {} };

interface Case {
  name: string;
  program: string;
  /** Whether a line should count as matched. */
  matches: (line: string) => boolean;
}

function isJsonObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

const CASES: Case[] = [
  { name: "either of two patterns", program: "counter a\ncounter b\n/x/ {\n  a++\n}\n/y/ {\n  b++\n}\n", matches: (l) => /x/.test(l) || /y/.test(l) },
  { name: "an outer match whose inner condition fails", program: "counter c\n/^GET/ {\n  /never-there/ {\n    c++\n  }\n}\n", matches: (l) => /^GET/.test(l) },
  { name: "a match followed by stop", program: "counter c\n/a/ {\n  stop\n}\n/b/ {\n  c++\n}\n", matches: (l) => /a/.test(l) || /b/.test(l) },
  { name: "a pattern and a false comparison", program: "counter c\n/(\\d+)/ && $1 > 500 {\n  c++\n}\n", matches: (l) => /\d+/.test(l) },
  { name: "else and otherwise branches are not matches", program: "counter a\ncounter b\n/x/ {\n  a++\n} else {\n  b++\n}\n", matches: (l) => /x/.test(l) },
  { name: "a runtime error after the match", program: "gauge g\n/(GET|POST)/ {\n  g = int($1)\n}\n", matches: (l) => /GET|POST/.test(l) },
  { name: "a json block that parsed", program: "counter c\njson {\n  c++\n}\n", matches: isJsonObject },
  { name: "no pattern ever matches", program: "counter c\n/^zzz-never$/ {\n  c++\n}\n", matches: () => false },
];

const WORDS = ["GET", "POST", "x", "y", "a", "b", "123", "999", "{\"k\": 1}", "[1]", "{bad", "plain", "{}"];

/** 300 lines (more than the runtime's 1-in-64 timing sample, so both paths run) drawn from WORDS. */
function lines(seed: number): string[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: 300 }, () => {
    const w = WORDS[Math.floor(rnd() * WORDS.length)] as string;
    // Half the lines are one word alone (so whole-line JSON appears), half two words joined.
    return rnd() < 0.5 ? w : `${w} ${WORDS[Math.floor(rnd() * WORDS.length)] as string}`;
  });
}

describe("Runtime: lines matched by each program", () => {
  CASES.forEach((c, i) => {
    it(c.name, () => {
      const rt = new Runtime(new Store(), { logger: quiet });
      expect(rt.load(`p${i}.mtail`, c.program)).to.deep.equal({ ok: true });
      const input = lines(1000 + i);
      for (const l of input) rt.processLine(l, "f.log");
      const expected = input.filter(c.matches).length;
      const status = rt.programs()[0];
      expect(status?.lines).to.equal(input.length);
      expect(status?.matchedLines).to.equal(expected);
      // The drawn lines must exercise both outcomes for the cases that can match, or the case proves little.
      if (c.name !== "no pattern ever matches") expect(expected).to.be.within(1, input.length - 1);
    });
  });

  it("counts per program: two programs on the same lines count separately", () => {
    const rt = new Runtime(new Store(), { logger: quiet });
    rt.load("x.mtail", "counter a\n/x/ {\n  a++\n}\n");
    rt.load("all.mtail", "counter b\n// {\n  b++\n}\n");
    for (const l of ["x", "y", "xx", "z"]) rt.processLine(l, "f");
    expect(rt.programs().map((p) => [p.name, p.lines, p.matchedLines])).to.deep.equal([
      ["x.mtail", 4, 2],
      ["all.mtail", 4, 4],
    ]);
  });
});
