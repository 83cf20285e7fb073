// Unit tests for the positions file: atomic save and load, corrupt files, and recognising a file by its content.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentMatches, loadPositions, readSignature, savePositions, type SavedState } from "../../../src/tailer/positions.js";

describe("tailer/positions", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "logtally-positions-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("loads nothing before the first save", async () => {
    expect(await loadPositions(join(dir, "state"))).to.equal(undefined);
  });

  it("saves atomically (no temporary file left) and loads the same state", async () => {
    const state: SavedState = {
      version: 1,
      savedAtMs: 123,
      files: [{ path: "/x.log", dev: 1, ino: 2, offset: 3, fingerprint: "ab", fingerprintLength: 4, tail: "eA==" }],
    };
    await savePositions(join(dir, "state"), state);
    await savePositions(join(dir, "state"), state);
    expect(readdirSync(join(dir, "state"))).to.deep.equal(["logtally-positions.json"]);
    expect(await loadPositions(join(dir, "state"))).to.deep.equal(state);
  });

  const unreadable = [
    { name: "another version", content: { version: 9 } },
    { name: "a null entry (used to stop the daemon from starting)", content: { version: 1, savedAtMs: 1, files: [null] } },
    { name: "an entry without an offset", content: { version: 1, savedAtMs: 1, files: [{ path: "/a", dev: 1, ino: 2 }] } },
    { name: "a negative offset", content: { version: 1, savedAtMs: 1, files: [{ path: "/a", dev: 1, ino: 2, offset: -1, fingerprint: "", fingerprintLength: 0, tail: "" }] } },
  ];
  for (const c of unreadable) {
    it(`rejects a positions file it does not understand, saying what to do: ${c.name}`, async () => {
      writeFileSync(join(dir, "logtally-positions.json"), JSON.stringify(c.content));
      let err: Error | undefined;
      await loadPositions(dir).catch((e) => (err = e));
      expect(err?.message).to.match(/Unrecognised positions file ".*logtally-positions.json": delete it/);
    });
  }

  it("leaves no temporary file when a save fails (full disk, read-only folder)", async () => {
    // A folder in the way of the rename makes the save fail after the temporary file was written.
    mkdirSync(join(dir, "logtally-positions.json", "x"), { recursive: true });
    let err: Error | undefined;
    await savePositions(dir, { version: 1, savedAtMs: 1, files: [] }).catch((e) => (err = e));
    expect(err).to.be.instanceOf(Error);
    expect(readdirSync(dir)).to.deep.equal(["logtally-positions.json"]);
  });

  it("recognises a file by its first bytes and the bytes before the offset", () => {
    const a = join(dir, "a.log");
    writeFileSync(a, "line one\nline two\n");
    const sig = readSignature(a, 9);
    expect(sig.fingerprintLength).to.equal(18);
    expect(Buffer.from(sig.tail, "base64").toString()).to.equal("line one\n");
    const saved = { path: a, dev: 0, ino: 0, offset: 9, ...sig };
    expect(contentMatches(a, saved)).to.equal(true);
    writeFileSync(a, "line ONE\nline two\n");
    expect(contentMatches(a, saved)).to.equal(false);
  });
});
