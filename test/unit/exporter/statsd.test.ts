// StatsD: the encoder's lines (mtail's format, checked against a running mtail's datagrams) and the UDP sink,
// tested against a real socket on 127.0.0.1 (on ports the kernel picks).

import { expect } from "chai";
import dgram from "node:dgram";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType } from "../../../src/metrics/types.js";
import { StatsdEncoder, StatsdSink } from "../../../src/exporter/statsd.js";
import { freePort } from "../../helpers/logtally-process.js";
import { basicStore, twoProgramsStore } from "./fixtures.js";

function histogramStore(): { store: Store; observe: (v: number) => void } {
  const store = new Store();
  const h = store.declare({
    name: "latency",
    program: "p.mtail",
    kind: Kind.Histogram,
    type: ValueType.Buckets,
    keys: ["code"],
    hidden: false,
    limit: 0,
    buckets: [1, 2, 5],
    source: "p.mtail:1:11",
  });
  return { store, observe: (v) => h.get1("200").observe(v, 1) };
}

/** Receives datagrams until `until` holds or the time is up; resolves with all of them. */
function receive(socket: dgram.Socket, until: (got: string[]) => boolean, timeoutMs = 5000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const got: string[] = [];
    const timer = setTimeout(() => reject(new Error(`only got ${JSON.stringify(got)}`)), timeoutMs);
    socket.on("message", (msg) => {
      got.push(msg.toString("utf8"));
      if (until(got)) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

describe("exporter/statsd", () => {
  describe("encoder", () => {
    it("writes mtail's lines: prefix, prog, name, key.value pairs, value and type", () => {
      const lines = new StatsdEncoder({ prefix: "pre." }).encode(basicStore());
      // As a running mtail 3.0.0~rc50 sent them for basic.mtail (histograms aside, see below).
      for (const want of [
        "pre.basic.mtail.lines_total:6|c",
        'pre.basic.mtail.bytes.host.b.method."x\\y":20|c',
        "pre.basic.mtail.g.x.b:2.5|g",
        "pre.basic.mtail.g.x.c:1e+06|g",
        "pre.basic.mtail.g.x.e:1e+21|g",
        "pre.basic.mtail.t:1|ms",
        "pre.basic.mtail.foo.bar-baz:6|c",
        "pre.basic.mtail.with-dash:6|c",
        "pre.basic.mtail.big:12345678901234|g",
      ]) {
        expect(lines).to.include(want);
      }
      expect(lines.join("\n")).to.not.match(/hid|txt/); // hidden and text metrics are not exported
    });

    it("replaces characters that would break the protocol in names and label values", () => {
      const lines = new StatsdEncoder().encode(twoProgramsStore());
      expect(lines).to.include("a.mtail.a_b:2|c");
      expect(lines).to.include("b.mtail.zz.prog.q:3|g");
    });

    it("sets a negative gauge through 0, since a leading sign means 'change by' to statsd", () => {
      const lines = new StatsdEncoder().encode(basicStore());
      expect(lines).to.include("basic.mtail.g.x.a:0|g\nbasic.mtail.g.x.a:-3|g");
    });

    // Each case: a first push (committed), then a change to lines_total (6 at first), then a second push.
    const counterCases = [
      { name: "totals (mtail's, --statsd_counters=cumulative) send the running total", opts: {}, change: 0, commit: true, second: ["basic.mtail.lines_total:6|c"] },
      { name: "totals after an increase", opts: {}, change: 4, commit: true, second: ["basic.mtail.lines_total:10|c"] },
      { name: "deltas send nothing for an unchanged counter", opts: { counters: "delta" as const }, change: 0, commit: true, second: [] },
      { name: "deltas send the increase since the last successful push", opts: { counters: "delta" as const }, change: 4, commit: true, second: ["basic.mtail.lines_total:4|c"] },
      { name: "deltas after a failed push send the increase since the last one that went through", opts: { counters: "delta" as const }, change: 4, commit: false, second: ["basic.mtail.lines_total:10|c"] },
      { name: "deltas send the new value of a counter that went backwards (reload, restore)", opts: { counters: "delta" as const }, change: -5, commit: true, second: ["basic.mtail.lines_total:1|c"] },
    ];
    for (const c of counterCases) {
      it(`counters: ${c.name}`, () => {
        const store = basicStore();
        const enc = new StatsdEncoder(c.opts);
        expect(enc.encode(store)).to.include("basic.mtail.lines_total:6|c");
        if (c.commit) enc.commit();
        const m = store.metrics().find((x) => x.name === "lines_total")!;
        m.add(m.id0(), c.change, 1);
        const second = enc.encode(store).filter((l) => l.startsWith("basic.mtail.lines_total:"));
        expect(second).to.deep.equal(c.second);
      });
    }

    it("sends histogram observations made since the last push as samples with a sample rate", () => {
      const { store, observe } = histogramStore();
      const enc = new StatsdEncoder();
      for (const v of [0.5, 0.7, 1.5, 4, 4, 4, 9]) observe(v);
      expect(enc.encode(store)).to.deep.equal([
        "p.mtail.latency.code.200:1|ms|@0.5",
        "p.mtail.latency.code.200:2|ms",
        "p.mtail.latency.code.200:5|ms|@0.3333333333333333",
        "p.mtail.latency.code.200:5|ms",
      ]);
      enc.commit();
      expect(enc.encode(store)).to.deep.equal([]);
      enc.commit();
      observe(3);
      expect(enc.encode(store)).to.deep.equal(["p.mtail.latency.code.200:5|ms"]);
    });

    it("writes DogStatsD tags instead of name segments in tags mode", () => {
      const { store, observe } = histogramStore();
      observe(1.5);
      const lines = new StatsdEncoder({ tags: true, prefix: "x.", histogramType: "d" }).encode(store);
      expect(lines).to.deep.equal(["x.latency:2|d|#prog:p.mtail,code:200"]);
    });
  });

  describe("sink", () => {
    let server: dgram.Socket;
    beforeEach(async () => {
      server = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("pushes one datagram per metric to the collector", async () => {
      const sink = new StatsdSink({ hostPort: `127.0.0.1:${server.address().port}`, prefix: "pre." });
      const store = basicStore();
      const expectedCount = new StatsdEncoder().encode(store).length;
      const got = receive(server, (g) => g.length >= expectedCount);
      const result = await sink.pushOnce(store);
      expect(result).to.deep.equal({ ok: true, sent: expectedCount });
      expect(await got).to.include("pre.basic.mtail.lines_total:6|c");
      await sink.close();
    });
  });

  it("does not throw or hang when nobody listens", async () => {
    const sink = new StatsdSink({ hostPort: `127.0.0.1:${await freePort()}` }); // nobody listens there
    const first = await sink.pushOnce(basicStore());
    const second = await sink.pushOnce(basicStore());
    expect(first.sent + second.sent).to.be.greaterThan(0);
    await sink.close();
  });

  it("reports an unresolvable host in the result", async () => {
    const sink = new StatsdSink({ hostPort: "no-such-host.invalid:8125" });
    const result = await sink.pushOnce(basicStore());
    expect(result.ok).to.equal(false);
    expect(result.error).to.be.instanceOf(Error);
  });

  it("rejects a malformed address at construction, naming it", () => {
    expect(() => new StatsdSink({ hostPort: "localhost" })).to.throw(/Invalid statsd address "localhost"/);
  });
});
