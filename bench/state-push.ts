// The in-process part of `npm run bench`: a state snapshot of 200,000 series (longest pause of the line loop during
// the save, target under 50 ms; snapshot size) and a remote-write push of them (CPU, target under 5% of a core at a
// 15 s interval). Figures go to docs/performance.md.
import { measureRemoteWrite } from "./remote-write-push.js";
import { measureStateSave } from "./state-save.js";

const SERIES = 200_000;
const RUNS = 3;
const PAUSE_TARGET_MS = 50;
const PUSH_INTERVAL_S = 15;
const CPU_TARGET_PERCENT = 5;

/** Runs the measurements and returns the report text. */
export async function runStatePush(): Promise<string> {
  const out: string[] = [`State save of ${SERIES} series (${RUNS} runs; the line loop runs 10 ms slices meanwhile):`];
  const saves = await measureStateSave(SERIES, RUNS);
  for (const s of saves) {
    out.push(
      `  capture ${s.captureMs.toFixed(1)} ms, whole save ${s.saveMs.toFixed(0)} ms, longest line-loop pause ${s.longestPauseMs.toFixed(1)} ms, ` +
        `snapshot ${(s.bytes / 1e6).toFixed(1)} MB (${(s.bytes / s.series).toFixed(0)} bytes/series)`,
    );
  }
  const worst = Math.max(...saves.map((s) => s.longestPauseMs));
  out.push(`  longest pause ${worst.toFixed(1)} ms: ${worst < PAUSE_TARGET_MS ? "within" : "OVER"} the ${PAUSE_TARGET_MS} ms target`);
  out.push(`Remote-write push of ${SERIES} counter series (+ a small histogram), ${RUNS} runs, receiver in another process:`);
  const pushes = await measureRemoteWrite(SERIES, RUNS);
  for (const p of pushes) {
    const percent = p.cpuMs / (PUSH_INTERVAL_S * 10);
    out.push(`  ${p.samples} samples in ${p.requests} requests: CPU ${p.cpuMs.toFixed(0)} ms, wall ${p.wallMs.toFixed(0)} ms = ${percent.toFixed(2)}% of a core every ${PUSH_INTERVAL_S} s`);
  }
  const cpuWorst = Math.max(...pushes.map((p) => p.cpuMs)) / (PUSH_INTERVAL_S * 10);
  out.push(`  worst ${cpuWorst.toFixed(2)}% of a core: ${cpuWorst < CPU_TARGET_PERCENT ? "within" : "OVER"} the ${CPU_TARGET_PERCENT}% target`);
  return out.join("\n");
}
