// Hostile programs (issue 15): bombs for the parser, trees deeper than the compiler's passes can recurse, code
// generation edge cases. Shared by the hostile tests and the fuzz harness; each is built by a function so the
// test file states its shape, not a 1 MB literal.

/** `n` nested copies of `open`, a core, then `n` copies of `close`. */
export function nest(open: string, core: string, close: string, n: number): string {
  return open.repeat(n) + core + close.repeat(n);
}

/** A hostile program and what compiling it must give: an error at a location, or success. */
export interface HostileProgram {
  name: string;
  source: string;
  /** `line:col` prefix (after the file name) and message fragment of the expected error; null: compiles. */
  error: [string, string] | null;
}

const DEPTH = "Expression exceeded maximum recursion depth of 100.";
const NESTING = "nest more than 250 deep here.";

export const hostilePrograms: HostileProgram[] = [
  // Exponential backtracking before the grammar fix: 82 s and 150+ s.
  { name: "parens-24.mtail", source: `counter c\n/x/ {\n  c = ${nest("(", "1", ")", 24)}\n}\n`, error: null },
  {
    name: "string-index-11.mtail",
    source: `gauge g by a\ncounter c by b\n/x/ {\n  c[${nest("string(g[", "1", "])", 11)}]++\n}\n`,
    error: null,
  },
  // mtail counts parentheses as no level of the tree: 99 of them compile.
  { name: "parens-99.mtail", source: `gauge c\n/x/ {\n  c = ${nest("(", "1", ")", 99)}\n}\n`, error: null },
  // mtail 3.0.0~rc50 reports these at these very positions.
  { name: "blocks-49.mtail", source: `counter c\n${nest("/x/ {\n", "c++\n", "}\n", 49)}`, error: ["50:1-3", DEPTH] },
  { name: "blocks-1200.mtail", source: `counter c\n${nest("/x/ {\n", "c++\n", "}\n", 1200)}`, error: ["252:5", NESTING] },
  { name: "blocks-10000.mtail", source: `counter c\n${nest("/x/ {\n", "c++\n", "}\n", 10000)}`, error: ["252:5", NESTING] },
  { name: "plus-101.mtail", source: `gauge g\n/(\\d+)/ {\n g = ${Array(101).fill("$1").join("+")}\n}\n`, error: ["3:6-19", DEPTH] },
  { name: "plus-1700.mtail", source: `gauge g\n/(\\d+)/ {\n g = ${Array(1700).fill("$1").join("+")}\n}\n`, error: ["3:6-4816", DEPTH] },
  {
    name: "and-1200.mtail",
    source: `counter c\n/(\\d+)/ && ${Array(1200).fill("1 == 1").join(" && ")} {\n c++\n}\n`,
    error: ["2:1-", DEPTH],
  },
  { name: "tolower-48.mtail", source: `text c\n/x/ {\n  c = ${nest("tolower(", '"a"', ")", 48)}\n}\n`, error: ["3:391-393", DEPTH] },
  { name: "parens-100000.mtail", source: `gauge c\n/x/ {\n  c = ${nest("(", "1", ")", 100_000)}\n}\n`, error: ["3:256", NESTING] },
  { name: "not-5000.mtail", source: `gauge c\n/x/ {\n  c = ${"!".repeat(5000)}1\n}\n`, error: ["3:", NESTING] },
  {
    name: "decorators-700.mtail",
    source:
      "counter c\ndef d0 {\n next\n}\n" +
      Array.from({ length: 699 }, (_, i) => `def d${i + 1} {\n @d${i} {\n  next\n }\n}\n`).join("") +
      "@d699 {\n c++\n}\n",
    error: ["", "makes the program larger than"],
  },
  {
    name: "decorators-doubling.mtail",
    source:
      "counter c\ndef d0 {\n next\n}\n" +
      Array.from({ length: 40 }, (_, i) => `def d${i + 1} {\n @d${i} {\n  @d${i} {\n   next\n  }\n }\n}\n`).join("") +
      "@d40 {\n c++\n}\n",
    error: ["", "makes the program larger than"],
  },
  // Code generation: `- -5` once became `(--5)`, which is not JavaScript.
  { name: "neg-neg.mtail", source: "gauge g\n/x/ {\n  g = - -5\n}\n", error: null },
  // A glob that is no valid character class once translated: found at compile time, not at load.
  { name: "log-filter-range.mtail", source: 'log_filter "[z-a]"\ncounter c\n/x/ {\n  c++\n}\n', error: ["1:1-18", "Invalid log_filter glob"] },
];

hostilePrograms.push({
  name: "json-300.mtail",
  source: `counter c\n${nest("json(", "$0", ")", 300)} {\n  c++\n}\n`,
  error: ["2:1255", NESTING],
});

/**
 * About `bytes` of ordinary rules, each with its own counter and regex (~165 bytes a rule, ~6,100 rules a MB):
 * a program that is slow to compile only because it is large (1 MB: ~2 s of CPU), for the compile-worker tests.
 */
export function largeProgram(bytes: number): string {
  const rules: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const rule =
      `counter requests_${i}_total by method, code\n` +
      `/^(?P<method>GET|POST) \\/api\\/v${i}\\/items (?P<code>\\d{3}) (?P<bytes>\\d+)$/ {\n` +
      `  requests_${i}_total[$method][$code]++\n}\n`;
    rules.push(rule);
    size += rule.length;
  }
  return rules.join("");
}
