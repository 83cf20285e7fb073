// The floor: a bare Node process that reads a file in 1 MB chunks and counts newlines, with no strings made.
// Run as `node dist/bench/floor-count.js FILE`; prints the count. Nothing logtally does per line can beat it.
import { closeSync, openSync, readSync } from "node:fs";

const path = process.argv[2];
if (!path) {
  process.stderr.write("Usage: node dist/bench/floor-count.js FILE\n");
  process.exitCode = 2;
} else {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
    for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
  }
  closeSync(fd);
  process.stdout.write(`${lines}\n`);
}
