// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and total time by function, heaviest first.
// Usage: node dist/bench/profile-summary.js FILE.cpuprofile [--top N] [--callers FUNCTION]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { originalPosition } from "./source-map.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** One function's share of the samples. */
export interface FunctionCost {
  name: string;
  location: string;
  selfMs: number;
  selfPercent: number;
  totalPercent: number;
}

/** Where a call frame lives: "src/x.ts:LINE" through the source map when there is one, else "url:LINE". */
function describeLocation(frame: CallFrame): string {
  if (!frame.url) return "(native/generated)";
  if (frame.url.startsWith("file://")) {
    const path = fileURLToPath(frame.url);
    const original = originalPosition(path, frame.lineNumber, frame.columnNumber, ROOT);
    if (original) return original;
    return `${path.startsWith(ROOT + "/") ? path.slice(ROOT.length + 1) : path}:${frame.lineNumber + 1}`;
  }
  return `${frame.url}:${frame.lineNumber + 1}`;
}

/** Self time per function (by name + location), and total time (each sample counted once per function on its stack). */
export function summariseProfile(profile: CpuProfile): { totalMs: number; functions: FunctionCost[] } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (node: ProfileNode) => `${node.callFrame.functionName || "(anonymous)"}\t${describeLocation(node.callFrame)}`;
  const selfUs = new Map<string, number>();
  const totalUs = new Map<string, number>();
  let allUs = 0;
  // timeDeltas[i] is the gap before sample i; charging it to sample i is what Chrome DevTools does.
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    allUs += dt;
    let node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const self = keyOf(node);
    selfUs.set(self, (selfUs.get(self) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      node = byId.get(id)!;
      const key = keyOf(node);
      if (seen.has(key)) continue; // recursion: count a function once per sample
      seen.add(key);
      totalUs.set(key, (totalUs.get(key) ?? 0) + dt);
    }
  }
  const functions = [...selfUs.entries()].map(([key, us]) => {
    const [name, location] = key.split("\t") as [string, string];
    return {
      name,
      location,
      selfMs: us / 1000,
      selfPercent: (100 * us) / allUs,
      totalPercent: (100 * (totalUs.get(key) ?? 0)) / allUs,
    };
  });
  functions.sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: allUs / 1000, functions };
}

/** Who calls `name` (immediate callers by self-time of `name` under them): where a hot helper is called from. */
export function callersOf(profile: CpuProfile, name: string): Array<{ caller: string; ms: number }> {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    let id: number | undefined = profile.samples[i]!;
    // Walk up to the first frame named `name`, then report the frame above it.
    while (id !== undefined && byId.get(id)!.callFrame.functionName !== name) id = parent.get(id);
    if (id === undefined) continue;
    const up = parent.get(id);
    const frame = up === undefined ? null : byId.get(up)!.callFrame;
    const key = frame ? `${frame.functionName || "(anonymous)"} (${describeLocation(frame)})` : "(root)";
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...out.entries()].map(([caller, ms]) => ({ caller, ms })).sort((a, b) => b.ms - a.ms);
}

/** The top `top` functions as an aligned text table. */
export function formatSummary(summary: { totalMs: number; functions: FunctionCost[] }, top: number): string {
  const lines = [`total sampled: ${summary.totalMs.toFixed(0)} ms`, "  self%  total%   self ms  function  (location)"];
  for (const f of summary.functions.slice(0, top)) {
    lines.push(`${f.selfPercent.toFixed(1).padStart(7)} ${f.totalPercent.toFixed(1).padStart(7)} ${f.selfMs.toFixed(0).padStart(9)}  ${f.name}  (${f.location})`);
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  const topFlag = process.argv.indexOf("--top");
  const top = topFlag > 0 ? Number(process.argv[topFlag + 1]) : 25;
  const callersFlag = process.argv.indexOf("--callers");
  if (!file) {
    process.stderr.write("Usage: node dist/bench/profile-summary.js FILE.cpuprofile [--top N] [--callers FUNCTION]\n");
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    if (callersFlag > 0) {
      for (const c of callersOf(profile, process.argv[callersFlag + 1] ?? "")) process.stdout.write(`${c.ms.toFixed(0).padStart(7)} ms  ${c.caller}\n`);
    } else {
      process.stdout.write(formatSummary(summariseProfile(profile), top) + "\n");
    }
  }
}
