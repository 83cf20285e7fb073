// The store in mtail's JSON shape (`--one_shot_format=json` and /json): an object from metric name to the
// metrics of that name, indented and escaped exactly as Go's json.MarshalIndent writes it, times in ns.

import type { Exemplar, Metric } from "../metrics/metric.js";
import type { NativeBuckets } from "../metrics/native-histogram.js";
import type { Store } from "../metrics/store.js";
import { Kind, ValueType } from "../metrics/types.js";
import { compareGoStrings, formatGoFloat, formatGoInt, formatGoJsonFloat, formatGoJsonString } from "./go-format.js";

/** A JSON value already encoded as a token, or a container to indent. Objects keep their field order. */
type Node = { raw: string } | Node[] | { fields: Array<[string, Node]> };

/**
 * Renders the store as mtail 3.0.0~rc50 does: names sorted, each with its metrics in load order; fields Name,
 * Program, Kind, Type, Keys, LabelValues [{Labels, Value {Value, Time} | {Buckets, Count, Sum, Time}, Expiry}],
 * Source, Buckets [{Min, Max}], Limit, the empty ones left out. Hidden metrics are left out; text metrics are in.
 * No trailing newline, as mtail prints it. Go refuses NaN and infinities (mtail then prints nothing); we write
 * them as the strings "NaN", "+Inf", "-Inf" instead.
 */
export function renderJson(store: Store): string {
  return [...jsonChunks(store)].join("");
}

const CHUNK_CHARS = 64 * 1024;

/**
 * The same text as renderJson, in chunks of about 64 KB, so a large store is never one tree and one string (bench
 * high-cardinality in one-shot JSON: 200,000 series, 35 MB of text, took 2.0 s and 500 MB peak RSS that way):
 * series are encoded one at a time. A generator, so a writer can wait for a stream to drain between chunks.
 */
export function* jsonChunks(store: Store): Generator<string, void, undefined> {
  const byName = new Map<string, Metric[]>();
  for (const m of store.metrics()) {
    if (m.hidden) continue;
    const list = byName.get(m.name);
    if (list === undefined) byName.set(m.name, [m]);
    else list.push(m);
  }
  if (byName.size === 0) {
    yield "{}";
    return;
  }
  let text = "{";
  let firstName = true;
  for (const name of [...byName.keys()].sort(compareGoStrings)) {
    text += (firstName ? "" : ",") + "\n  " + formatGoJsonString(name) + ": [";
    firstName = false;
    const metrics = byName.get(name)!;
    for (let i = 0; i < metrics.length; i++) {
      const m = metrics[i]!;
      text += (i > 0 ? "," : "") + "\n    {";
      const fields = metricFields(m);
      for (let j = 0; j < fields.length; j++) {
        const [key, node] = fields[j]!;
        text += (j > 0 ? "," : "") + "\n      " + formatGoJsonString(key) + ": ";
        if (node !== LABEL_VALUES) {
          text += write(node, "      ");
          continue;
        }
        // json.MarshalIndent's layout for the array, one series at a time.
        text += "[";
        const ids = m.ids();
        let written = 0;
        for (let k = 0; k < ids.length; k++) {
          // A consumer may pause between chunks (the server does): a series deleted meanwhile is left out.
          if (m.seqOf(ids[k]!) < 0) continue;
          text += (written++ > 0 ? "," : "") + "\n        " + write(labelValueNode(m, ids[k]!), "        ");
          if (text.length >= CHUNK_CHARS) {
            yield text;
            text = "";
          }
        }
        text += "\n      ]";
      }
      text += "\n    }";
    }
    text += "\n  ]";
  }
  yield text + "\n}";
}

/** Stands for the LabelValues array in metricFields: jsonChunks writes it series by series. */
const LABEL_VALUES: Node = { raw: "" };

/** A metric's fields in mtail's order, LabelValues (when it has series) as the LABEL_VALUES marker. */
function metricFields(m: Metric): Array<[string, Node]> {
  const histogram = m.kind === Kind.Histogram;
  const f: Array<[string, Node]> = [
    ["Name", str(m.name)],
    ["Program", str(m.program)],
    ["Kind", raw(String(m.kind))],
    ["Type", raw(String(histogram ? ValueType.Buckets : m.type))],
  ];
  if (m.keys.length > 0) f.push(["Keys", m.keys.map(str)]);
  if (m.size > 0) f.push(["LabelValues", LABEL_VALUES]);
  f.push(["Source", str(m.source)]);
  if (histogram && m.layout !== null) {
    const ranges: Node[] = [];
    let min = m.layout.lowest;
    for (const max of [...m.layout.uppers, Infinity]) {
      ranges.push({ fields: [["Min", str(formatGoFloat(min))], ["Max", str(formatGoFloat(max))]] });
      min = max;
    }
    f.push(["Buckets", ranges]);
  }
  if (m.limit > 0) f.push(["Limit", raw(String(m.limit))]);
  return f;
}

function labelValueNode(m: Metric, id: number): Node {
  const f: Array<[string, Node]> = [];
  if (m.keys.length > 0) f.push(["Labels", m.labels(id).map(str)]);
  f.push(["Value", valueNode(m, id)]);
  if (m.ttl(id) > 0) f.push(["Expiry", raw(msToNs(m.ttl(id)))]);
  return { fields: f };
}

function valueNode(m: Metric, id: number): Node {
  const time = raw(msToNs(m.time(id)));
  if (m.kind === Kind.Histogram && m.layout !== null) {
    // A Go map: keys sorted as strings ("+Inf" < "1" < "10" < "2.5"), counts per bucket (not cumulative).
    const buckets: Array<[string, Node]> = [];
    const uppers = m.layout.uppers;
    for (let i = 0; i <= uppers.length; i++) {
      const key = i < uppers.length ? formatGoFloat(uppers[i]!) : "+Inf";
      buckets.push([key, raw(formatGoInt(m.bucket(id, i)))]);
    }
    buckets.sort((a, b) => compareGoStrings(a[0], b[0]));
    const fields: Array<[string, Node]> = [
      ["Buckets", { fields: buckets }],
      ["Count", raw(formatGoInt(m.histCount(id)))],
      ["Sum", raw(formatGoJsonFloat(m.histSum(id)))],
      ["Time", time],
    ];
    // logtally's additions, only for metrics declared with them (mtail's shape is unchanged otherwise).
    if (m.exemplarNames.length > 0) {
      const exemplars: Array<[string, Node]> = [];
      for (let i = 0; i <= uppers.length; i++) {
        const e = m.exemplar(id, i);
        if (e !== null) exemplars.push([i < uppers.length ? formatGoFloat(uppers[i]!) : "+Inf", exemplarNode(e)]);
      }
      exemplars.sort((a, b) => compareGoStrings(a[0], b[0]));
      fields.push(["Exemplars", { fields: exemplars }]);
    }
    const native = m.nativeBuckets(id);
    if (native !== undefined) fields.push(["Native", nativeNode(native)]);
    return { fields };
  }
  const v = m.value(id);
  let value: Node;
  if (typeof v === "string") value = str(v);
  else if (m.type === ValueType.Int && Number.isInteger(v)) value = raw(formatGoInt(v));
  else value = raw(formatGoJsonFloat(v));
  const e = m.exemplarNames.length > 0 ? m.exemplar(id) : null;
  if (e !== null) return { fields: [["Value", value], ["Time", time], ["Exemplar", exemplarNode(e)]] };
  return { fields: [["Value", value], ["Time", time]] };
}

/** An exemplar: its labels (name -> value), value and time in ns. */
function exemplarNode(e: Exemplar): Node {
  return {
    fields: [
      ["Labels", { fields: e.labels.map(([k, v]) => [k, str(v)] as [string, Node]) }],
      ["Value", raw(formatGoJsonFloat(e.value))],
      ["Time", raw(msToNs(e.timeMs))],
    ],
  };
}

/** Native buckets: schema, zero bucket, and each side's populated buckets as index -> count. */
function nativeNode(n: NativeBuckets): Node {
  const side = (sign: 1 | -1): Node => ({ fields: n.buckets(sign).map(([k, c]) => [String(k), raw(formatGoInt(c))] as [string, Node]) });
  return {
    fields: [
      ["Schema", raw(String(n.schema))],
      ["ZeroThreshold", raw(formatGoJsonFloat(n.zeroThreshold))],
      ["ZeroCount", raw(formatGoInt(n.zeroCount))],
      ["Positive", side(1)],
      ["Negative", side(-1)],
    ],
  };
}

/** ms (possibly fractional) to integer ns, exact beyond 2^53: the digits of whole microseconds, then "000". */
function msToNs(ms: number): string {
  if (!Number.isFinite(ms)) return "0";
  const us = Math.round(ms * 1000);
  if (us === 0) return "0";
  return Number.isSafeInteger(us) ? String(us) + "000" : (BigInt(us) * 1000n).toString();
}

function raw(token: string): Node {
  return { raw: token };
}

function str(s: string): Node {
  return { raw: formatGoJsonString(s) };
}

/** json.MarshalIndent(v, "", "  "): one element per line, empty containers as [] and {}. */
function write(n: Node, indent: string): string {
  if ("raw" in n) return n.raw;
  const inner = indent + "  ";
  if (Array.isArray(n)) {
    if (n.length === 0) return "[]";
    return "[\n" + n.map((e) => inner + write(e, inner)).join(",\n") + "\n" + indent + "]";
  }
  if (n.fields.length === 0) return "{}";
  return (
    "{\n" +
    n.fields.map(([k, v]) => inner + formatGoJsonString(k) + ": " + write(v, inner)).join(",\n") +
    "\n" +
    indent +
    "}"
  );
}
