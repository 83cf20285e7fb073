// The Dockerfile: both stages on the current Node LTS (24), a non-root user, and a HEALTHCHECK that asks the
// daemon through `logtally healthcheck` (which follows --port/--address) rather than a fixed address.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../helpers/logtally-process.js";

describe("Dockerfile", () => {
  const text = readFileSync(path.join(REPO_ROOT, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
  const instructions = text.split("\n").filter((l) => /^[A-Z]+ /.test(l));

  it("builds and runs on Node 24, the current LTS", () => {
    const froms = instructions.filter((l) => l.startsWith("FROM "));
    expect(froms).to.have.length(2);
    for (const f of froms) expect(f).to.match(/^FROM node:24-/);
  });

  it("runs as the unprivileged node user", () => {
    expect(instructions.filter((l) => l.startsWith("USER "))).to.deep.equal(["USER node"]);
  });

  it("checks health with `logtally healthcheck`, not a fixed address", () => {
    const hc = instructions.find((l) => l.startsWith("HEALTHCHECK "));
    expect(hc).to.match(/CMD \["node", "\/app\/bin\/logtally.js", "healthcheck"\]/);
    expect(hc).to.not.match(/3903|127\.0\.0\.1/);
  });
});
