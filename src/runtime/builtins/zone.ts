// Time zones for strptime and --override_timezone: UTC, and IANA zones through Intl with per-15-minute offset
// caches (Intl is ~2 µs a call; a log's lines share few distinct hours). Zone abbreviations ("EST", "IST") come
// from the system's tzdata file, as Go reads them, because Intl often names zones "GMT+5:30". Imports nothing of ours.

import { existsSync, readFileSync } from "node:fs";

/** A location as Go's time package sees one: the offset at an instant, and its zone abbreviations. */
export interface Zone {
  /** The name given to resolveZone ("UTC", "Europe/Berlin"). */
  readonly name: string;
  /** Seconds east of UTC in effect at the instant `unixSec`. */
  offsetAt(unixSec: number): number;
  /**
   * Go's Location.lookupName: the offset (seconds) of the abbreviation `abbr` ("EST") in this zone around the
   * instant `unixSec`, or undefined when the zone does not use it.
   */
  offsetForAbbreviation(abbr: string, unixSec: number): number | undefined;
}

/** The UTC location: offset 0, and (as in Go) no abbreviations of its own; "UTC" itself is handled by the parser. */
export const UTC: Zone = {
  name: "UTC",
  offsetAt: () => 0,
  offsetForAbbreviation: () => undefined,
};

const BUCKET = 900; // seconds: offsets are cached per quarter hour (transitions fall on quarter hours since 1970)
const HALF_YEAR = 182 * 86400;

/** One of a zone's local time types, in tzdata order (Go's Location.zone). */
interface ZoneType {
  readonly name: string;
  readonly offset: number;
}

/**
 * The local time types of an IANA zone from its TZif file ($ZONEINFO or /usr/share/zoneinfo, as Go looks), or
 * undefined when there is no readable file.
 */
const ZONE_DIRS = (): string[] =>
  [process.env.ZONEINFO ?? "", "/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"].filter((d) => d !== "");

function readZoneTypes(name: string): ZoneType[] | undefined {
  if (name.includes("..") || name.startsWith("/")) return undefined;
  for (const dir of ZONE_DIRS()) {
    if (dir === undefined || dir === "") continue;
    let buf: Buffer;
    try {
      buf = readFileSync(`${dir}/${name}`);
    } catch {
      continue;
    }
    return parseTzif(buf);
  }
  return undefined;
}

/** The ttinfo table of a TZif file: the 64-bit block when the file has one (version 2+), else the 32-bit one. */
function parseTzif(buf: Buffer): ZoneType[] | undefined {
  if (buf.length < 44 || buf.toString("latin1", 0, 4) !== "TZif") return undefined;
  const counts = (at: number): number[] => [0, 1, 2, 3, 4, 5].map((i) => buf.readUInt32BE(at + 20 + 4 * i));
  let at = 0;
  let timeSize = 4;
  let [isut, isstd, leap, time, type, chars] = counts(0) as [number, number, number, number, number, number];
  if (buf[4]! >= 0x32 /* '2' */) {
    at = 44 + time * 4 + time + type * 6 + chars + leap * 8 + isstd + isut;
    if (buf.length < at + 44 || buf.toString("latin1", at, at + 4) !== "TZif") return undefined;
    [isut, isstd, leap, time, type, chars] = counts(at) as [number, number, number, number, number, number];
    timeSize = 8;
  }
  const types = at + 44 + time * timeSize + time;
  const abbrs = types + type * 6;
  if (buf.length < abbrs + chars) return undefined;
  const out: ZoneType[] = [];
  for (let i = 0; i < type; i++) {
    const offset = buf.readInt32BE(types + i * 6);
    const idx = buf[types + i * 6 + 5]!;
    const end = buf.indexOf(0, abbrs + idx);
    out.push({ name: buf.toString("latin1", abbrs + idx, end < 0 || end > abbrs + chars ? abbrs + chars : end), offset });
  }
  return out;
}

class IntlZone implements Zone {
  private readonly offsets = new Map<number, number>();
  private readonly parts: Intl.DateTimeFormat;
  private readonly names: Intl.DateTimeFormat[];
  private readonly types: ZoneType[] | undefined;

  constructor(readonly name: string) {
    this.parts = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    // en-US knows EST/PDT, en-GB knows BST/CET/CEST: between them most abbreviations found in logs.
    this.names = ["en-US", "en-GB"].map((l) => new Intl.DateTimeFormat(l, { timeZone: name, timeZoneName: "short" }));
    this.types = readZoneTypes(name);
  }

  offsetAt(unixSec: number): number {
    const key = Math.floor(unixSec / BUCKET);
    let off = this.offsets.get(key);
    if (off === undefined) {
      off = this.computeOffset(key * BUCKET);
      if (this.offsets.size > 4096) this.offsets.clear();
      this.offsets.set(key, off);
    }
    return off;
  }

  offsetForAbbreviation(abbr: string, unixSec: number): number | undefined {
    if (this.types !== undefined) return this.lookupName(this.types, abbr, unixSec);
    // No tzdata file: approximate with Intl's names. As Go: first a zone of that name in effect at the time, then one in effect at another time of year.
    for (const probe of [unixSec, unixSec + HALF_YEAR, unixSec - HALF_YEAR]) {
      const off = this.offsetAt(probe - this.offsetAt(probe));
      const at = probe - off;
      if (this.abbreviationsAt(at).includes(abbr)) return off;
    }
    return undefined;
  }

  /**
   * Go's Location.lookupName: first a type of that name that is in effect at (unixSec - its offset), whose
   * offset then is the answer; otherwise the first type of that name. "In effect" is judged by the offset Intl
   * reports at that instant, matched against the types of that name.
   */
  private lookupName(types: readonly ZoneType[], abbr: string, unixSec: number): number | undefined {
    for (const z of types) {
      if (z.name !== abbr) continue;
      const off = this.offsetAt(unixSec - z.offset);
      if (types.some((t) => t.name === abbr && t.offset === off)) return off;
    }
    return types.find((z) => z.name === abbr)?.offset;
  }

  private abbreviationsAt(unixSec: number): string[] {
    const d = new Date(unixSec * 1000);
    return this.names.map((f) => f.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "");
  }

  private computeOffset(unixSec: number): number {
    const f: Record<string, string> = {};
    for (const p of this.parts.formatToParts(new Date(unixSec * 1000))) f[p.type] = p.value;
    let year = Number(f.year);
    if (f.era === "BC" || f.era === "B") year = 1 - year;
    const wall = Date.UTC(2000, Number(f.month) - 1, Number(f.day), Number(f.hour), Number(f.minute), Number(f.second));
    // Date.UTC maps years 0..99 to 1900s: set the year separately.
    const w = new Date(wall);
    w.setUTCFullYear(year);
    return Math.round(w.getTime() / 1000) - unixSec;
  }
}

const zones = new Map<string, Zone>();

/**
 * Resolves an --override_timezone value as Go's time.LoadLocation does: "" and "UTC" are UTC, "Local" is the
 * process's zone, anything else an IANA name ("America/New_York") that must exist in the system's tzdata when
 * there is one (so "europe/berlin" is refused, as mtail refuses it). Throws an Error that says what to do.
 */
export function resolveZone(name: string): Zone {
  if (name === "" || name === "UTC") return UTC;
  const cached = zones.get(name);
  if (cached !== undefined) return cached;
  let iana = name;
  if (name === "Local") iana = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  let zone: Zone;
  try {
    const tzdata = ZONE_DIRS().some((d) => existsSync(d));
    if (name !== "Local" && tzdata && readZoneTypes(iana) === undefined) throw new Error("not in tzdata");
    zone = iana === "UTC" || iana === "Etc/UTC" ? UTC : new IntlZone(iana);
  } catch {
    throw new Error(
      `Couldn't parse timezone "${name}": unknown time zone ${name}. ` +
        `Use an IANA zone name such as "Europe/Berlin" or "America/New_York" (case matters), or "UTC".`,
    );
  }
  zones.set(name, zone);
  return zone;
}
