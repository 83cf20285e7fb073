// The Prometheus protobuf exposition schema (io.prometheus.client, proto2, as client_model's metrics.proto
// defines it: field names, numbers and types), as a protobufjs reflection tree. protobufjs generates the encoder
// from it once at load; nothing here is hand-encoded. Imports only protobufjs.

import protobuf from "protobufjs/light.js";

const optional = (type: string, id: number) => ({ type, id });
const repeated = (type: string, id: number) => ({ rule: "repeated", type, id });

const DESCRIPTOR = {
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Timestamp: { fields: { seconds: optional("int64", 1), nanos: optional("int32", 2) } },
          },
        },
      },
    },
    io: {
      nested: {
        prometheus: {
          nested: {
            client: {
              nested: {
                LabelPair: { fields: { name: optional("string", 1), value: optional("string", 2) } },
                MetricType: { values: { COUNTER: 0, GAUGE: 1, SUMMARY: 2, UNTYPED: 3, HISTOGRAM: 4, GAUGE_HISTOGRAM: 5 } },
                Gauge: { fields: { value: optional("double", 1) } },
                Counter: {
                  fields: {
                    value: optional("double", 1),
                    exemplar: optional("Exemplar", 2),
                    createdTimestamp: optional("google.protobuf.Timestamp", 3),
                  },
                },
                Quantile: { fields: { quantile: optional("double", 1), value: optional("double", 2) } },
                Summary: {
                  fields: {
                    sampleCount: optional("uint64", 1),
                    sampleSum: optional("double", 2),
                    quantile: repeated("Quantile", 3),
                    createdTimestamp: optional("google.protobuf.Timestamp", 4),
                  },
                },
                Untyped: { fields: { value: optional("double", 1) } },
                Histogram: {
                  fields: {
                    sampleCount: optional("uint64", 1),
                    sampleCountFloat: optional("double", 4),
                    sampleSum: optional("double", 2),
                    bucket: repeated("Bucket", 3),
                    createdTimestamp: optional("google.protobuf.Timestamp", 15),
                    schema: optional("sint32", 5),
                    zeroThreshold: optional("double", 6),
                    zeroCount: optional("uint64", 7),
                    zeroCountFloat: optional("double", 8),
                    negativeSpan: repeated("BucketSpan", 9),
                    negativeDelta: repeated("sint64", 10),
                    negativeCount: repeated("double", 11),
                    positiveSpan: repeated("BucketSpan", 12),
                    positiveDelta: repeated("sint64", 13),
                    positiveCount: repeated("double", 14),
                    exemplars: repeated("Exemplar", 16),
                  },
                },
                Bucket: {
                  fields: {
                    cumulativeCount: optional("uint64", 1),
                    cumulativeCountFloat: optional("double", 4),
                    upperBound: optional("double", 2),
                    exemplar: optional("Exemplar", 3),
                  },
                },
                BucketSpan: { fields: { offset: optional("sint32", 1), length: optional("uint32", 2) } },
                Exemplar: {
                  fields: {
                    label: repeated("LabelPair", 1),
                    value: optional("double", 2),
                    timestamp: optional("google.protobuf.Timestamp", 3),
                  },
                },
                Metric: {
                  fields: {
                    label: repeated("LabelPair", 1),
                    gauge: optional("Gauge", 2),
                    counter: optional("Counter", 3),
                    summary: optional("Summary", 4),
                    untyped: optional("Untyped", 5),
                    histogram: optional("Histogram", 7),
                    timestampMs: optional("int64", 6),
                  },
                },
                MetricFamily: {
                  fields: {
                    name: optional("string", 1),
                    help: optional("string", 2),
                    type: optional("MetricType", 3),
                    metric: repeated("Metric", 4),
                    unit: optional("string", 5),
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** MetricType numbers. */
export const MetricType = { COUNTER: 0, GAUGE: 1, SUMMARY: 2, UNTYPED: 3, HISTOGRAM: 4, GAUGE_HISTOGRAM: 5 } as const;

// proto2: repeated scalars are not packed unless asked (Prometheus' decoder reads both forms).
const root = protobuf.Root.fromJSON(DESCRIPTOR);

/** io.prometheus.client.MetricFamily: encodeDelimited() gives one length-prefixed message of the exposition. */
export const MetricFamilyType: protobuf.Type = root.lookupType("io.prometheus.client.MetricFamily");
/** io.prometheus.client.Metric, encoded one at a time into a family (see prometheus-protobuf.ts). */
export const MetricMessageType: protobuf.Type = root.lookupType("io.prometheus.client.Metric");
/** The key of MetricFamily.metric (field number, wire type 2: length-delimited). */
export const METRIC_FIELD_KEY = ((MetricFamilyType.fields.metric as protobuf.Field).id << 3) | 2;
export const Writer = protobuf.Writer;

export interface LabelPair {
  name: string;
  value: string;
}

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface ExemplarMessage {
  label: LabelPair[];
  value: number;
  timestamp?: Timestamp;
}

export interface BucketMessage {
  cumulativeCount: number;
  upperBound: number;
  exemplar?: ExemplarMessage;
}

export interface BucketSpanMessage {
  offset: number;
  length: number;
}

export interface HistogramMessage {
  sampleCount: number;
  sampleSum: number;
  bucket: BucketMessage[];
  createdTimestamp?: Timestamp;
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number;
  negativeSpan?: BucketSpanMessage[];
  negativeDelta?: number[];
  positiveSpan?: BucketSpanMessage[];
  positiveDelta?: number[];
  exemplars?: ExemplarMessage[];
}

export interface MetricMessage {
  label: LabelPair[];
  gauge?: { value: number };
  counter?: { value: number; exemplar?: ExemplarMessage; createdTimestamp?: Timestamp };
  summary?: { sampleCount: number; sampleSum: number; quantile: Array<{ quantile: number; value: number }> };
  untyped?: { value: number };
  histogram?: HistogramMessage;
  timestampMs?: number;
}

export interface MetricFamilyMessage {
  name: string;
  help: string;
  type: number;
  metric: MetricMessage[];
}

/** A Timestamp message for ms since the epoch. */
export function timestampOf(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}
