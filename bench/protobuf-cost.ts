// CPU and RSS of one scrape's exposition, text against protobuf, for a store shaped like bench high-cardinality:
// 200,000 counter series by (session, route) plus 1,000 ten-bucket histogram series.
// Run: node dist/bench/protobuf-cost.js [series] [tree]   ("tree": build every message first, then encode)
import { encodeFamilies, encodeStore, storeFamilies } from "../src/exporter/prometheus-protobuf.js";
import { StoreExposition } from "../src/exporter/prometheus-text.js";
import { Store } from "../src/metrics/store.js";
import { Kind, ValueType } from "../src/metrics/types.js";
import { Prng } from "./prng.js";

const SERIES = Number(process.argv[2] ?? 200_000);
const TREE = process.argv[3] === "tree";
const store = new Store();
const base = { program: "p.mtail", hidden: false, limit: 0, source: "p.mtail:1:1" };
const c = store.declare({ ...base, name: "sessions_total", kind: Kind.Counter, type: ValueType.Int, keys: ["session", "route"], buckets: [] });
const h = store.declare({ ...base, name: "latency", kind: Kind.Histogram, type: ValueType.Buckets, keys: ["route"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
const prng = new Prng(3);
for (let i = 0; i < SERIES; i++) c.add(c.id2("s" + i.toString(36) + "abcdef", "/r" + (i % 5)), 1 + (i % 7), 1.7e12);
for (let i = 0; i < 1000; i++) for (let k = 0; k < 20; k++) h.observe(h.id1("/route" + i), Math.exp(prng.normal()) / 10, 1.7e12);

const ms = (u: NodeJS.CpuUsage): number => Math.round((u.user + u.system) / 1000);
for (const round of [1, 2, 3]) {
  let t = process.cpuUsage();
  let chars = 0;
  for (const chunk of new StoreExposition(store, {}).chunks("prometheus")) chars += chunk.length;
  const text = ms(process.cpuUsage(t));
  t = process.cpuUsage();
  const bytes = TREE ? encodeFamilies(storeFamilies(store, {}).families).length : encodeStore(store, {}).buffer.length;
  const pb = ms(process.cpuUsage(t));
  process.stdout.write(
    `round ${round}: text ${text} ms (${(chars / 1e6).toFixed(1)} MB), protobuf${TREE ? " (tree)" : ""} ${pb} ms ` +
      `(${(bytes / 1e6).toFixed(1)} MB), RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`,
  );
}
