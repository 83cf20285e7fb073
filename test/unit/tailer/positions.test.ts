// Unit tests for the positions file: atomic save and load, corrupt files, and recognising a file by its content.
import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

  it("rejects a positions file it does not understand, saying what to do", async () => {
    writeFileSync(join(dir, "logtally-positions.json"), JSON.stringify({ version: 9 }));
    let err: Error | undefined;
    await loadPositions(dir).catch((e) => (err = e));
    expect(err?.message).to.match(/Unrecognised positions file ".*logtally-positions.json": delete it/);
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
