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
    // Chunk boundaries around newlines and carriage returns.
    { name: "chunk ends right after a newline", chunks: ["a\nb\n", "c\n"], want: ["a", "b", "c"] },
    { name: "chunk ends right before a newline", chunks: ["a\nb", "\nc\n"], want: ["a", "b", "c"] },
    { name: "chunk is a lone newline", chunks: ["a", "\n", "\n", "b\n"], want: ["a", "", "b"] },
    { name: "CR last byte of a chunk inside a line", chunks: ["x\nab\r", "cd\ny\n"], want: ["x", "abcd", "y"] },
    { name: "CR last byte of a chunk before its newline", chunks: ["x\nab\r", "\ny\n"], want: ["x", "ab", "y"] },
    { name: "CR first byte of a chunk", chunks: ["x\nab", "\rc\r\n"], want: ["x", "abc"] },
    { name: "CRs in the middle of a chunk, first and last line", chunks: ["\ra\nb\nc\r\rd\n"], want: ["a", "b", "cd"] },
    { name: "CR only in the partial tail", chunks: ["a\nb\r", "\n"], want: ["a", "b"] },
    // Empty lines, with and without CR.
    { name: "only newlines", chunks: ["\n\n\n"], want: ["", "", ""] },
    { name: "empty CRLF lines between lines", chunks: ["a\r\n\r\n\r\nb\r\n"], want: ["a", "", "", "b"] },
    { name: "empty line after a partial", chunks: ["ab", "\n\n"], want: ["ab", ""] },
    // The length cut, in bytes, across chunks and with CRs.
    { name: "cut line then short lines", chunks: ["abcdefg\nhi\n\nabcd\n"], max: 4, cut: 1, want: ["abcd", "hi", "", "abcd"] },
    { name: "cut line over three chunks", chunks: ["x\nabc", "defgh", "ij\ny\n"], max: 4, cut: 1, want: ["x", "abcd", "y"] },
    { name: "cut line's CRs removed after the cut", chunks: ["a\rbcdef\n"], max: 4, want: ["abc"], cut: 1 },
    { name: "line of max plus CRLF not cut", chunks: ["x\nabcd\r\n"], max: 4, want: ["x", "abcd"], cut: 0 },
    { name: "line of max plus one byte plus CRLF cut", chunks: ["abcde\r\n"], max: 4, want: ["abcd"], cut: 1 },
    // UTF-8: lines decoded together when no CR or cut is involved, byte by byte otherwise.
    { name: "UTF-8 chunk of several lines", chunks: ["é\n✓✓\n\nü x\n"], want: ["é", "✓✓", "", "ü x"] },
    { name: "ASCII and UTF-8 chunks mixed", chunks: ["a\nb\n", "é\nc", "\nd\n"], want: ["a", "b", "é", "c", "d"] },
    { name: "UTF-8 line cut in bytes", chunks: ["ééé\nab\n"], max: 4, want: ["éé", "ab"], cut: 1 },
    { name: "UTF-8 line cut inside a character", chunks: ["ééé\n"], max: 3, want: ["é\ufffd"], cut: 1 },
    { name: "UTF-8 lines of max bytes not cut", chunks: ["éé\n✓a\n"], max: 4, want: ["éé", "✓a"], cut: 0 },
    {
      name: "invalid UTF-8 at line ends decodes as line by line",
      chunks: [Buffer.from([0x61, 0xe2, 0x9c, 0x0a, 0x80, 0x0a, 0xc3, 0x0a, 0xe2, 0x9c, 0x93, 0x0a])],
      want: ["a\ufffd", "\ufffd", "\ufffd", "✓"],
    },
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

  // Chunks much larger than the splitter's decoding segment (64 KiB), pushed whole.
  const bigCases: { name: string; lines: string[]; chunk: number; max?: number; want?: string[] }[] = [
    { name: "many ASCII lines in one chunk", lines: numbered(20_000, "x"), chunk: 1 << 20 },
    { name: "many UTF-8 lines in one chunk", lines: numbered(20_000, "é✓"), chunk: 1 << 20 },
    { name: "UTF-8 lines in one chunk cut at 30 bytes", lines: numbered(20_000, "é✓"), chunk: 1 << 20, max: 30 },
    {
      name: "ASCII and UTF-8 regions in one chunk",
      lines: [...numbered(9_000, "x"), ...numbered(9_000, "é"), ...numbered(9_000, "y")],
      chunk: 1 << 20,
    },
    {
      name: "a line longer than a segment between short lines",
      lines: ["a", "b".repeat(200_000), "c", "é".repeat(100_000), "d"],
      chunk: 1 << 20,
    },
    { name: "chunk boundaries in a line longer than a segment", lines: ["a", "b".repeat(200_000), "c"], chunk: 70_001 },
    {
      name: "lines longer than a segment cut",
      lines: ["a", "b".repeat(200_000), "é".repeat(100_000), "d"],
      chunk: 1 << 20,
      max: 70_000,
      want: ["a", "b".repeat(70_000), "é".repeat(35_000), "d"],
    },
  ];
  for (const c of bigCases) {
    it(c.name, () => {
      const got: string[] = [];
      const s = new LineSplitter((t) => got.push(t), "/x", c.max ?? NO_LINE_LIMIT);
      const data = Buffer.from(c.lines.join("\n") + "\n", "utf8");
      for (let i = 0; i < data.length; i += c.chunk) s.push(data, i, Math.min(i + c.chunk, data.length));
      expect(s.flush()).to.equal(false);
      const cutTo = (l: string, max: number) => Buffer.from(l).subarray(0, max).toString();
      const want = c.want ?? c.lines.map((l) => (c.max === undefined ? l : cutTo(l, c.max)));
      expect(got.length).to.equal(want.length);
      expect(got).to.deep.equal(want);
      expect(s.bytes).to.equal(data.length);
      expect(s.linesCut).to.equal(c.lines.filter((l) => Buffer.byteLength(l) > (c.max ?? Infinity)).length);
    });
  }

  // Random byte streams, cut into random chunks, against a model that splits, cuts and decodes line by line.
  for (const seed of [1, 2, 3, 4]) {
    it(`matches the line-by-line model on random bytes (seed ${seed})`, () => {
      const rand = lcg(seed);
      // Mostly ASCII, with CRs, multi-byte and invalid UTF-8, and now and then a run of one byte 70 KB long.
      const alphabet = [0x61, 0x62, 0x20, 0x0a, 0x0a, 0x0d, 0xc3, 0xa9, 0xe2, 0x9c, 0x93, 0xff, 0x80, 0x00];
      const bytes: number[] = [];
      while (bytes.length < 600_000) {
        const r = rand();
        if (r < 0.00001) bytes.push(...new Array<number>(70_000).fill(0x61));
        else if (r < 0.5) bytes.push(0x61 + Math.floor(rand() * 26));
        else bytes.push(alphabet[Math.floor(rand() * alphabet.length)]);
      }
      const data = Buffer.from(bytes);
      for (const max of [NO_LINE_LIMIT, 1 << 20, 40, 3]) {
        const got: string[] = [];
        const s = new LineSplitter((t) => got.push(t), "/x", max);
        const scratch = Buffer.alloc(200_000);
        for (let i = 0; i < data.length; ) {
          const n = Math.min(1 + Math.floor(rand() * (rand() < 0.5 ? 50 : 150_000)), data.length - i);
          data.copy(scratch, 0, i, i + n);
          s.push(scratch, 0, n);
          scratch.fill(0x0a); // the caller reuses its buffer
          i += n;
        }
        s.flush();
        const want = splitByModel(data, max);
        expect(got.length, `max ${max}`).to.equal(want.lines.length);
        expect(got, `max ${max}`).to.deep.equal(want.lines);
        expect(s.lines).to.equal(want.lines.length);
        expect(s.linesCut, `max ${max}`).to.equal(want.cut);
        expect(s.bytes).to.equal(data.length);
      }
    });
  }

  it("rejects a nonsense maxLineLength", () => {
    expect(() => new LineSplitter(() => undefined, "/x", 0)).to.throw(RangeError, /maxLineLength/);
  });
});

function numbered(count: number, text: string): string[] {
  return Array.from({ length: count }, (_, i) => `${i} ${text.repeat(i % 13)}`);
}

/** The documented behaviour, one line at a time: cut at `max` bytes (a CR before the newline not counted), drop CRs. */
function splitByModel(data: Buffer, max: number): { lines: string[]; cut: number } {
  const lines: string[] = [];
  let cut = 0;
  for (let start = 0; start < data.length; ) {
    let nl = data.indexOf(0x0a, start);
    if (nl < 0) nl = data.length;
    let line = data.subarray(start, nl);
    const length = line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (length > max) {
      line = line.subarray(0, max);
      cut++;
    }
    lines.push(Buffer.from(line.filter((b) => b !== 0x0d)).toString("utf8"));
    start = nl + 1;
  }
  return { lines, cut };
}

/** A small deterministic generator of numbers in [0, 1), so a failing seed can be replayed. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}
