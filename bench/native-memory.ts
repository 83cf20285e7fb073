// Memory of a native histogram series: fills N series of a `native` histogram (and, for comparison, a classic
// 10-bucket one) with log-normal latencies like the bench's latency log, and prints the heap growth per series.
// Run: node --expose-gc dist/bench/native-memory.js [series] [observations per series]
import { Store } from "../src/metrics/store.js";
import { Kind, ValueType } from "../src/metrics/types.js";
import { Prng } from "./prng.js";

const SERIES = Number(process.argv[2] ?? 20_000);
const PER_SERIES = Number(process.argv[3] ?? 200);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

function measure(native: boolean): number {
  const store = new Store();
  const before = heapAfterGc();
  const m = store.declare({
    name: native ? "native_seconds" : "classic_seconds", program: "mem.mtail", kind: Kind.Histogram, type: ValueType.Buckets,
    keys: ["series"], hidden: false, limit: 0, source: "mem.mtail:1:1",
    buckets: native ? [] : [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], native,
  });
  const prng = new Prng(7);
  for (let s = 0; s < SERIES; s++) {
    const id = m.id1("s" + s);
    // A median between 1 ms and 1 s per series, spread 0.8 in log space (as bench/generators.ts's latency log).
    const median = 0.001 * Math.pow(1000, prng.int(1000) / 1000);
    for (let i = 0; i < PER_SERIES; i++) m.observe(id, median * Math.exp(0.8 * prng.normal()), 0);
  }
  const after = heapAfterGc();
  if (m.size !== SERIES) throw new Error("series missing");
  return (after - before) / SERIES;
}

const classic = measure(false);
const native = measure(true);
process.stdout.write(
  `${SERIES} series x ${PER_SERIES} observations: classic (10 buckets) ${classic.toFixed(0)} B/series, ` +
    `native ${native.toFixed(0)} B/series (label and series bookkeeping included in both)\n`,
);
