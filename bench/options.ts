// Command-line options of `npm run bench` (node dist/bench/run.js): which workloads, how many runs and lines.
import { WORKLOADS } from "./workloads.js";

export interface BenchOptions {
  workloads: string[];
  runs: number;
  lines: number;
  mtail: boolean;
  profile: boolean;
  /** Where generated logs are cached. */
  outDir: string;
  /** Scratch space: outputs, daemon work dirs, profiles. */
  tmpDir: string;
  /** First of the two ports the daemon workloads use (logtally on it, mtail on the next). */
  port: number;
  idleSeconds: number;
  jsonPath: string | null;
  /** Measure a state save and a remote-write push of 200k series (bench/state-push.ts). */
  statePush: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]      (or: node dist/bench/run.js [options] after npm run build)

  --workloads a,b   run only these (default: all): ${WORKLOADS.map((w) => w.name).join(", ")}
  --runs N          timed runs per implementation and workload, median reported (default 3)
  --lines N         lines per generated log (default 1000000; use 200000 for a quick look)
  --no-mtail        do not run the reference mtail even when it is installed
  --profile         afterwards, run logtally once per one-shot workload under --cpu-prof and summarise
  --out DIR         where generated logs are cached (default bench/out)
  --tmp DIR         scratch directory (default /tmp/bench)
  --port N          ports N (logtally) and N+1 (mtail) for the daemon workloads (default 39470)
  --idle-seconds N  measuring window of the idle workload (default 10)
  --json FILE       also write the results as JSON
  --state-push      also (default when no --workloads is given) measure a state save and a remote-write push of
                    200,000 series in-process; --no-state-push skips it
`;

/** Parses argv (without node and script); throws an Error with a message for people on bad input. */
export function parseOptions(argv: readonly string[], defaults: { outDir: string }): BenchOptions {
  const o: BenchOptions = {
    workloads: WORKLOADS.map((w) => w.name),
    runs: 3,
    lines: 1_000_000,
    mtail: true,
    profile: false,
    outDir: defaults.outDir,
    tmpDir: "/tmp/bench",
    port: 39470,
    idleSeconds: 10,
    jsonPath: null,
    statePush: true,
  };
  let statePushSet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`Option ${flag} needs a value.`);
      return v;
    };
    const positive = (): number => {
      const v = value();
      const n = Number(v.replace(/_/g, ""));
      if (!Number.isInteger(n) || n <= 0) throw new Error(`Option ${flag} needs a positive integer, not "${v}".`);
      return n;
    };
    switch (flag) {
      case "--workloads": {
        const names = value().split(",").map((s) => s.trim()).filter(Boolean);
        const unknown = names.filter((n) => !WORKLOADS.some((w) => w.name === n));
        if (unknown.length) throw new Error(`Unknown workload "${unknown[0]}"; the workloads are: ${WORKLOADS.map((w) => w.name).join(", ")}.`);
        o.workloads = names;
        if (!statePushSet) o.statePush = false;
        break;
      }
      case "--runs": o.runs = positive(); break;
      case "--lines": o.lines = positive(); break;
      case "--no-mtail": o.mtail = false; break;
      case "--profile": o.profile = true; break;
      case "--out": o.outDir = value(); break;
      case "--tmp": o.tmpDir = value(); break;
      case "--port": o.port = positive(); break;
      case "--idle-seconds": o.idleSeconds = positive(); break;
      case "--json": o.jsonPath = value(); break;
      case "--state-push": o.statePush = true; statePushSet = true; break;
      case "--no-state-push": o.statePush = false; statePushSet = true; break;
      case "--help": case "-h": throw new HelpRequested();
      default: throw new Error(`Unknown option "${arg}".\n${USAGE}`);
    }
  }
  return o;
}

export class HelpRequested extends Error {}
