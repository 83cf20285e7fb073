// Start-up time of a one-shot run (issue 14: within 1.5x of `node -e 0`): CPU time (user+sys, /usr/bin/time) of
// `node -e 0` and of `logtally --one_shot` on an empty log, with one small program and with the bundled programs/
// folder, runs alternating so machine load hits every side alike. GNU time counts in 10 ms steps, so each measurement
// is a batch of --batch runs in a shell loop (the figure is per run). Min and median per side.
// Usage: node dist/bench/startup.js [--runs N] [--batch N] [--node PATH,...] [--root DIR] (DIR: a logtally checkout,
// default this one)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { haveGnuTime, median, runMeasured } from "./measure.js";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const root = flag("root") ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const runs = Number(flag("runs") ?? 10);
const batch = Number(flag("batch") ?? 10);
// Runs "$@" `batch` times; stops at the first failure.
const LOOP = `i=0; while [ $i -lt ${batch} ]; do "$@" >/dev/null || exit 1; i=$((i+1)); done`;
const nodes = flag("node")?.split(",") ?? [process.execPath];
const tmp = "/tmp/bench/startup";
mkdirSync(tmp, { recursive: true });
const emptyLog = join(tmp, "empty.log");
writeFileSync(emptyLog, "");
const smallProgram = join(tmp, "small.mtail");
writeFileSync(smallProgram, "counter lines\n/a/ {\n  lines++\n}\n");
if (!haveGnuTime()) throw new Error("bench/startup needs GNU time (/usr/bin/time) to measure CPU time.");

// The command as installed (package.json's bin).
const bin = join(root, "bin", "logtally.cjs");
const sides: Array<{ name: string; args: string[] }> = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "one small program", args: [bin, "--one_shot", "--progs", smallProgram, "--logs", emptyLog] },
  { name: "programs/ (24 programs)", args: [bin, "--one_shot", "--progs", join(root, "programs"), "--logs", emptyLog] },
];

const lines: string[] = [];
for (const node of nodes) {
  const cpu = sides.map(() => [] as number[]);
  // One warm-up round: the first run after a build fills caches (the page cache; on Node 22+ the compile cache).
  for (let round = -1; round < runs; round++) {
    for (const [i, side] of sides.entries()) {
      const r = await runMeasured("sh", ["-c", LOOP, "sh", node, ...side.args], { stdoutPath: "ignore", timeReportPath: join(tmp, "time.txt") });
      if (r.exitCode !== 0) throw new Error(`${side.name} exited ${r.exitCode}: ${r.stderrTail}`);
      if (round >= 0 && r.cpuMs !== null) cpu[i]!.push(r.cpuMs / batch);
    }
  }
  const floor = median(cpu[0]!);
  const version = (await import("node:child_process")).execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  lines.push(`${version} (${runs} batches of ${batch} runs, CPU s per run min / median, ratio of medians to node -e 0):`);
  for (const [i, side] of sides.entries()) {
    const c = cpu[i]!;
    lines.push(`  ${side.name.padEnd(26)} ${(Math.min(...c) / 1000).toFixed(3)} / ${(median(c) / 1000).toFixed(3)}  ${(median(c) / floor).toFixed(2)}x`);
  }
}
process.stdout.write(lines.join("\n") + "\n");
