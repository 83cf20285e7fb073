// The per-record cache every loaded program reads json/logfmt records through: a text is scanned at most once
// per format however many programs (or conditions) parse it, and only for the fields some program reads. Holds
// as many records per format as the most record conditions one program has, reused least recently used first,
// so a record is never reused while a program still reads it. Imports compiler types and ./.

import type { RecordFields, RecordFormat, RecordReader } from "../../compiler/compile.js";
import { FieldPaths } from "./field-paths.js";
import { JsonRecord } from "./json-record.js";
import { LogfmtRecord } from "./logfmt-record.js";

/** The record of a text that did not parse: every field is missing. */
const EMPTY: RecordFields = {
  has: () => false,
  num: () => undefined,
  str: () => undefined,
};

/** The scanned records of one format, looked up by text. */
class RecordPool<R extends JsonRecord | LogfmtRecord> {
  readonly paths = new FieldPaths();
  private records: R[];
  private clock = 0;

  constructor(private readonly make: (paths: FieldPaths) => R) {
    this.records = [make(this.paths)];
  }

  /** Keeps at least `n` records, so a program holding `n` records at once never has one reused under it. */
  reserve(n: number): void {
    while (this.records.length < n) this.records.push(this.make(this.paths));
  }

  get(text: string): R | null {
    const rs = this.records;
    const version = this.paths.version;
    let lru = rs[0] as R;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i] as R;
      if (r.text === text && r.version === version) {
        r.used = ++this.clock;
        return r.ok ? r : null;
      }
      if (r.used < lru.used) lru = r;
    }
    lru.parse(text);
    lru.used = ++this.clock;
    return lru.ok ? lru : null;
  }
}

/** The RecordReader the runtime links every program to. */
export class RecordCache implements RecordReader {
  private readonly jsonPool = new RecordPool((p) => new JsonRecord(p));
  private readonly logfmtPool = new RecordPool((p) => new LogfmtRecord(p));
  readonly empty = EMPTY;

  slot(format: RecordFormat, path: readonly string[]): number {
    return (format === "json" ? this.jsonPool : this.logfmtPool).paths.slot(path);
  }

  /** Sizes the pools for a program with this many json/logfmt conditions. */
  reserve(sites: { json: number; logfmt: number }): void {
    this.jsonPool.reserve(sites.json);
    this.logfmtPool.reserve(sites.logfmt);
  }

  json(text: string): RecordFields | null {
    return this.jsonPool.get(text);
  }

  logfmt(text: string): RecordFields | null {
    return this.logfmtPool.get(text);
  }
}
