// Chooses, once per pattern at load time, how it runs so that every accepted pattern runs in time linear in the
// length of the text: V8's own regexp engine when its linear-time fallback covers the translation, else RE2JS (a
// JavaScript port of RE2, the engine mtail uses). The plan is plain data (a worker can build it and send it);
// line-regexp.ts turns it into the objects generated code calls. Imports only ./regex.js and ./regexp-flags.js.

import { translateRegex, type RegexError, type TranslateOptions } from "./regex.js";
import { setRegExpEngineFlags } from "./regexp-flags.js";

// Before any RegExp from a user program is compiled (why: regexp-flags.ts).
setRegExpEngineFlags();

/** "v8": RegExp (backtracking, with the linear-time fallback); "re2": RE2JS, linear by construction. */
export type RegexEngine = "v8" | "re2";

/** How one pattern runs: serialisable data (no RegExp inside). */
export interface RegexPlan {
  readonly ok: true;
  readonly engine: RegexEngine;
  /** The JavaScript translation (what V8 runs, and what required-literal.ts reads for either engine). */
  readonly source: string;
  readonly flags: string;
  /** Equivalent to `source` on text without surrogates (see RegexTranslation.bmpSource); equal for "re2". */
  readonly bmpSource: string;
  /** groupNames[i] is the name of RE2 capture group i + 1, undefined when unnamed. */
  readonly groupNames: (string | undefined)[];
  /** The pattern as the program wrote it (RE2 syntax): what RE2JS compiles. */
  readonly pattern: string;
  /** RE2 group numbers the program reads, ascending: JavaScript group k + 1 is RE2 group keptGroups[k]. */
  readonly keptGroups: readonly number[];
}

/**
 * Translates `pattern` and picks its engine: the plain translation when V8's linear-time engine accepts it (the
 * fallback then covers every line), else the linear-mode translation (no `u` flag, counted repeats written out) when
 * that one is accepted, else RE2JS. What stays on RE2JS: `(?m)` anchors (lookarounds in JavaScript), counted repeats
 * of capturing groups, quantifiers nested five deep or more (V8 caps its bytecode replication at 16).
 */
export function planRegex(pattern: string, options: TranslateOptions = {}): RegexPlan | RegexError {
  const plain = translateRegex(pattern, options);
  if (!plain.ok) return plain;
  const keptGroups: number[] = [];
  for (let g = 1; g <= plain.groupNames.length; g++) if (options.captures === undefined || options.captures.has(g)) keptGroups.push(g);
  const base = { ok: true as const, groupNames: plain.groupNames, pattern, keptGroups };
  // The BMP twin is usually the translation itself: compiled once then.
  const bothLinear = (t: { source: string; bmpSource: string; flags: string }): boolean =>
    runsInLinearTime(t.source, t.flags) && (t.bmpSource === t.source || runsInLinearTime(t.bmpSource, t.flags));
  if (bothLinear(plain)) {
    return { ...base, engine: "v8", source: plain.source, flags: plain.flags, bmpSource: plain.bmpSource };
  }
  const linear = translateRegex(pattern, { ...options, linear: true });
  if (linear.ok && bothLinear(linear)) {
    return { ...base, engine: "v8", source: linear.source, flags: linear.flags, bmpSource: linear.bmpSource };
  }
  return { ...base, engine: "re2", source: plain.source, flags: plain.flags, bmpSource: plain.source };
}

/** Whether V8's linear-time engine accepts the pattern (so its fallback can take over from backtracking). */
export function runsInLinearTime(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags + "l");
    return true;
  } catch {
    return false;
  }
}
