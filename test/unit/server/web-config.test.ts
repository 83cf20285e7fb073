// The web configuration file in Prometheus's format: what it accepts, and errors that name file:line:col and key.
import { expect } from "chai";
import { parseWebConfig, WebConfigError } from "../../../src/server/web-config.js";

const HASH = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG";
const FILES: Record<string, string> = { "/etc/lt/server.crt": "CERT", "/etc/lt/server.key": "KEY", "/etc/lt/ca.crt": "CA" };
const readPem = async (p: string): Promise<string> => {
  const v = FILES[p];
  if (v === undefined) throw new Error("ENOENT: no such file");
  return v;
};
const parse = (text: string) => parseWebConfig(text, "/etc/lt/web.yml", readPem);

describe("server/web-config", () => {
  it("an empty file asks for nothing", async () => {
    const c = await parse("");
    expect(c.tls).to.equal(undefined);
    expect(c.users.size).to.equal(0);
    expect(c.headers).to.deep.equal({});
    expect(c.rateLimit).to.equal(undefined);
  });

  it("reads TLS files relative to the config file, with exporter-toolkit's defaults", async () => {
    const c = await parse("tls_server_config:\n  cert_file: server.crt\n  key_file: /etc/lt/server.key\n");
    expect(c.tls).to.deep.include({
      cert: "CERT", key: "KEY", clientCa: "", clientAuthType: "NoClientCert", minVersion: "TLSv1.2", maxVersion: "TLSv1.3",
      ciphers: "", ecdhCurve: "", honorCipherOrder: true,
    });
  });

  it("takes every documented setting", async () => {
    const c = await parse([
      "tls_server_config:",
      "  cert: |",
      "    INLINE",
      "  key_file: server.key",
      "  client_ca_file: ca.crt",
      "  client_auth_type: RequireAndVerifyClientCert",
      "  client_allowed_sans: [scraper, 10.0.0.1]",
      "  min_version: TLS13",
      "  max_version: TLS13",
      "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]",
      "  prefer_server_cipher_suites: false",
      "  curve_preferences: [X25519, CurveP256]",
      "http_server_config:",
      "  http2: false",
      "  headers:",
      "    X-Frame-Options: deny",
      "    Content-Security-Policy: default-src 'self'",
      "    Strict-Transport-Security: max-age=31536000",
      "basic_auth_users:",
      `  alice: ${HASH}`,
      "rate_limit:",
      "  interval: 100ms",
      "  burst: 5",
      "",
    ].join("\n"));
    expect(c.tls).to.deep.include({
      cert: "INLINE\n", key: "KEY", clientCa: "CA", clientAuthType: "RequireAndVerifyClientCert", minVersion: "TLSv1.3",
      maxVersion: "TLSv1.3", ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", honorCipherOrder: false,
      ecdhCurve: "X25519:prime256v1",
    });
    expect(c.tls!.clientAllowedSans).to.deep.equal(["scraper", "10.0.0.1"]);
    expect(c.headers).to.deep.equal({
      "X-Frame-Options": "deny", "Content-Security-Policy": "default-src 'self'", "Strict-Transport-Security": "max-age=31536000",
    });
    expect([...c.users]).to.deep.equal([["alice", HASH]]);
    expect(c.rateLimit).to.deep.equal({ intervalMs: 100, burst: 5 });
  });

  const bad: Array<[string, string, string]> = [
    ["a typo in a top-level key", "basic_auth_user:\n  a: b\n", '/etc/lt/web.yml:1:1: unknown key "basic_auth_user". Did you mean "basic_auth_users"?'],
    ["a typo in a TLS key", "tls_server_config:\n  cert_file: server.crt\n  key_flie: server.key\n",
      '/etc/lt/web.yml:3:3: unknown key "tls_server_config.key_flie". Did you mean "tls_server_config.key_file"?'],
    ["a missing key file", "tls_server_config:\n  cert_file: server.crt\n", "/etc/lt/web.yml:2:3: tls_server_config needs key_file (or key)."],
    ["an unreadable cert file", "tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n",
      "/etc/lt/web.yml:2:3: cannot read /etc/lt/nope.crt: ENOENT: no such file."],
    ["both inline and file", "tls_server_config:\n  cert: X\n  cert_file: server.crt\n  key_file: server.key\n",
      "/etc/lt/web.yml:3:3: give either cert or cert_file, not both."],
    ["an unknown client auth type", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Always\n",
      '/etc/lt/web.yml:4:3: unknown client_auth_type "Always"'],
    ["verification without a CA", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n",
      '/etc/lt/web.yml:4:3: client_auth_type "RequireAndVerifyClientCert" needs client_ca_file (or client_ca).'],
    ["an unknown TLS version", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS14\n",
      '/etc/lt/web.yml:4:3: unknown TLS version "TLS14"'],
    ["min above max", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n  max_version: TLS12\n",
      "/etc/lt/web.yml:4:3: min_version is above max_version."],
    ["an unknown cipher", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
      '/etc/lt/web.yml:4:3: unknown or insecure cipher suite "TLS_RSA_WITH_RC4_128_SHA".'],
    ["a password that is not a bcrypt hash", "basic_auth_users:\n  bob: hunter2\n",
      '/etc/lt/web.yml:2:8: basic_auth_users: the password of "bob" must be a bcrypt hash'],
    ["a header that may not be set", "http_server_config:\n  headers:\n    Content-Type: foo\n",
      '/etc/lt/web.yml:3:5: HTTP header "Content-Type" can not be configured'],
    ["a header value out of its set", "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
      '/etc/lt/web.yml:3:29: invalid value for X-Content-Type-Options: "sniff"; one of nosniff.'],
    ["http2 that is not a boolean", "http_server_config:\n  http2: yes please\n", '/etc/lt/web.yml:2:10: key "http2" must be true or false.'],
    ["a bad rate limit interval", "rate_limit:\n  interval: soon\n  burst: 1\n", '/etc/lt/web.yml:2:3: rate_limit.interval "soon" is not a duration'],
    ["invalid YAML", "basic_auth_users: [a\n", "/etc/lt/web.yml:"],
    ["a list at the top", "- a\n", "/etc/lt/web.yml:1:1: the web config file must be a mapping"],
  ];
  for (const [name, text, want] of bad) {
    it(`refuses ${name}, naming the place`, async () => {
      let err: unknown;
      try {
        await parse(text);
      } catch (e) {
        err = e;
      }
      expect(err, "no error").to.be.instanceOf(WebConfigError);
      expect((err as Error).message).to.include(want);
    });
  }
});
