// The lazy JSON scanner against JSON.parse: whether a text is a JSON object, and the value of each wanted path,
// on a table of hand-written texts, on hostile input and on randomly generated and mutated texts.
import { expect } from "chai";
import { FieldPaths } from "../../../../src/runtime/fields/field-paths.js";
import { JsonRecord } from "../../../../src/runtime/fields/json-record.js";

/** What JSON.parse says a field reads as (the documented rule in docs/language.md), independently of the scanner. */
function expected(text: string, path: string[]): { ok: boolean; has?: boolean; str?: string; num?: number } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return { ok: false };
  for (const k of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, k)) return { ok: true, has: false };
    v = (v as Record<string, unknown>)[k];
  }
  if (v === null || v === undefined) return { ok: true, has: false };
  const numText = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
  if (typeof v === "number") return { ok: true, has: true, num: v, str: v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(v) };
  if (typeof v === "string") return { ok: true, has: true, str: v, num: numText.test(v) ? Number(v) : undefined };
  if (typeof v === "boolean") return { ok: true, has: true, str: String(v) };
  return { ok: true, has: true }; // object or array: its JSON text, checked separately
}

function scan(text: string, paths: string[][]): { rec: JsonRecord; slots: number[] } {
  const fp = new FieldPaths();
  const slots = paths.map((p) => fp.slot(p));
  const rec = new JsonRecord(fp);
  rec.parse(text);
  return { rec, slots };
}

function check(text: string, paths: string[][]): void {
  const { rec, slots } = scan(text, paths);
  const ok = expected(text, []).ok;
  expect(rec.ok, `ok for ${JSON.stringify(text.slice(0, 200))}`).to.equal(ok);
  if (!ok) return;
  paths.forEach((p, i) => {
    const want = expected(text, p);
    const slot = slots[i] as number;
    const where = `${p.join(".")} in ${JSON.stringify(text.slice(0, 200))}`;
    expect(rec.has(slot), `has ${where}`).to.equal(want.has);
    if (want.str !== undefined) expect(rec.str(slot), `str ${where}`).to.equal(want.str);
    if (want.has === true && want.str === undefined) expect(JSON.parse(rec.str(slot) as string), `JSON text ${where}`).to.deep.equal(JSON.parse(JSON.stringify(pathValue(text, p))));
    if (want.has === true) expect(rec.num(slot), `num ${where}`).to.deep.equal(want.num);
  });
}

function pathValue(text: string, path: string[]): unknown {
  let v: unknown = JSON.parse(text);
  for (const k of path) v = (v as Record<string, unknown>)[k];
  return v;
}

const P = [["a"], ["b"], ["a", "b"], ["a", "b", "c"], ["x y"], ["@timestamp"], ["é"], ["n"]];

const cases: { name: string; text: string }[] = [
  { name: "flat object", text: '{"a":1,"b":"two","n":null}' },
  { name: "whitespace everywhere", text: ' \t{ "a" : 1 ,\r\n "b" : [ 1 , 2 ] } \r' },
  { name: "empty object", text: "{}" },
  { name: "nested objects and paths", text: '{"a":{"b":{"c":"deep"},"z":[{"b":1}]},"b":{}}' },
  { name: "path through a scalar is missing", text: '{"a":5}' },
  { name: "path through an array is missing", text: '{"a":[{"b":1}]}' },
  { name: "duplicate keys: last wins", text: '{"a":1,"b":2,"a":"last"}' },
  { name: "duplicate object replaced by an object without the nested key", text: '{"a":{"b":1},"a":{"c":2}}' },
  { name: "duplicate object replaced by a scalar", text: '{"a":{"b":{"c":3}},"a":7}' },
  { name: "every escape", text: '{"a":"q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \\ud800 end","b":"\\u0031\\u0032"}' },
  { name: "escaped key matches its decoded text", text: '{"\\u0061":"via escape","\\u00e9":1}' },
  { name: "non-identifier keys", text: '{"@timestamp":"2024-01-01","x y":"space"}' },
  { name: "unicode and astral text", text: '{"a":"日本語 😀","é":"accent"}' },
  { name: "replacement characters from invalid UTF-8", text: '{"a":"bad \ufffd\ufffd bytes"}' },
  { name: "numbers", text: '{"a":-0.5e-3,"b":1E+2,"n":0}' },
  { name: "huge numbers become infinities", text: '{"a":1e400,"b":-1e400}' },
  { name: "integers beyond 2^53", text: '{"a":12345678901234567890}' },
  { name: "numeric strings convert", text: '{"a":"200","b":" 12"}' },
  { name: "booleans", text: '{"a":true,"b":false}' },
  { name: "array value", text: '{"a":[1,"two",{"three":3}],"b":[]}' },
  { name: "object value read as text", text: '{"a":{"k":[1,2]}}' },
  { name: "array at top level", text: "[1,2,3]" },
  { name: "scalar at top level", text: '"just a string"' },
  { name: "number at top level", text: "42" },
  { name: "empty text", text: "" },
  { name: "trailing garbage", text: '{"a":1} x' },
  { name: "two objects", text: '{"a":1}{"b":2}' },
  { name: "truncated", text: '{"a":1,"b":"unterminated' },
  { name: "trailing comma", text: '{"a":1,}' },
  { name: "leading zero", text: '{"a":01}' },
  { name: "plus sign", text: '{"a":+1}' },
  { name: "bare dot", text: '{"a":1.}' },
  { name: "single quotes", text: "{'a':1}" },
  { name: "unquoted key", text: "{a:1}" },
  { name: "control character in a string", text: '{"a":"tab\there"}' },
  { name: "newline in a string", text: '{"a":"two\nlines"}' },
  { name: "newline as whitespace (a multi-line record)", text: '{\n  "a": 1,\n  "b": "x"\n}' },
  { name: "bad escape", text: '{"a":"\\x41"}' },
  { name: "short unicode escape", text: '{"a":"\\u12"}' },
  { name: "NaN literal", text: '{"a":NaN}' },
  { name: "misspelt literal", text: '{"a":tru}' },
  { name: "missing colon", text: '{"a" 1}' },
  { name: "unclosed nested array", text: '{"a":[1,2}' },
  { name: "mismatched brackets in a skipped value", text: '{"z":[{]}],"a":1}' },
];

describe("runtime/fields: JSON records", () => {
  for (const c of cases) it(c.name, () => check(c.text, P));

  it("reads 10,000 levels of nesting, skipped or along a wanted path's start, without recursion", () => {
    const deep = "[".repeat(10000) + "]".repeat(10000);
    const { rec, slots } = scan(`{"a":${deep},"b":1}`, [["a"], ["b"]]);
    expect(rec.ok).to.equal(true);
    expect(rec.str(slots[0] as number)).to.equal(deep);
    expect(rec.num(slots[1] as number)).to.equal(1);
    const deepObj = '{"a":'.repeat(10000) + "1" + "}".repeat(10000);
    const nested = scan(deepObj, [["a", "a", "a"], ["b"]]);
    expect(nested.rec.ok).to.equal(true);
    expect(nested.rec.str(nested.slots[0] as number)).to.equal('{"a":'.repeat(9997) + "1" + "}".repeat(9997));
    expect(nested.rec.has(nested.slots[1] as number)).to.equal(false);
    check(`{"z":${"[".repeat(10000)}}`, P); // unclosed: not JSON
    check(`{"z":${"[".repeat(10000)}${"]".repeat(9999)}}`, P);
  });

  it("reads a raw control character other than tab and newline in a string as if escaped (documented)", () => {
    const { rec, slots } = scan('{"a":"bell\u0007here","b":1}', [["a"], ["b"]]);
    expect(rec.ok).to.equal(true);
    expect(rec.str(slots[0] as number)).to.equal("bell\u0007here");
    // With a backslash elsewhere the text takes the strict path, which refuses it as JSON.parse does.
    expect(scan('{"a":"bell\u0007here","b":"\\n"}', [["a"]]).rec.ok).to.equal(false);
  });

  it("scans a 50 MB line in one pass", () => {
    const big = `{"pad":"${"x".repeat(50 * 1024 * 1024)}","a":{"b":"after"},"b":2}`;
    const { rec, slots } = scan(big, [["a", "b"], ["b"]]);
    expect(rec.ok).to.equal(true);
    expect(rec.str(slots[0] as number)).to.equal("after");
    expect(rec.num(slots[1] as number)).to.equal(2);
  });

  it("agrees with JSON.parse on 3,000 random objects and their mutations", () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keys = ["a", "b", "c", "x y", "@timestamp", "é", "n"];
    const value = (depth: number): unknown => {
      switch (rnd(depth > 3 ? 5 : 7)) {
        case 0: return rnd(2000) - 1000;
        case 1: return (rnd(100000) - 50000) / 128;
        case 2: return ["", "text", "q\"uote", "back\\slash", "é😀", "\n\t", "200"][rnd(7)];
        case 3: return [true, false, null][rnd(3)];
        case 4: return String(rnd(1000));
        case 5: return Array.from({ length: rnd(4) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: rnd(5) }, () => [keys[rnd(keys.length)], value(depth + 1)]));
      }
    };
    const mutate = (t: string): string => {
      const i = rnd(t.length + 1);
      switch (rnd(4)) {
        case 0: return t.slice(0, i) + t.slice(i + 1);
        case 1: return t.slice(0, i) + ",]}\"\\:x0- "[rnd(11)] + t.slice(i);
        case 2: return t.slice(0, i);
        default: return t.replace(/:/, ": ");
      }
    };
    let valid = 0;
    let invalid = 0;
    for (let n = 0; n < 3000; n++) {
      const obj = Object.fromEntries(Array.from({ length: rnd(6) }, () => [keys[rnd(keys.length)], value(0)]));
      const text = JSON.stringify(obj, null, rnd(2) === 0 ? undefined : 1);
      check(text, P);
      const bad = mutate(text);
      check(bad, P);
      if (expected(bad, []).ok) valid++;
      else invalid++;
    }
    // The mutations must have produced both outcomes, or the comparison tested nothing.
    expect(valid).to.be.greaterThan(100);
    expect(invalid).to.be.greaterThan(100);
  });

  it("reads numbers bit for bit as JSON.parse does, at every length around the scan's 15-digit exact path", () => {
    let seed = 777;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const digits = (n: number, first = true): string =>
      Array.from({ length: n }, (_, k) => String(k === 0 && first ? 1 + rnd(9) : rnd(10))).join("");
    const texts = ["0", "-0", "0.0", "-0.000", "1", "9007199254740993", "123456789012345", "1234567890123456",
      "0.1", "0.30000000000000004", "999999999999999.9", "99999999999999.99", "1e5", "1.5E-7", "-2.5e+300"];
    for (let n = 0; n < 4000; n++) {
      const int = rnd(4) === 0 ? "0" : digits(1 + rnd(18));
      const frac = rnd(2) === 0 ? "" : "." + digits(1 + rnd(18), false);
      const exp = rnd(6) === 0 ? `e${["", "+", "-"][rnd(3)]}${rnd(30)}` : "";
      texts.push((rnd(3) === 0 ? "-" : "") + int + frac + exp);
    }
    for (const t of texts) {
      const { rec, slots } = scan(`{"a":${t},"b":[${t}],"n":${t}}`, [["a"], ["n"]]);
      const want = JSON.parse(t) as number;
      expect(Object.is(rec.num(slots[0] as number), want), `a = ${t}`).to.equal(true);
      expect(Object.is(rec.num(slots[1] as number), want), `n = ${t}`).to.equal(true);
    }
  });

  it("a path added after a parse is not read from the stale parse", () => {
    const fp = new FieldPaths();
    const rec = new JsonRecord(fp);
    rec.parse('{"a":1,"b":2}');
    const b = fp.slot(["b"]);
    expect(rec.version).to.not.equal(fp.version);
    rec.parse('{"a":1,"b":2}');
    expect(rec.num(b)).to.equal(2);
  });
});
