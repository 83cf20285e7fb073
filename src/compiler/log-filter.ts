// Compiled with the program (compile.ts checks every glob), applied by the runtime to each file name.
// `log_filter "glob", ...`: which log files a program sees. A glob matches a file's full path or its base name;
// `*` and `?` stay within one path segment, `**` crosses segments, `[...]` is a character class.

/** One RegExp matching a file name when any of the globs matches it. */
export function globToRegExp(globs: readonly string[]): RegExp {
  const one = (g: string): string => {
    let out = "";
    for (let i = 0; i < g.length; i++) {
      const c = g[i] as string;
      if (c === "*") {
        if (g[i + 1] === "*") {
          out += ".*";
          i++;
        } else out += "[^/]*";
      } else if (c === "?") out += "[^/]";
      else if (c === "[") {
        const end = g.indexOf("]", i + 1);
        if (end < 0) out += "\\[";
        else {
          const body = g.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
          out += `[${body}]`;
          i = end;
        }
      } else out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
    }
    return out;
  };
  const alternatives = globs.map(one).join("|");
  return new RegExp(`(?:^|/)(?:${alternatives})$`);
}
