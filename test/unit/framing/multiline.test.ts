// Multi-line records: the user's start/continue regexes and the python, java and go presets.
import { expect } from "chai";
import { IdleFlusher } from "../../../src/framing/idle-flusher.js";
import { Framer } from "../../../src/framing/framer.js";
import { newFramingCounters } from "../../../src/framing/types.js";
import { frame } from "./frame-helper.js";

const PY_CHAINED = [
  "2024-05-01 10:00:01,000 ERROR app.views: Unhandled exception on /api/orders",
  "Traceback (most recent call last):",
  '  File "/app/views.py", line 10, in handler',
  "    return compute()",
  "ZeroDivisionError: division by zero",
  "",
  "During handling of the above exception, another exception occurred:",
  "",
  "Traceback (most recent call last):",
  '  File "/app/views.py", line 12, in handler',
  '    raise ValueError("bad")',
  "ValueError: bad",
].join("\n");

const PY_CAUSE = [
  "2024-05-01 10:00:02,000 ERROR app.db: query failed",
  "Traceback (most recent call last):",
  '  File "/app/db.py", line 3, in q',
  "KeyError: 'id'",
  "",
  "The above exception was the direct cause of the following exception:",
  "",
  "Traceback (most recent call last):",
  '  File "/app/db.py", line 5, in q',
  "    ~~~^^^",
  "RuntimeError: lookup failed",
].join("\n");

const JAVA = [
  "2024-05-01 10:00:00.000 ERROR [main] c.e.App - Failed to process order",
  "java.lang.IllegalStateException: boom",
  "\tat com.example.App.run(App.java:10)",
  "\tat com.example.App.main(App.java:5)",
  "Caused by: java.io.IOException: disk full",
  "\tat com.example.Disk.write(Disk.java:42)",
  "\t... 2 more",
].join("\n");

const GO_PANIC = [
  "panic: runtime error: index out of range [5] with length 3",
  "",
  "goroutine 1 [running]:",
  "main.handler(0xc000012345, {0x4a5b20?, 0xc000014090?})",
  "\t/app/main.go:8 +0x1d",
  "created by net/http.(*Server).Serve in goroutine 1",
  "\t/usr/local/go/src/net/http/server.go:3285 +0x4b4",
  "",
  "goroutine 7 [chan receive]:",
  "main.worker()",
  "\t/app/main.go:20 +0x2a",
  "exit status 2",
].join("\n");

describe("framing/multiline", () => {
  const cases: Array<{ name: string; input: string; opts: Parameters<typeof frame>[1]; records: string[] }> = [
    {
      name: "start regex: lines until the next match join the record",
      input: "2024 a\n  more\nmore\n2024 b\n2024 c\n x\n",
      opts: { start: /^\d{4} / },
      records: ["2024 a\n  more\nmore", "2024 b", "2024 c\n x"],
    },
    {
      name: "continue regex: matching lines join the record before them",
      input: "a\n\tat 1\n\tat 2\nb\nc\n\tat 3\n",
      opts: { continue: /^\s/ },
      records: ["a\n\tat 1\n\tat 2", "b", "c\n\tat 3"],
    },
    {
      name: "start and continue: a line matching neither is a record of its own",
      input: "S1\n c\nx\nS2\n",
      opts: { start: /^S/, continue: /^ / },
      records: ["S1\n c", "x", "S2"],
    },
    {
      name: "python: logger.exception's line, traceback and chain are one record",
      input: "2024-05-01 10:00:00,000 INFO ok\n" + PY_CHAINED + "\n2024-05-01 10:00:03,000 INFO next\n",
      opts: { preset: "python" },
      records: ["2024-05-01 10:00:00,000 INFO ok", PY_CHAINED, "2024-05-01 10:00:03,000 INFO next"],
    },
    {
      name: "python: 'the direct cause' chains too",
      input: PY_CAUSE + "\n",
      opts: { preset: "python" },
      records: [PY_CAUSE],
    },
    {
      name: "python: a blank line after a traceback that no chain follows is its own record",
      input: "ERROR x\nTraceback (most recent call last):\n  File \"a\", line 1\nKeyError: 1\n\nI next\n",
      opts: { preset: "python" },
      records: ["ERROR x\nTraceback (most recent call last):\n  File \"a\", line 1\nKeyError: 1", "", "I next"],
    },
    {
      name: "python: a traceback right after a complete one begins a record",
      input: "Traceback (most recent call last):\n  File \"a\"\nKeyError: 1\nTraceback (most recent call last):\n  File \"b\"\nTypeError: t\n",
      opts: { preset: "python" },
      records: ["Traceback (most recent call last):\n  File \"a\"\nKeyError: 1", "Traceback (most recent call last):\n  File \"b\"\nTypeError: t"],
    },
    {
      name: "java: the log line, exception, frames and causes are one record",
      input: "2024-05-01 09:59:59.000 INFO [main] c.e.App - start\n" + JAVA + "\n2024-05-01 10:00:01.000 INFO [main] c.e.App - next\n",
      opts: { preset: "java" },
      records: ["2024-05-01 09:59:59.000 INFO [main] c.e.App - start", JAVA, "2024-05-01 10:00:01.000 INFO [main] c.e.App - next"],
    },
    {
      name: "python: a traceback after a line that is not an error's (an uncaught exception) is a record of its own",
      input: "2024-05-01 10:00:00,000 INFO app: started\nTraceback (most recent call last):\n  File \"a\"\nSystemExit: 2\n",
      opts: { preset: "python" },
      records: ["2024-05-01 10:00:00,000 INFO app: started", "Traceback (most recent call last):\n  File \"a\"\nSystemExit: 2"],
    },
    {
      name: "java: an exception after an INFO line is a record of its own",
      input: "2024-05-01 10:00:00.000 INFO [main] App - started\njava.lang.IllegalStateException: x\n\tat A.b(A.java:1)\n",
      opts: { preset: "java" },
      records: ["2024-05-01 10:00:00.000 INFO [main] App - started", "java.lang.IllegalStateException: x\n\tat A.b(A.java:1)"],
    },
    {
      name: "java: an uncaught exception begins its own record",
      input: 'Exception in thread "main" java.lang.RuntimeException: x\n\tat A.b(A.java:1)\nplain\n',
      opts: { preset: "java" },
      records: ['Exception in thread "main" java.lang.RuntimeException: x\n\tat A.b(A.java:1)', "plain"],
    },
    {
      name: "go: a panic and its goroutine dump are one record",
      input: "2024/05/01 10:00:00 serving\n" + GO_PANIC + "\n2024/05/01 10:00:05 restarted\n",
      opts: { preset: "go" },
      records: ["2024/05/01 10:00:00 serving", GO_PANIC, "2024/05/01 10:00:05 restarted"],
    },
    {
      name: "go: a fatal error with a trailing blank line",
      input: "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/a.go:5 +0x1\n\n2024/05/01 next\n",
      opts: { preset: "go" },
      records: ["fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/a.go:5 +0x1", "", "2024/05/01 next"],
    },
    {
      name: "a record reaching the line bound is cut; the next line begins a new one",
      input: "S\n1\n2\n3\n4\nS\n",
      opts: { start: /^S/, maxLines: 3 },
      records: ["S\n1\n2", "3\n4", "S"],
    },
    {
      name: "a record reaching the byte bound is cut",
      input: "S 123\n4567\n89\nS\n",
      opts: { start: /^S/, maxBytes: 10 },
      records: ["S 123\n4567", "89", "S"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(frame(c.input, c.opts).texts).to.deep.equal(c.records);
    });
  }

  it("counts cut records", () => {
    const r = frame("S\n1\n2\n3\n4\nS\n", { start: /^S/, maxLines: 3 });
    void r.texts;
    expect(r.counters.recordsCut).to.equal(1);
    expect(r.counters.records).to.equal(3);
  });

  it("joins a container log's consecutive lines of one stream; a line of the other stream ends a record", () => {
    const input = [
      "2024-05-01T10:00:00Z stderr F ERROR boom",
      "2024-05-01T10:00:00Z stderr F Traceback (most recent call last):",
      '2024-05-01T10:00:00Z stderr F   File "a.py", line 1',
      "2024-05-01T10:00:00Z stderr F ValueError: v",
      "2024-05-01T10:00:00Z stdout F GET / 200",
      "2024-05-01T10:00:00Z stdout F   indented",
      "2024-05-01T10:00:01Z stderr F   indented on stderr",
    ].join("\n");
    const r = frame(input + "\n", { format: "cri", preset: "python" });
    expect(r.texts).to.deep.equal([
      'ERROR boom\nTraceback (most recent call last):\n  File "a.py", line 1\nValueError: v',
      "GET / 200\n  indented",
      "  indented on stderr",
    ]);
    expect(r.records.map((x) => x.stream)).to.deep.equal(["stderr", "stdout", "stderr"]);
  });

  it("says how many of the last lines read it holds", () => {
    const r = frame("S a\nb\nS c\nd\ne\n", { start: /^S/ });
    expect(r.records.map((x) => x.text)).to.deep.equal(["S a\nb"]);
    expect(r.framer.heldLines()).to.equal(3);
    const cri = frame("2024-05-01T10:00:00Z stdout P a\n2024-05-01T10:00:00Z stderr F b\n", { format: "cri" });
    expect(cri.framer.heldLines()).to.equal(2);
    r.framer.flush();
    expect(r.framer.heldLines()).to.equal(0);
  });

  it("hands a record on once its source has been quiet for the timeout", () => {
    let now = 1000;
    const flusher = new IdleFlusher(50, () => now);
    const out: string[] = [];
    const counters = newFramingCounters();
    const f = new Framer({ format: "plain", multiline: { start: /^S/, maxLines: 100, maxBytes: 1000 }, maxLineLength: 1000, idleTimeoutMs: 1000 }, (t) => out.push(t), counters, flusher);
    try {
      f.onLine("S a", "/x");
      f.onLine(" b", "/x");
      flusher.sweep();
      now += 900;
      f.onLine(" c", "/x"); // not quiet: a line arrived
      flusher.sweep();
      now += 999;
      flusher.sweep();
      expect(out).to.deep.equal([]);
      now += 1;
      flusher.sweep();
      expect(out).to.deep.equal(["S a\n b\n c"]);
      expect(counters.idleFlushes).to.equal(1);
      expect(f.heldLines()).to.equal(0);
    } finally {
      flusher.stop();
    }
  });
});
