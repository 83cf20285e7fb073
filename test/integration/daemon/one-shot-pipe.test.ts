// One-shot output into a reader that stops early (`| head`): the run ends quietly, no EPIPE stack trace.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../../bin/logtally.js", import.meta.url));

describe("one-shot into a closed pipe (integration)", function () {
  this.timeout(60_000);
  it("stops writing when `head` has read enough, exit 0, nothing on stderr", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logtally-pipe-"));
    try {
      writeFileSync(path.join(dir, "p.mtail"), "counter c by x\n/(?P<x>.*)/ {\n  c[$x]++\n}\n");
      writeFileSync(path.join(dir, "l.log"), Array.from({ length: 100_000 }, (_, i) => String(i)).join("\n") + "\n");
      const r = spawnSync("sh", ["-c",
        `"${process.execPath}" "${BIN}" --progs p.mtail --logs l.log --one_shot --one_shot_format=prometheus 2>err.txt | head -1; ` +
        `echo "rc=$?"; cat err.txt`], { cwd: dir, encoding: "utf8" });
      expect(r.stdout).to.equal("# HELP c defined at p.mtail:1:9\nrc=0\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
