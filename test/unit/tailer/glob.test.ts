// Unit tests for compileGlob: which absolute paths a --logs pattern matches, and which directory is watched.
import { expect } from "chai";
import { compileGlob } from "../../../src/tailer/glob.js";

describe("tailer/compileGlob", () => {
  const cases: { pattern: string; base: string; depth: number; yes: string[]; no: string[] }[] = [
    { pattern: "/var/log/app.log", base: "/var/log", depth: 0, yes: ["/var/log/app.log"], no: ["/var/log/app.log.1", "/var/log/appXlog"] },
    { pattern: "/var/log/*.log", base: "/var/log", depth: 0, yes: ["/var/log/a.log", "/var/log/.log"], no: ["/var/log/a.log.1", "/var/log/x/a.log"] },
    { pattern: "/var/log/app-?.log", base: "/var/log", depth: 0, yes: ["/var/log/app-1.log"], no: ["/var/log/app-12.log"] },
    { pattern: "/var/log/[ab]*.log", base: "/var/log", depth: 0, yes: ["/var/log/a1.log", "/var/log/b.log"], no: ["/var/log/c.log"] },
    { pattern: "/var/log/[!ab]*.log", base: "/var/log", depth: 0, yes: ["/var/log/c.log"], no: ["/var/log/a.log"] },
    { pattern: "/var/*/x.log", base: "/var", depth: 1, yes: ["/var/a/x.log"], no: ["/var/x.log", "/var/a/b/x.log"] },
    { pattern: "/var/**/*.log", base: "/var", depth: Infinity, yes: ["/var/x.log", "/var/a/x.log", "/var/a/b/c.log"], no: ["/var/a/x.txt"] },
    { pattern: "/srv/**", base: "/srv", depth: Infinity, yes: ["/srv/a", "/srv/a/b"], no: ["/srv"] },
    { pattern: "/a.b/(x)+.log", base: "/a.b", depth: 0, yes: ["/a.b/(x)+.log"], no: ["/aXb/(x)+.log", "/a.b/xx.log"] },
  ];
  for (const c of cases) {
    it(c.pattern, () => {
      const g = compileGlob(c.pattern);
      expect({ base: g.base, depth: g.depth }).to.deep.equal({ base: c.base, depth: c.depth });
      for (const p of c.yes) expect(g.regex.test(p), p).to.equal(true);
      for (const p of c.no) expect(g.regex.test(p), p).to.equal(false);
    });
  }

  it("resolves relative patterns against the current directory", () => {
    expect(compileGlob("logs/*.log").base).to.equal(process.cwd() + "/logs");
  });
});
