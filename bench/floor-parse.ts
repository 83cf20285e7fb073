// The structured-log floors: a bare Node loop that reads a file in 1 MB chunks, splits it into lines and either
// calls JSON.parse on every line (`json`) or splits every line on spaces and each word on its first `=`
// (`split`), reading the status field so the work cannot be skipped. Run as
// `node dist/bench/floor-parse.js json|split FILE`; prints the number of lines.
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";

const [mode, path] = process.argv.slice(2);
if ((mode !== "json" && mode !== "split") || !path) {
  process.stderr.write("Usage: node dist/bench/floor-parse.js json|split FILE\n");
  process.exitCode = 2;
} else {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  const decoder = new StringDecoder("utf8");
  let rest = "";
  let lines = 0;
  let errors = 0;
  const onLine = mode === "json"
    ? (line: string): void => {
      const r = JSON.parse(line) as { status?: number };
      if ((r.status ?? 0) >= 500) errors++;
    }
    : (line: string): void => {
      for (const word of line.split(" ")) {
        const eq = word.indexOf("=");
        if (eq === 6 && word.startsWith("status") && Number(word.slice(eq + 1)) >= 500) errors++;
      }
    };
  for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
    const text = rest + decoder.write(buf.subarray(0, n));
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      onLine(text.slice(start, nl));
      lines++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== "") {
    onLine(rest);
    lines++;
  }
  closeSync(fd);
  process.stdout.write(`${lines}\n`);
  process.stderr.write(`${errors} lines with status >= 500\n`);
}
