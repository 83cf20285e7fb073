// Tailer on non-file sources: tcp://, udp://, unix:// listeners (on port 0: the kernel picks, the status says which)
// and named pipes.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { createConnection } from "node:net";
import { openSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { useSandbox } from "./harness.js";

function sendStream(target: { port: number; host: string } | { path: string }, chunks: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(target as never, async () => {
      for (const c of chunks) sock.write(c);
      sock.end(resolve);
    });
    sock.on("error", reject);
  });
}

/** The port of a "host:port" address the tailer reports for a socket source. */
function boundPort(listening: string | undefined): number {
  const port = Number(/:(\d+)$/.exec(listening ?? "")?.[1]);
  expect(port, `listening address ${listening}`).to.be.greaterThan(0);
  return port;
}

describe("tailer (integration): sockets and pipes", function () {
  this.timeout(20000);
  const sb = useSandbox();

  it("tcp:// keeps each connection's lines apart and delivers a last unterminated line at close", async () => {
    const { c, tailer } = await sb.start({ logs: ["tcp://127.0.0.1:0"] });
    const port = boundPort(tailer.files()[0]!.listening);
    await Promise.all([
      sendStream({ port, host: "127.0.0.1" }, ["a1\na", "2\n", "a3"]),
      sendStream({ port, host: "127.0.0.1" }, ["b1\r\n", "b2\n"]),
    ]);
    await c.waitForCount(5);
    await c.expectExactly(["a1", "a2", "a3", "b1", "b2"]);
    expect(new Set(c.files)).to.deep.equal(new Set(["tcp://127.0.0.1:0"]));
    expect(tailer.files()[0]).to.include({ path: "tcp://127.0.0.1:0", lines: 5 });
  });

  it("udp:// takes each datagram as whole lines", async () => {
    const { c, tailer } = await sb.start({ logs: ["udp://127.0.0.1:0"] });
    const port = boundPort(tailer.files()[0]!.listening);
    const s = createSocket("udp4");
    await new Promise<void>((r) => s.send("u1\nu2", port, "127.0.0.1", () => r()));
    await new Promise<void>((r) => s.send("u3\n", port, "127.0.0.1", () => r()));
    s.close();
    await c.waitForCount(3);
    await c.expectExactly(["u1", "u2", "u3"]);
  });

  it("unix:// stream socket", async () => {
    const path = join(sb.dir(), "log.sock");
    const { c } = await sb.start({ logs: [`unix://${path}`] });
    await sendStream({ path }, ["x1\nx2\n"]);
    await c.waitForCount(2);
    await c.expectExactly(["x1", "x2"]);
  });

  it("a named pipe matched by a path is read, across writers coming and going", async () => {
    const fifo = join(sb.dir(), "pipe.log");
    execFileSync("mkfifo", [fifo]);
    const { c } = await sb.start({ logs: [fifo] });
    for (const text of ["p1\np2\n", "p3\n"]) {
      const fd = openSync(fifo, "w");
      writeSync(fd, text);
      closeSync(fd);
      await c.waitForCount(text === "p3\n" ? 3 : 2);
    }
    await c.expectExactly(["p1", "p2", "p3"]);
  });
});
