// Deterministic log generators for the benchmark workloads (apache combined, latency lines, high-cardinality
// sessions). Same seed and line count -> byte-identical file. Syslog lines live in syslog-generator.ts.
import { LogWriter } from "./log-writer.js";
import { Prng, WeightedChoice } from "./prng.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** 2024-03-10T00:00:00Z: every generated log starts here and moves forward by a few ms a line. */
const START_MS = Date.UTC(2024, 2, 10, 0, 0, 0);

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** A generator writes `lines` lines to `path` and returns the bytes written. */
export type Generator = (path: string, lines: number, seed: number) => number;

/** Formats wall-clock time as the generators need it, rebuilding the string only when the second changes. */
class SecondClock {
  private lastSecond = -1;
  private cached = "";
  constructor(private readonly format: (d: Date) => string) {}
  at(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.cached = this.format(new Date(second * 1000));
    }
    return this.cached;
  }
}

const APACHE_ZONE_MINUTES = 120; // the log is written in +0200, so strptime has a zone offset to apply
const METHODS = new WeightedChoice<string>([["GET", 70], ["POST", 15], ["HEAD", 5], ["PUT", 4], ["DELETE", 3], ["PATCH", 2], ["OPTIONS", 1]]);
const VERSIONS = new WeightedChoice<string>([["HTTP/1.1", 80], ["HTTP/1.0", 8], ["HTTP/2.0", 12]]);
const STATUSES = new WeightedChoice<number>([
  [200, 70], [201, 3], [204, 2], [301, 3], [302, 2], [304, 8], [400, 2], [403, 2], [404, 6], [500, 1], [502, 0.5], [503, 0.5],
]);
const SECTIONS = ["api/v1/items", "api/v1/users", "api/v2/orders", "static/css", "static/js", "img", "blog", "docs", "search", "cart"];
const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  "curl/8.5.0",
  "Wget/1.21.4",
  "python-requests/2.31.0",
  "Go-http-client/2.0",
  "Googlebot/2.1 (+http://www.google.com/bot.html)",
  "Prometheus/2.48.1",
];
const REFERERS = ["-", "-", "-", "https://www.example.org/", "https://www.example.org/blog", "https://search.example.net/?q=logs", "https://news.example.com/item?id=4242"];
const USERS = ["-", "-", "-", "-", "-", "-", "-", "-", "alice", "bob"];

/**
 * Apache combined format. About 1 line in 9 has a size of `-` (every 304 and a few others), which makes the
 * program's `$size > 0` comparison fail at runtime, as it does in mtail.
 */
export const generateApache: Generator = (path, lines, seed) => {
  const prng = new Prng(seed);
  const out = new LogWriter(path);
  const clock = new SecondClock((d) => {
    const local = new Date(d.getTime() + APACHE_ZONE_MINUTES * 60_000);
    return `${pad2(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:` +
      `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())} +0200`;
  });
  let ms = START_MS;
  for (let i = 0; i < lines; i++) {
    ms += prng.int(100);
    const ip = `10.${prng.int(4)}.${prng.int(256)}.${1 + prng.int(254)}`;
    const user = prng.pick(USERS);
    const method = METHODS.pick(prng);
    const status = STATUSES.pick(prng);
    const path = `/${prng.pick(SECTIONS)}/${prng.int(5000)}${prng.int(4) === 0 ? "?page=" + prng.int(20) : ""}`;
    const size = status === 304 || prng.int(50) === 0 ? "-" : String(Math.round(Math.exp(7 + 1.5 * prng.normal())));
    out.line(`${ip} - ${user} [${clock.at(ms)}] "${method} ${path} ${VERSIONS.pick(prng)}" ${status} ${size} ` +
      `"${prng.pick(REFERERS)}" "${prng.pick(AGENTS)}"`);
  }
  out.close();
  return out.bytes;
};

const HANDLERS = ["/api/users", "/api/orders", "/api/items", "/api/search", "/api/login", "/api/cart", "/healthz", "/metrics",
  "/api/reports", "/api/upload", "/api/export", "/api/notify"];
/** Median latency per handler (seconds), so the histogram buckets fill differently per label. */
const HANDLER_MEDIAN = [0.02, 0.05, 0.015, 0.12, 0.08, 0.03, 0.001, 0.004, 0.6, 0.9, 1.5, 0.01];

/** Application log lines with a handler and a float latency in seconds (log-normal per handler). */
export const generateLatency: Generator = (path, lines, seed) => latencyLines(path, lines, seed, HANDLERS.length);

/** The same lines over the first five handlers only (the native-histogram workload: 5 series). */
export const generateLatencyFive: Generator = (path, lines, seed) => latencyLines(path, lines, seed, 5);

function latencyLines(path: string, lines: number, seed: number, handlers: number): number {
  const prng = new Prng(seed);
  const out = new LogWriter(path);
  const clock = new SecondClock((d) => d.toISOString().slice(0, 19));
  let ms = START_MS;
  for (let i = 0; i < lines; i++) {
    ms += prng.int(20);
    const h = prng.int(handlers);
    const latency = HANDLER_MEDIAN[h]! * Math.exp(0.8 * prng.normal());
    const status = prng.int(50) === 0 ? 500 : 200;
    out.line(`${clock.at(ms)}.${String(ms % 1000).padStart(3, "0")}Z handler=${HANDLERS[h]} method=${prng.int(4) === 0 ? "POST" : "GET"} ` +
      `status=${status} latency=${latency.toFixed(6)}`);
  }
  out.close();
  return out.bytes;
}

/** Distinct sessions in the high-cardinality log (fewer when fewer lines are asked for). */
export const HIGH_CARDINALITY_SERIES = 200_000;

/**
 * Lines carrying a session id: the first min(lines, 200,000) lines each bring a new id, later lines reuse
 * random ones, so the series count is exact and independent of the PRNG.
 */
export const generateSessions: Generator = (path, lines, seed) => {
  const prng = new Prng(seed);
  const out = new LogWriter(path);
  const clock = new SecondClock((d) => d.toISOString().slice(0, 19) + "Z");
  const distinct = Math.min(lines, HIGH_CARDINALITY_SERIES);
  const routes = ["/cart", "/checkout", "/browse", "/search", "/account"];
  let ms = START_MS;
  for (let i = 0; i < lines; i++) {
    ms += prng.int(30);
    const index = i < distinct ? i : prng.int(distinct);
    // Multiplying by an odd constant mod 2^32 is a bijection, so distinct indexes give distinct ids.
    const session = "s" + (Math.imul(index, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0");
    out.line(`ts=${clock.at(ms)} level=info session=${session} route=${prng.pick(routes)} status=${prng.int(40) === 0 ? 404 : 200}`);
  }
  out.close();
  return out.bytes;
};
