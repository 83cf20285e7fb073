// Container unwrapping: CRI and Docker json-file lines to the application's lines, pieces joined per stream.
import { expect } from "chai";
import { parseCri, parseDocker, newEntry } from "../../../src/framing/container.js";
import { Rfc3339Reader } from "../../../src/framing/rfc3339.js";
import { frame } from "./frame-helper.js";

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

describe("framing/container", () => {
  describe("CRI", () => {
    const cases: Array<{ name: string; input: string | Buffer; texts: string[]; streams?: string[] }> = [
      { name: "full lines", input: "2024-05-01T10:00:00.123456789Z stdout F hello\n2024-05-01T10:00:00Z stderr F oops\n", texts: ["hello", "oops"], streams: ["stdout", "stderr"] },
      { name: "partials joined", input: "2024-05-01T10:00:00Z stdout P a \n2024-05-01T10:00:00Z stdout P b \n2024-05-01T10:00:00Z stdout F c\n", texts: ["a b c"] },
      {
        name: "partials of two streams joined apart",
        input: "2024-05-01T10:00:00Z stdout P out1 \n2024-05-01T10:00:00Z stderr P err1 \n2024-05-01T10:00:00Z stderr F err2\n2024-05-01T10:00:00Z stdout F out2\n",
        texts: ["err1 err2", "out1 out2"],
        streams: ["stderr", "stdout"],
      },
      {
        name: "a character split between two pieces comes out whole",
        input: Buffer.concat([Buffer.from("2024-05-01T10:00:00Z stdout P caf\xc3", "latin1"), Buffer.from("\n2024-05-01T10:00:00Z stdout F \xa9", "latin1"), Buffer.from(" été\n")]),
        texts: ["café été"],
      },
      { name: "an empty message", input: "2024-05-01T10:00:00Z stdout F\n2024-05-01T10:00:00Z stdout F \n", texts: ["", ""] },
      { name: "spaces in the message are kept", input: "2024-05-01T10:00:00Z stdout F  a  b \n", texts: [" a  b "] },
      { name: "a line that is not CRI passes unchanged", input: "hello wörld\n2024-05-01T10:00:00Z stdout F x\n", texts: ["hello wörld", "x"], streams: ["", "stdout"] },
      { name: "pieces still waiting at the end are handed on", input: "2024-05-01T10:00:00Z stdout P tail\n", texts: ["tail"] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = frame(c.input, { format: "cri" });
        expect(r.texts).to.deep.equal(c.texts);
        if (c.streams) expect(r.records.map((x) => x.stream)).to.deep.equal(c.streams);
      });
    }

    it("gives each line the time of its first piece", () => {
      const r = frame("2024-05-01T10:00:00.250Z stdout P a\n2024-05-01T10:00:09Z stdout F b\n2024-05-01T12:00:00+02:00 stdout F c\n", { format: "cri" });
      expect(r.records.map((x) => x.timeMs)).to.deep.equal([T0 + 250, T0]);
      expect(r.texts).to.deep.equal(["ab", "c"]);
    });

    it("counts lines of a cri source that are not CRI", () => {
      const r = frame("plain\n2024-05-01T10:00:00Z stdout F x\n", { format: "cri" });
      expect(r.counters.unrecognised).to.equal(1);
    });

    it("cuts a joined line at the longest line allowed and counts it", () => {
      const r = frame("2024-05-01T10:00:00Z stdout P 12345\n2024-05-01T10:00:00Z stdout P 67890\n2024-05-01T10:00:00Z stdout F abc\n2024-05-01T10:00:00Z stdout F ok\n", { format: "cri", maxLineLength: 8 });
      expect(r.texts).to.deep.equal(["12345678", "ok"]);
      expect(r.counters.linesCut).to.equal(1);
    });

    it("frames the same records whatever the chunks the bytes arrive in", () => {
      const lines: string[] = [];
      for (let i = 0; i < 200; i++) {
        const s = i % 3 === 0 ? "stderr" : "stdout";
        lines.push(`2024-05-01T10:00:${String(i % 60).padStart(2, "0")}.5Z ${s} ${i % 5 === 0 ? "P" : "F"} msg ${i} ünï ${"x".repeat(i % 17)}`);
      }
      const input = Buffer.from(lines.join("\n") + "\n");
      const whole = frame(input, { format: "cri" }).texts;
      for (const chunks of [[1], [7], [3, 61, 1], [4096]]) expect(frame(input, { format: "cri", chunks }).texts).to.deep.equal(whole);
      expect(whole.length).to.equal(200 - 40);
    });

    it("parses the parts of a line", () => {
      const e = newEntry();
      expect(parseCri("2024-05-01T10:00:00.1Z stderr P x y", e)).to.equal(true);
      expect(e).to.include({ stream: "stderr", partial: true, message: "x y", timeStart: 0, timeEnd: 22 });
      for (const bad of ["", "2024-05-01T10:00:00Z stdin F x", "2024-05-01T10:00:00Z stdout X x", "hello stdout F x", "2024-05-01T10:00:00Z"]) {
        expect(parseCri(bad, e), bad).to.equal(false);
      }
    });
  });

  describe("Docker json-file", () => {
    const line = (log: string, stream = "stdout", time = "2024-05-01T10:00:00.5Z") => JSON.stringify({ log, stream, time }) + "\n";
    const cases: Array<{ name: string; input: string | Buffer; texts: string[]; streams?: string[] }> = [
      { name: "complete lines lose their newline", input: line("hello\n") + line("oops\n", "stderr"), texts: ["hello", "oops"], streams: ["stdout", "stderr"] },
      { name: "a log without newline continues", input: line("a ") + line("b ") + line("c\n"), texts: ["a b c"] },
      { name: "escapes", input: line('caf\u00e9 "q" \\ \t \u{1F600} <&>\n'), texts: ['café "q" \\ \t 😀 <&>'] },
      { name: "Go's escaped <, > and &", input: '{"log":"\\u003cb\\u003e \\u0026\\n","stream":"stdout","time":"2024-05-01T10:00:00Z"}\n', texts: ["<b> &"] },
      { name: "a surrogate pair written as two escapes", input: '{"log":"\\ud83d\\ude00\\n","stream":"stdout","time":"2024-05-01T10:00:00Z"}\n', texts: ["😀"] },
      { name: "CRLF output", input: line("win\r\n"), texts: ["win"] },
      { name: "keys in another order and extra keys", input: '{"time":"2024-05-01T10:00:00Z", "attrs":{"a":[1,"}"]},"stream":"stderr","log":"x\\n"}\n', texts: ["x"], streams: ["stderr"] },
      {
        name: "raw UTF-8 split between two pieces",
        input: Buffer.concat([Buffer.from('{"log":"caf\xc3","stream":"stdout","time":"2024-05-01T10:00:00Z"}\n', "latin1"), Buffer.from('{"log":"\xa9\\n","stream":"stdout","time":"2024-05-01T10:00:00Z"}\n', "latin1")]),
        texts: ["café"],
      },
      { name: "not JSON passes unchanged", input: "{oops\n" + line("ok\n"), texts: ["{oops", "ok"] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = frame(c.input, { format: "docker" });
        expect(r.texts).to.deep.equal(c.texts);
        if (c.streams) expect(r.records.map((x) => x.stream)).to.deep.equal(c.streams);
      });
    }

    it("gives each line its time", () => {
      expect(frame(line("a\n"), { format: "docker" }).records[0]!.timeMs).to.equal(T0 + 500);
    });

    it("rejects what is not an object with a string log", () => {
      const e = newEntry();
      for (const bad of ["", "{}", '{"log":1}', '{"stream":"stdout"}', '{"log":"x"', '{"log":"x"} trailing', "[1]"]) {
        expect(parseDocker(bad, e), bad).to.equal(false);
      }
    });
  });

  describe("auto", () => {
    it("recognises CRI and Docker line by line and passes anything else through", () => {
      const input =
        "2024-05-01T10:00:00Z stdout F cri line\n" +
        '{"log":"docker line\\n","stream":"stderr","time":"2024-05-01T10:00:00Z"}\n' +
        "2024-05-01 10:00:00 plain line with a date\n" +
        "{not json}\n";
      const r = frame(input, { format: "auto" });
      expect(r.texts).to.deep.equal(["cri line", "docker line", "2024-05-01 10:00:00 plain line with a date", "{not json}"]);
      expect(r.records.map((x) => x.stream)).to.deep.equal(["stdout", "stderr", "", ""]);
      expect(r.counters.unrecognised).to.equal(0);
    });
  });

  describe("RFC 3339 times", () => {
    const cases: Array<[string, number]> = [
      ["2024-05-01T10:00:00Z", T0],
      ["2024-05-01T10:00:00.123456789Z", T0 + 123],
      ["2024-05-01T10:00:00.5Z", T0 + 500],
      ["2024-05-01T12:30:00+02:30", T0],
      ["2024-05-01T08:00:00-02:00", T0],
      ["2024-13-01T10:00:00Z", NaN],
      ["2024-05-01T10:00:00", NaN],
      ["2024-05-01T10:00:00.Z", NaN],
    ];
    for (const [text, ms] of cases) {
      it(text, () => {
        const r = new Rfc3339Reader();
        expect(r.parse(text, 0, text.length)).to.deep.equal(ms);
        expect(r.parse(text, 0, text.length), "again, from the remembered second").to.deep.equal(ms);
      });
    }
  });
});
