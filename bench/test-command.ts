// `node dist/bench/test-command.js [CASES]`: times `logtally test` on a folder of CASES cases (default 100), built
// from the library's programs and cases (copies under new names, their .prom written by a first --update run).
// Prints the wall time and CPU time (user+sys, through GNU time when installed: on a loaded machine it is the
// steadier figure) of each of 5 runs and the medians: the target is under 2 s for 100 cases. Every case gets its
// own copy of a program, so each run also compiles 100 programs (the worst case for the one-compile-per-program rule).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
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
  const gnuTime = existsSync("/usr/bin/time");
  const times: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    const argv = [process.execPath, BIN, "test", dir];
    const r = gnuTime ? spawnSync("/usr/bin/time", ["-f", "CPU %U %S", ...argv], { encoding: "utf8" }) : spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const last = r.stdout.trimEnd().split("\n").pop();
    if (r.status !== 0 || last !== `${wanted} passed, 0 failed`) throw new Error(`run failed (${r.status}): ${last}\n${r.stderr}`);
    const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
    const cpuMs = cpu === null ? NaN : (Number(cpu[1]) + Number(cpu[2])) * 1000;
    times.push(ms);
    cpus.push(cpuMs);
    console.log(`run ${run + 1}: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${last})`);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `logtally test, ${wanted} cases (copies of ${new Set(cases.map((c) => c.program)).size} library programs): ` +
      `median ${median(times).toFixed(0)} ms wall, ${median(cpus).toFixed(0)} ms CPU (whole process); load average ${loadavg()[0]!.toFixed(1)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
