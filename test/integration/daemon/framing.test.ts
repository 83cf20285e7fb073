// A real daemon framing records while files are written, rotated and left idle: CRI containers with Python
// tracebacks (from the config file's sources list) and a plain Java log (from the flags). Every record is counted
// once, and the last traceback is counted within 3 s of the writer going quiet (the idle timeout, 1 s).
import { expect } from "chai";
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, waitForBody } from "../../helpers/logtally-process.js";

const PROGRAM = `
counter records by stream
counter exceptions by type
/(?m)^(?P<type>[A-Za-z.]*(?:Error|Exception)): / {
  exceptions[$type]++
}
// {
  records[getstream()]++
}
`;

/** CRI lines of one Python record: its first line on the given stream, tracebacks split into P pieces mid-character. */
function criRecord(i: number, withTraceback: boolean): string {
  const t = `2024-05-01T10:00:${String(i % 60).padStart(2, "0")}.000000001Z`;
  const out = [`${t} stderr F 2024-05-01 10:00:00,000 ERROR app: request ${i} failed`];
  if (!withTraceback) return `${t} stdout F 2024-05-01 10:00:00,000 INFO app: request ${i} ok\n`;
  out.push(`${t} stderr F Traceback (most recent call last):`);
  out.push(`${t} stderr P   File "/app/vïew`);
  out.push(`${t} stderr F s.py", line ${i}, in handler`);
  out.push(`${t} stderr F ValueError: bad value ${i}`);
  return out.join("\n") + "\n";
}

const JAVA_RECORD = (i: number) =>
  `2024-05-01 10:00:00.000 ERROR [main] App - failed ${i}\njava.lang.IllegalStateException: boom ${i}\n\tat App.run(App.java:${i})\n\t... 3 more\n`;

describe("daemon framing records (integration)", function () {
  this.timeout(60_000);
  let dir: string;
  let d: LogtallyProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-framing-"));
    for (const sub of ["progs", "containers", "java"]) mkdirSync(path.join(dir, sub));
    writeFileSync(path.join(dir, "progs", "records.mtail"), PROGRAM);
  });
  afterEach(async () => {
    await d?.stop("SIGKILL").catch(() => undefined);
    d = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts CRI and multi-line records once across writes, a rotation and idle time", async () => {
    const cri = path.join(dir, "containers", "web_default_app-1.log");
    const java = path.join(dir, "java", "app.log");
    writeFileSync(cri, "");
    writeFileSync(java, "");
    writeFileSync(
      path.join(dir, "logtally.yaml"),
      `sources:\n  - path: containers/*.log\n    log_format: cri\n    multiline: python\n`,
    );
    d = new LogtallyProcess(["--config", path.join(dir, "logtally.yaml"), "--progs", path.join(dir, "progs"),
      "--logs", path.join(dir, "java", "*.log"), "--multiline=java", "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();

    // 60 records per file, written in small bursts; the container log is rotated after 30 of its records.
    let tracebacks = 0;
    let stdout = 0;
    for (let i = 0; i < 60; i++) {
      const tb = i % 3 === 0;
      if (tb) tracebacks++;
      else stdout++;
      appendFileSync(cri, criRecord(i, tb));
      appendFileSync(java, JAVA_RECORD(i));
      if (i === 29) {
        renameSync(cri, cri + ".1");
        writeFileSync(cri, "");
      }
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 50));
    }
    const quietAt = Date.now();
    const want = [
      `exceptions{prog="records.mtail",type="ValueError"} ${tracebacks}`,
      `exceptions{prog="records.mtail",type="java.lang.IllegalStateException"} 60`,
      `records{prog="records.mtail",stream="stderr"} ${tracebacks}`,
      `records{prog="records.mtail",stream="stdout"} ${stdout}`,
      `records{prog="records.mtail",stream=""} 60`,
    ];
    const body = await waitForBody(port, "/metrics", (b) => want.every((w) => b.includes(w + "\n")), 10_000);
    // The last records (a traceback, a Java trace) were held until their sources had been quiet for 1 s.
    const latencyMs = Date.now() - quietAt;
    expect(latencyMs, "ms from the last write to the last record counted").to.be.lessThan(3000);
    expect(body).to.include(`logtally_lines_total{prog="records.mtail"} ${tracebacks + stdout + 60}`);
    expect(body).to.include(`logtally_records_total ${tracebacks + stdout + 60}\n`);
    expect(body).to.match(/logtally_records_idle_total [1-9]\d*\n/); // the last records were ended by the idle timeout
  });
});
