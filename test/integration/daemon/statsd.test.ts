// statsd counters against a real UDP listener that adds up `|c` values as a statsd server does: with the default
// --statsd_counters=delta the sum equals the counter after any number of pushes; with cumulative (mtail's) it
// over-counts, which is why delta is the default.
import { expect } from "chai";
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

/** A statsd-like listener: sums counters by name and counts the datagrams per name. */
async function statsdListener(): Promise<{ port: number; sums: Map<string, number>; packets: Map<string, number>; close(): Promise<void> }> {
  const sums = new Map<string, number>();
  const packets = new Map<string, number>();
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg) => {
    for (const line of msg.toString().split("\n")) {
      const m = /^([^:]+):([-\d.e+]+)\|c(?:\|@([\d.]+))?$/.exec(line);
      if (!m) continue;
      sums.set(m[1]!, (sums.get(m[1]!) ?? 0) + Number(m[2]) / Number(m[3] ?? 1));
      packets.set(m[1]!, (packets.get(m[1]!) ?? 0) + 1);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: (socket.address() as AddressInfo).port, sums, packets, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

describe("statsd counters (integration)", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "logtally-statsd-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (mode: string[]) => {
    const progs = path.join(dir, "progs");
    mkdirSync(progs, { recursive: true });
    writeFileSync(path.join(progs, "app.mtail"), "counter hits\n/hit/ {\n  hits++\n}\n");
    const log = path.join(dir, "app.log");
    writeFileSync(log, "");
    const listener = await statsdListener();
    const daemon = new LogtallyProcess([
      "--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1",
      "--statsd_hostport", `127.0.0.1:${listener.port}`, "--metric_push_interval", "150ms", ...mode,
    ]);
    try {
      await daemon.waitForHttp();
      const name = "app.mtail.hits";
      // Three bursts, each seen by several pushes.
      for (const n of [3, 5, 2]) {
        appendFileSync(log, "hit\n".repeat(n));
        const before = listener.packets.get(name) ?? 0;
        await waitFor(() => (listener.packets.get(name) ?? 0) >= before + 1, 10_000);
        await new Promise((r) => setTimeout(r, 600)); // several more pushes with no new line
      }
      return { sum: listener.sums.get(name) ?? 0, packets: listener.packets.get(name) ?? 0 };
    } finally {
      await daemon.stop();
      await listener.close();
    }
  };

  it("delta (default): what statsd adds up equals the counter, and an unchanged counter sends nothing", async () => {
    const r = await run([]);
    expect(r.sum).to.equal(10);
    expect(r.packets).to.be.at.most(3 + 1); // one datagram per burst (a burst may straddle two pushes)
  });

  it("cumulative (mtail's): statsd adds the running totals up and over-counts", async () => {
    const r = await run(["--statsd_counters", "cumulative"]);
    expect(r.packets).to.be.greaterThan(3);
    expect(r.sum).to.be.greaterThan(10);
  });
});
