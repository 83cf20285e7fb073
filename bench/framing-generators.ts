// Log generators for the framing workloads: the apache log wrapped as a container runtime writes it (CRI, a tenth
// of the physical lines `P` pieces), and a Python application log whose records are 5% tracebacks.
import { closeSync, openSync, readSync, rmSync } from "node:fs";
import { generateApache, type Generator } from "./generators.js";
import { LogWriter } from "./log-writer.js";
import { Prng } from "./prng.js";

const START_MS = Date.UTC(2024, 2, 10, 0, 0, 0);

/** Calls `onLine` for every line of the file at `path`, reading it in 1 MiB chunks. */
function forEachLine(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  let rest = "";
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = rest + buf.toString("utf8", 0, n);
      let pos = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", pos)) {
        onLine(text.slice(pos, nl));
        pos = nl + 1;
      }
      rest = text.slice(pos);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The apache log of `lines` lines (same seed as the apache workload, so the unwrapped lines are that log's), each
 * line wrapped in CRI's `TIME STREAM P|F ` prefix; one line in nine is split at a random point into a `P` piece
 * and an `F` piece, so about 10% of the physical lines are partial. One line in ten is on stderr.
 */
export function criGenerator(apacheSeed: number): Generator {
  return (path, lines, seed) => {
    const apache = path + ".apache";
    generateApache(apache, lines, apacheSeed);
    const prng = new Prng(seed);
    const out = new LogWriter(path);
    let ms = START_MS;
    let second = -1;
    let secondText = "";
    forEachLine(apache, (line) => {
      ms += prng.int(20);
      const s = Math.floor(ms / 1000);
      if (s !== second) {
        second = s;
        secondText = new Date(s * 1000).toISOString().slice(0, 19);
      }
      const time = `${secondText}.${String(ms % 1000).padStart(3, "0")}${String(prng.int(1_000_000)).padStart(6, "0")}Z`;
      const stream = prng.int(10) === 0 ? "stderr" : "stdout";
      if (prng.int(9) === 0) {
        const cut = 1 + prng.int(line.length - 1);
        out.line(`${time} ${stream} P ${line.slice(0, cut)}`);
        out.line(`${time} ${stream} F ${line.slice(cut)}`);
      } else {
        out.line(`${time} ${stream} F ${line}`);
      }
    });
    out.close();
    rmSync(apache);
    return out.bytes;
  };
}

const LOGGERS = ["app.views", "app.api", "app.db", "app.auth", "app.worker"];
const ENDPOINTS = ["/api/users", "/api/orders", "/api/items", "/api/search", "/api/login", "/api/cart"];
const ERRORS: Array<[string, string]> = [
  ["ValueError", "invalid literal for int() with base 10: 'abc'"],
  ["KeyError", "'user_id'"],
  ["ZeroDivisionError", "division by zero"],
  ["TimeoutError", "timed out after 30s"],
  ["PermissionError", "[Errno 13] Permission denied: '/data/x'"],
];

/**
 * A Python logging-module log of `lines` physical lines: INFO request lines, and 5% of records an ERROR line from
 * `logger.exception` followed by its traceback (3 to 6 frames; one in four chained with "During handling...").
 */
export const generatePython: Generator = (path, lines, seed) => {
  const prng = new Prng(seed);
  const out = new LogWriter(path);
  let ms = START_MS;
  let written = 0;
  const emit = (l: string): void => {
    if (written < lines) out.line(l);
    written++;
  };
  const traceback = (): void => {
    emit("Traceback (most recent call last):");
    const frames = 3 + prng.int(4);
    for (let f = 0; f < frames; f++) {
      emit(`  File "/srv/app/${prng.pick(LOGGERS).slice(4)}.py", line ${1 + prng.int(400)}, in handler_${prng.int(50)}`);
      emit(`    result = process(request, retries=${prng.int(5)})`);
    }
    const [type, message] = prng.pick(ERRORS);
    emit(`${type}: ${message}`);
  };
  while (written < lines) {
    ms += prng.int(50);
    const d = new Date(ms);
    const stamp = `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)},${String(ms % 1000).padStart(3, "0")}`;
    const logger = prng.pick(LOGGERS);
    const endpoint = prng.pick(ENDPOINTS);
    if (prng.int(20) === 0) {
      emit(`${stamp} ERROR ${logger}: Unhandled exception on ${endpoint}`);
      traceback();
      if (prng.int(4) === 0) {
        emit("");
        emit("During handling of the above exception, another exception occurred:");
        emit("");
        traceback();
      }
    } else {
      emit(`${stamp} INFO ${logger}: ${prng.int(4) === 0 ? "POST" : "GET"} ${endpoint} ${prng.int(30) === 0 ? 404 : 200} ${prng.int(300)}ms`);
    }
  }
  out.close();
  return out.bytes;
};
