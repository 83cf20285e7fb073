// Unit tests for readFileLines (one-shot mode) on real temporary files.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ONE_SHOT_CHUNK_BYTES, readFileLines } from "../../../src/tailer/read-file.js";

describe("tailer/readFileLines", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "logtally-read-file-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function read(content: string | Buffer, maxLineLength?: number) {
    const path = join(dir, "f.log");
    writeFileSync(path, content);
    const lines: string[] = [];
    const names = new Set<string>();
    const result = await readFileLines(path, (t, f) => (lines.push(t), names.add(f)), { maxLineLength });
    return { lines, names, result, path };
  }

  it("delivers every line with the absolute file name", async () => {
    const { lines, names, result, path } = await read("a\nb\r\n\nlast");
    expect(lines).to.deep.equal(["a", "b", "", "last"]);
    expect([...names]).to.deep.equal([path]);
    expect(result).to.deep.equal({ lines: 4, bytes: 10, linesCut: 0 });
  });

  it("removes every CR, not only before the newline", async () => {
    const { lines } = await read("1a\rb\rc\r\n\r\n3\r\r\r\n");
    expect(lines).to.deep.equal(["1abc", "", "3"]);
  });

  it("reads an empty file as no lines", async () => {
    const { lines, result } = await read("");
    expect(lines).to.deep.equal([]);
    expect(result.lines).to.equal(0);
  });

  it("reads lines spanning chunk boundaries, mixed ASCII and UTF-8", async () => {
    const want: string[] = [];
    for (let i = 0, size = 0; size < 3 * ONE_SHOT_CHUNK_BYTES; i++) {
      const line = `${i} ${i % 7 ? "x" : "é✓"}`;
      want.push(line);
      size += line.length + 1;
    }
    const { lines } = await read(want.join("\n") + "\n");
    expect(lines.length).to.equal(want.length);
    expect(lines).to.deep.equal(want);
  });

  it("cuts a binary line longer than maxLineLength and keeps the next line", async () => {
    const binary = Buffer.alloc(3 * ONE_SHOT_CHUNK_BYTES);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256 === 10 ? 11 : (i * 7919) % 256;
    const { lines, result } = await read(Buffer.concat([binary, Buffer.from("\nnext\n")]), ONE_SHOT_CHUNK_BYTES);
    expect(lines.length).to.equal(2);
    expect(lines[1]).to.equal("next");
    expect(result.linesCut).to.equal(1);
  });

  it("rejects with ENOENT for a missing file", async () => {
    let err: NodeJS.ErrnoException | undefined;
    await readFileLines(join(dir, "missing.log"), () => undefined).catch((e) => (err = e));
    expect(err?.code).to.equal("ENOENT");
  });
});
