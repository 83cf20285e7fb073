// The framing stage's public surface: lines of a source in, records out (see ARCHITECTURE.md). The daemon
// imports from here.
export { Framer } from "./framer.js";
export { IdleFlusher } from "./idle-flusher.js";
export { PRESETS, PRESET_NAMES } from "./presets.js";
export {
  LOG_FORMATS,
  isFramed,
  newFramingCounters,
  type FramingCounters,
  type FramingSettings,
  type LinePattern,
  type LogFormat,
  type MultilineSettings,
} from "./types.js";
