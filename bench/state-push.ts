// The in-process part of `npm run bench`: a state snapshot of 200,000 series (longest pause of the line loop during
// the save, target under 50 ms; snapshot size). Figures go to docs/performance.md.
import { measureStateSave } from "./state-save.js";

const SERIES = 200_000;
const RUNS = 3;
const PAUSE_TARGET_MS = 50;

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
  return out.join("\n");
}
