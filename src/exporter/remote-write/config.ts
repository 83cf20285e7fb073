// --remote_write_* flags checked and turned into what the sink needs: the URL, headers, instance labels, auth and
// TLS material. Everything that can be wrong is found here, at start-up, with a sentence naming the flag.
import { readFileSync } from "node:fs";

/** The remote-write flags as the daemon passes them. */
export interface RemoteWriteFlags {
  readonly url: string;
  /** "Name: value" each. */
  readonly headers: readonly string[];
  /** "name=value" each. */
  readonly labels: readonly string[];
  readonly bearerTokenFile: string;
  readonly username: string;
  readonly passwordFile: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly insecureSkipVerify: boolean;
  readonly timeoutMs: number;
  /** Most samples waiting to be sent; beyond it the oldest requests are dropped. */
  readonly queueSamples: number;
}

/** A checked configuration. */
export interface RemoteWriteConfig {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly labels: ReadonlyArray<readonly [string, string]>;
  /** Read before each request, so a rotated token (Kubernetes service accounts) is picked up. */
  readonly bearerTokenFile: string;
  readonly basicAuth: { readonly username: string; readonly passwordFile: string } | null;
  readonly tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  readonly timeoutMs: number;
  readonly queueSamples: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Headers the protocol sets itself; a --remote_write_header may not replace them. */
const RESERVED = new Set(["content-type", "content-encoding", "content-length", "x-prometheus-remote-write-version", "user-agent", "authorization", "host"]);

/** Checks the flags. @throws Error naming the flag and what is wrong */
export function parseRemoteWriteConfig(f: RemoteWriteFlags): RemoteWriteConfig {
  let url: URL;
  try {
    url = new URL(f.url);
  } catch {
    throw new Error(`Invalid --remote_write_url "${f.url}": expected an http:// or https:// URL, e.g. "http://prometheus:9090/api/v1/write".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`Invalid --remote_write_url "${f.url}": only http:// and https:// are supported.`);
  }
  const headers: Record<string, string> = {};
  for (const h of f.headers) {
    const at = h.indexOf(":");
    const name = at > 0 ? h.slice(0, at).trim() : "";
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`Invalid --remote_write_header "${h}": expected "Name: value", e.g. "X-Scope-OrgID: team-a".`);
    if (RESERVED.has(name.toLowerCase())) throw new Error(`Invalid --remote_write_header "${h}": ${name} is set by logtally (use the auth flags for Authorization).`);
    headers[name] = h.slice(at + 1).trim();
  }
  const labels: Array<[string, string]> = [];
  for (const l of f.labels) {
    const at = l.indexOf("=");
    const name = at > 0 ? l.slice(0, at) : "";
    if (!LABEL_NAME.test(name) || name.startsWith("__")) throw new Error(`Invalid --remote_write_label "${l}": expected name=value with a Prometheus label name, e.g. "node=worker-1".`);
    if (labels.some(([n]) => n === name)) throw new Error(`--remote_write_label "${name}" is given twice.`);
    labels.push([name, l.slice(at + 1)]);
  }
  if (f.bearerTokenFile !== "" && f.username !== "") throw new Error("--remote_write_bearer_token_file and --remote_write_username cannot both be set: choose one way to authenticate.");
  if ((f.username === "") !== (f.passwordFile === "")) throw new Error("--remote_write_username and --remote_write_password_file go together.");
  if (f.bearerTokenFile !== "") readSecret(f.bearerTokenFile, "--remote_write_bearer_token_file");
  if (f.passwordFile !== "") readSecret(f.passwordFile, "--remote_write_password_file");
  if ((f.certFile === "") !== (f.keyFile === "")) throw new Error("--remote_write_cert_file and --remote_write_key_file go together.");
  const tls = {
    ca: f.caFile !== "" ? readFile(f.caFile, "--remote_write_ca_file") : undefined,
    cert: f.certFile !== "" ? readFile(f.certFile, "--remote_write_cert_file") : undefined,
    key: f.keyFile !== "" ? readFile(f.keyFile, "--remote_write_key_file") : undefined,
    rejectUnauthorized: !f.insecureSkipVerify,
  };
  if (f.timeoutMs <= 0) throw new Error("--remote_write_timeout must be positive.");
  if (f.queueSamples <= 0) throw new Error("--remote_write_queue_samples must be positive.");
  return {
    url,
    headers,
    labels,
    bearerTokenFile: f.bearerTokenFile,
    basicAuth: f.username !== "" ? { username: f.username, passwordFile: f.passwordFile } : null,
    tls,
    timeoutMs: f.timeoutMs,
    queueSamples: f.queueSamples,
  };
}

/** A secret file's content without its trailing newline. @throws Error naming the flag */
export function readSecret(path: string, flag: string): string {
  return readFile(path, flag).toString("utf8").replace(/\r?\n$/, "");
}

function readFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`Cannot read ${flag} ${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}.`);
  }
}
