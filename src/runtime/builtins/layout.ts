// Go reference-time layouts ("02/Jan/2006:15:04:05 -0700") split into elements once, at program load, plus the
// per-layout state that lets strptime.ts resume a parse where the next value starts to differ. Imports nothing.

/** Layout element codes, after Go's std* constants; the comment shows how each is written in a layout. */
export const enum Std {
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

/** One layout element with the literal text before it. */
export interface Step {
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
 * Per-layout resume state. What the last successful parse with a layout left behind, so that the next value, which usually shares its
 * date and hour with the last, is parsed from the first element whose text changed. Exact because every element
 * reads its own text plus at most one character of lookahead, and sets fields no other element of the layout sets.
 */
export interface ResumeState {
  /** False when two elements set the same field (say "Jan" and "01"): such layouts are always parsed in full. */
  readonly resumable: boolean;
  last: string | undefined;
  /** starts[i]: value offset where element i's prefix begins; starts[steps.length]: where the suffix begins. */
  readonly starts: Int32Array;
  fields: Fields;
}

/** The values parsed so far, as Go's parse() keeps them (-1 for "not seen" where zero is a valid value). */
export interface Fields {
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

/** Which fields an element sets: two elements setting the same group make a layout non-resumable. */
export const enum Group {
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
export function fieldGroup(std: Std): Group {
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
export function resetFrom(f: Fields, steps: readonly Step[], from: number): void {
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
/** Whether s[i] is an ASCII digit (false past the end). */
export const isDigitAt = (s: string, i: number): boolean => {
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

