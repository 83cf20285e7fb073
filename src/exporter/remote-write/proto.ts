// The Prometheus Remote-Write 1.0 messages (prometheus/prompb types.proto and remote.proto, the fields a sender
// uses), as a protobufjs schema. encoder.ts writes these messages field by field with protobufjs's Writer; tests
// and tools decode requests with the types below.
import protobuf from "protobufjs";

/** The .proto text of the messages, with the field numbers of prompb. */
export const REMOTE_WRITE_PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest {
  repeated TimeSeries timeseries = 1;
  repeated MetricMetadata metadata = 3;
}
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
}
message Label {
  string name = 1;
  string value = 2;
}
message Sample {
  double value = 1;
  int64 timestamp = 2;
}
message MetricMetadata {
  enum MetricType {
    UNKNOWN = 0;
    COUNTER = 1;
    GAUGE = 2;
    HISTOGRAM = 3;
    GAUGEHISTOGRAM = 4;
    SUMMARY = 5;
    INFO = 6;
    STATESET = 7;
  }
  MetricType type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}
`;

/** Field numbers and wire types as encoder.ts writes them (tag = field << 3 | wire type). */
export const TAG = {
  writeRequestTimeseries: (1 << 3) | 2,
  writeRequestMetadata: (3 << 3) | 2,
  timeSeriesLabels: (1 << 3) | 2,
  timeSeriesSamples: (2 << 3) | 2,
  labelName: (1 << 3) | 2,
  labelValue: (2 << 3) | 2,
  sampleValue: (1 << 3) | 1,
  sampleTimestamp: (2 << 3) | 0,
  metadataType: (1 << 3) | 0,
  metadataFamilyName: (2 << 3) | 2,
  metadataHelp: (4 << 3) | 2,
} as const;

/** MetricMetadata.MetricType numbers. */
export const METRIC_TYPE = { counter: 1, gauge: 2, histogram: 3 } as const;

let writeRequest: protobuf.Type | undefined;

/** The WriteRequest type, for decoding (tests, debugging). */
export function writeRequestType(): protobuf.Type {
  writeRequest ??= protobuf.parse(REMOTE_WRITE_PROTO, { keepCase: true }).root.lookupType("prometheus.WriteRequest");
  return writeRequest;
}
