// The state stage: a snapshot of a store round-trips through the file format (every kind, NaN and infinities,
// text, histograms, ttls), is restored only into unchanged declarations, and a damaged, cut, foreign or newer
// file is reported and kept aside instead of being half-restored. Saving leaves no temporary file behind.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Store } from "../../../src/metrics/store.js";
import { Kind, ValueType, type MetricDeclaration } from "../../../src/metrics/types.js";
import { STATE_FILE, StateFile, decodeSnapshot, encodeSnapshot, restoreSnapshot, takeSnapshot, type Snapshot } from "../../../src/state/index.js";
import type { SavedPosition } from "../../../src/tailer/positions.js";

function decl(name: string, kind: Kind, type: ValueType, keys: string[] = [], buckets: number[] = []): MetricDeclaration {
  return { name, program: "p.mtail", kind, type, keys, buckets, hidden: false, limit: 0, source: "p.mtail:1:1" };
}

const DECLS = {
  counter: decl("requests", Kind.Counter, ValueType.Int, ["method", "code"]),
  gauge: decl("temperature", Kind.Gauge, ValueType.Float, ["room"]),
  text: decl("version", Kind.Text, ValueType.String),
  histogram: decl("latency", Kind.Histogram, ValueType.Buckets, ["path"], [0.1, 1, 10]),
  zeroFirst: decl("sizes", Kind.Histogram, ValueType.Buckets, [], [0, 5]),
};

/** A store with one of each kind, holding values chosen to be awkward for a text format. */
function filledStore(): Store {
  const s = new Store();
  const c = s.declare(DECLS.counter);
  c.add(c.idN(["GET", "200"]), 41, 1_700_000_000_123);
  c.add(c.idN(["POST", "500"]), 2, 1_700_000_000_456);
  c.expire(c.idN(["POST", "500"]), 3_600_000);
  c.add(c.idN(['we"ird\n', "\u00e9\u{1F600}"]), 1, 5);
  const g = s.declare(DECLS.gauge);
  g.set(g.id1("a"), NaN, 1);
  g.set(g.id1("b"), -Infinity, 2);
  g.set(g.id1("c"), 1.5e-300, 3);
  const t = s.declare(DECLS.text);
  t.setStr(t.id0(), "v1.2 \"quoted\"", 9);
  const h = s.declare(DECLS.histogram);
  for (const v of [0.05, 0.5, 5, 50, 0.1]) h.observe(h.id1("/x"), v, 10);
  const z = s.declare(DECLS.zeroFirst);
  for (const v of [0, 3, 7]) z.observe(z.id0(), v, 11);
  return s;
}

/** Everything a series holds, read through the public API, keyed by metric and labels. */
function dump(s: Store): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of s.metrics()) {
    for (const id of m.ids()) {
      out[`${m.name}{${m.labels(id).join(",")}}`] = {
        value: m.value(id),
        time: m.time(id),
        ttl: m.ttl(id),
        buckets: m.layout === null ? null : Array.from(m.bucketCounts(id)),
        count: m.layout === null ? null : m.histCount(id),
      };
    }
  }
  return out;
}

const POSITION: SavedPosition = { path: "/var/log/a.log", dev: 1, ino: 2, offset: 300, fingerprint: "ab", fingerprintLength: 300, tail: "eA==" };

function encoded(s: Snapshot): string {
  return [...encodeSnapshot(s)].join("");
}

describe("state/format and restore", () => {
  it("round-trips every kind of series through the file and back into a fresh store", () => {
    const before = filledStore();
    const text = encoded(takeSnapshot(before, [POSITION], 1234));
    const decoded = decodeSnapshot(text);
    expect(decoded.savedAtMs).to.equal(1234);
    expect(decoded.positions).to.deep.equal([POSITION]);
    const after = new Store();
    for (const d of Object.values(DECLS)) after.declare(d);
    const report = restoreSnapshot(after, decoded);
    expect(report).to.deep.equal({ metrics: 5, series: 9, skipped: [] });
    const want = dump(before);
    expect(Object.keys(want)).to.have.length(9);
    expect(dump(after)).to.deep.equal(want);
  });

  it("round-trips exemplars, native histogram buckets and series start times", () => {
    const ex = { ...decl("errors_total", Kind.Counter, ValueType.Int, ["route"]), exemplars: ["trace_id"] };
    const nat = { ...decl("latency", Kind.Histogram, ValueType.Buckets, [], [0.1, 1]), exemplars: ["trace_id", "span"], native: true };
    const before = new Store();
    const c = before.declare(ex);
    c.addEx(c.id1("/a"), 1, 1_000, ["t-1"]);
    c.addEx(c.id1("/a"), 1, 2_000, ["t-2"]);
    c.add(c.id1("/b"), 1, 3_000); // no exemplar kept
    const h = before.declare(nat);
    for (const [v, t] of [[0.05, 10], [0.5, 20], [-3, 30], [0, 40], [250, 50]] as const) h.addEx(h.id0(), v, t, [`tr${t}`, t === 20 ? "" : "s"]);
    const after = new Store();
    const c2 = after.declare(ex);
    const h2 = after.declare(nat);
    const report = restoreSnapshot(after, decodeSnapshot(encoded(takeSnapshot(before, [], 1))));
    expect(report.skipped).to.deep.equal([]);
    for (const route of ["/a", "/b"]) {
      const [a, b] = [c.findId([route]), c2.findId([route])];
      expect(c2.exemplar(b), route).to.deep.equal(c.exemplar(a));
      expect(c2.created(b), route).to.equal(c.created(a));
      expect(c2.num(b)).to.equal(c.num(a));
    }
    expect(c2.exemplar(c2.findId(["/a"]))?.labels).to.deep.equal([["trace_id", "t-2"]]);
    const [n1, n2] = [h.nativeBuckets(h.id0())!, h2.nativeBuckets(h2.id0())!];
    expect(n2.buckets(1)).to.deep.equal(n1.buckets(1));
    expect(n2.buckets(-1)).to.deep.equal(n1.buckets(-1));
    expect(n1.buckets(1).length).to.be.greaterThan(1);
    expect([n2.schema, n2.zeroCount, n2.bucketCount]).to.deep.equal([n1.schema, n1.zeroCount, n1.bucketCount]);
    for (let b = 0; b <= 2; b++) expect(h2.exemplar(h2.id0(), b), `bucket ${b}`).to.deep.equal(h.exemplar(h.id0(), b));
    expect(h2.histCount(h2.id0())).to.equal(5);
    expect(h2.created(h2.id0())).to.equal(h.created(h.id0()));
  });

  it("restores a metric only when its declaration is unchanged (the reload rule)", () => {
    const text = encoded(takeSnapshot(filledStore(), [], 1));
    const after = new Store();
    const c = after.declare({ ...DECLS.counter, keys: ["method"] }); // keys changed: values dropped
    const g = after.declare(DECLS.gauge);
    const report = restoreSnapshot(after, decodeSnapshot(text));
    expect(report.skipped).to.have.members(["p.mtail:requests", "p.mtail:version", "p.mtail:latency", "p.mtail:sizes"]);
    expect(c.size).to.equal(0);
    expect(g.size).to.equal(3);
    expect(g.num(g.findId(["c"]))).to.equal(1.5e-300);
  });

  it("adds the lines read after the snapshot onto the restored values", () => {
    const text = encoded(takeSnapshot(filledStore(), [], 1));
    const after = new Store();
    const c = after.declare(DECLS.counter);
    restoreSnapshot(after, decodeSnapshot(text));
    c.add(c.idN(["GET", "200"]), 1, 2);
    expect(c.num(c.findId(["GET", "200"]))).to.equal(42);
  });

  const good = encoded(takeSnapshot(filledStore(), [POSITION], 1));
  const lines = good.split("\n");
  const damaged = [
    { name: "empty file", text: "", reason: /empty/ },
    { name: "cut in the middle", text: good.slice(0, Math.floor(good.length / 2)), reason: /cut short|not valid JSON/ },
    { name: "cut before the closing line", text: lines.slice(0, -2).join("\n") + "\n", reason: /cut short|not valid JSON/ },
    { name: "one digit changed", text: good.replace("41,", "42,"), reason: /checksum/ },
    { name: "not a state file", text: '{"files":[]}\n', reason: /cut short/ },
    {
      name: "a newer format version",
      text: rewrap(lines.slice(0, -2).map((l, i) => (i === 0 ? l.replace('"version":1', '"version":2') : l))),
      reason: /format version 2/,
    },
    {
      name: "a position of null (issue: positions file with files:[null])",
      text: rewrap(lines.slice(0, -2).map((l, i) => (i === 0 ? l.replace(/"positions":\[.*\]\}$/, '"positions":[null]}') : l))),
      reason: /header is malformed/,
    },
    {
      name: "a series line that is not a series",
      text: rewrap(lines.slice(0, -2).map((l, i) => (i === 2 ? "{}" : l))),
      reason: /malformed series/,
    },
  ];
  for (const c of damaged) {
    it(`refuses a snapshot file: ${c.name}`, () => {
      expect(() => decodeSnapshot(c.text)).to.throw(c.reason);
    });
  }
});

/** Body lines with a valid closing line, so only the content is wrong. */
function rewrap(body: string[]): string {
  const text = body.join("\n") + "\n";
  const hash = createHash("sha256").update(text).digest("hex");
  return text + JSON.stringify({ end: { metrics: 5, series: 9, sha256: hash } }) + "\n";
}

describe("state/StateFile", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "logtally-state-"))));
  afterEach(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it("saves atomically, leaves no temporary file, and loads what it saved", async () => {
    const f = new StateFile(dir);
    await f.prepare();
    const bytes = await f.save(takeSnapshot(filledStore(), [POSITION], 7));
    expect(readdirSync(dir)).to.deep.equal([STATE_FILE]);
    expect(bytes).to.equal(readFileSync(path.join(dir, STATE_FILE)).length);
    const r = await f.load();
    expect(r.kind).to.equal("ok");
    if (r.kind === "ok") expect(r.snapshot.savedAtMs).to.equal(7);
  });

  it("reports nothing saved yet as none", async () => {
    expect((await new StateFile(dir).load()).kind).to.equal("none");
  });

  it("moves a damaged snapshot aside, says why, and a fresh save works after it", async () => {
    writeFileSync(path.join(dir, STATE_FILE), "garbage\n");
    const f = new StateFile(dir);
    const r = await f.load();
    expect(r.kind).to.equal("unusable");
    if (r.kind !== "unusable") return;
    expect(r.reason).to.match(/cut short/);
    expect(r.keptAs).to.be.a("string");
    expect(readFileSync(r.keptAs!, "utf8")).to.equal("garbage\n");
    expect(existsSync(path.join(dir, STATE_FILE))).to.equal(false);
    await f.save(takeSnapshot(new Store(), [], 1));
    expect((await f.load()).kind).to.equal("ok");
  });

  it("removes temporary files a crash left behind when it starts", async () => {
    writeFileSync(path.join(dir, `${STATE_FILE}.123.4.tmp`), "half");
    writeFileSync(path.join(dir, "unrelated.tmp"), "keep");
    await new StateFile(dir).prepare();
    expect(readdirSync(dir).sort()).to.deep.equal(["unrelated.tmp"]);
  });

  it("finds a read-only state folder at start, not at the first save", async function () {
    if (process.getuid?.() === 0) {
      // root writes through mode bits; a read-only bind mount is not available to a test. Use a path below a file.
      writeFileSync(path.join(dir, "file"), "");
      await expectRejected(new StateFile(path.join(dir, "file", "state")).prepare(), /cannot write to --state_dir .*file\/state/);
      return;
    }
    chmodSync(dir, 0o555);
    await expectRejected(new StateFile(dir).prepare(), /cannot write to --state_dir .*permission denied/);
  });

  it("removes its temporary file when a save fails", async () => {
    const f = new StateFile(dir);
    await f.prepare();
    // A folder where the snapshot should be: the rename fails after the temporary file was written.
    const blocker = path.join(dir, STATE_FILE);
    mkdirSync(path.join(blocker, "x"), { recursive: true });
    await expectRejected(f.save(takeSnapshot(filledStore(), [], 1)), /EISDIR|ENOTEMPTY|EEXIST|directory/);
    expect(readdirSync(dir)).to.deep.equal([STATE_FILE]);
  });
});

async function expectRejected(p: Promise<unknown>, re: RegExp): Promise<void> {
  let err: unknown;
  await p.catch((e: unknown) => (err = e));
  expect(err, "expected a rejection").to.be.instanceOf(Error);
  expect((err as Error).message).to.match(re);
}
