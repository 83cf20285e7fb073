// `npm run bench` part: the cost of a state snapshot of 200,000 series (src/state). A line loop like the tailer's
// (10 ms slices of metric updates, then a turn of the event loop) runs while the snapshot is taken and written; the
// longest gap between two of its turns is the pause a save imposes on reading. Also prints the snapshot's size.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../src/metrics/store.js";
import { Kind, ValueType } from "../src/metrics/types.js";
import { StateFile, takeSnapshot } from "../src/state/index.js";

/** What one measured save gave. */
export interface StateSaveResult {
  series: number;
  captureMs: number;
  saveMs: number;
  longestPauseMs: number;
  bytes: number;
}

/** A store shaped like the bench's high-cardinality workload: 200k series of a counter by two labels, plus a histogram. */
export function bigStore(series: number): Store {
  const store = new Store();
  const c = store.declare({ name: "requests_total", program: "bench.mtail", kind: Kind.Counter, type: ValueType.Int, keys: ["path", "code"], hidden: false, limit: 0, buckets: [], source: "bench.mtail:1:1" });
  const h = store.declare({ name: "latency", program: "bench.mtail", kind: Kind.Histogram, type: ValueType.Buckets, keys: ["code"], hidden: false, limit: 0, buckets: [0.01, 0.1, 1, 10], source: "bench.mtail:2:1" });
  const now = Date.now();
  for (let i = 0; i < series; i++) c.add(c.id2(`/api/v1/items/${i}`, String(200 + (i % 5))), 1 + (i % 1000), now);
  for (let i = 0; i < 5; i++) h.observe(h.id1(String(200 + i)), 0.05 * i, now);
  return store;
}

/** Measures `runs` saves of a `series`-series store with the line loop running; returns each run's figures. */
export async function measureStateSave(series: number, runs: number): Promise<StateSaveResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "logtally-bench-state-"));
  const store = bigStore(series);
  const m = store.metrics()[0]!;
  const file = new StateFile(dir);
  await file.prepare();
  const out: StateSaveResult[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      let running = true;
      let longest = 0;
      let last = performance.now();
      let i = 0;
      // The line loop: updates for up to 10 ms (the tailer's slice), then yields with setImmediate, as drain() does.
      const loop = (async () => {
        while (running) {
          const sliceStart = performance.now();
          longest = Math.max(longest, sliceStart - last);
          while (performance.now() - sliceStart < 10) for (let k = 0; k < 100; k++) m.add(i++ % series, 1, 0);
          last = performance.now();
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      longest = 0;
      const t0 = performance.now();
      const snapshot = takeSnapshot(store, [], Date.now());
      const captureMs = performance.now() - t0;
      const bytes = await file.save(snapshot);
      const saveMs = performance.now() - t0;
      running = false;
      await loop;
      out.push({ series: m.size, captureMs, saveMs, longestPauseMs: longest, bytes });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
