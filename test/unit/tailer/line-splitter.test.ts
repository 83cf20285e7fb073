// Unit tests for LineSplitter: chunk boundaries, CR removal, partial lines, UTF-8 repair and the line-length cut.
import { expect } from "chai";
import { LineSplitter, NO_LINE_LIMIT } from "../../../src/tailer/line-splitter.js";

function split(chunks: (string | Buffer)[], max?: number, flush = true): { lines: string[]; s: LineSplitter } {
  const lines: string[] = [];
  const s = new LineSplitter((t, f) => {
    expect(f).to.equal("/x.log");
    lines.push(t);
  }, "/x.log", max);
  // Each chunk is copied into a buffer that is overwritten afterwards, as the follower reuses its read buffer.
  const scratch = Buffer.alloc(4096);
  for (const c of chunks) {
    const b = typeof c === "string" ? Buffer.from(c, "utf8") : c;
    b.copy(scratch, 7);
    s.push(scratch, 7, 7 + b.length);
    scratch.fill(0x0a);
  }
  if (flush) s.flush();
  return { lines, s };
}

describe("tailer/LineSplitter", () => {
  const cases: { name: string; chunks: (string | Buffer)[]; want: string[]; max?: number; cut?: number }[] = [
    { name: "one chunk, several lines", chunks: ["a\nbb\nccc\n"], want: ["a", "bb", "ccc"] },
    { name: "empty lines are lines", chunks: ["\n\nx\n"], want: ["", "", "x"] },
    { name: "last line without newline is flushed", chunks: ["a\nb"], want: ["a", "b"] },
    { name: "line split across chunks", chunks: ["hel", "lo wo", "rld\nnext\n"], want: ["hello world", "next"] },
    { name: "CRLF trimmed", chunks: ["a\r\nb\r\n"], want: ["a", "b"] },
    { name: "CR and LF in different chunks", chunks: ["a\r", "\nb\n"], want: ["a", "b"] },
    // mtail drops every CR byte of a line, wherever it is (golden case input-carriage-returns-anywhere).
    { name: "every CR before the newline removed", chunks: ["3\r\r\r\n2x\r\r\n"], want: ["3", "2x"] },
    { name: "CRs inside a line removed", chunks: ["1a\rb\rc\nplain\n5\rz\n"], want: ["1abc", "plain", "5z"] },
    { name: "a line of CRs is empty", chunks: ["\r\r\n\r\n"], want: ["", ""] },
    { name: "CRs in a line split across chunks", chunks: ["a\r", "b\r", "\r", "c\r\n"], want: ["abc"] },
    { name: "CRs in a flushed last line", chunks: ["x\n", "y\rz\r"], want: ["x", "yz"] },
    { name: "CRs in a UTF-8 line", chunks: ["é\r✓\r\nok\n"], want: ["é✓", "ok"] },
    { name: "CR bytes dropped before decoding", chunks: [Buffer.from([0xc3, 0x0d, 0xa9, 0x0a])], want: ["é"] },
    { name: "UTF-8 decoded", chunks: ["héllo ✓\n"], want: ["héllo ✓"] },
    {
      name: "UTF-8 character split across chunks",
      chunks: [Buffer.from([0x61, 0xe2, 0x9c]), Buffer.from([0x93, 0x0a])],
      want: ["a✓"],
    },
    { name: "invalid UTF-8 becomes U+FFFD", chunks: [Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a])], want: ["a\ufffd\ufffdb"] },
    { name: "NUL bytes pass through", chunks: [Buffer.from([0x61, 0x00, 0x62, 0x0a])], want: ["a\u0000b"] },
    { name: "long line cut in one chunk", chunks: ["abcdefgh\nab\n"], max: 4, want: ["abcd", "ab"], cut: 1 },
    { name: "line of exactly max not cut", chunks: ["abcd\r\n"], max: 4, want: ["abcd"], cut: 0 },
    { name: "long partial line cut", chunks: ["abc", "defg", "hij\nk\n"], max: 4, want: ["abcd", "k"], cut: 1 },
    { name: "partial of exactly max plus CR not cut", chunks: ["ab", "cd\r", "\n"], max: 4, want: ["abcd"], cut: 0 },
    { name: "long partial flushed cut", chunks: ["abc", "defg"], max: 4, want: ["abcd"], cut: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { lines, s } = split(c.chunks, c.max);
      expect(lines).to.deep.equal(c.want);
      expect(s.lines).to.equal(c.want.length);
      if (c.cut !== undefined) expect(s.linesCut).to.equal(c.cut);
    });
  }

  it("reports the pending partial line and drops it on request", () => {
    const { lines, s } = split(["a\nbc", "de"], undefined, false);
    expect(lines).to.deep.equal(["a"]);
    expect(s.pendingBytes).to.equal(4);
    expect(s.bytes).to.equal(6);
    expect(s.discardPartial()).to.equal(4);
    expect(s.pendingBytes).to.equal(0);
    expect(s.flush()).to.equal(false);
  });

  it("keeps at most maxLineLength + 1 bytes of a huge partial line", () => {
    const s = new LineSplitter(() => undefined, "/x", 10);
    for (let i = 0; i < 100; i++) s.push(Buffer.alloc(1000, 0x61));
    expect(s.pendingBytes).to.equal(100_000);
    // Private field checked on purpose: the point of the test is bounded memory.
    expect((s as unknown as { keptLength: number }).keptLength).to.equal(11);
  });

  it("never cuts with NO_LINE_LIMIT (one-shot, as mtail keeps a 1.1 MB line whole)", () => {
    const lines: string[] = [];
    const s = new LineSplitter((t) => lines.push(t), "/x", NO_LINE_LIMIT);
    const long = Buffer.alloc(3 << 20, 0x61);
    s.push(long, 0, 1 << 20);
    s.push(long, 1 << 20);
    s.push(Buffer.from("\r\nb\n"));
    expect(lines.map((l) => l.length)).to.deep.equal([3 << 20, 1]);
    expect(s.linesCut).to.equal(0);
  });

  it("rejects a nonsense maxLineLength", () => {
    expect(() => new LineSplitter(() => undefined, "/x", 0)).to.throw(RangeError, /maxLineLength/);
  });
});
