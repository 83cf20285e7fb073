// A bounded slice of the compiler fuzzer in every `npm test`: 600 programs (mutated golden programs and generated
// deep/wide ones, fixed seeds) must each load or fail with a located error, and run lines without throwing.
// Longer runs: `npm run fuzz -- --seconds 300 --seed N` (figures in docs/hardening.md).
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { fuzzCompiler, loadCorpus } from "../fuzz/compiler-fuzz.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("hostile: compiler fuzzing (bounded slice)", function () {
  this.timeout(120_000);
  const corpus = loadCorpus(ROOT);

  it("has the golden corpus to mutate", () => {
    expect(corpus.length).to.be.greaterThan(150);
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 200 programs end in a program or a located error, and lines never throw`, () => {
      const report = fuzzCompiler(corpus, seed, 200);
      expect(report.cases).to.equal(200);
      expect(report.failures.map((f) => `#${f.index}: ${f.error}\n--- source ---\n${f.source.slice(0, 400)}`)).to.deep.equal([]);
      // Both outcomes must occur, or the mutator is not exercising the compiler.
      expect(report.compiled).to.be.greaterThan(10);
      expect(report.refused).to.be.greaterThan(10);
    });
  }
});
