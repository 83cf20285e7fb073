// Records from the framing stage: getstream() and the record's time (a container runtime's timestamp) as the time
// of updates a program does not time itself, and as timestamp(); plain lines keep the wall clock.
import { expect } from "chai";
import { Store } from "../../../src/metrics/store.js";
import { Runtime } from "../../../src/runtime/index.js";

const PROGRAM = `
counter by_stream by stream
gauge last_seen
counter timed
/^(?P<msg>.*)$/ {
  by_stream[getstream()]++
  last_seen = timestamp()
}
/^stamped (?P<t>\\d+)$/ {
  settime($t)
  timed++
}
`;

const RECORD_MS = Date.UTC(2024, 4, 1, 10, 0, 0, 250);
const WALL_MS = Date.UTC(2030, 0, 1);

function setUp() {
  const store = new Store();
  const rt = new Runtime(store, { now: () => WALL_MS });
  expect(rt.load("r.mtail", PROGRAM)).to.deep.equal({ ok: true });
  const metric = (name: string) => store.metrics().find((m) => m.name === name)!;
  return { rt, metric };
}

describe("Runtime records", () => {
  it("getstream() is the record's stream, \"\" for a plain line", () => {
    const { rt, metric } = setUp();
    rt.processRecord("a", "/c.log", "stdout", RECORD_MS);
    rt.processRecord("b", "/c.log", "stderr", RECORD_MS);
    rt.processRecord("c", "/c.log", "stderr", RECORD_MS);
    rt.processLine("d", "/p.log");
    const got = Object.fromEntries(metric("by_stream").datums().map((d) => [d.labels[0], d.value]));
    expect(got).to.deep.equal({ stdout: 1, stderr: 2, "": 1 });
  });

  it("stamps updates with the record's time, and timestamp() returns it in seconds", () => {
    const { rt, metric } = setUp();
    rt.processRecord("x", "/c.log", "stdout", RECORD_MS);
    const seen = metric("last_seen").datums()[0]!;
    expect(seen.value).to.equal(Math.floor(RECORD_MS / 1000));
    expect(seen.timeMs).to.equal(RECORD_MS);
  });

  it("keeps the wall clock for plain lines and records without a time, and settime() over both", () => {
    const { rt, metric } = setUp();
    rt.processRecord("x", "/c.log", "stdout", RECORD_MS);
    rt.processLine("y", "/p.log"); // after a record: its time must not leak into the next line
    expect(metric("last_seen").datums()[0]!.timeMs).to.equal(WALL_MS);
    rt.processRecord("z", "/c.log", "", NaN);
    expect(metric("last_seen").datums()[0]!.timeMs).to.equal(WALL_MS);
    rt.processRecord("stamped 1700000000", "/c.log", "stdout", RECORD_MS);
    expect(metric("timed").datums()[0]!.timeMs).to.equal(1700000000 * 1000);
  });
});
