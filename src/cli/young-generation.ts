// Keeps V8's young generation small in the daemon (bin/logtally.js sets the limit before anything else loads; main
// lifts it for one-shot runs). Imports only node:v8 and node:perf_hooks, so running it first loads nothing extra.

import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

/**
 * Largest semi-space (the young generation is two of them) that logtally lets V8 grow to: 2 MiB.
 *
 * Why: V8 doubles the young generation whenever the bytes surviving scavenges since it last grew exceed its size, up
 * to 16 MiB a semi-space on 64-bit Node 20. A daemon catching up with a busy log allocates a few hundred bytes per
 * line, nearly all dead by the next scavenge, but /metrics scrapes and memoised strptime values survive often
 * enough to grow it to the full 2 x 16 MiB, all of it resident. Daemon peak RSS on the bench's tail workload (1M
 * apache lines appended in 1 MB writes while it follows the file; 2 cores, Node 20.20; commit f6fcac4; 6-20 runs
 * each): V8's default 105.7-110.5 MB; semi-space at most 1 MiB 76.4-78.5 MB; 2 MiB 71.2-76.7 MB; 4 MiB
 * 83.2-85.0 MB. Below 2 MiB, scavenges come so often that more survivors are promoted and the old generation grows
 * faster. The price: 260 scavenges instead of 60 per catch-up, 191-196 ms of GC pauses instead of 115-138 ms
 * (3 runs each), about 4% of a ~2 s catch-up and within its run-to-run noise (median 2.02 s against 2.08 s over 8
 * runs each). Going idle, V8's memory reducer then runs three GCs instead of two, ~8 s after the last burst: 0.6% ->
 * 0.8% of a core in the bench's idle window (2-12 s after start, 3 runs each), 0.0-0.3% either way from 14 s on.
 * One-shot runs lift the limit (see main.ts): it cost them 6-10% of their time (apache, 1M lines, commit 637eb5b:
 * 1.36 s against 1.26 s best of 10, 1.43 s against 1.29 s median) where RSS was under 100 MB anyway.
 */
export const SEMI_SPACE_LIMIT_BYTES = 2 << 20;

/**
 * The limit for one-shot and compile-only runs: 8 MiB. With V8's own 16 MiB, peak RSS depended on whether the young
 * generation happened to grow to it: bench many-rules peaked at 76-98 MB over runs (heap 17-49 MB at exit), 86-89
 * MB with 8 MiB, 81-82 MB with 4 MiB, 71-73 MB with 2 MiB; high-cardinality at 139-143, 124, 113-114 and 112 MB.
 * But 2 MiB cost high-cardinality ~15% of its time (1.45-1.59 s against 1.24-1.35 s, alternating runs) and apache
 * ~5%; 8 MiB ran as fast as V8's default within run-to-run noise (4 runs each, 2-core machine under load).
 */
export const ONE_SHOT_SEMI_SPACE_LIMIT_BYTES = 8 << 20;

/** V8's own growth factor (`node --v8-options`: `--semi-space-growth-factor`, default 2), restored below the limit. */
const V8_GROWTH_FACTOR = 2;

/** Node flags that size the young generation: whoever passes one chooses its size, and the limit stays out. */
const YOUNG_GENERATION_FLAG = /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/** What {@link limitYoungGeneration} returns while the limit is in force. */
export interface YoungGenerationLimit {
  /** Stops watching and gives V8 back its own growth factor. */
  stop(): void;
  /** Moves the limit (bytes per semi-space); a young generation already past it stays where it is. */
  setLimit(limitBytes: number): void;
}

/**
 * Usable bytes of one semi-space now: the new space's used plus available bytes, which V8 counts in the semi-space
 * allocated into (1.7% below the nominal size: page headers). Not half the new space's `space_size`: that is
 * committed memory, and V8 uncommits the idle semi-space after a memory-reducing GC, which made the size look halved
 * and growth be allowed again (seen in the tests: 4 MiB semi-spaces under a 2 MiB limit).
 */
export function semiSpaceBytes(): number {
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_name === "new_space") return s.space_used_size + s.space_available_size;
  }
  return 0;
}

/**
 * Stops V8's young generation from growing past `limitBytes` per semi-space, unless node was started with a flag
 * that sizes it (`node --max-semi-space-size=16 bin/logtally.js`, or the same in NODE_OPTIONS), which then wins.
 * Returns undefined when such a flag is present.
 *
 * How: V8 reads `--max-semi-space-size` only when the heap is created, so setting it now does nothing (tried on
 * Node 20.20), but it reads `--semi-space-growth-factor` each time it grows the young generation. After every
 * garbage collection the factor is set to 1 (no growth) once doubling would pass the limit, and back to V8's 2
 * should V8 shrink the young generation (it does when the process goes idle). The check runs when the GC's
 * performance entry is delivered, between two turns of the event loop, so a burst that grows the young generation
 * twice within one turn can pass the limit by one doubling; it then stays there.
 */
export function limitYoungGeneration(
  limitBytes: number = SEMI_SPACE_LIMIT_BYTES,
  nodeFlags: readonly string[] = [...process.execArgv, process.env.NODE_OPTIONS ?? ""],
): YoungGenerationLimit | undefined {
  if (nodeFlags.some((f) => YOUNG_GENERATION_FLAG.test(f))) return undefined;
  let growing = true; // whether V8's own factor is in force
  let stopped = false;
  const check = (): void => {
    if (stopped) return;
    // V8 grows by doubling: allow it only while the doubled size stays within the limit.
    const allowGrowth = semiSpaceBytes() * V8_GROWTH_FACTOR <= limitBytes;
    if (allowGrowth === growing) return;
    growing = allowGrowth;
    setFlagsFromString(`--semi-space-growth-factor=${growing ? V8_GROWTH_FACTOR : 1}`);
  };
  check();
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ["gc"] });
  return {
    stop() {
      stopped = true;
      observer.disconnect();
      if (!growing) setFlagsFromString(`--semi-space-growth-factor=${V8_GROWTH_FACTOR}`);
      growing = true;
    },
    setLimit(bytes: number) {
      limitBytes = bytes;
      check();
    },
  };
}
