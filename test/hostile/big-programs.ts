// Programs of about 1 MB in the shapes that stress the compiler differently (issue 15: any program up to 1 MB
// compiles in under a second). Shared by the compile benchmark (bench/compile-big.ts) and the hostile suite, which
// asserts the outcome of each (compiles, or a located error) but never the time.

/** One shape of big program: its source, and what compiling it gives. */
export interface BigProgram {
  name: string;
  source: string;
  /** `line:col` prefix (after the file name) and a fragment of the expected error; null: the program compiles. */
  error: [string, string] | null;
}

/** Repeats `unit(i)` until the text reaches `bytes`. */
function fill(bytes: number, head: string, unit: (i: number) => string, tail = ""): string {
  const parts = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const u = unit(i);
    parts.push(u);
    size += u.length;
  }
  parts.push(tail);
  return parts.join("");
}

/** The shapes, each about `bytes` long (1 MB by default). */
export function bigPrograms(bytes = 1 << 20): BigProgram[] {
  const longString = "x".repeat(bytes - 64);
  const rules = fill(bytes, "counter c\n", (i) => `/foo${i}/ {\n  c++\n}\n`);
  let declarations = 0;
  const declared = fill(bytes * 0.59, "", (i) => {
    declarations = i + 1;
    return `counter requests_${i} by method, code\n`;
  });
  const used = Array.from({ length: declarations }, (_, i) => `  requests_${i}[$1][$2]++\n`).join("");
  return [
    { name: "many-rules.mtail", source: fill(bytes, "counter c by n\n", (i) => `/foo${i}(\\d+)/ {\n  c[$1]++\n}\n`), error: null },
    // Half declarations, half one rule that updates each of them.
    { name: "many-declarations.mtail", source: `${declared}/(\\w+) (\\d+)/ {\n${used}}\n`, error: null },
    {
      // Wide rather than deep: each condition is a chain of && that stays within the depth limit.
      name: "many-conditions.mtail",
      source: fill(bytes, "counter c\ngauge g\n", (i) => `/(\\d+) (\\d+)/ && $1 > ${i} && $2 < ${i * 2} || $1 == $2 {\n  g = $1 * 2 + $2 - ${i}\n  c++\n} else {\n  g = ${i}.5\n}\n`),
      error: null,
    },
    {
      // One expression of 1 MB: a chain far deeper than mtail's --max_recursion_depth (100).
      name: "one-long-expression.mtail",
      source: fill(bytes, "gauge g\n/(\\d+)/ {\n  g = $1", (i) => ` + ${i}`, "\n}\n"),
      error: ["3:7", "Expression exceeded maximum recursion depth of 100."],
    },
    { name: "long-string.mtail", source: `text t\n/x/ {\n  t = "${longString}"\n}\n`, error: null },
    {
      // mtail's --max_regexp_length (1024) refuses it, at the regex.
      name: "long-regex.mtail",
      source: `counter c\n/${longString}/ {\n  c++\n}\n`,
      error: ["2:1", "Exceeded maximum regular expression pattern length of 1024 bytes"],
    },
    {
      name: "many-long-regexes.mtail",
      source: fill(bytes, "counter c\n", (i) => `/${"abc".repeat(300)}(?P<n${i}>\\d+)/ {\n  c++\n}\n`),
      error: null,
    },
    { name: "many-comments.mtail", source: fill(bytes, "counter c\n", (i) => `# comment ${i}: ${"lorem ipsum dolor sit amet ".repeat(2)}\n`, "/x/ {\n  c++\n}\n"), error: null },
    {
      // 40 levels deep (mtail's limit is 100), many times over.
      name: "nested-blocks.mtail",
      source: fill(bytes, "counter c\n", (i) => `${"/a/ {\n".repeat(40)}c++ # ${i}\n${"}\n".repeat(40)}`),
      error: null,
    },
    {
      // A block left open at the very end: the located error must come as fast as a success.
      name: "syntax-error-at-end.mtail",
      source: `${rules}/x/ {\n  c++\n`,
      error: [`${rules.split("\n").length + 2}:1`, "syntax error: unexpected end of file."],
    },
  ];
}
