// Basic auth against bcrypt hashes: right and wrong passwords, unknown users, htpasswd's $2y$ hashes, bad headers.
import { expect } from "chai";
import bcrypt from "bcrypt";
import { BasicAuth, parseBasic } from "../../../src/server/basic-auth.js";
import { TokenBucket } from "../../../src/server/web-guard.js";

const basic = (user: string, password: string) => "Basic " + Buffer.from(`${user}:${password}`).toString("base64");

describe("server/basic-auth", () => {
  let auth: BasicAuth;
  before(async () => {
    const alice = await bcrypt.hash("wonder:land", 4);
    // htpasswd -B writes $2y$; the same hash under that prefix must be accepted.
    const bob = (await bcrypt.hash("builder", 4)).replace(/^\$2b\$/, "$2y$");
    auth = new BasicAuth(new Map([["alice", alice], ["bob", bob]]));
  });

  const cases: Array<[string, string | undefined, boolean]> = [
    ["right password (with a colon in it)", basic("alice", "wonder:land"), true],
    ["$2y$ hash from htpasswd", basic("bob", "builder"), true],
    ["wrong password", basic("alice", "wonderland"), false],
    ["unknown user", basic("mallory", "wonder:land"), false],
    ["another user's password", basic("bob", "wonder:land"), false],
    ["no header", undefined, false],
    ["a bearer token", "Bearer abc", false],
    ["base64 without a colon", "Basic " + Buffer.from("alice").toString("base64"), false],
  ];
  for (const [name, header, want] of cases) {
    it(`${want ? "accepts" : "refuses"} ${name}`, async () => {
      expect(await auth.check(header)).to.equal(want);
      // The cached answer is the same.
      expect(await auth.check(header)).to.equal(want);
    });
  }

  it("is off without users", () => {
    expect(new BasicAuth(new Map()).enabled).to.equal(false);
    expect(auth.enabled).to.equal(true);
  });

  it("parses Basic headers", () => {
    expect(parseBasic(basic("a", "b:c"))).to.deep.equal({ user: "a", password: "b:c" });
    expect(parseBasic("basic " + Buffer.from("x:").toString("base64"))).to.deep.equal({ user: "x", password: "" });
    expect(parseBasic("Basic !!!")).to.equal(undefined);
  });
});

describe("server/TokenBucket", () => {
  it("allows a burst, then one request per interval", () => {
    const b = new TokenBucket(100, 3);
    const t0 = Date.now();
    expect([b.take(t0), b.take(t0), b.take(t0), b.take(t0)]).to.deep.equal([true, true, true, false]);
    expect(b.take(t0 + 50)).to.equal(false);
    expect(b.take(t0 + 101)).to.equal(true);
    expect(b.take(t0 + 102)).to.equal(false);
    expect([b.take(t0 + 10_000), b.take(t0 + 10_000), b.take(t0 + 10_000), b.take(t0 + 10_000)]).to.deep.equal([true, true, true, false]);
  });
});
