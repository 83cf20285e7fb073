// HTTP basic authentication against bcrypt hashes, as exporter-toolkit checks `basic_auth_users`: unknown users
// cost as much as known ones (no user enumeration by timing), and a checked (user, hash, password) is cached.

import { createHash } from "node:crypto";
import bcrypt from "bcrypt";

// The bcrypt package compares in libuv's thread pool: measured here, a cost-10 check kept the event loop's longest
// pause at 7 ms, where the pure-JS bcryptjs held it for 200 ms (scrapes and log lines wait that long).

/** bcrypt of a random password nobody knows: compared against for unknown users, so they take as long. */
const UNKNOWN_USER_HASH = "$2b$10$w.pGRH/anwcCSkrjsjjNJuDyUvUy0kEboBoD2Asux9rCsc4W4Udkq";
/** Cached results at most; a scraper uses one credential, so this only bounds a flood of wrong guesses. */
const CACHE_SIZE = 1024;

/** Checks `Authorization: Basic ...` headers against a user -> bcrypt hash map. */
export class BasicAuth {
  private readonly cache = new Map<string, boolean>();
  // One bcrypt at a time, as exporter-toolkit does: concurrent wrong guesses queue instead of taking every thread.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  /** Whether authentication is required at all. */
  get enabled(): boolean {
    return this.users.size > 0;
  }

  /** Resolves true when the header carries a known user with the right password. */
  async check(authorization: string | undefined): Promise<boolean> {
    const credentials = parseBasic(authorization);
    if (credentials === undefined) return false;
    const known = this.users.get(credentials.user);
    const hash = known ?? UNKNOWN_USER_HASH;
    // The cache key holds a digest, never the password itself.
    const key = createHash("sha256").update(`${credentials.user}\0${hash}\0${credentials.password}`).digest("base64");
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached && known !== undefined;
    const compare = this.queue.then(() => bcrypt.compare(credentials.password, normaliseHash(hash)));
    this.queue = compare.catch(() => false);
    let ok: boolean;
    try {
      ok = (await compare) && known !== undefined;
    } catch {
      ok = false;
    }
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, ok);
    return ok;
  }
}

/** The user and password of a Basic Authorization header, or undefined when it is not one. */
export function parseBasic(authorization: string | undefined): { user: string; password: string } | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (m === null) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// htpasswd writes $2y$ and Go reads it; the bcrypt package knows the same algorithm as $2b$ only.
function normaliseHash(hash: string): string {
  return hash.startsWith("$2y$") || hash.startsWith("$2x$") ? "$2b$" + hash.slice(4) : hash;
}
