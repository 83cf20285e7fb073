// Deterministic structured logs for the json and logfmt workloads: the same records (same seed) written four
// ways: JSON with the keys shuffled per line, JSON in one fixed key order (what a regex program needs, for mtail),
// and the same two for logfmt. 14 fields a record, of which the RED programs read four.
import type { Generator } from "./generators.js";
import { LogWriter } from "./log-writer.js";
import { Prng, WeightedChoice } from "./prng.js";

const START_MS = Date.UTC(2024, 2, 10, 0, 0, 0);
const SERVICES = ["checkout", "catalog", "user-profile", "search", "payments", "inventory", "shipping", "auth"];
const SERVICE_MEDIAN_MS = [45, 8, 12, 120, 300, 20, 60, 5];
const METHODS = new WeightedChoice<string>([["GET", 70], ["POST", 20], ["PUT", 6], ["DELETE", 4]]);
const STATUSES = new WeightedChoice<number>([[200, 80], [201, 4], [204, 2], [304, 4], [400, 2], [401, 1], [404, 4], [429, 1], [500, 1], [503, 1]]);
const LEVELS = ["info", "info", "info", "info", "debug", "warn"];
const AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/2.0"];

/** One record: [key, JSON value text, logfmt value text], in the fixed order. */
type Field = [string, string, string];

function record(prng: Prng, ms: number): Field[] {
  const s = prng.int(SERVICES.length);
  const service = SERVICES[s] as string;
  const method = METHODS.pick(prng);
  const status = STATUSES.pick(prng);
  const duration = Math.round((SERVICE_MEDIAN_MS[s] as number) * Math.exp(0.9 * prng.normal()) * 1000) / 1000;
  const route = `/api/${service}/${prng.int(500)}`;
  const agent = prng.pick(AGENTS);
  const id = (prng.nextUint32() >>> 0).toString(16).padStart(8, "0");
  const str = (k: string, v: string): Field => [k, JSON.stringify(v), /[\s"=]/.test(v) ? JSON.stringify(v) : v];
  const num = (k: string, v: number): Field => [k, String(v), String(v)];
  return [
    str("time", new Date(ms).toISOString()),
    str("level", prng.pick(LEVELS)),
    str("service", service),
    str("method", method),
    num("status", status),
    num("duration_ms", duration),
    str("route", route),
    num("bytes", Math.round(Math.exp(7 + prng.normal()))),
    str("request_id", `req-${id}`),
    str("trace_id", `${id}${id}${id}${id}`),
    str("remote_ip", `10.${prng.int(4)}.${prng.int(256)}.${1 + prng.int(254)}`),
    str("user_agent", agent),
    num("attempt", 1 + (prng.int(20) === 0 ? 1 : 0)),
    str("msg", status >= 500 ? "request failed" : "request finished"),
  ];
}

function shuffle(prng: Prng, fields: Field[]): Field[] {
  for (let i = fields.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    const t = fields[i] as Field;
    fields[i] = fields[j] as Field;
    fields[j] = t;
  }
  return fields;
}

function structured(format: "json" | "logfmt", shuffled: boolean): Generator {
  return (path, lines, seed) => {
    const prng = new Prng(seed);
    // The shuffle has its own stream, so shuffled and fixed files hold the same records.
    const order = new Prng(seed ^ 0x51ed);
    const out = new LogWriter(path);
    let ms = START_MS;
    for (let i = 0; i < lines; i++) {
      ms += prng.int(20);
      let fields = record(prng, ms);
      if (shuffled) fields = shuffle(order, fields);
      out.line(format === "json"
        ? "{" + fields.map(([k, j]) => `"${k}":${j}`).join(",") + "}"
        : fields.map(([k, , l]) => `${k}=${l}`).join(" "));
    }
    out.close();
    return out.bytes;
  };
}

export const generateJsonShuffled = structured("json", true);
export const generateJsonFixed = structured("json", false);
export const generateLogfmtShuffled = structured("logfmt", true);
export const generateLogfmtFixed = structured("logfmt", false);
