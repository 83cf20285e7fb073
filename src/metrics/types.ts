// The metric model shared by the compiler (which declares metrics), the runtime (which updates them) and the
// exporters (which read them). Imports nothing else of ours. Numbering follows mtail's JSON export.

/** Metric kinds, numbered as mtail's JSON output numbers them ("Kind"). */
export enum Kind {
  Counter = 1,
  Gauge = 2,
  Timer = 3,
  Text = 4,
  Histogram = 5,
}

/** Value types, numbered as mtail's JSON output numbers them ("Type"). */
export enum ValueType {
  Int = 0,
  Float = 1,
  String = 2,
  Buckets = 3,
}

/** What a program's declaration says about a metric: everything needed to create it in the store. */
export interface MetricDeclaration {
  /** Exported name (the `as "..."` name when given, else the variable name). */
  readonly name: string;
  /** Program file base name, e.g. "apache.mtail" (the `prog` label). */
  readonly program: string;
  readonly kind: Kind;
  readonly type: ValueType;
  /** Label names from `by`, in declaration order. */
  readonly keys: readonly string[];
  /** Hidden metrics are never exported. */
  readonly hidden: boolean;
  /** `limit N`: most label sets kept (oldest updated removed first by the collector); 0 for none. */
  readonly limit: number;
  /** Histogram upper bounds, ascending, without +Inf; empty for other kinds. */
  readonly buckets: readonly number[];
  /** Where it was declared, "file.mtail:LINE:COL-COL" as mtail's HELP text shows it. */
  readonly source: string;
  /**
   * `exemplar a, b`: label names of the exemplar kept per histogram bucket or counter series (OpenMetrics); absent
   * or empty for none.
   */
  readonly exemplars?: readonly string[];
  /** `native`: the histogram also keeps Prometheus native (sparse exponential) buckets. */
  readonly native?: boolean;
}
