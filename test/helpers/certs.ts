// Makes a throwaway certificate authority, a server certificate for 127.0.0.1 and a client certificate with
// Debian's `openssl`, for tests of TLS serving. Nothing is kept: the files live in the caller's temp folder.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Paths of the generated PEM files, and the CA's text. */
export interface TestCerts {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by another CA (not trusted by the server). */
  strangerCert: string;
  strangerKey: string;
  caPem: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** Whether the openssl command is there (.ci/run installs it). */
export function haveOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Generates the CA, server (SAN 127.0.0.1, localhost) and client (SAN DNS:scraper) certificates in `dir`. */
export function makeTestCerts(dir: string): TestCerts {
  const p = (f: string) => path.join(dir, f);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = (name: string) =>
    openssl(["req", "-x509", ...ec, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`], dir);
  const leaf = (name: string, caName: string, san: string, usage: string) => {
    openssl(["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`], dir);
    writeFileSync(p(`${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${usage}\n`);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", `${caName}.crt`, "-CAkey", `${caName}.key`, "-CAcreateserial",
      "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`], dir);
  };
  ca("test-ca");
  ca("other-ca");
  leaf("server", "test-ca", "IP:127.0.0.1,DNS:localhost", "serverAuth");
  leaf("client", "test-ca", "DNS:scraper", "clientAuth");
  leaf("stranger", "other-ca", "DNS:scraper", "clientAuth");
  return {
    caCert: p("test-ca.crt"), serverCert: p("server.crt"), serverKey: p("server.key"),
    clientCert: p("client.crt"), clientKey: p("client.key"),
    strangerCert: p("stranger.crt"), strangerKey: p("stranger.key"),
    caPem: readFileSync(p("test-ca.crt"), "utf8"),
  };
}
