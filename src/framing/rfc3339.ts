// Reads the RFC 3339 timestamps container runtimes write (CRI's first field, Docker's "time"): to milliseconds since
// the epoch, remembering the last second seen so consecutive records of one second cost a string compare.
// Imports only src/logline.ts.

import { detachString } from "../logline.js";

const ZERO = 48;

/** Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; one instance per source, since it remembers the last second. */
export class Rfc3339Reader {
  private lastSecond = "";
  private lastSecondMs = NaN;

  /** Milliseconds since the epoch of `s[start, end)` (fraction truncated to whole ms), or NaN when it is not one. */
  parse(s: string, start: number, end: number): number {
    if (end - start < 20) return NaN;
    let ms: number;
    // startsWith compares in place: no slice per line while the second stays the same (most lines).
    if (this.lastSecond !== "" && s.startsWith(this.lastSecond, start)) {
      ms = this.lastSecondMs;
    } else {
      const second = s.slice(start, start + 19);
      ms = parseSecond(second);
      if (ms !== ms) return NaN;
      this.lastSecond = detachString(second); // kept across lines: must not pin the segment it was sliced from
      this.lastSecondMs = ms;
    }
    let i = start + 19;
    if (s.charCodeAt(i) === 46 /* . */) {
      i++;
      let frac = 0;
      let digits = 0;
      for (let d = s.charCodeAt(i) - ZERO; i < end && d >= 0 && d <= 9; d = s.charCodeAt(++i) - ZERO) {
        if (digits < 3) frac = frac * 10 + d;
        digits++;
      }
      if (digits === 0) return NaN;
      for (; digits < 3; digits++) frac *= 10;
      ms += frac;
    }
    const z = s.charCodeAt(i);
    if ((z === 90 /* Z */ || z === 122 /* z */) && i + 1 === end) return ms;
    if ((z === 43 /* + */ || z === 45 /* - */) && i + 6 === end && s.charCodeAt(i + 3) === 58 /* : */) {
      const h = twoDigits(s, i + 1);
      const m = twoDigits(s, i + 4);
      const offset = (h * 60 + m) * 60_000;
      return z === 43 ? ms - offset : ms + offset;
    }
    return NaN;
  }
}

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - ZERO;
  const b = s.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

// "YYYY-MM-DDTHH:MM:SS" as UTC.
function parseSecond(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const t = s.charCodeAt(10);
  if (t !== 84 /* T */ && t !== 116 /* t */ && t !== 32) return NaN;
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const sec = twoDigits(s, 17);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && sec <= 60)) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, sec);
}
