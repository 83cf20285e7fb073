// V8 flags the regex engine choice depends on (regex-engine.ts), in a module of their own so bin/logtally.js can set
// them before it compiles the bundled CLI: V8 accepts a code cache only under the flags it was made with
// (cli/bundle-loader.ts). Imports only node:v8.

import { setFlagsFromString } from "node:v8";

/**
 * V8's linear-time engine takes over from a pattern that backtracks too much, so a crafted log line cannot stall a
 * program; the `l` flag (second flag) lets planRegex ask whether that engine accepts a translation at all. Both must
 * be set before any RegExp from a user program is compiled. Setting them again is harmless.
 */
export function setRegExpEngineFlags(): void {
  setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
  setFlagsFromString("--enable-experimental-regexp-engine");
}
