// `npm run bench` part: the CPU one remote-write push of 200,000 series costs logtally (encode, snappy, HTTP),
// against a receiver in another process (so its CPU is not counted), as a share of a core at a 15 s interval.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { RemoteWriteSink, parseRemoteWriteConfig } from "../src/exporter/remote-write/index.js";
import { bigStore } from "./state-save.js";

/** One measured push. */
export interface RemoteWritePushResult {
  samples: number;
  cpuMs: number;
  wallMs: number;
  requests: number;
}

// A receiver that reads each request whole and answers 204, printing its port first.
const RECEIVER = `
const http = require("node:http");
const s = http.createServer((req, res) => { req.on("data", () => {}); req.on("end", () => { res.writeHead(204).end(); }); });
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
`;

/** Measures `runs` pushes of a `series`-series store. */
export async function measureRemoteWrite(series: number, runs: number): Promise<RemoteWritePushResult[]> {
  const receiver = spawn(process.execPath, ["-e", RECEIVER], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const [chunk] = (await once(receiver.stdout!, "data")) as [Buffer];
    const port = Number(chunk.toString().trim());
    const config = parseRemoteWriteConfig({
      url: `http://127.0.0.1:${port}/api/v1/write`, headers: [], labels: ["instance=bench"], bearerTokenFile: "", username: "",
      passwordFile: "", caFile: "", certFile: "", keyFile: "", insecureSkipVerify: false, timeoutMs: 30_000, queueSamples: 10_000_000,
    });
    const sink = new RemoteWriteSink(config, { emitProgLabel: true, version: "bench", log: { info() {}, warn() {} } });
    const store = bigStore(series);
    const out: RemoteWritePushResult[] = [];
    for (let r = 0; r < runs; r++) {
      const sentBefore = sink.stats.samplesSent;
      const requestsBefore = sink.stats.requestsSent;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const pushed = await sink.pushOnce(store);
      while (sink.stats.samplesSent - sentBefore < pushed.sent) await new Promise((resolve) => setTimeout(resolve, 5));
      const cpu = process.cpuUsage(cpu0);
      out.push({ samples: pushed.sent, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, requests: sink.stats.requestsSent - requestsBefore });
    }
    await sink.close(1000);
    return out;
  } finally {
    receiver.kill();
  }
}
