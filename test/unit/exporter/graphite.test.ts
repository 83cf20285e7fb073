// Graphite: the encoder's plaintext lines (mtail's format, checked against a running mtail's push) and the TCP
// sink against a real listener on 127.0.0.1 (on ports the kernel picks), including a dead and a stalled collector.

import { expect } from "chai";
import net from "node:net";
import { encodeGraphite, GraphiteSink } from "../../../src/exporter/graphite.js";
import { freePort } from "../../helpers/logtally-process.js";
import { basicStore, twoProgramsStore, untouchedStore } from "./fixtures.js";

function listen(port: number, onSocket: (s: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer(onSocket);
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

/** The port a listening server was given. */
function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("exporter/graphite", () => {
  it("writes mtail's lines: prefix, prog, name, key.value pairs, value and time in seconds", () => {
    const lines = encodeGraphite(basicStore(), { prefix: "gp." });
    // As a running mtail 3.0.0~rc50 pushed them for basic.mtail.
    for (const want of [
      "gp.basic.mtail.g.x.a -3 1704164647\n",
      "gp.basic.mtail.g.x.c 1e+06 1704164648\n",
      "gp.basic.mtail.foo.bar-baz 6 1704164650\n",
      "gp.basic.mtail.lines_total 6 1704164650\n",
      "gp.basic.mtail.t 1 1704164650\n",
      "gp.basic.mtail.big 12345678901234 1704164650\n",
      'gp.basic.mtail.bytes.host.b.method."x\\y" 20 1704164646\n',
      "gp.basic.mtail.h.code.GET.count 2 1704164647\n",
      "gp.basic.mtail.h.code.GET -2.5 1704164647\n",
    ]) {
      expect(lines).to.include(want);
    }
    // Each datum's own buckets, ascending (mtail prints the first datum's buckets for every label set).
    expect(lines.filter((l) => l.startsWith("gp.basic.mtail.h.code.PUT.bin_"))).to.deep.equal([
      "gp.basic.mtail.h.code.PUT.bin_1 0 1704164650\n",
      "gp.basic.mtail.h.code.PUT.bin_2.5 0 1704164650\n",
      "gp.basic.mtail.h.code.PUT.bin_10 0 1704164650\n",
      "gp.basic.mtail.h.code.PUT.bin_1e+06 2 1704164650\n",
      "gp.basic.mtail.h.code.PUT.bin_inf 1 1704164650\n",
    ]);
  });

  it("replaces characters that would break the protocol (a space in a name), where mtail sends them as is", () => {
    const lines = encodeGraphite(twoProgramsStore());
    expect(lines).to.include("a.mtail.a_b 2 0\n");
    expect(lines).to.include("a.mtail.x-y 2 0\n");
  });

  it("stamps never-updated datums with the push time rather than 1970", () => {
    const lines = encodeGraphite(untouchedStore(), {}, 5_000_000);
    expect(lines).to.include("untouched.mtail.never_total 0 5000\n");
  });

  it("pushes every line over one connection per push", async () => {
    let received = "";
    let done!: () => void;
    const closed = new Promise<void>((r) => (done = r));
    const server = await listen(0, (s) => {
      s.on("data", (b) => (received += b.toString("utf8")));
      s.on("end", done);
    });
    try {
      const sink = new GraphiteSink({ hostPort: `127.0.0.1:${portOf(server)}`, prefix: "gp." });
      const result = await sink.pushOnce(basicStore());
      await closed;
      const want = encodeGraphite(basicStore(), { prefix: "gp." });
      expect(result).to.deep.equal({ ok: true, sent: want.length });
      expect(received).to.equal(want.join(""));
    } finally {
      await close(server);
    }
  });

  it("reports a dead collector without throwing, and pushes again next time", async () => {
    const port = await freePort(); // nobody listens there until the test does
    const sink = new GraphiteSink({ hostPort: `127.0.0.1:${port}` });
    const result = await sink.pushOnce(basicStore());
    expect(result.ok).to.equal(false);
    expect(result.error?.message).to.match(/ECONNREFUSED/);
    let received = "";
    const server = await listen(port, (s) => s.on("data", (b) => (received += b.toString())));
    try {
      expect((await sink.pushOnce(basicStore())).ok).to.equal(true);
      expect(received).to.include("basic.mtail.lines_total 6 1704164650\n");
    } finally {
      await close(server);
    }
  });

  it("gives up on a stalled collector after the timeout, skipping pushes meanwhile", async () => {
    const held: net.Socket[] = [];
    const server = await listen(0, (s) => {
      s.pause(); // never reads: with a big enough push the write cannot finish
      held.push(s);
    });
    try {
      const sink = new GraphiteSink({ hostPort: `127.0.0.1:${portOf(server)}`, timeoutMs: 300 });
      const big = basicStore();
      const m = big.metrics().find((x) => x.name === "bytes")!;
      for (let i = 0; i < 50_000; i++) m.get2("host" + i, "GET").add(1, 1);
      const first = sink.pushOnce(big);
      const skipped = await sink.pushOnce(big);
      expect(skipped.ok).to.equal(false);
      expect(skipped.error?.message).to.match(/still running/);
      const result = await first;
      expect(result.ok).to.equal(false);
      expect(result.error?.message).to.match(/timed out after 300 ms/);
    } finally {
      for (const s of held) s.destroy();
      await close(server);
    }
  });
});
