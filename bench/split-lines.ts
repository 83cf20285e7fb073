// Micro-benchmark of LineSplitter alone: a file is read into memory in chunks first, then pushed through a splitter
// several times, so neither I/O nor the runtime is measured. Run as `node dist/bench/split-lines.js FILE [CHUNK_KB]`.
import { closeSync, openSync, readSync } from "node:fs";
import { LineSplitter, NO_LINE_LIMIT } from "../src/tailer/line-splitter.js";

const ROUNDS = 7;

function readChunks(path: string, chunkBytes: number): Buffer[] {
  const fd = openSync(path, "r");
  const chunks: Buffer[] = [];
  for (;;) {
    const buf = Buffer.allocUnsafe(chunkBytes);
    const n = readSync(fd, buf, 0, chunkBytes, null);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
  }
  closeSync(fd);
  return chunks;
}

const path = process.argv[2];
if (!path) {
  process.stderr.write("Usage: node dist/bench/split-lines.js FILE [CHUNK_KB]\n");
  process.exitCode = 2;
} else {
  const chunks = readChunks(path, Number(process.argv[3] ?? 1024) * 1024);
  const times: number[] = [];
  const cpuTimes: number[] = []; // user + system of the whole process (GC threads too): less hurt by a busy machine
  let lines = 0;
  let chars = 0;
  for (let round = 0; round < ROUNDS; round++) {
    chars = 0;
    // Touch every line (its length) so the work cannot be skipped.
    const splitter = new LineSplitter((text) => (chars += text.length), path, NO_LINE_LIMIT);
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const c of chunks) splitter.push(c);
    splitter.flush();
    const cpu = process.cpuUsage(cpuStart);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpuTimes.push((cpu.user + cpu.system) / 1e3);
    lines = splitter.lines;
  }
  const summary = (ms: number[]) => {
    ms.sort((a, b) => a - b);
    return `min ${ms[0].toFixed(1)} ms, median ${ms[ROUNDS >> 1].toFixed(1)} ms`;
  };
  process.stdout.write(
    `${lines} lines, ${chars} chars, ${ROUNDS} rounds: wall ${summary(times)}; cpu ${summary(cpuTimes)}\n`,
  );
}
