// `node dist/bench/scrape-slices.js [series] [sync|sliced|protobuf-sync|protobuf-sliced]`: renders the Prometheus text
// (or the delimited protobuf exposition) of a store holding one 2-key metric with that many series, three times, in
// one synchronous pass or in slices (what /metrics does), and prints the total and the longest slice (wall and CPU).
// Figures in docs/performance.md ("Sliced scrapes").
import { Slicer } from "../src/exporter/slicer.js";
import { StoreExposition } from "../src/exporter/prometheus-text.js";
import { encodeStore, encodeStoreSliced } from "../src/exporter/prometheus-protobuf.js";
import { Store } from "../src/metrics/store.js";
import { Kind, ValueType } from "../src/metrics/types.js";

const series = Number(process.argv[2] ?? 200_000);
const MODES = ["sync", "sliced", "protobuf-sync", "protobuf-sliced"] as const;
const mode = MODES.find((m) => m === process.argv[3]) ?? "sliced";
const store = new Store();
const m = store.declare({
  name: "requests_total", program: "hc.mtail", kind: Kind.Counter, type: ValueType.Int, keys: ["user", "path"],
  hidden: false, limit: 0, buckets: [], source: "hc.mtail:1:1",
});
let seed = 42;
const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
for (let i = 0; i < series; i++) m.add(m.id2("user" + Math.floor(rand() * 1e6), "/p/" + i), 1, i);

/** A Slicer that notes its longest slice. */
class MeasuredSlicer extends Slicer {
  longestWall = 0;
  longestCpu = 0;
  private wall = performance.now();
  private cpu = process.cpuUsage();
  override async pause(): Promise<void> {
    this.note();
    await super.pause();
    this.wall = performance.now();
    this.cpu = process.cpuUsage();
  }
  note(): void {
    const c = process.cpuUsage(this.cpu);
    this.longestWall = Math.max(this.longestWall, performance.now() - this.wall);
    this.longestCpu = Math.max(this.longestCpu, (c.user + c.system) / 1000);
  }
}

const runs: string[] = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  let chars = 0;
  if (mode === "sync") {
    for (const c of new StoreExposition(store, {}).chunks()) chars += c.length;
    runs.push(`${(performance.now() - t0).toFixed(0)} ms`);
  } else if (mode === "protobuf-sync") {
    chars = encodeStore(store, {}).buffer.length;
    runs.push(`${(performance.now() - t0).toFixed(0)} ms`);
  } else if (mode === "protobuf-sliced") {
    const slicer = new MeasuredSlicer();
    for (const p of (await encodeStoreSliced(store, {}, [], slicer)).pieces) chars += p.length;
    slicer.note();
    runs.push(`${(performance.now() - t0).toFixed(0)} ms (longest slice ${slicer.longestWall.toFixed(0)} ms wall, ${slicer.longestCpu.toFixed(0)} ms CPU; ${slicer.pauses} slices)`);
  } else {
    const slicer = new MeasuredSlicer();
    for (const c of (await StoreExposition.sliced(store, {}, slicer)).chunks()) {
      chars += c.length;
      if (slicer.due()) await slicer.pause();
    }
    slicer.note();
    runs.push(`${(performance.now() - t0).toFixed(0)} ms (longest slice ${slicer.longestWall.toFixed(0)} ms wall, ${slicer.longestCpu.toFixed(0)} ms CPU; ${slicer.pauses} slices)`);
  }
  if (chars === 0) throw new Error("nothing rendered");
}
console.log(`${series} series, ${mode}: ${runs.join(", ")}`);
