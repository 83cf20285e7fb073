// The logfmt scanner: which texts are logfmt and what each key reads as (docs/language.md, "What counts as a
// record"), one row per rule.
import { expect } from "chai";
import { FieldPaths } from "../../../../src/runtime/fields/field-paths.js";
import { LogfmtRecord } from "../../../../src/runtime/fields/logfmt-record.js";

const cases: { name: string; text: string; ok: boolean; want?: Record<string, string | null>; nums?: Record<string, number | undefined> }[] = [
  { name: "pairs", text: "ts=2024-05-01T10:00:00Z level=info status=200 duration=0.153", ok: true, want: { level: "info", status: "200" }, nums: { status: 200, duration: 0.153, level: undefined } },
  { name: "any order, tabs and extra spaces", text: "  status=503\tlevel=error   ", ok: true, want: { level: "error", status: "503" }, nums: { status: 503 } },
  { name: "quoted values with escapes", text: 'msg="say \\"hi\\" \\\\ \\n" path="/a b"', ok: true, want: { msg: 'say "hi" \\ \n', path: "/a b" } },
  { name: "quoted number converts", text: 'status="404"', ok: true, nums: { status: 404 } },
  { name: "unknown escape keeps its backslash", text: 'msg="a\\qb"', ok: true, want: { msg: "a\\qb" } },
  { name: "empty value", text: "level= status=200", ok: true, want: { level: "" }, nums: { level: undefined } },
  { name: "bare key is true", text: "cached status=200", ok: true, want: { cached: "true" }, nums: { cached: undefined } },
  { name: "dotted keys are flat", text: "http.status=200 http.method=GET", ok: true, want: { "http.status": "200", "http.method": "GET" } },
  { name: "= inside an unquoted value", text: "path=/a?b=c status=200", ok: true, want: { path: "/a?b=c" } },
  { name: "duplicate keys: last wins", text: "level=info level=warn", ok: true, want: { level: "warn" } },
  { name: "missing key", text: "level=info", ok: true, want: { status: null } },
  { name: "unicode", text: "user=jösé msg=\"日本 😀\"", ok: true, want: { user: "jösé", msg: "日本 😀" } },
  { name: "no pair with = is not logfmt", text: "just some words", ok: false },
  { name: "empty text", text: "", ok: false },
  { name: "unterminated quote", text: 'msg="never closed status=200', ok: false },
  { name: "text after a closing quote", text: 'msg="a"b status=1', ok: false },
  { name: "quote inside an unquoted value", text: 'msg=a"b status=1', ok: false },
  { name: "word starting with =", text: "=value status=1", ok: false },
  { name: "quote inside a key", text: 'ke"y=1', ok: false },
];

describe("runtime/fields: logfmt records", () => {
  // A trailing tab changes nothing but sends the text down the scanner's general path (tabs as separators)
  // instead of its spaces-only fast path: both must agree on every row.
  const variants = cases.flatMap((c) => [c, { ...c, name: `${c.name} (with a tab)`, text: c.text + "\t" }]);
  for (const c of variants) {
    it(c.name, () => {
      const fp = new FieldPaths();
      const keys = [...new Set([...Object.keys(c.want ?? {}), ...Object.keys(c.nums ?? {})])];
      const slots = new Map(keys.map((k) => [k, fp.slot([k])]));
      const rec = new LogfmtRecord(fp);
      rec.parse(c.text);
      expect(rec.ok).to.equal(c.ok);
      let checked = 0;
      for (const [k, v] of Object.entries(c.want ?? {})) {
        const s = slots.get(k) as number;
        expect(rec.has(s), `has ${k}`).to.equal(v !== null);
        expect(rec.str(s), `str ${k}`).to.equal(v === null ? undefined : v);
        checked++;
      }
      for (const [k, v] of Object.entries(c.nums ?? {})) {
        expect(rec.num(slots.get(k) as number), `num ${k}`).to.equal(v);
        checked++;
      }
      expect(checked > 0 || !c.ok, "a case that parses must check a value").to.equal(true);
    });
  }

  it("scans a 50 MB line in one pass", () => {
    const fp = new FieldPaths();
    const s = fp.slot(["status"]);
    const rec = new LogfmtRecord(fp);
    rec.parse(`pad=${"x".repeat(50 * 1024 * 1024)} status=200`);
    expect(rec.ok).to.equal(true);
    expect(rec.num(s)).to.equal(200);
  });
});
