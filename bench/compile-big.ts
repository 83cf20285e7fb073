// Compile time of 1 MB programs (issue 15: any program up to 1 MB compiles in under a second): runs
// `logtally --compile_only --progs FILE` as a whole process on each shape of bench/big-programs.ts and reports the
// CPU time (user+sys, which a loaded machine disturbs far less than wall time), min and median over the runs.
// Usage: node dist/bench/compile-big.js [--runs N] [--tmp DIR] [--only NAME,...] [--bytes N] [--root DIR]
// (DIR: the logtally checkout to measure, default this one)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bigPrograms } from "../test/hostile/big-programs.js";
import { median, runMeasured } from "./measure.js";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const ROOT = flag("root") ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const LOGTALLY_BIN = join(ROOT, "bin", "logtally.js");

const runs = Number(flag("runs") ?? 5);
const tmp = flag("tmp") ?? "/tmp/bench/compile-big";
const only = flag("only")?.split(",");
const bytes = Number(flag("bytes") ?? 1 << 20);
mkdirSync(tmp, { recursive: true });

const rows: string[] = [];
let failures = 0;
for (const p of bigPrograms(bytes)) {
  if (only !== undefined && !only.some((o) => p.name.startsWith(o))) continue;
  const file = join(tmp, p.name);
  writeFileSync(file, p.source);
  const cpu: number[] = [];
  const wall: number[] = [];
  let outcome = "";
  for (let i = 0; i < runs; i++) {
    const r = await runMeasured(process.execPath, [LOGTALLY_BIN, "--compile_only", "--progs", file], {
      stdoutPath: "ignore",
      timeReportPath: join(tmp, "time.txt"),
    });
    if (r.cpuMs !== null) cpu.push(r.cpuMs);
    wall.push(r.wallMs);
    // The outcome must be the expected one, or the figure measures something else.
    const expected = p.error === null ? r.exitCode === 0 : r.exitCode === 1 && r.stderrTail.includes(`${p.name}:${p.error[0]}`) && r.stderrTail.includes(p.error[1]);
    outcome = expected ? (p.error === null ? "compiles" : "located error") : `UNEXPECTED (exit ${r.exitCode}): ${r.stderrTail.slice(0, 300)}`;
    if (!expected) failures++;
  }
  const cpuText = cpu.length > 0 ? `${(Math.min(...cpu) / 1000).toFixed(2)} / ${(median(cpu) / 1000).toFixed(2)} s` : "n/a (no /usr/bin/time)";
  rows.push(`${p.name.padEnd(28)} ${(p.source.length / 1e6).toFixed(2)} MB  cpu min/median ${cpuText}  wall median ${(median(wall) / 1000).toFixed(2)} s  ${outcome}`);
  process.stderr.write(rows[rows.length - 1] + "\n");
}
process.stdout.write(`\n${runs} runs each of node ${LOGTALLY_BIN} --compile_only --progs FILE (${process.version}):\n${rows.join("\n")}\n`);
process.exitCode = failures > 0 ? 1 : 0;
