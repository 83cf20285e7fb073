// Crafted log lines against patterns that backtrack exponentially (issue 15, point 6): a real daemon gets each
// line while /healthz is polled back to back. Asserted: every /healthz answers (httpGet gives up after 5 s; these
// lines took 15-30 s before), every line gets the result RE2 gives (counted by the program), and one match of a
// 1 MB line does not blow up memory.
import { expect } from "chai";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, httpGet } from "../helpers/logtally-process.js";
import { waitFor } from "../helpers/wait-for.js";

interface Reproducer {
  /** Also the metric's `pattern` label value. */
  readonly name: string;
  readonly pattern: string;
  /** Lines sent, each with the group 1 RE2 captures (null: no match). */
  readonly lines: ReadonlyArray<readonly [string, string | null]>;
}

const A29 = "a".repeat(28) + "!";
const reproducers: Reproducer[] = [
  { name: "unicode_class", pattern: "^(\\p{L}+)+$", lines: [[A29, null], ["é".repeat(30) + "!", null], ["Grüße", "Grüße"]] },
  { name: "multiline_anchor", pattern: "(?m)^(a+)+$", lines: [[A29, null], ["a".repeat(34) + "!", null], ["aaa", "aaa"]] },
  { name: "counted_repeat", pattern: "^(a{1,20})+$", lines: [[A29, null], ["a".repeat(25), "aaaaa"]] },
  { name: "nested_plus", pattern: "^(x+x+)+y$", lines: [["x".repeat(40), null], ["xxy", "xx"]] },
  { name: "words", pattern: "^(\\w+\\s?)*$", lines: [["hello world ".repeat(10) + "!", null], ["hi there", "there"]] },
  { name: "deep_nesting", pattern: "^(((((a+)+)+)+)+)b$", lines: [["a".repeat(30), null], ["aab", "aa"]] },
  { name: "long_line", pattern: "(x+x+)+y", lines: [["x".repeat(1_000_000), null], ["xxxxy", "xxxx"]] },
];

/** Each program reads only its reproducer's log file, so its counts say exactly what it made of those lines. */
function programOf(r: Reproducer): string {
  return [
    "counter hostile_lines_total by pattern, capture",
    `getfilename() =~ /\\/${r.name}\\.log$/ {`,
    `  /${r.pattern}/ {`,
    `    hostile_lines_total["${r.name}", $1]++`,
    "  }",
    "}",
    "",
  ].join("\n");
}

const COUNT_PROGRAM = "counter seen_lines_total\n/$/ {\n  seen_lines_total++\n}\n";

describe("hostile: crafted lines (integration)", function () {
  this.timeout(120_000);
  let dir: string;
  let d: LogtallyProcess | undefined;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-hostile-lines-"));
    mkdirSync(path.join(dir, "progs"));
    mkdirSync(path.join(dir, "logs"));
    for (const r of reproducers) writeFileSync(path.join(dir, "progs", `${r.name}.mtail`), programOf(r));
    writeFileSync(path.join(dir, "progs", "count.mtail"), COUNT_PROGRAM);
    for (const r of reproducers) writeFileSync(path.join(dir, "logs", `${r.name}.log`), "");
  });
  after(async () => {
    await d?.stop("SIGKILL").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /healthz throughout and matches each line as RE2 does", async () => {
    d = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "logs", "*.log"), "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();
    const total = reproducers.reduce((n, r) => n + r.lines.length, 0);

    let done = false;
    let healthy = 0;
    const poller = (async () => {
      while (!done) {
        const r = await httpGet({ port }, "/healthz");
        expect(r.status).to.equal(200);
        healthy++;
      }
    })();
    try {
      for (const r of reproducers) for (const [line] of r.lines) appendFileSync(path.join(dir, "logs", `${r.name}.log`), line + "\n");
      const expectedLines = total;
      let body = "";
      await waitFor(
        async () => {
          body = (await httpGet({ port }, "/metrics")).body;
          return body.includes(`seen_lines_total{prog="count.mtail"} ${expectedLines}\n`);
        },
        90_000,
        () => `after ${healthy} health checks; /metrics:\n${body.slice(0, 4000)}`,
        50,
      );
      for (const r of reproducers) {
        const want = new Map<string, number>();
        for (const [, capture] of r.lines) if (capture !== null) want.set(capture, (want.get(capture) ?? 0) + 1);
        const got = new Map<string, number>();
        const re = new RegExp(`^hostile_lines_total\\{capture="([^"]*)",pattern="${r.name}",prog="${r.name}\\.mtail"\\} (\\d+)$`, "gm");
        for (const m of body.matchAll(re)) got.set(m[1]!, Number(m[2]));
        expect(Object.fromEntries(got), r.name).to.deep.equal(Object.fromEntries(want));
      }
      const errors = /^logtally_runtime_errors_total\{prog="([^"]+)"\} ([1-9]\d*)$/m.exec(body);
      expect(errors, "no program failed on a line").to.equal(null);
      // One 1 MB line against /(x+x+)+y/ took 550 MB in V8's linear-time engine; RE2JS keeps it flat.
      const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(body)?.[1]);
      expect(rss).to.be.greaterThan(0);
      expect(rss).to.be.below(400e6);
    } finally {
      done = true;
      await poller;
    }
    expect(healthy).to.be.greaterThan(0);
  });
});
