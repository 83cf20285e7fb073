// strptime against the mtail-verified table in strptime-cases.ts, plus the memo's mtail quirks and zone handling.

import { expect } from "chai";
import { existsSync } from "node:fs";
import { checkLayout, compileLayout, daysFromCivil, parseTime, resolveZone, TimeParseError, UTC } from "../../../../src/runtime/builtins/strptime.js";
import { TimeMemo, UNSET_TIME } from "../../../../src/runtime/builtins/time-memo.js";
import { strptimeCases } from "./strptime-cases.js";

// Zone abbreviations (IST, AEST) are read from the system's tzdata, as Go reads them; Intl alone names them "GMT+5:30".
const hasTzdata = existsSync("/usr/share/zoneinfo/Asia/Kolkata") || process.env.ZONEINFO !== undefined;

// Layouts of the table that mtail 3.0.0~rc50 refuses at compile time (`mtail --compile_only` says "invalid time
// format string"); every other layout of the table must be accepted.
const REFUSED_LAYOUTS = new Set(["2006-01-02T15:04:05.000Z", "1136239445", "_2006"]);

// The table's yearless cases were recorded in 2026.
const now2026 = (): number => Date.UTC(2026, 5, 15, 12);

describe("strptime", () => {
  describe("parses as mtail does", () => {
    for (const c of strptimeCases) {
      const name = `${JSON.stringify(c.layout)} ${JSON.stringify(c.value)}${c.zone ? ` in ${c.zone}` : ""}`;
      it(name, function () {
        // mtail refuses to compile a program with such a layout ("invalid time format string"), so it never parses
        // anything with it: the case checks that we refuse it too, and only for the layouts known to be refused.
        if (REFUSED_LAYOUTS.has(c.layout)) {
          expect(checkLayout(c.layout), "layout refused as mtail refuses it").to.be.a("string");
          return;
        }
        expect(checkLayout(c.layout), "layout accepted").to.equal(undefined);
        if (c.zone !== undefined && c.layout.includes("MST") && !hasTzdata) this.skip();
        const run = (): number =>
          Math.floor(parseTime(compileLayout(c.layout), c.value, resolveZone(c.zone ?? ""), { nowMs: now2026 }) / 1000);
        if (c.want === "error") expect(run).to.throw(TimeParseError, /^parsing time /);
        else expect(run()).to.equal(c.want);
      });
    }
  });

  it("keeps milliseconds of fractional seconds", () => {
    const l = compileLayout("2006-01-02T15:04:05.999Z07:00");
    expect(parseTime(l, "2021-06-01T00:00:00.1239Z") % 1000).to.equal(123);
    const yearZero = daysFromCivil(0, 1, 1) * 86400000;
    expect(parseTime(compileLayout("15:04:05"), "00:00:01.5", UTC, { syslogUseCurrentYear: false })).to.equal(yearZero + 1500);
  });

  // parseTime resumes at the first element whose text changed since the last value: it must not change answers.
  it("gives the same answers when resuming from the previous value", () => {
    const sequences: [string, string[]][] = [
      ["02/Jan/2006:15:04:05 -0700", ["10/Oct/2000:13:55:36 -0700", "10/Oct/2000:13:55:37 -0700", "10/Oct/2000:13:55:37 +0200",
        "10/Oct/2000:13:55:3", "10/Oct/2000:13:55:38 -0700", "11/Oct/2000:13:55:38 -0700", "11/Oct/2000:13:55:38 -0700x",
        "11/Oct/2000:13:55:38 -0700", "01/Nov/2000:13:55:38 -0700"]],
      ["Jan _2 15:04:05.999", ["Oct  9 13:55:36", "Oct  9 13:55:36.5", "Oct  9 13:55:36", "Oct 19 13:55:36.25", "Oct 1 13:55:36"]],
      ["2006-1-2 3:4:5 PM MST", ["2021-6-1 3:4:5 PM UTC", "2021-6-1 3:4:5 AM UTC", "2021-6-1 3:4:59 AM PST", "2021-6-12 3:4:5 PM GMT+2",
        "2021-6-12 3:4:5 PM GMT", "2021-6-1 12:4:5 AM EST"]],
      ["2006-01-02 15:04:05", ["2021-06-01 03:04:05", "2021-06-01 03:04:05.123456", "2021-06-01 03:04:05", "2021-06-01 03:04:0"]],
    ];
    const outcome = (l: string, v: string, layout = compileLayout(l)): string => {
      try {
        return String(parseTime(layout, v, resolveZone("America/New_York"), { nowMs: now2026 }));
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const [l, values] of sequences) {
      const reused = compileLayout(l);
      for (const v of [...values, ...values.slice().reverse()]) expect(outcome(l, v, reused), v).to.equal(outcome(l, v));
    }
  });

  it("leaves year 0 alone without the syslog patch", () => {
    const ms = parseTime(compileLayout("Jan _2 15:04:05"), "Mar  1 00:00:00", UTC, { syslogUseCurrentYear: false });
    expect(new Date(ms).getUTCFullYear()).to.equal(0);
  });

  it("says what did not match, in Go's words", () => {
    expect(() => parseTime(compileLayout("02/Jan/2006"), "02/Foo/2020")).to.throw(
      'parsing time "02/Foo/2020" as "02/Jan/2006": cannot parse "Foo/2020" as "Jan"',
    );
    expect(() => parseTime(compileLayout("2006-01-02"), "2020-01-02x")).to.throw('extra text: "x"');
    expect(() => parseTime(compileLayout("2006-01-02"), "2020-02-30")).to.throw("day out of range");
  });

  describe("checkLayout (mtail's compile-time check)", () => {
    const cases: [string, boolean][] = [
      ["02/Jan/2006:15:04:05 -0700", true],
      ["Jan _2 15:04:05", true],
      ["2006-01-02T15:04:05Z07:00", true],
      ["2006-01-02T15:04:05.000Z", false],
      ["1136239445", false],
      ["%Y-%m-%d", true],
      ["Jan 32", false],
    ];
    for (const [layout, ok] of cases) {
      it(`${ok ? "accepts" : "rejects"} ${layout}`, () => {
        const err = checkLayout(layout);
        if (ok) expect(err).to.equal(undefined);
        else expect(err).to.match(/^invalid time format string "/);
      });
    }
  });

  describe("resolveZone", () => {
    it("knows UTC, Local and IANA names", () => {
      expect(resolveZone("")).to.equal(UTC);
      expect(resolveZone("UTC")).to.equal(UTC);
      expect(resolveZone("Europe/Berlin").offsetAt(Date.UTC(2021, 6, 1) / 1000)).to.equal(7200);
      expect(resolveZone("Europe/Berlin").offsetAt(Date.UTC(2021, 0, 1) / 1000)).to.equal(3600);
      expect(() => resolveZone("Local")).to.not.throw();
    });
    it("rejects an unknown name with a hint", () => {
      expect(() => resolveZone("Mars/Olympus")).to.throw(/^Couldn't parse timezone "Mars\/Olympus": unknown time zone/);
      if (hasTzdata) expect(() => resolveZone("europe/berlin")).to.throw(/unknown time zone europe\/berlin/);
      expect(resolveZone("US/Eastern").offsetAt(Date.UTC(2021, 0, 1) / 1000)).to.equal(-18000);
    });
  });
});

describe("TimeMemo", () => {
  const layout = compileLayout("2006-01-02 15:04:05");
  it("returns cached results, keyed by the value only", () => {
    const memo = new TimeMemo(UTC);
    const t = memo.parse(layout, "2021-06-01 00:00:00");
    expect(t).to.equal(Date.UTC(2021, 5, 1));
    // mtail's memo ignores the layout: the same value with another layout gives the cached instant.
    expect(memo.parse(compileLayout("2006-02-01 15:04:05"), "2021-06-01 00:00:00")).to.equal(t);
  });
  it("throws once for a bad value, then yields no time (as mtail's memo does)", () => {
    const memo = new TimeMemo(UTC);
    expect(() => memo.parse(layout, "bad")).to.throw(TimeParseError);
    expect(memo.parse(layout, "bad")).to.be.NaN;
    expect(UNSET_TIME).to.be.NaN;
  });
  it("evicts the least recently used entry beyond its capacity", () => {
    const memo = new TimeMemo(UTC, {}, 2);
    expect(() => memo.parse(layout, "bad")).to.throw();
    memo.parse(layout, "2021-06-01 00:00:00");
    memo.parse(layout, "2021-06-01 00:00:01");
    expect(() => memo.parse(layout, "bad")).to.throw(); // evicted, so it fails again
  });
});
