// strptime(): Go reference-time layouts ("Jan _2 15:04:05", "02/Jan/2006:15:04:05 -0700") parsed as Go's
// time.ParseInLocation does, compiled once per layout and scanned by char code (no RegExp, no Date per call).
// Also mtail's per-program memo and its yearless-syslog patch. Imports only ./zone.

import { UTC, type Zone } from "./zone.js";

export { resolveZone, UTC, type Zone } from "./zone.js";

// Layout element codes, in the spirit of Go's std* constants.
const enum Std {
  None,
  LongMonth, // January
  Month, // Jan
  NumMonth, // 1
  ZeroMonth, // 01
  LongWeekDay, // Monday
  WeekDay, // Mon
  Day, // 2
  UnderDay, // _2
  ZeroDay, // 02
  UnderYearDay, // __2
  ZeroYearDay, // 002
  Hour, // 15
  Hour12, // 3
  ZeroHour12, // 03
  Minute, // 4
  ZeroMinute, // 04
  Second, // 5
  ZeroSecond, // 05
  LongYear, // 2006
  Year, // 06
  PM, // PM
  pm, // pm
  TZ, // MST
  ISO8601TZ, // Z0700
  ISO8601SecondsTZ, // Z070000
  ISO8601ShortTZ, // Z07
  ISO8601ColonTZ, // Z07:00
  ISO8601ColonSecondsTZ, // Z07:00:00
  NumTZ, // -0700
  NumSecondsTz, // -070000
  NumShortTZ, // -07
  NumColonTZ, // -07:00
  NumColonSecondsTZ, // -07:00:00
  FracSecond0, // .000
  FracSecond9, // .999
}

interface Step {
  /** Literal layout text before the element (a space matches any run of spaces, as in Go). */
  readonly prefix: string;
  readonly std: Std;
  /** The element as written in the layout, for error messages. */
  readonly text: string;
  /** Digits of a fractional-second element. */
  readonly digits: number;
  /** For Std.Second/ZeroSecond: whether the next element is a fractional second. */
  readonly fracNext: boolean;
  /** The fields it sets. */
  readonly group: Group;
}

/** A layout compiled by {@link compileLayout}; pass it to {@link parseTime} for every value. */
export interface Layout {
  readonly source: string;
  readonly steps: readonly Step[];
  /** Literal text after the last element. */
  readonly suffix: string;
  /** Resume state from the last successful parse (see parseTime). */
  readonly memo: ResumeState;
}

/**
 * What the last successful parse with a layout left behind, so that the next value, which usually shares its
 * date and hour with the last, is parsed from the first element whose text changed. Exact because every element
 * reads its own text plus at most one character of lookahead, and sets fields no other element of the layout sets.
 */
interface ResumeState {
  /** False when two elements set the same field (say "Jan" and "01"): such layouts are always parsed in full. */
  readonly resumable: boolean;
  last: string | undefined;
  /** starts[i]: value offset where element i's prefix begins; starts[steps.length]: where the suffix begins. */
  readonly starts: Int32Array;
  fields: Fields;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  yday: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  amSet: boolean;
  pmSet: boolean;
  utc: boolean;
  zoneOffset: number;
  zoneName: string;
}

const initialFields = (): Fields => ({
  year: 0,
  month: -1,
  day: -1,
  yday: -1,
  hour: 0,
  min: 0,
  sec: 0,
  nsec: 0,
  amSet: false,
  pmSet: false,
  utc: false,
  zoneOffset: -1,
  zoneName: "",
});

const enum Group {
  None,
  Year,
  Month,
  Day,
  Yday,
  Hour,
  Min,
  Sec,
  AmPm,
  Zone,
}

/** The group of fields an element sets, for the resumability check. */
function fieldGroup(std: Std): Group {
  if (std === Std.Year || std === Std.LongYear) return Group.Year;
  if (std >= Std.LongMonth && std <= Std.ZeroMonth) return Group.Month;
  if (std === Std.Day || std === Std.UnderDay || std === Std.ZeroDay) return Group.Day;
  if (std === Std.UnderYearDay || std === Std.ZeroYearDay) return Group.Yday;
  if (std === Std.Hour || std === Std.Hour12 || std === Std.ZeroHour12) return Group.Hour;
  if (std === Std.Minute || std === Std.ZeroMinute) return Group.Min;
  if (std === Std.Second || std === Std.ZeroSecond || std === Std.FracSecond0 || std === Std.FracSecond9) return Group.Sec;
  if (std === Std.PM || std === Std.pm) return Group.AmPm;
  if (std >= Std.TZ && std <= Std.NumColonSecondsTZ) return Group.Zone;
  return Group.None;
}

/** Resets the fields that the elements from `from` on may set, to their initial values. */
function resetFrom(f: Fields, steps: readonly Step[], from: number): void {
  for (let i = from; i < steps.length; i++) {
    switch (steps[i]!.group) {
      case Group.Year:
        f.year = 0;
        break;
      case Group.Month:
        f.month = -1;
        break;
      case Group.Day:
        f.day = -1;
        break;
      case Group.Yday:
        f.yday = -1;
        break;
      case Group.Hour:
        f.hour = 0;
        break;
      case Group.Min:
        f.min = 0;
        break;
      case Group.Sec:
        f.sec = 0;
        f.nsec = 0;
        break;
      case Group.AmPm:
        f.amSet = f.pmSet = false;
        break;
      case Group.Zone:
        f.utc = false;
        f.zoneOffset = -1;
        f.zoneName = "";
        break;
    }
  }
}

/** Splits a Go layout into elements once, at program load. Any string is a valid layout, as in Go. */
export function compileLayout(layout: string): Layout {
  const steps: Step[] = [];
  let rest = layout;
  for (;;) {
    const [prefix, std, len, digits] = nextStdChunk(rest);
    if (std === Std.None) {
      const groups = steps.map((s) => s.group).filter((g) => g !== Group.None);
      const resumable = new Set(groups).size === groups.length;
      const memo = { resumable, last: undefined, starts: new Int32Array(steps.length + 1), fields: initialFields() };
      return { source: layout, steps: markFractions(steps), suffix: rest, memo };
    }
    steps.push({ prefix, std, text: rest.substr(prefix.length, len), digits, fracNext: false, group: fieldGroup(std) });
    rest = rest.slice(prefix.length + len);
  }
}

function markFractions(steps: Step[]): Step[] {
  return steps.map((s, i) => {
    const next = steps[i + 1];
    const fracNext = next !== undefined && next.prefix === "" && (next.std === Std.FracSecond0 || next.std === Std.FracSecond9);
    return { ...s, fracNext };
  });
}

const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};

/** Go's nextStdChunk: [text before the element, element, element length, fraction digits]. */
function nextStdChunk(l: string): [string, Std, number, number] {
  for (let i = 0; i < l.length; i++) {
    const at = (s: string): boolean => l.startsWith(s, i);
    const found = (std: Std, len: number, digits = 0): [string, Std, number, number] => [l.slice(0, i), std, len, digits];
    switch (l[i]) {
      case "J":
        if (at("January")) return found(Std.LongMonth, 7);
        if (at("Jan") && !isLower(l.charCodeAt(i + 3))) return found(Std.Month, 3);
        break;
      case "M":
        if (at("Monday")) return found(Std.LongWeekDay, 6);
        if (at("Mon") && !isLower(l.charCodeAt(i + 3))) return found(Std.WeekDay, 3);
        if (at("MST")) return found(Std.TZ, 3);
        break;
      case "0": {
        const d = l.charCodeAt(i + 1);
        if (d >= 0x31 && d <= 0x36) {
          const zeroStd = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];
          return found(zeroStd[d - 0x31]!, 2);
        }
        if (at("002")) return found(Std.ZeroYearDay, 3);
        break;
      }
      case "1":
        if (at("15")) return found(Std.Hour, 2);
        return found(Std.NumMonth, 1);
      case "2":
        if (at("2006")) return found(Std.LongYear, 4);
        return found(Std.Day, 1);
      case "_":
        if (l[i + 1] === "2") {
          // "_2006" is a literal underscore and a year.
          if (l.startsWith("2006", i + 1)) return [l.slice(0, i + 1), Std.LongYear, 4, 0];
          return found(Std.UnderDay, 2);
        }
        if (at("__2")) return found(Std.UnderYearDay, 3);
        break;
      case "3":
        return found(Std.Hour12, 1);
      case "4":
        return found(Std.Minute, 1);
      case "5":
        return found(Std.Second, 1);
      case "P":
        if (l[i + 1] === "M") return found(Std.PM, 2);
        break;
      case "p":
        if (l[i + 1] === "m") return found(Std.pm, 2);
        break;
      case "-":
        if (at("-070000")) return found(Std.NumSecondsTz, 7);
        if (at("-07:00:00")) return found(Std.NumColonSecondsTZ, 9);
        if (at("-0700")) return found(Std.NumTZ, 5);
        if (at("-07:00")) return found(Std.NumColonTZ, 6);
        if (at("-07")) return found(Std.NumShortTZ, 3);
        break;
      case "Z":
        if (at("Z070000")) return found(Std.ISO8601SecondsTZ, 7);
        if (at("Z07:00:00")) return found(Std.ISO8601ColonSecondsTZ, 9);
        if (at("Z0700")) return found(Std.ISO8601TZ, 5);
        if (at("Z07:00")) return found(Std.ISO8601ColonTZ, 6);
        if (at("Z07")) return found(Std.ISO8601ShortTZ, 3);
        break;
      case ".":
      case ",": {
        const ch = l[i + 1];
        if (ch === "0" || ch === "9") {
          let j = i + 1;
          while (l[j] === ch) j++;
          // The run of digits must end here: only a fractional second is all digits.
          if (!isDigitAt(l, j)) return found(ch === "0" ? Std.FracSecond0 : Std.FracSecond9, j - i, j - i - 1);
        }
        break;
      }
    }
  }
  return [l, Std.None, 0, 0];
}

const SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const SHORT_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Thrown by parseTime: Go's ParseError wording, e.g. `parsing time "x" as "2006": cannot parse "x" as "2006"`. */
export class TimeParseError extends Error {}

function quote(s: string): string {
  return JSON.stringify(s);
}

function cannotParse(layout: Layout, value: string, valueElem: string, layoutElem: string): TimeParseError {
  return new TimeParseError(
    `parsing time ${quote(value)} as ${quote(layout.source)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`,
  );
}

// Parse state, reused across calls: the runtime is single-threaded and parseTime is not re-entrant.
let pos = 0;

/** Go's skip(): matches literal layout text; a space matches a run of spaces (or the end of the value). */
function skip(value: string, prefix: string): boolean {
  let p = 0;
  while (p < prefix.length) {
    const c = prefix.charCodeAt(p);
    if (c === 0x20) {
      if (pos < value.length && value.charCodeAt(pos) !== 0x20) return false;
      while (p < prefix.length && prefix.charCodeAt(p) === 0x20) p++;
      while (pos < value.length && value.charCodeAt(pos) === 0x20) pos++;
      continue;
    }
    if (pos >= value.length || value.charCodeAt(pos) !== c) return false;
    p++;
    pos++;
  }
  return true;
}

/** Go's getnum: one or two digits (exactly two when `fixed`); -1 on error. */
function getnum(value: string, fixed: boolean): number {
  const a = value.charCodeAt(pos) - 0x30;
  if (!(a >= 0 && a <= 9)) return -1;
  const b = value.charCodeAt(pos + 1) - 0x30;
  if (!(b >= 0 && b <= 9)) {
    if (fixed) return -1;
    pos += 1;
    return a;
  }
  pos += 2;
  return a * 10 + b;
}

/** Go's getnum3: one to three digits (exactly three when `fixed`); -1 on error. */
function getnum3(value: string, fixed: boolean): number {
  let n = 0;
  let i = 0;
  for (; i < 3; i++) {
    const d = value.charCodeAt(pos + i) - 0x30;
    if (!(d >= 0 && d <= 9)) break;
    n = n * 10 + d;
  }
  if (i === 0 || (fixed && i !== 3)) return -1;
  pos += i;
  return n;
}

/** Go's lookup(): case-insensitive (ASCII letters only) prefix match against a name table; -1 if none. */
function lookup(tab: readonly string[], value: string): number {
  outer: for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (value.length - pos < v.length) continue;
    for (let k = 0; k < v.length; k++) {
      let c1 = value.charCodeAt(pos + k);
      let c2 = v.charCodeAt(k);
      if (c1 !== c2) {
        c1 |= 0x20;
        c2 |= 0x20;
        if (c1 !== c2 || c1 < 0x61 || c1 > 0x7a) continue outer;
      }
    }
    pos += v.length;
    return i;
  }
  return -1;
}

/** Fractional seconds: value[pos] is '.' or ',', then `n - 1` digits; nanoseconds, or -1. Go keeps 9 digits. */
function parseNanos(value: string, n: number): number {
  const sep = value.charCodeAt(pos);
  if (sep !== 0x2e && sep !== 0x2c) return -1;
  let ns = 0;
  const take = Math.min(n, 10);
  for (let i = 1; i < take; i++) {
    const d = value.charCodeAt(pos + i) - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    ns = ns * 10 + d;
  }
  for (let i = take; i < 10; i++) ns *= 10;
  pos += n;
  return ns;
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const daysIn = (m: number, y: number): number => (m === 2 && isLeap(y) ? 29 : DAYS_BEFORE[m]! - DAYS_BEFORE[m - 1]!);

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (any year, including 0 and negatives). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Options that mtail sets per VM. */
export interface ParseOptions {
  /** --syslog_use_current_year (default true): a parsed year of 0 becomes the current year in the zone. */
  readonly syslogUseCurrentYear?: boolean;
  /** The clock, for the current year; defaults to Date.now. */
  readonly nowMs?: () => number;
}

const NO_OPTIONS: ParseOptions = {};

// The last computed day number: consecutive log lines almost always share their date.
let lastY = NaN;
let lastM = NaN;
let lastD = NaN;
let lastDays = 0;

/**
 * Parses `value` with a compiled Go layout in `zone`, as mtail's strptime: time.ParseInLocation, then, when the
 * year is 0 (a layout without a year, like syslog's "Jan _2 15:04:05"), the current year. Returns epoch
 * milliseconds (floored; Go keeps nanoseconds, mtail's timestamp() is whole seconds). Throws a TimeParseError
 * with Go's message when the value does not fit the layout.
 */
export function parseTime(layout: Layout, value: string, zone: Zone = UTC, options: ParseOptions = NO_OPTIONS): number {
  const memo = layout.memo;
  const steps = layout.steps;
  const f = memo.fields;
  let first = 0;
  const last = memo.last;
  memo.last = undefined; // until this parse succeeds
  if (last !== undefined) {
    // Resume at the first element whose text (plus one character of lookahead) is not shared with the last value.
    const n = Math.min(last.length, value.length);
    let common = 0;
    while (common < n && last.charCodeAt(common) === value.charCodeAt(common)) common++;
    while (first < steps.length && memo.starts[first + 1]! < common) first++;
    resetFrom(f, steps, first);
  } else {
    resetFrom(f, steps, 0);
  }
  pos = memo.starts[first]!;
  let year = f.year;
  let month = f.month;
  let day = f.day;
  let yday = f.yday;
  let hour = f.hour;
  let min = f.min;
  let sec = f.sec;
  let nsec = f.nsec;
  let amSet = f.amSet;
  let pmSet = f.pmSet;
  let utc = f.utc;
  let zoneOffset = f.zoneOffset; // seconds; -1 is "none", as in Go (so an offset of exactly -1 s is lost, as in Go)
  let zoneName = f.zoneName;
  let range = "";
  for (let i = first; i < steps.length; i++) {
    const step = steps[i]!;
    memo.starts[i] = pos;
    const before = pos;
    if (!skip(value, step.prefix)) throw cannotParse(layout, value, value.slice(before), step.prefix);
    const hold = pos;
    let ok = true;
    switch (step.std) {
      case Std.Year: {
        const a = atoi(value, pos, 2);
        if (a === undefined) ok = false;
        else {
          pos += 2;
          year = a >= 69 ? a + 1900 : a + 2000;
        }
        break;
      }
      case Std.LongYear: {
        const a = isDigitAt(value, pos) ? atoi(value, pos, 4) : undefined;
        if (a === undefined) ok = false;
        else {
          pos += 4;
          year = a;
        }
        break;
      }
      case Std.Month:
        month = lookup(SHORT_MONTHS, value) + 1;
        ok = month > 0;
        break;
      case Std.LongMonth:
        month = lookup(LONG_MONTHS, value) + 1;
        ok = month > 0;
        break;
      case Std.NumMonth:
      case Std.ZeroMonth:
        month = getnum(value, step.std === Std.ZeroMonth);
        ok = month >= 0;
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case Std.WeekDay:
        ok = lookup(SHORT_DAYS, value) >= 0;
        break;
      case Std.LongWeekDay:
        ok = lookup(LONG_DAYS, value) >= 0;
        break;
      case Std.Day:
      case Std.UnderDay:
      case Std.ZeroDay:
        if (step.std === Std.UnderDay && value.charCodeAt(pos) === 0x20) pos++;
        day = getnum(value, step.std === Std.ZeroDay);
        ok = day >= 0;
        break;
      case Std.UnderYearDay:
      case Std.ZeroYearDay:
        for (let i = 0; i < 2; i++) if (step.std === Std.UnderYearDay && value.charCodeAt(pos) === 0x20) pos++;
        yday = getnum3(value, step.std === Std.ZeroYearDay);
        ok = yday >= 0;
        break;
      case Std.Hour:
        hour = getnum(value, false);
        ok = hour >= 0;
        if (hour >= 24) range = "hour";
        break;
      case Std.Hour12:
      case Std.ZeroHour12:
        hour = getnum(value, step.std === Std.ZeroHour12);
        ok = hour >= 0;
        if (hour > 12) range = "hour";
        break;
      case Std.Minute:
      case Std.ZeroMinute:
        min = getnum(value, step.std === Std.ZeroMinute);
        ok = min >= 0;
        if (min >= 60) range = "minute";
        break;
      case Std.Second:
      case Std.ZeroSecond: {
        sec = getnum(value, step.std === Std.ZeroSecond);
        ok = sec >= 0;
        if (!ok) break;
        if (sec >= 60) {
          range = "second";
          break;
        }
        // A fractional second in the value that the layout does not mention is accepted.
        const c = value.charCodeAt(pos);
        if ((c === 0x2e || c === 0x2c) && isDigitAt(value, pos + 1) && !step.fracNext) {
          let n = 2;
          while (isDigitAt(value, pos + n)) n++;
          nsec = parseNanos(value, n);
          ok = nsec >= 0;
        }
        break;
      }
      case Std.PM:
      case Std.pm: {
        const p = value.substr(pos, 2);
        const [pmText, amText] = step.std === Std.PM ? ["PM", "AM"] : ["pm", "am"];
        if (p === pmText) pmSet = true;
        else if (p === amText) amSet = true;
        else ok = false;
        if (ok) pos += 2;
        break;
      }
      case Std.ISO8601TZ:
      case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonTZ:
      case Std.ISO8601SecondsTZ:
      case Std.ISO8601ColonSecondsTZ:
      case Std.NumTZ:
      case Std.NumShortTZ:
      case Std.NumColonTZ:
      case Std.NumSecondsTz:
      case Std.NumColonSecondsTZ: {
        // Z07, Z0700 and Z07:00 also take "Z" for UTC; Go 1.19 does not extend that to the forms with seconds.
        const zOk = step.std === Std.ISO8601TZ || step.std === Std.ISO8601ShortTZ || step.std === Std.ISO8601ColonTZ;
        if (zOk && value.charCodeAt(pos) === 0x5a) {
          pos++;
          utc = true;
          break;
        }
        const r = parseNumericZone(value, step.std);
        if (r === undefined) ok = false;
        else zoneOffset = r;
        break;
      }
      case Std.TZ: {
        if (value.startsWith("UTC", pos)) {
          pos += 3;
          utc = true;
          break;
        }
        const n = parseTimeZone(value, pos);
        if (n === 0) ok = false;
        else {
          zoneName = value.substr(pos, n);
          pos += n;
        }
        break;
      }
      case Std.FracSecond0: {
        const n = 1 + step.digits;
        if (value.length - pos < n) ok = false;
        else {
          nsec = parseNanos(value, n);
          ok = nsec >= 0;
        }
        break;
      }
      case Std.FracSecond9: {
        const c = value.charCodeAt(pos);
        if (value.length - pos < 2 || (c !== 0x2e && c !== 0x2c) || !isDigitAt(value, pos + 1)) break;
        let i = 0;
        while (isDigitAt(value, pos + i + 1)) i++;
        nsec = parseNanos(value, 1 + i);
        ok = nsec >= 0;
        break;
      }
    }
    if (range !== "") throw new TimeParseError(`parsing time ${quote(value)}: ${range} out of range`);
    if (!ok) throw cannotParse(layout, value, value.slice(hold), step.text);
  }
  memo.starts[steps.length] = pos;
  const before = pos;
  if (!skip(value, layout.suffix)) throw cannotParse(layout, value, value.slice(before), layout.suffix);
  if (pos < value.length) throw new TimeParseError(`parsing time ${quote(value)}: extra text: ${quote(value.slice(pos))}`);
  if (memo.resumable) {
    f.year = year;
    f.month = month;
    f.day = day;
    f.yday = yday;
    f.hour = hour;
    f.min = min;
    f.sec = sec;
    f.nsec = nsec;
    f.amSet = amSet;
    f.pmSet = pmSet;
    f.utc = utc;
    f.zoneOffset = zoneOffset;
    f.zoneName = zoneName;
    memo.last = value;
  }

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw new TimeParseError(`parsing time ${quote(value)}: day-of-year out of range`);
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (DAYS_BEFORE[m]! < yday) m++;
      d = yday - DAYS_BEFORE[m - 1]!;
    }
    if (month >= 0 && month !== m) throw new TimeParseError(`parsing time ${quote(value)}: day-of-year does not match month`);
    month = m;
    if (day >= 0 && day !== d) throw new TimeParseError(`parsing time ${quote(value)}: day-of-year does not match day`);
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw new TimeParseError(`parsing time ${quote(value)}: day out of range`);

  // mtail's yearless-syslog patch (time.AddDate(now.Year(), 0, 0) in the zone): the same wall clock this year.
  if (year === 0 && options.syslogUseCurrentYear !== false) {
    const nowSec = Math.floor((options.nowMs ?? Date.now)() / 1000);
    const local = nowSec + zone.offsetAt(nowSec);
    year = yearOfDays(Math.floor(local / 86400));
    // Feb 29 of year 0 (a leap year) normalises to Mar 1 in a common year, as Go's Date does.
    if (month === 2 && day === 29 && !isLeap(year)) {
      month = 3;
      day = 1;
    }
  }

  let days: number;
  if (year === lastY && month === lastM && day === lastD) days = lastDays;
  else {
    days = daysFromCivil(year, month, day);
    lastY = year;
    lastM = month;
    lastD = day;
    lastDays = days;
  }
  const wall = days * 86400 + hour * 3600 + min * 60 + sec;
  const ms = Math.floor(nsec / 1e6);
  if (utc) return wall * 1000 + ms;
  if (zoneOffset !== -1) return (wall - zoneOffset) * 1000 + ms;
  if (zoneName !== "") {
    const off = zone.offsetForAbbreviation(zoneName, wall);
    // An unknown abbreviation (and GMT+3) records the wall clock as UTC: Go's "fabricated location".
    return (off === undefined ? wall : wall - off) * 1000 + ms;
  }
  return localToUnix(zone, wall) * 1000 + ms;
}

/** Go's Date() in a location: the instant whose wall clock in `zone` is `wall` (seconds, as if UTC). */
export function localToUnix(zone: Zone, wall: number): number {
  if (zone === UTC) return wall;
  let off = zone.offsetAt(wall);
  if (off !== 0) {
    const u = wall - off;
    const off2 = zone.offsetAt(u);
    if (off2 !== off) off = off2;
  }
  return wall - off;
}

function yearOfDays(days: number): number {
  // Inverse of daysFromCivil, year only (Howard Hinnant's civil_from_days).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp + (mp < 10 ? 3 : -9);
  return yoe + era * 400 + (m <= 2 ? 1 : 0);
}

/** Go's atoi on value[at, at+len): optional sign, then only digits. */
function atoi(value: string, at: number, len: number): number | undefined {
  if (value.length - at < len) return undefined;
  let i = at;
  const end = at + len;
  let neg = false;
  const c = value.charCodeAt(i);
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    i++;
  }
  if (i === end) return undefined;
  let n = 0;
  for (; i < end; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (!(d >= 0 && d <= 9)) return undefined;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

/** Numeric zone offsets (-0700, -07:00, -07, -070000, -07:00:00) at pos: offset in seconds east. */
function parseNumericZone(value: string, std: Std): number | undefined {
  const v = pos;
  let h: number, m: number, s: number;
  let len: number;
  if (std === Std.ISO8601ColonTZ || std === Std.NumColonTZ) {
    if (value.length - v < 6 || value.charCodeAt(v + 3) !== 0x3a) return undefined;
    h = two(value, v + 1);
    m = two(value, v + 4);
    s = 0;
    len = 6;
  } else if (std === Std.NumShortTZ || std === Std.ISO8601ShortTZ) {
    if (value.length - v < 3) return undefined;
    h = two(value, v + 1);
    m = s = 0;
    len = 3;
  } else if (std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ) {
    if (value.length - v < 9 || value.charCodeAt(v + 3) !== 0x3a || value.charCodeAt(v + 6) !== 0x3a) return undefined;
    h = two(value, v + 1);
    m = two(value, v + 4);
    s = two(value, v + 7);
    len = 9;
  } else if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz) {
    if (value.length - v < 7) return undefined;
    h = two(value, v + 1);
    m = two(value, v + 3);
    s = two(value, v + 5);
    len = 7;
  } else {
    if (value.length - v < 5) return undefined;
    h = two(value, v + 1);
    m = two(value, v + 3);
    s = 0;
    len = 5;
  }
  if (h < 0 || m < 0 || s < 0) return undefined;
  const sign = value.charCodeAt(v);
  if (sign !== 0x2b && sign !== 0x2d) return undefined;
  pos += len;
  // Go 1.19 (mtail rc50) does not range-check offsets: "+2500" is 25 hours east.
  const off = (h * 60 + m) * 60 + s;
  return sign === 0x2d ? -off : off;
}

/** Exactly two digits at i as a number, or -1. */
function two(value: string, i: number): number {
  const a = value.charCodeAt(i) - 0x30;
  const b = value.charCodeAt(i + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Go's parseTimeZone: the length of a zone abbreviation at `at` ("MST", "CEST", "GMT+3", "+03"), or 0. */
function parseTimeZone(value: string, at: number): number {
  if (value.length - at < 3) return 0;
  if (value.startsWith("ChST", at) || value.startsWith("MeST", at)) return 4;
  if (value.startsWith("GMT", at)) return 3 + parseSignedOffset(value, at + 3);
  const c0 = value[at];
  if (c0 === "+" || c0 === "-") return parseSignedOffset(value, at);
  let n = 0;
  while (n < 6 && at + n < value.length) {
    const c = value.charCodeAt(at + n);
    if (c < 0x41 || c > 0x5a) break;
    n++;
  }
  if (n === 3) return 3;
  if (n === 4 && (value[at + 3] === "T" || value.startsWith("WITA", at))) return 4;
  if (n === 5 && value[at + 4] === "T") return 5;
  return 0;
}

/** Go's parseSignedOffset: "+3", "-11" (hours up to 23): its length, or 0. */
function parseSignedOffset(value: string, at: number): number {
  const c = value[at];
  if (c !== "+" && c !== "-") return 0;
  let i = at + 1;
  let x = 0;
  while (isDigitAt(value, i)) {
    x = x * 10 + (value.charCodeAt(i) - 0x30);
    i++;
  }
  if (i === at + 1 || x > 23) return 0;
  return i - at;
}

/**
 * mtail's compile-time check of a strptime layout literal: the layout must parse itself once underscores are
 * dropped and "Z" becomes "+" (so "2006-01-02T15:04:05Z" is rejected: its Z is a literal, not Z07:00). Returns
 * the compile error text (mtail's wording) or undefined when the layout is accepted.
 */
export function checkLayout(layout: string): string | undefined {
  const sample = layout.replaceAll("_", "").replaceAll("Z", "+");
  try {
    parseTime(compileLayout(layout), sample, UTC, { syslogUseCurrentYear: false });
    return undefined;
  } catch {
    return `invalid time format string ${quote(layout)}\n\tRefer to the documentation at https://golang.org/pkg/time/#pkg-constants for advice.`;
  }
}
