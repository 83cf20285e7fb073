// --web_config_file on a real daemon: TLS with a CA made by openssl, basic auth with bcrypt hashes, client
// certificates, the configured headers, rate limit, and the file re-read when it changes. Skipped without openssl.
import { expect } from "chai";
import bcrypt from "bcrypt";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { haveOpenssl, makeTestCerts, type TestCerts } from "../../helpers/certs.js";
import { LogtallyProcess, httpGet } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpsGet(port: number, pathname: string, opts: { ca?: string; auth?: string; cert?: string; key?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: "127.0.0.1", port, path: pathname, agent: false, timeout: 5000,
      ca: opts.ca, cert: opts.cert, key: opts.key,
      headers: opts.auth === undefined ? {} : { Authorization: "Basic " + Buffer.from(opts.auth).toString("base64") },
    }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Resolves with the error message of a request that must fail (a refused TLS handshake). */
async function failure(p: Promise<Answer>): Promise<string> {
  try {
    const r = await p;
    return `answered ${r.status}`;
  } catch (err) {
    return (err as Error).message;
  }
}

describe("daemon with --web_config_file (integration)", function () {
  this.timeout(60_000);
  let dir: string;
  let certs: TestCerts;
  let ca: string;
  let aliceHash: string;
  const running: LogtallyProcess[] = [];

  before(async function () {
    if (!haveOpenssl()) {
      console.log("    (skipped: `openssl` is not installed; .ci/run installs it)");
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), "logtally-web-"));
    certs = makeTestCerts(dir);
    ca = certs.caPem;
    aliceHash = await bcrypt.hash("wonder", 4);
    mkdirSync(path.join(dir, "progs"));
    writeFileSync(path.join(dir, "progs", "count.mtail"), "counter seen\n/./ {\n  seen++\n}\n");
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop("SIGKILL").catch(() => undefined);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  const start = (webConfig: string): LogtallyProcess => {
    const file = path.join(dir, "web.yml");
    writeFileSync(file, webConfig);
    const p = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--port", "0", "--address", "127.0.0.1", "--web_config_file", file]);
    running.push(p);
    return p;
  };
  const tlsSection = (extra = "") =>
    `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n${extra}`;

  it("serves over TLS and asks for basic auth on every path", async () => {
    const d = start(`${tlsSection()}basic_auth_users:\n  alice: ${aliceHash}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n`);
    const port = await d.servingPort();
    await waitFor(async () => (await failure(httpsGet(port, "/healthz", { ca }))).startsWith("answered"), 10_000, () => d.stderr);
    for (const p of ["/metrics", "/json", "/", "/healthz", "/readyz"]) {
      const r = await httpsGet(port, p, { ca });
      expect(r.status, p).to.equal(401);
      expect(r.headers["www-authenticate"], p).to.match(/^Basic/);
      expect(r.headers["x-content-type-options"], p).to.equal("nosniff");
      expect(r.headers["x-frame-options"], p).to.equal("deny");
    }
    expect((await httpsGet(port, "/metrics", { ca, auth: "alice:wrong" })).status).to.equal(401);
    expect((await httpsGet(port, "/metrics", { ca, auth: "mallory:wonder" })).status).to.equal(401);
    const ok = await httpsGet(port, "/metrics", { ca, auth: "alice:wonder" });
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include('logtally_program_loaded{prog="count.mtail"} 1');
    expect(ok.headers["x-content-type-options"]).to.equal("nosniff");
    // Plain HTTP on the TLS port gets no metrics.
    expect(await failure(httpsGet(port, "/metrics", {}))).to.match(/self[- ]signed|unable to verify|certificate/i);
    // Error bodies do not repeat the request path.
    const missing = await httpsGet(port, "/%3Cscript%3Ealert(1)%3C/script%3E", { ca, auth: "alice:wonder" });
    expect(missing.status).to.equal(404);
    expect(missing.body).not.to.include("script");
    expect(d.stderr).to.include('"tls":true');
  });

  it("re-reads the file when it changes: a new password works without a restart", async () => {
    const d = start(`basic_auth_users:\n  alice: ${aliceHash}\n`);
    const port = await d.servingPort();
    const get = (auth: string) => httpGet({ port }, "/metrics", { Authorization: "Basic " + Buffer.from(auth).toString("base64") }).then((r) => r.status);
    await waitFor(async () => (await get("alice:wonder").catch(() => 0)) === 200, 10_000, () => d.stderr);
    const bobHash = await bcrypt.hash("builder", 4);
    const file = path.join(dir, "web.yml");
    writeFileSync(file, `basic_auth_users:\n  bob: ${bobHash}\n`);
    // A different mtime even on filesystems with coarse timestamps.
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    await waitFor(async () => (await get("bob:builder")) === 200, 10_000, () => d.stderr, 200);
    expect(await get("alice:wonder")).to.equal(401);
    // A broken edit keeps the last good settings.
    writeFileSync(file, "basic_auth_users:\n  bob: not-a-hash\n");
    const evenLater = new Date(Date.now() + 10_000);
    utimesSync(file, evenLater, evenLater);
    // The file is looked at when requests come (at most once a second), as exporter-toolkit reads it per request.
    await waitFor(async () => (await get("bob:builder")) === 200 && d.stderr.includes("Cannot reload the web config"), 10_000, () => d.stderr, 200);
    expect(await get("bob:builder")).to.equal(200);
  });

  it("RequireAndVerifyClientCert: only clients with a certificate from client_ca_file get through", async () => {
    const d = start(tlsSection(`  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${certs.caCert}\n`));
    const port = await d.servingPort();
    const cert = readFileSync(certs.clientCert, "utf8");
    const key = readFileSync(certs.clientKey, "utf8");
    await waitFor(async () => (await httpsGet(port, "/metrics", { ca, cert, key }).catch(() => ({ status: 0 }))).status === 200, 10_000, () => d.stderr);
    expect(await failure(httpsGet(port, "/metrics", { ca }))).not.to.match(/^answered/);
    const stranger = { ca, cert: readFileSync(certs.strangerCert, "utf8"), key: readFileSync(certs.strangerKey, "utf8") };
    expect(await failure(httpsGet(port, "/metrics", stranger))).not.to.match(/^answered/);
  });

  it("RequireAnyClientCert and client_allowed_sans are enforced per connection", async () => {
    const d = start(tlsSection(`  client_auth_type: RequireAnyClientCert\n  client_ca_file: ${certs.caCert}\n  client_allowed_sans: [someone-else]\n`));
    const port = await d.servingPort();
    const cert = readFileSync(certs.clientCert, "utf8");
    const key = readFileSync(certs.clientKey, "utf8");
    // The client's SAN is "scraper", not in the list: refused. Without a certificate: refused.
    await waitFor(() => d.stderr.includes("Serving /metrics"), 10_000, () => d.stderr);
    expect(await failure(httpsGet(port, "/metrics", { ca, cert, key }))).not.to.match(/^answered/);
    expect(await failure(httpsGet(port, "/metrics", { ca }))).not.to.match(/^answered/);
    await waitFor(() => d.stderr.includes("Refused a TLS client"), 10_000, () => d.stderr);
  });

  it("a rate limit answers 429 past the burst", async () => {
    const d = start(`${tlsSection()}rate_limit:\n  interval: 1h\n  burst: 2\n`);
    const port = await d.servingPort();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await httpsGet(port, "/healthz", { ca })).status);
    expect(statuses).to.deep.equal([200, 200, 429, 429]);
  });

  it("a mistake in the file stops the start with exit 2, naming file, line and key", async () => {
    const d = start("basic_auth_users:\n  alice: hunter2\n");
    expect(await d.exit()).to.equal(2);
    expect(d.stderr).to.include(`${path.join(dir, "web.yml")}:2:10: basic_auth_users: the password of "alice" must be a bcrypt hash`);
  });
});
