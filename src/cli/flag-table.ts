// The one table of logtally's flags: it drives argv parsing (flags.ts), YAML validation (config.ts) and --help.
// Names follow mtail's so existing service files keep working; mtail-only flags with no meaning here are accepted
// and ignored (group "compat") rather than rejected. The Options type lives in src/daemon/options.ts (nothing
// below the CLI imports it); a compile-time check below keeps the two in step.

import type { Options, SourceOptions } from "../daemon/options.js";

export type { Options, SourceOptions } from "../daemon/options.js";

/** How a flag's value is written and stored. Durations are stored in milliseconds. */
export type FlagType = "string" | "bool" | "int" | "duration" | "list" | "sources";

/** One flag: its name (as on the command line and as a YAML key), type, default and help text. */
export interface FlagDef {
  readonly name: string;
  readonly type: FlagType;
  readonly default: string | boolean | number | readonly string[] | readonly SourceOptions[];
  readonly description: string;
  /** Allowed values for a string flag, checked after parsing. */
  readonly choices?: readonly string[];
  /** "compat": accepted for mtail compatibility, no effect. */
  readonly group?: "main" | "daemon" | "framing" | "push" | "compat";
}

const MS = 1;
const S = 1000 * MS;
const M = 60 * S;
const H = 60 * M;

/** Every flag logtally accepts, in the order --help lists them. */
export const FLAGS = [
  // What to run.
  { name: "config", type: "string", default: "", group: "main",
    description: "YAML file setting any of these flags (keys are flag names); flags on the command line override it." },
  { name: "progs", type: "string", default: "", group: "main",
    description: "Directory of *.mtail programs to load (or a single program file)." },
  { name: "logs", type: "list", default: [], group: "main",
    description: "Log files to read, separated by commas; may be given several times. Globs such as /var/log/*.log are expanded." },
  { name: "one_shot", type: "bool", default: false, group: "main",
    description: "Compile the programs, read the logs from start to end, print the metrics and exit." },
  { name: "one_shot_format", type: "string", default: "json", group: "main", choices: ["json", "prometheus", "openmetrics"],
    description: "Output format of --one_shot: json, prometheus (text 0.0.4) or openmetrics (1.0.0, with exemplars and _created)." },
  { name: "compile_only", type: "bool", default: false, group: "main",
    description: "Compile the programs, report any errors and exit (non-zero if a program fails)." },
  { name: "dump_js", type: "bool", default: false, group: "main",
    description: "Print the JavaScript generated for each program: to stdout with --compile_only, to stderr with --one_shot, to the log in the daemon." },
  { name: "emit_prog_label", type: "bool", default: true, group: "main",
    description: "Add a prog=\"file.mtail\" label to every exported series." },
  { name: "emit_metric_timestamp", type: "bool", default: false, group: "main",
    description: "Export each series with the timestamp of its last update." },
  { name: "override_timezone", type: "string", default: "", group: "main",
    description: "Time zone (IANA name, e.g. Europe/Paris) used by strptime for timestamps without one, instead of UTC." },
  { name: "syslog_use_current_year", type: "bool", default: true, group: "main",
    description: "Give yearless timestamps (syslog's \"Jan _2 15:04:05\") the current year." },
  { name: "vm_logs_runtime_errors", type: "bool", default: true, group: "main",
    description: "Log program runtime errors (rate-limited); they are always counted and shown on the status page." },
  // Daemon.
  { name: "address", type: "string", default: "", group: "daemon",
    description: "Host or IP address for the HTTP listener (empty: all interfaces)." },
  { name: "port", type: "int", default: 3903, group: "daemon",
    description: "HTTP port for /metrics, /json, the status page and health checks." },
  { name: "unix_socket", type: "string", default: "", group: "daemon",
    description: "Serve HTTP on this UNIX socket path instead of a TCP port." },
  { name: "web_config_file", type: "string", default: "", group: "daemon",
    description: "Prometheus web configuration file (as node_exporter's --web.config.file): TLS, basic auth users with bcrypt hashes, HTTP headers, rate limit. Re-read when it changes." },
  { name: "log_level", type: "string", default: "info", group: "daemon",
    choices: ["trace", "debug", "info", "warn", "error", "fatal", "silent"],
    description: "Level of logtally's own JSON logs on stderr." },
  { name: "poll_interval", type: "duration", default: 0 * MS, group: "daemon",
    description: "Also check every followed log file this often (e.g. 250ms) for filesystems without inotify (NFS, some container mounts). 0: event-driven only (inotify), no CPU when idle." },
  { name: "poll_log_interval", type: "duration", default: 0 * MS, group: "daemon",
    description: "Also re-expand the --logs patterns this often to find new files where inotify misses them. 0: event-driven only." },
  { name: "max_line_length", type: "int", default: 0, group: "daemon",
    description: "Longest log line in bytes; longer lines are cut to it, counted (logtally_lines_cut_total) and still processed. 0: 1 MiB (1048576) when following; no limit with --one_shot unless set, as mtail." },
  { name: "expired_metrics_gc_interval", type: "duration", default: 1 * H, group: "daemon",
    description: "How often expired (`del ... after`) and over-limit label sets are removed." },
  { name: "max_series_per_metric", type: "int", default: 0, group: "daemon",
    description: "Most series (label sets) any one metric may hold; updates that would create more are dropped, counted in logtally_series_dropped_total and logged once per metric. 0: no budget." },
  { name: "stale_log_gc_interval", type: "duration", default: 1 * H, group: "daemon",
    description: "How often log files that have disappeared are forgotten." },
  { name: "state_dir", type: "string", default: "", group: "daemon",
    description: "Directory where logtally keeps its state (read positions and every metric's values, saved together) so a restart or crash neither loses nor double-counts a line; empty: none." },
  { name: "state_save_interval", type: "duration", default: 10 * S, group: "daemon",
    description: "How often the state is saved to --state_dir (and once at shutdown); after a crash the lines since the last save are read again. 0: only at shutdown." },
  { name: "compile_timeout", type: "duration", default: 10 * S, group: "daemon",
    description: "Longest a program may take to compile (in a worker thread, so serving goes on meanwhile); one that takes longer fails to compile (a reload keeps the running version). 0: no limit." },
  { name: "ignore_filename_regex_pattern", type: "string", default: "", group: "daemon",
    description: "Log files whose name matches this regular expression are not read." },
  // Framing: how the lines of the --logs sources become records (src/framing/).
  { name: "log_format", type: "string", default: "plain", group: "framing", choices: ["plain", "cri", "docker", "auto"],
    description: "How each line of the --logs sources is wrapped: plain, cri (containerd/CRI-O: TIME STREAM P|F MESSAGE), docker (json-file) or auto (either, recognised line by line; other lines unchanged). Programs see the application's line, with split pieces joined." },
  { name: "multiline", type: "string", default: "", group: "framing",
    description: "Join multi-line records with a preset: python (tracebacks and their chains), java (stack traces, Caused by:), go (panics, goroutine dumps)." },
  { name: "multiline_start", type: "string", default: "", group: "framing",
    description: "RE2 regular expression: a line matching it begins a new record; other lines continue the current one." },
  { name: "multiline_continue", type: "string", default: "", group: "framing",
    description: "RE2 regular expression: a line matching it continues the current record; other lines begin a new one." },
  { name: "multiline_timeout", type: "duration", default: 1 * S, group: "framing",
    description: "A record (or a container line's pieces) is complete once its source has been quiet this long." },
  { name: "multiline_max_lines", type: "int", default: 5000, group: "framing",
    description: "A record reaching this many lines (or --max_line_length bytes, 1 MiB when 0) is cut there and counted; the next line begins a new record." },
  { name: "sources", type: "sources", default: [], group: "framing",
    description: "Config file only: a list of {path: GLOB (or a list), log_format, multiline, multiline_start, multiline_continue, multiline_timeout}, giving the files each glob matches their own framing. They are followed as --logs are." },
  // Push exporters.
  { name: "metric_push_interval", type: "duration", default: 1 * M, group: "push",
    description: "Interval between pushes to statsd, graphite and remote write." },
  { name: "metric_push_write_deadline", type: "duration", default: 10 * S, group: "push",
    description: "Longest a push may take before it is abandoned." },
  { name: "statsd_hostport", type: "string", default: "", group: "push",
    description: "host:port of a statsd server to push metrics to over UDP." },
  { name: "statsd_prefix", type: "string", default: "", group: "push",
    description: "Prefix for statsd metric names." },
  { name: "statsd_tags", type: "bool", default: false, group: "push",
    description: "Send labels as DogStatsD tags (|#key:value) instead of folding them into the name." },
  { name: "graphite_host_port", type: "string", default: "", group: "push",
    description: "host:port of a graphite carbon server to push metrics to (plaintext over TCP)." },
  { name: "graphite_prefix", type: "string", default: "", group: "push",
    description: "Prefix for graphite metric paths." },
  { name: "statsd_counters", type: "string", default: "delta", group: "push", choices: ["delta", "cumulative"],
    description: "How counters go to statsd: delta sends the increase since the last successful push (what statsd's |c means; nothing when unchanged, the new value after a counter went backwards); cumulative sends the running total every push, as mtail does." },
  { name: "remote_write_url", type: "string", default: "", group: "push",
    description: "Push every series every --metric_push_interval to this Prometheus Remote-Write 1.0 endpoint (e.g. http://prometheus:9090/api/v1/write, Mimir, Thanos, Cortex, VictoriaMetrics)." },
  { name: "remote_write_header", type: "list", default: [], group: "push",
    description: "Extra HTTP header for remote write, \"Name: value\" (e.g. \"X-Scope-OrgID: team-a\"); may be given several times." },
  { name: "remote_write_label", type: "list", default: [], group: "push",
    description: "Label added to every series sent by remote write, name=value (e.g. instance=$(NODE_NAME)); may be given several times. A series' own label of that name wins." },
  { name: "remote_write_bearer_token_file", type: "string", default: "", group: "push",
    description: "File holding a bearer token for remote write (read before each request, so a rotated token is picked up)." },
  { name: "remote_write_username", type: "string", default: "", group: "push",
    description: "Basic-auth user name for remote write (with --remote_write_password_file)." },
  { name: "remote_write_password_file", type: "string", default: "", group: "push",
    description: "File holding the basic-auth password for remote write." },
  { name: "remote_write_ca_file", type: "string", default: "", group: "push",
    description: "CA certificate (PEM) to verify an https remote-write endpoint; default: the system's CAs." },
  { name: "remote_write_cert_file", type: "string", default: "", group: "push",
    description: "Client certificate (PEM) for remote write over mutual TLS (with --remote_write_key_file)." },
  { name: "remote_write_key_file", type: "string", default: "", group: "push",
    description: "Client key (PEM) for remote write over mutual TLS." },
  { name: "remote_write_insecure_skip_verify", type: "bool", default: false, group: "push",
    description: "Do not verify the remote-write endpoint's certificate (testing only)." },
  { name: "remote_write_timeout", type: "duration", default: 30 * S, group: "push",
    description: "Longest one remote-write request may take; then it is retried." },
  { name: "remote_write_queue_samples", type: "int", default: 2_000_000, group: "push",
    description: "Most samples waiting to be sent by remote write; when the endpoint is down longer than that holds, the oldest are dropped and counted (logtally_remote_write_samples_dropped_total)." },
  { name: "help", type: "bool", default: false, group: "main", description: "Print this help and exit." },
  { name: "version", type: "bool", default: false, group: "main", description: "Print the version and exit." },
  // Accepted so mtail command lines keep working; logtally's logging is pino JSON on stderr.
  { name: "logtostderr", type: "bool", default: false, group: "compat", description: "mtail compatibility; no effect." },
  { name: "alsologtostderr", type: "bool", default: false, group: "compat", description: "mtail compatibility; no effect." },
  { name: "log_dir", type: "string", default: "", group: "compat", description: "mtail compatibility; no effect." },
  { name: "v", type: "string", default: "", group: "compat", description: "mtail compatibility; no effect (use --log_level)." },
  { name: "vmodule", type: "string", default: "", group: "compat", description: "mtail compatibility; no effect." },
  { name: "stderrthreshold", type: "string", default: "", group: "compat", description: "mtail compatibility; no effect." },
  { name: "disable_fsnotify", type: "bool", default: true, group: "compat", description: "mtail compatibility; no effect." },
  { name: "max_regexp_length", type: "int", default: 1024, group: "main",
    description: "Longest regular expression a program may contain (mtail's limit)." },
  { name: "max_recursion_depth", type: "int", default: 100, group: "compat", description: "How deep a program's syntax tree may nest (as mtail counts it); deeper programs fail to compile." },
] as const satisfies readonly FlagDef[];

/**
 * Flags of the subcommands `logtally test` and `logtally explain` (besides the main flags each shares, listed in
 * `shares`). They are not Options: the daemon does not take them.
 */
export const SUBCOMMAND_FLAGS = {
  test: {
    usage: "logtally test [--update] [--unmatched] [PATH...]   (PATH: a folder of programs, NAME.mtail, NAME.test or NAME.test/CASE.log; default --progs, else programs/)",
    shares: ["progs", "override_timezone", "syslog_use_current_year", "max_regexp_length", "max_line_length"],
    own: [
      { name: "update", type: "bool", default: false,
        description: "Write each case's CASE.prom from the program's output where it is missing or differs, and say which changed." },
      { name: "unmatched", type: "bool", default: false,
        description: "List, per case, the log lines that no pattern of the program matched." },
    ],
  },
  explain: {
    usage: "logtally explain --progs DIR [--logs FILE] [--json] [LINE...]   (lines after -- may start with -)",
    shares: [
      "progs", "logs", "override_timezone", "syslog_use_current_year", "max_regexp_length", "max_line_length",
      "log_format", "multiline", "multiline_start", "multiline_continue", "multiline_max_lines",
    ],
    own: [
      { name: "json", type: "bool", default: false,
        description: "Print the explanation as one JSON document ({\"lines\": [...]}) for tools." },
    ],
  },
} as const satisfies Record<string, { usage: string; shares: readonly FlagName[]; own: readonly FlagDef[] }>;

type Flag = (typeof FLAGS)[number];
type ValueOf<T extends FlagType> = T extends "bool" ? boolean
  : T extends "int" | "duration" ? number
  : T extends "list" ? string[]
  : T extends "sources" ? SourceOptions[]
  : string;

/** The options as the table describes them; must be exactly src/daemon/options.ts's Options (checked below). */
type TableOptions = { [F in Flag as F["name"]]: ValueOf<F["type"]> };
// Fails to compile when a flag is added to the table but not to Options, or the other way round, or a type differs.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const optionsMatchTable: Same<TableOptions, Options> = true;
void optionsMatchTable;

/** A flag name. */
export type FlagName = keyof Options;

const BY_NAME: ReadonlyMap<string, FlagDef> = new Map(FLAGS.map((f) => [f.name, f as FlagDef]));

/** Looks a flag up by name. */
export function findFlag(name: string): FlagDef | undefined {
  return BY_NAME.get(name);
}

/** The options with every flag at its default. */
export function defaultOptions(): Options {
  const o: Record<string, unknown> = {};
  for (const f of FLAGS) o[f.name] = Array.isArray(f.default) ? [...f.default] : f.default;
  return o as Options;
}

/** The known flag name closest to `name` (for "did you mean" hints), or undefined when none is close. */
export function closestFlag(name: string): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const wanted = name.replace(/-/g, "_").toLowerCase();
  for (const f of FLAGS) {
    const d = editDistance(wanted, f.name);
    if (d < bestD) {
      bestD = d;
      best = f.name;
    }
  }
  // Allow about a third of the name to differ, so "prog" -> "progs" but "zzz" suggests nothing.
  return bestD <= Math.max(2, Math.floor(wanted.length / 3)) ? best : undefined;
}

/** Edit distance counting a swap of two neighbouring letters as one edit ("prot" is one edit from "port"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: S, m: M, h: H };

/**
 * Parses a Go duration ("250ms", "1m", "1h0m0s", "1.5h") into milliseconds, as Go's time.ParseDuration reads
 * it; returns undefined when the text is not one. A bare "0" is allowed, as in Go.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let i = 0;
  let sign = 1;
  if (s[0] === "-" || s[0] === "+") {
    sign = s[0] === "-" ? -1 : 1;
    i = 1;
  }
  if (i >= s.length) return undefined;
  let total = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    i = re.lastIndex;
  }
  return sign * total;
}

/** Formats milliseconds the way Go prints a duration ("250ms", "1m0s", "1h0m0s"), for --help. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < S) return `${ms}ms`;
  const h = Math.floor(ms / H);
  const m = Math.floor((ms % H) / M);
  const s = (ms % M) / S;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
