// The web config's tls_server_config as Node's TLS server options, and the client-certificate policies Node has
// no option for (Go's RequireAnyClientCert, VerifyClientCertIfGiven and client_allowed_sans), checked per connection.

import type https from "node:https";
import type tls from "node:tls";
import type { TlsServerConfig } from "./web-config.js";

/** Options for https.createServer / setSecureContext. */
export function tlsServerOptions(t: TlsServerConfig): https.ServerOptions {
  return {
    cert: t.cert,
    key: t.key,
    ca: t.clientCa === "" ? undefined : t.clientCa,
    requestCert: t.clientAuthType !== "NoClientCert",
    // Node verifies against `ca` and refuses in the handshake only for this policy; the others are checked below.
    rejectUnauthorized: t.clientAuthType === "RequireAndVerifyClientCert",
    minVersion: t.minVersion,
    maxVersion: t.maxVersion,
    ciphers: t.ciphers === "" ? undefined : t.ciphers,
    honorCipherOrder: t.honorCipherOrder,
    ecdhCurve: t.ecdhCurve === "" ? undefined : t.ecdhCurve,
  };
}

/** Why the client certificate of a new TLS connection is refused under `t`, or undefined when it is accepted. */
export function clientCertRefusal(t: TlsServerConfig, socket: tls.TLSSocket): string | undefined {
  if (t.clientAuthType === "NoClientCert" || t.clientAuthType === "RequestClientCert") return undefined;
  const cert = socket.getPeerCertificate();
  const given = cert !== null && Object.keys(cert).length > 0;
  if (!given) {
    return t.clientAuthType === "VerifyClientCertIfGiven" ? undefined : "a client certificate is required";
  }
  if (t.clientAuthType !== "RequireAnyClientCert" && !socket.authorized) {
    return `the client certificate is not trusted (${String(socket.authorizationError)})`;
  }
  if (t.clientAllowedSans.length > 0) {
    const sans = subjectAltNames(cert.subjectaltname);
    if (!sans.some((s) => t.clientAllowedSans.includes(s))) {
      return `no subject alternative name of the client certificate is in client_allowed_sans (${sans.join(", ") || "none"})`;
    }
  }
  return undefined;
}

/** The values of a certificate's subjectaltname ("DNS:a, IP Address:1.2.3.4, email:x@y, URI:spiffe://...") */
export function subjectAltNames(field: string | undefined): string[] {
  if (!field) return [];
  return field.split(/,\s*/).map((entry) => entry.slice(entry.indexOf(":") + 1)).filter((v) => v !== "");
}
