// Encodes the store as Prometheus Remote-Write 1.0 WriteRequests: the families and label rules of /metrics
// (prometheus-families.ts), plus `__name__` and the --remote_write_label instance labels, labels sorted by name as
// the protocol requires, one sample per series at the push time. Written with protobufjs's Writer field by field:
// no object per series, since a push of 200k series must stay cheap (docs/performance.md).
import protobuf from "protobufjs";
import type { Store } from "../../metrics/store.js";
import { compareGoStrings } from "../go-format.js";
import { labelValue, numberOf, planFamilies, formatPromValue, type FamilyPlan, type FamilySource } from "../prometheus-families.js";
import { METRIC_TYPE, TAG } from "./proto.js";

/** What goes into the requests besides the store. */
export interface EncodeOptions {
  /** Add `prog` to every series (--emit_prog_label). */
  readonly emitProgLabel: boolean;
  /** Instance labels added to every series (a series' own label of that name wins). */
  readonly extraLabels: ReadonlyArray<readonly [string, string]>;
  /** The samples' timestamp, ms since the epoch. */
  readonly timestampMs: number;
  /** Samples per request (each series of a counter or gauge is one; a histogram's buckets, sum and count too). */
  readonly maxSamplesPerRequest: number;
}

/** One encoded WriteRequest (protobuf, not yet compressed) and how many samples it carries. */
export interface EncodedRequest {
  readonly body: Uint8Array;
  readonly samples: number;
}

// One output label of a series: a fixed value, or output label j of the family source.
type LabelGetter = { name: string; fixed: string | null; j: number };

/**
 * Encodes the store in requests of at most `maxSamplesPerRequest` samples. The first request also carries each
 * family's metadata (type and help), as Prometheus sends it. Throws ExpositionError as /metrics would.
 */
export function* encodeStore(store: Store, opts: EncodeOptions): Generator<EncodedRequest> {
  const { families } = planFamilies(store, { emitProgLabel: opts.emitProgLabel });
  let w = protobuf.Writer.create();
  let samples = 0;
  writeMetadata(w, families);
  for (const f of families) {
    for (const src of f.sources) {
      const base = labelOrder(f.name, src, opts.extraLabels, null);
      const bucketOrder = f.type === "histogram" ? labelOrder(f.name + "_bucket", src, opts.extraLabels, "le") : null;
      const sumOrder = f.type === "histogram" ? labelOrder(f.name + "_sum", src, opts.extraLabels, null) : null;
      const countOrder = f.type === "histogram" ? labelOrder(f.name + "_count", src, opts.extraLabels, null) : null;
      const m = src.metric;
      for (const id of m.ids()) {
        if (f.type !== "histogram") {
          writeSeries(w, base, src, id, "", numberOf(m, id), opts.timestampMs);
          samples++;
        } else {
          const uppers = m.layout?.uppers ?? [];
          let cum = 0;
          for (let i = 0; i <= uppers.length; i++) {
            cum += m.bucket(id, i);
            writeSeries(w, bucketOrder!, src, id, formatPromValue(i < uppers.length ? uppers[i]! : Infinity), cum, opts.timestampMs);
          }
          writeSeries(w, sumOrder!, src, id, "", m.histSum(id), opts.timestampMs);
          writeSeries(w, countOrder!, src, id, "", m.histCount(id), opts.timestampMs);
          samples += uppers.length + 3;
        }
        if (samples >= opts.maxSamplesPerRequest) {
          yield { body: w.finish(), samples };
          w = protobuf.Writer.create();
          samples = 0;
        }
      }
    }
  }
  if (samples > 0) yield { body: w.finish(), samples };
}

// The labels of one family source's series, sorted by name: __name__, the instance labels the series does not
// have itself, the family labels (prog and keys), and `le` for buckets.
function labelOrder(name: string, src: FamilySource, extra: EncodeOptions["extraLabels"], le: string | null): LabelGetter[] {
  const own = new Set(src.labelNames);
  const out: LabelGetter[] = [{ name: "__name__", fixed: name, j: -1 }];
  for (const [k, v] of extra) if (!own.has(k) && k !== le) out.push({ name: k, fixed: v, j: -1 });
  src.labelNames.forEach((k, j) => out.push({ name: k, fixed: null, j }));
  if (le !== null) out.push({ name: le, fixed: null, j: -2 });
  return out.sort((a, b) => compareGoStrings(a.name, b.name));
}

function writeSeries(w: protobuf.Writer, labels: readonly LabelGetter[], src: FamilySource, id: number, le: string, value: number, ts: number): void {
  w.uint32(TAG.writeRequestTimeseries).fork();
  for (const l of labels) {
    const v = l.fixed ?? (l.j === -2 ? le : labelValue(src, id, l.j));
    if (v === "") continue; // Prometheus drops empty labels; sending one is an error for some receivers
    w.uint32(TAG.timeSeriesLabels).fork().uint32(TAG.labelName).string(l.name).uint32(TAG.labelValue).string(v).ldelim();
  }
  w.uint32(TAG.timeSeriesSamples).fork().uint32(TAG.sampleValue).double(value).uint32(TAG.sampleTimestamp).int64(ts).ldelim();
  w.ldelim();
}

function writeMetadata(w: protobuf.Writer, families: readonly FamilyPlan[]): void {
  for (const f of families) {
    w.uint32(TAG.writeRequestMetadata).fork();
    w.uint32(TAG.metadataType).uint32(METRIC_TYPE[f.type]);
    w.uint32(TAG.metadataFamilyName).string(f.name);
    w.uint32(TAG.metadataHelp).string(f.help);
    w.ldelim();
  }
}
