// What the statsd and graphite encoders share: mtail's metric path (`prog.name.key.value...`), its value text,
// and the collector address parsing used by both sinks.

import type { Datum } from "../metrics/datum.js";
import type { Metric } from "../metrics/metric.js";
import { ValueType } from "../metrics/types.js";
import { formatGoFloat, formatGoInt } from "./go-format.js";

// Beyond mtail: characters that would break the line protocols (":|@#," for statsd, whitespace for graphite)
// become "_"; mtail passes them through and so sends lines its collectors cannot parse.
const UNSAFE = /[:|@#,\s]/g;
const UNSAFE_OR_DOT = /[.:|@#,\s]/g;

/** mtail's formatLabels with "." separators: "." inside a key or value becomes "_" (and see UNSAFE). */
export function pathSegment(s: string): string {
  return s.replace(UNSAFE_OR_DOT, "_");
}

/** A program or metric name in a path: kept as mtail keeps it, dots included, except for UNSAFE characters. */
export function pathName(s: string): string {
  return s.replace(UNSAFE, "_");
}

/** `name.key1.value1.key2.value2`, keys in declaration order (mtail's order is Go's random map order). */
export function labelledName(m: Metric, d: Datum): string {
  let out = pathName(m.name);
  for (let i = 0; i < m.keys.length; i++) out += "." + pathSegment(m.keys[i]!) + "." + pathSegment(d.labels[i] ?? "");
  return out;
}

/** A datum's value as mtail's ValueString prints it: %d for ints, %g for floats. */
export function valueString(m: Metric, v: number): string {
  return m.type === ValueType.Int && Number.isInteger(v) ? formatGoInt(v) : formatGoFloat(v);
}

/** A collector address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses "host:port", "[v6addr]:port" or ":port" (host defaults to localhost), as mtail's flags take them.
 * Throws an Error that names the flag value and the expected form.
 */
export function parseHostPort(value: string, flag = "address"): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new Error(`Invalid ${flag} "${value}": expected host:port, e.g. "localhost:8125" or "[::1]:2003".`);
  }
  const host = m[1] ?? m[2] ?? "";
  return { host: host === "" ? "localhost" : host, port };
}

/** How one push went; sinks never throw. */
export interface PushResult {
  readonly ok: boolean;
  /** Lines (statsd: datagrams) handed to the network. */
  readonly sent: number;
  readonly error?: Error;
}
