// The settings the daemon and one-shot runs are given: one field per flag, durations in milliseconds.
// Defined here, below the CLI, so src/daemon never imports src/cli; src/cli/flag-table.ts checks its table against it.

/**
 * One entry of the config file's `sources:` list: the globs it names and their framing (src/framing/). Keys it does
 * not set mean plain lines and no multi-line rule (multiline_timeout: the flag's value).
 */
export interface SourceOptions {
  paths: string[];
  log_format?: string;
  multiline?: string;
  multiline_start?: string;
  multiline_continue?: string;
  multiline_timeout?: number;
  /** Where each key was written ("file:line:col"), for error messages. */
  at: Record<string, string>;
}

/** Every flag's value after defaults, the config file and argv are merged. Durations are in milliseconds. */
// A type alias, not an interface, so it converts to Record<string, unknown> where the CLI walks the flag table.
export type Options = {
  config: string;
  progs: string;
  logs: string[];
  one_shot: boolean;
  one_shot_format: string;
  compile_only: boolean;
  dump_js: boolean;
  emit_prog_label: boolean;
  emit_metric_timestamp: boolean;
  override_timezone: string;
  syslog_use_current_year: boolean;
  vm_logs_runtime_errors: boolean;
  address: string;
  port: number;
  unix_socket: string;
  web_config_file: string;
  log_level: string;
  poll_interval: number;
  poll_log_interval: number;
  /** Longest line in bytes; 0 (the default) = 1 MiB when following, no limit in --one_shot (as mtail). */
  max_line_length: number;
  expired_metrics_gc_interval: number;
  /** Series budget of every metric (0: none). */
  max_series_per_metric: number;
  stale_log_gc_interval: number;
  state_dir: string;
  state_save_interval: number;
  /** Longest compile of one program in the daemon's compile worker (ms; 0: no limit). */
  compile_timeout: number;
  ignore_filename_regex_pattern: string;
  metric_push_interval: number;
  metric_push_write_deadline: number;
  statsd_hostport: string;
  statsd_prefix: string;
  statsd_tags: boolean;
  graphite_host_port: string;
  graphite_prefix: string;
  statsd_counters: string;
  remote_write_url: string;
  remote_write_header: string[];
  remote_write_label: string[];
  remote_write_bearer_token_file: string;
  remote_write_username: string;
  remote_write_password_file: string;
  remote_write_ca_file: string;
  remote_write_cert_file: string;
  remote_write_key_file: string;
  remote_write_insecure_skip_verify: boolean;
  remote_write_timeout: number;
  remote_write_queue_samples: number;
  help: boolean;
  version: boolean;
  logtostderr: boolean;
  alsologtostderr: boolean;
  log_dir: string;
  v: string;
  vmodule: string;
  stderrthreshold: string;
  disable_fsnotify: boolean;
  max_regexp_length: number;
  max_recursion_depth: number;
  log_format: string;
  multiline: string;
  multiline_start: string;
  multiline_continue: string;
  multiline_timeout: number;
  multiline_max_lines: number;
  sources: SourceOptions[];
};
