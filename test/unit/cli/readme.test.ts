// The README documents every flag and the two commands a new user runs; this keeps it from drifting.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { FLAGS } from "../../../src/cli/flag-table.js";

const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("lists every flag in the flags table", () => {
    const missing = FLAGS.filter((f) => !readme.includes(`| \`--${f.name}\` |`)).map((f) => f.name);
    expect(missing).to.deep.equal([]);
  });
  it("shows the start and test commands", () => {
    expect(readme).to.include("npm ci && npm start");
    expect(readme).to.include("npm ci && npm test");
  });
});
