// `npm run fuzz [-- --seconds N] [--seed N]`: runs the compiler fuzzer until the time is up, printing a report;
// exits 1 with each failing case's seed, index and source when any case threw or failed without a location.
import { fileURLToPath } from "node:url";
import { fuzzCompiler, loadCorpus } from "./compiler-fuzz.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seconds = arg("seconds", 60);
let seed = arg("seed", Date.now() % 1_000_000);
const corpus = loadCorpus(fileURLToPath(new URL("../../../", import.meta.url)));
const deadline = Date.now() + seconds * 1000;
const totals = { cases: 0, compiled: 0, refused: 0, failures: 0, slowestMs: 0, slowestSource: "" };
const started = Date.now();
while (Date.now() < deadline) {
  const r = fuzzCompiler(corpus, seed, 500, deadline);
  totals.cases += r.cases;
  totals.compiled += r.compiled;
  totals.refused += r.refused;
  totals.failures += r.failures.length;
  if (r.slowestMs > totals.slowestMs) Object.assign(totals, { slowestMs: r.slowestMs, slowestSource: r.slowestSource });
  for (const f of r.failures) console.log(`FAIL seed ${f.seed} case ${f.index}: ${f.error}\n${f.source}\n`);
  seed++;
}
const secs = (Date.now() - started) / 1000;
console.log(`${totals.cases} programs in ${secs.toFixed(1)} s (${(totals.cases / secs).toFixed(0)}/s): ` +
  `${totals.compiled} loaded, ${totals.refused} refused with a located error, ${totals.failures} failures; ` +
  `slowest load ${totals.slowestMs.toFixed(0)} ms`);
process.exitCode = totals.failures > 0 ? 1 : 0;
