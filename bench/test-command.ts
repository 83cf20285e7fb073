// `node dist/bench/test-command.js [CASES]`: times `logtally test` on a folder of CASES cases (default 100), built
// from the library's programs and cases (copies under new names, their .prom written by a first --update run).
// Prints the wall time of each of 5 runs and the median: the target is under 2 s for 100 cases.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "logtally.js");
const LIBRARY = join(ROOT, "programs");
const wanted = Number(process.argv[2] ?? 100);

const cases: Array<{ program: string; log: string }> = [];
for (const f of readdirSync(LIBRARY).sort()) {
  if (!f.endsWith(".mtail")) continue;
  const testDir = join(LIBRARY, f.replace(/\.mtail$/, ".test"));
  let logs: string[] = [];
  try {
    logs = readdirSync(testDir).filter((l) => l.endsWith(".log")).sort();
  } catch {
    continue;
  }
  for (const l of logs) cases.push({ program: join(LIBRARY, f), log: join(testDir, l) });
}
if (cases.length === 0) throw new Error(`no cases in ${LIBRARY}`);

const dir = mkdtempSync(join(tmpdir(), "logtally-bench-test-"));
try {
  // Each library case becomes one case of a renamed copy of its program, round-robin, until there are `wanted`.
  for (let i = 0; i < wanted; i++) {
    const c = cases[i % cases.length]!;
    const copy = `${String(Math.floor(i / cases.length)).padStart(2, "0")}_${c.program.split("/").pop()}`;
    const name = copy.replace(/\.mtail$/, "");
    copyFileSync(c.program, join(dir, copy));
    mkdirSync(join(dir, `${name}.test`), { recursive: true });
    writeFileSync(join(dir, `${name}.test`, `case${i}.log`), readFileSync(c.log));
  }
  const prepare = spawnSync(process.execPath, [BIN, "test", "--update", dir], { encoding: "utf8" });
  if (!prepare.stdout.includes(`${wanted} passed, 0 failed`)) throw new Error(`--update run failed:\n${prepare.stdout}${prepare.stderr}`);
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, "test", dir], { encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const last = r.stdout.trimEnd().split("\n").pop();
    if (r.status !== 0 || last !== `${wanted} passed, 0 failed`) throw new Error(`run failed (${r.status}): ${last}\n${r.stderr}`);
    times.push(ms);
    console.log(`run ${run + 1}: ${ms.toFixed(0)} ms (${last})`);
  }
  times.sort((a, b) => a - b);
  console.log(`logtally test, ${wanted} cases of ${new Set(cases.map((c) => c.program)).size} programs: median ${times[2]!.toFixed(0)} ms of wall time (whole process)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
