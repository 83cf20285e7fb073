// `node dist/bench/compile-healthz.js [bytes] [path/to/bin/logtally.js]`: starts a daemon (port 0) whose --progs
// hold a generated program of that many bytes (default 1 MB) and a small one, polls /healthz back to back from the
// moment it listens until it logs that the programs are loaded, and prints the compile time, the slowest /healthz
// answer and the compile worker's start-up. Give another checkout's bin to compare (docs/hardening.md).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, httpGet } from "../test/helpers/logtally-process.js";
import { largeProgram } from "../test/hostile/programs.js";

const bytes = Number(process.argv[2] ?? 1_000_000);
const bin = process.argv[3];
const dir = mkdtempSync(path.join(tmpdir(), "logtally-compile-healthz-"));
try {
  mkdirSync(path.join(dir, "progs"));
  writeFileSync(path.join(dir, "progs", "big.mtail"), largeProgram(bytes));
  writeFileSync(path.join(dir, "progs", "small.mtail"), "counter lines_total\n/$/ {\n  lines_total++\n}\n");
  writeFileSync(path.join(dir, "app.log"), "");
  const args = ["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "app.log"), "--port", "0", "--address", "127.0.0.1", "--log_level", "debug"];
  const d = new LogtallyProcess(args, undefined, bin === undefined ? {} : { command: [process.execPath, bin] });
  try {
    const port = await d.servingPort(30_000);
    const t0 = performance.now();
    const latencies: number[] = [];
    while (!/"msg":"Loaded \d+ of \d+ programs/.test(d.stderr)) {
      const s = performance.now();
      const r = await httpGet({ port }, "/healthz");
      if (r.status !== 200) throw new Error(`/healthz answered ${r.status}`);
      latencies.push(performance.now() - s);
      if (performance.now() - t0 > 120_000) throw new Error("programs not loaded within 120 s");
    }
    const loadedMs = performance.now() - t0;
    const worker = /"startMs":(\d+)[^\n]*Compile worker ready/.exec(d.stderr);
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] ?? NaN;
    console.log(
      `${(bytes / 1e6).toFixed(2)} MB program, ${bin ?? "this checkout"}: loaded ${loadedMs.toFixed(0)} ms after listening; ` +
        `/healthz ${latencies.length} answers meanwhile, max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms, median ${median.toFixed(1)} ms` +
        (worker === null ? "" : `; compile worker started in ${worker[1]} ms`),
    );
  } finally {
    await d.stop("SIGTERM").catch(() => d.stop("SIGKILL"));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
