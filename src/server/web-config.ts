// Reads Prometheus's web configuration file (the format of exporter-toolkit, shared by node_exporter and every
// exporter built on it): TLS, basic auth users with bcrypt hashes, extra HTTP headers and a rate limit.
// Errors name the file, line, column and key. Imports nothing of ours outside src/server.

import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Node, YAMLMap } from "yaml";

// yaml is loaded when a web config is read, not at start-up (one-shot runs never need it).
let Y: typeof import("yaml");

/** How a TLS server treats client certificates (Go's tls.ClientAuthType names, as exporter-toolkit takes them). */
export type ClientAuthType =
  | "NoClientCert"
  | "RequestClientCert"
  | "RequireAnyClientCert"
  | "VerifyClientCertIfGiven"
  | "RequireAndVerifyClientCert";

/** The `tls_server_config` section, with certificates already read from their files. */
export interface TlsServerConfig {
  readonly cert: string;
  readonly key: string;
  readonly clientCa: string;
  readonly clientAuthType: ClientAuthType;
  readonly clientAllowedSans: readonly string[];
  /** Node's names: "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3". */
  readonly minVersion: TlsVersion;
  readonly maxVersion: TlsVersion;
  /** OpenSSL cipher list for TLS 1.2 and below ("" for Node's default). */
  readonly ciphers: string;
  readonly honorCipherOrder: boolean;
  /** OpenSSL curve list ("" for Node's default). */
  readonly ecdhCurve: string;
}

export type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

/** A parsed and checked web configuration file. */
export interface WebConfig {
  readonly file: string;
  readonly tls?: TlsServerConfig;
  /** User name -> bcrypt hash. Empty: no authentication. */
  readonly users: ReadonlyMap<string, string>;
  readonly headers: Readonly<Record<string, string>>;
  /** Token bucket: one request every `intervalMs`, bursts of `burst`; undefined when off. */
  readonly rateLimit?: { readonly intervalMs: number; readonly burst: number };
}

/** A mistake in the web configuration file; the message starts with `file:line:col`. */
export class WebConfigError extends Error {
  override readonly name = "WebConfigError";
}

// exporter-toolkit accepts only these headers, some with a fixed set of values.
const ALLOWED_HEADERS: Readonly<Record<string, readonly string[] | null>> = {
  "Strict-Transport-Security": null,
  "X-Content-Type-Options": ["nosniff"],
  "X-Frame-Options": ["deny", "sameorigin"],
  "X-XSS-Protection": null,
  "Content-Security-Policy": null,
};

const CLIENT_AUTH_TYPES: readonly ClientAuthType[] = [
  "NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert",
];

const TLS_VERSIONS: Readonly<Record<string, TlsVersion>> = { TLS10: "TLSv1", TLS11: "TLSv1.1", TLS12: "TLSv1.2", TLS13: "TLSv1.3" };

// Go's cipher suite names (crypto/tls CipherSuites(), the secure ones exporter-toolkit accepts) -> OpenSSL names.
const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: "AES128-SHA",
  TLS_RSA_WITH_AES_256_CBC_SHA: "AES256-SHA",
  TLS_RSA_WITH_AES_128_GCM_SHA256: "AES128-GCM-SHA256",
  TLS_RSA_WITH_AES_256_GCM_SHA384: "AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: "ECDHE-ECDSA-AES128-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: "ECDHE-ECDSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: "ECDHE-RSA-AES128-SHA",
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: "ECDHE-RSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "ECDHE-RSA-AES128-GCM-SHA256",
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "ECDHE-RSA-AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "ECDHE-ECDSA-AES256-GCM-SHA384",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-RSA-CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
};

// Go's curve names -> OpenSSL's.
const CURVES: Readonly<Record<string, string>> = {
  CurveP256: "prime256v1", CurveP384: "secp384r1", CurveP521: "secp521r1", X25519: "X25519",
};

// bcrypt hashes as Go's bcrypt.Cost accepts them: $2a$, $2b$ or $2y$, a two-digit cost, 53 characters of salt+hash.
const BCRYPT_HASH = /^\$2[aby]?\$(\d\d)\$[./A-Za-z0-9]{53}$/;

const TOP_KEYS = ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"];
const TLS_KEYS = [
  "cert", "key", "client_ca", "cert_file", "key_file", "client_auth_type", "client_ca_file", "client_allowed_sans",
  "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
];
const HTTP_KEYS = ["http2", "headers"];
const RATE_KEYS = ["interval", "burst"];

/** Reads and checks a web configuration file. Certificate, key and CA files are read now (relative to the file). */
export async function loadWebConfig(file: string): Promise<WebConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new WebConfigError(`Cannot read web config file ${file}: ${(err as Error).message}`);
  }
  return parseWebConfig(text, file, (p) => readFile(p, "utf8"));
}

/** Parses web config text; `readPem` reads a referenced file (resolved against the config file's folder). */
export async function parseWebConfig(text: string, file: string, readPem: (p: string) => Promise<string>): Promise<WebConfig> {
  Y ??= await import("yaml");
  const r = new YamlReader(text, file);
  const root = r.root();
  if (root === undefined) return { file, users: new Map(), headers: {} };
  r.checkKeys(root, TOP_KEYS, "");
  const dir = path.dirname(path.resolve(file));
  const tlsNode = r.mapAt(root, "tls_server_config");
  const httpNode = r.mapAt(root, "http_server_config");
  const rateNode = r.mapAt(root, "rate_limit");
  return {
    file,
    tls: tlsNode === undefined ? undefined : await readTls(r, tlsNode, dir, readPem),
    users: readUsers(r, root),
    headers: httpNode === undefined ? {} : readHeaders(r, httpNode),
    rateLimit: rateNode === undefined ? undefined : readRateLimit(r, rateNode),
  };
}

async function readTls(r: YamlReader, node: YAMLMap, dir: string, readPem: (p: string) => Promise<string>): Promise<TlsServerConfig> {
  r.checkKeys(node, TLS_KEYS, "tls_server_config.");
  // A PEM given inline (`cert`) or by file (`cert_file`), as exporter-toolkit takes either.
  const pem = async (fileKey: string, inlineKey: string): Promise<string> => {
    const f = r.string(node, fileKey);
    const v = r.string(node, inlineKey);
    if (f !== "" && v !== "") throw r.error(node, fileKey, `give either ${inlineKey} or ${fileKey}, not both`);
    if (f === "") return v;
    const p = path.isAbsolute(f) ? f : path.join(dir, f);
    try {
      return await readPem(p);
    } catch (err) {
      throw r.error(node, fileKey, `cannot read ${p}: ${(err as Error).message}`);
    }
  };
  const cert = await pem("cert_file", "cert");
  const key = await pem("key_file", "key");
  if (cert === "") throw r.error(node, undefined, "tls_server_config needs cert_file (or cert)");
  if (key === "") throw r.error(node, undefined, "tls_server_config needs key_file (or key)");
  const clientCa = await pem("client_ca_file", "client_ca");
  const authName = r.string(node, "client_auth_type") || "NoClientCert";
  if (!CLIENT_AUTH_TYPES.includes(authName as ClientAuthType)) {
    throw r.error(node, "client_auth_type", `unknown client_auth_type "${authName}"; one of ${CLIENT_AUTH_TYPES.join(", ")}`);
  }
  const clientAuthType = authName as ClientAuthType;
  if (clientCa !== "" && clientAuthType === "NoClientCert") {
    throw r.error(node, "client_ca_file", 'client_ca_file needs a client_auth_type other than "NoClientCert"');
  }
  if ((clientAuthType === "RequireAndVerifyClientCert" || clientAuthType === "VerifyClientCertIfGiven") && clientCa === "") {
    throw r.error(node, "client_auth_type", `client_auth_type "${clientAuthType}" needs client_ca_file (or client_ca)`);
  }
  const clientAllowedSans = r.strings(node, "client_allowed_sans");
  if (clientAllowedSans.length > 0 && clientCa === "") {
    throw r.error(node, "client_allowed_sans", "client_allowed_sans needs client_ca_file (or client_ca)");
  }
  const version = (k: string, dflt: TlsVersion): TlsVersion => {
    const v = r.string(node, k);
    if (v === "") return dflt;
    const t = TLS_VERSIONS[v];
    if (t === undefined) throw r.error(node, k, `unknown TLS version "${v}"; one of ${Object.keys(TLS_VERSIONS).join(", ")}`);
    return t;
  };
  const minVersion = version("min_version", "TLSv1.2");
  const maxVersion = version("max_version", "TLSv1.3");
  if (Number(minVersion.slice(5) || 0) > Number(maxVersion.slice(5) || 0)) {
    throw r.error(node, "min_version", "min_version is above max_version");
  }
  const ciphers = r.strings(node, "cipher_suites").map((c) => {
    const o = CIPHER_SUITES[c];
    if (o === undefined) throw r.error(node, "cipher_suites", `unknown or insecure cipher suite "${c}"`);
    return o;
  });
  const curves = r.strings(node, "curve_preferences").map((c) => {
    const o = CURVES[c];
    if (o === undefined) throw r.error(node, "curve_preferences", `unknown curve "${c}"; one of ${Object.keys(CURVES).join(", ")}`);
    return o;
  });
  return {
    cert, key, clientCa, clientAuthType, clientAllowedSans, minVersion, maxVersion,
    ciphers: ciphers.join(":"),
    honorCipherOrder: r.bool(node, "prefer_server_cipher_suites", true),
    ecdhCurve: curves.join(":"),
  };
}

function readUsers(r: YamlReader, root: YAMLMap): Map<string, string> {
  const users = new Map<string, string>();
  const node = r.mapAt(root, "basic_auth_users");
  if (node === undefined) return users;
  for (const pair of node.items) {
    const name = Y.isScalar(pair.key) ? String(pair.key.value) : "";
    const hash = Y.isScalar(pair.value) ? String(pair.value.value) : "";
    if (!BCRYPT_HASH.test(hash)) {
      throw r.errorAt(pair.value as Node ?? pair.key as Node,
        `basic_auth_users: the password of "${name}" must be a bcrypt hash ($2y$10$...), for example from \`htpasswd -nBC 10 "" | tr -d ':\\n'\``);
    }
    users.set(name, hash);
  }
  return users;
}

function readHeaders(r: YamlReader, node: YAMLMap): Record<string, string> {
  r.checkKeys(node, HTTP_KEYS, "http_server_config.");
  r.bool(node, "http2", true); // checked for its type; Node's server here speaks HTTP/1.1 (see the README)
  const headers: Record<string, string> = {};
  const h = r.mapAt(node, "headers");
  if (h === undefined) return headers;
  for (const pair of h.items) {
    const name = Y.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const value = Y.isScalar(pair.value) ? String(pair.value.value ?? "") : "";
    const allowed = ALLOWED_HEADERS[name];
    if (allowed === undefined) {
      throw r.errorAt(pair.key as Node, `HTTP header "${name}" can not be configured; one of ${Object.keys(ALLOWED_HEADERS).join(", ")}`);
    }
    if (allowed !== null && !allowed.includes(value)) {
      throw r.errorAt(pair.value as Node ?? pair.key as Node, `invalid value for ${name}: "${value}"; one of ${allowed.join(", ")}`);
    }
    if (value !== "") headers[name] = value;
  }
  return headers;
}

function readRateLimit(r: YamlReader, node: YAMLMap): { intervalMs: number; burst: number } | undefined {
  r.checkKeys(node, RATE_KEYS, "rate_limit.");
  const interval = r.string(node, "interval");
  const ms = interval === "" ? 0 : parseDurationMs(interval);
  if (ms === undefined) throw r.error(node, "interval", `rate_limit.interval "${interval}" is not a duration such as 100ms or 1s`);
  const burst = r.int(node, "burst", 0);
  if (ms === 0) return undefined;
  if (burst < 1) throw r.error(node, "burst", "rate_limit.burst must be at least 1 when interval is set");
  return { intervalMs: ms, burst };
}

/** Go/Prometheus durations: 1h30m, 250ms, 10s, 1d. */
function parseDurationMs(s: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/y;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    i = re.lastIndex;
  }
  return s === "" ? undefined : total;
}

/** YAML access with `file:line:col` errors. */
class YamlReader {
  private readonly lines = new Y.LineCounter();
  private readonly doc: import("yaml").Document.Parsed;

  constructor(text: string, private readonly file: string) {
    this.doc = Y.parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    if (this.doc.errors.length > 0) {
      const e = this.doc.errors[0]!;
      throw new WebConfigError(`${this.where(e.pos[0])}: invalid YAML: ${e.message.split("\n")[0]}`);
    }
  }

  root(): YAMLMap | undefined {
    const c = this.doc.contents;
    if (c === null) return undefined;
    if (!Y.isMap(c)) throw this.errorAt(c as Node, "the web config file must be a mapping, like \"basic_auth_users: ...\"");
    return c;
  }

  checkKeys(node: YAMLMap, known: readonly string[], prefix: string): void {
    for (const pair of node.items) {
      const key = Y.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!known.includes(key)) {
        const near = closest(key, known);
        throw this.errorAt(pair.key as Node, `unknown key "${prefix}${key}".${near ? ` Did you mean "${prefix}${near}"?` : ""}`);
      }
    }
  }

  mapAt(node: YAMLMap, key: string): YAMLMap | undefined {
    const v = node.get(key, true) as Node | undefined;
    if (v === undefined || v === null || (Y.isScalar(v) && v.value === null)) return undefined;
    if (!Y.isMap(v)) throw this.errorAt(v, `key "${key}" must be a mapping`);
    return v;
  }

  string(node: YAMLMap, key: string): string {
    const v = node.get(key, true) as Node | undefined;
    if (v === undefined || (Y.isScalar(v) && v.value === null)) return "";
    if (!Y.isScalar(v) || typeof v.value !== "string") throw this.errorAt(v, `key "${key}" must be a string`);
    return v.value;
  }

  strings(node: YAMLMap, key: string): string[] {
    const v = node.get(key, true) as Node | undefined;
    if (v === undefined || (Y.isScalar(v) && v.value === null)) return [];
    if (!Y.isSeq(v)) throw this.errorAt(v, `key "${key}" must be a list of strings`);
    return v.items.map((item) => {
      if (!Y.isScalar(item) || typeof item.value !== "string") throw this.errorAt(item as Node, `key "${key}" must be a list of strings`);
      return item.value;
    });
  }

  bool(node: YAMLMap, key: string, dflt: boolean): boolean {
    const v = node.get(key, true) as Node | undefined;
    if (v === undefined || (Y.isScalar(v) && v.value === null)) return dflt;
    if (!Y.isScalar(v) || typeof v.value !== "boolean") throw this.errorAt(v, `key "${key}" must be true or false`);
    return v.value;
  }

  int(node: YAMLMap, key: string, dflt: number): number {
    const v = node.get(key, true) as Node | undefined;
    if (v === undefined || (Y.isScalar(v) && v.value === null)) return dflt;
    if (!Y.isScalar(v) || typeof v.value !== "number" || !Number.isInteger(v.value)) throw this.errorAt(v, `key "${key}" must be an integer`);
    return v.value;
  }

  /** An error at `key` of `node` (or at the node itself). */
  error(node: YAMLMap, key: string | undefined, message: string): WebConfigError {
    const pair = key === undefined ? undefined : node.items.find((p) => Y.isScalar(p.key) && p.key.value === key);
    return this.errorAt((pair?.key as Node | undefined) ?? node, message);
  }

  errorAt(node: Node | undefined, message: string): WebConfigError {
    const offset = node?.range?.[0];
    return new WebConfigError(`${offset === undefined ? this.file : this.where(offset)}: ${message}.`.replace(/\.\.$/, "."));
  }

  private where(offset: number): string {
    const p = this.lines.linePos(offset);
    return `${this.file}:${p.line}:${p.col}`;
  }
}

/** The known key nearest to a typo (edit distance at most 2), for "Did you mean". */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
