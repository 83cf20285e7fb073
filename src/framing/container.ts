// Reads one line of a container runtime's log: CRI (`<RFC 3339 time> <stdout|stderr> <P|F> <message>`, the format
// of /var/log/containers/*.log under containerd and CRI-O) or Docker's json-file (`{"log":"...\n","stream":...,
// "time":...}`). Lines arrive as bytes (one character per byte, see LineFramer.wantsBytes) and the message stays
// bytes, so pieces of a line split inside a UTF-8 sequence can be joined before decoding. Imports nothing.

/** The parts of one container line; one object per source, overwritten by every parse. */
export interface ContainerEntry {
  /** "stdout" or "stderr" (Docker's other values are kept as written). */
  stream: string;
  /** The message is a piece of a longer line that goes on in the next entry of the same stream. */
  partial: boolean;
  /** The message, as bytes (latin1 characters), without the wrapper or Docker's final newline. */
  message: string;
  /** The message came out of JSON escapes (Docker), which may stand for non-ASCII bytes. */
  escaped: boolean;
  /** Where the runtime's timestamp sits in the line. */
  timeStart: number;
  timeEnd: number;
}

/** A fresh entry to parse into. */
export function newEntry(): ContainerEntry {
  return { stream: "", partial: false, message: "", escaped: false, timeStart: 0, timeEnd: 0 };
}

export const STDOUT = "stdout";
export const STDERR = "stderr";

/** Parses a CRI line into `e`; false when the line is not one. */
export function parseCri(line: string, e: ContainerEntry): boolean {
  // The time is at least "2006-01-02T15:04:05Z": 20 characters, starting with a digit.
  const sp1 = line.indexOf(" ", 20);
  const c0 = line.charCodeAt(0);
  if (sp1 < 0 || c0 < 48 || c0 > 57 || line.charCodeAt(4) !== 45) return false;
  // Character compares rather than startsWith at an offset, which is a runtime call on a sliced string (see
  // rfc3339.ts): "std" then "out " or "err ".
  const p = sp1 + 1;
  if (line.charCodeAt(p) !== 115 || line.charCodeAt(p + 1) !== 116 || line.charCodeAt(p + 2) !== 100 || line.charCodeAt(p + 6) !== 32) return false;
  const c3 = line.charCodeAt(p + 3);
  if (c3 === 111 && line.charCodeAt(p + 4) === 117 && line.charCodeAt(p + 5) === 116) e.stream = STDOUT;
  else if (c3 === 101 && line.charCodeAt(p + 4) === 114 && line.charCodeAt(p + 5) === 114) e.stream = STDERR;
  else return false;
  const tag = sp1 + 8;
  // The tag is P (partial) or F (full), possibly followed by more colon-separated tags in future runtimes.
  const t = line.charCodeAt(tag);
  if (t !== 80 /* P */ && t !== 70 /* F */) return false;
  const sp3 = line.indexOf(" ", tag);
  e.partial = t === 80;
  e.message = sp3 < 0 ? "" : line.slice(sp3 + 1);
  e.escaped = false;
  e.timeStart = 0;
  e.timeEnd = sp1;
  return true;
}

/**
 * Parses a Docker json-file line into `e`; false when it is not a JSON object with a string "log". The keys may
 * come in any order and others (Docker's "attrs") are skipped. A "log" without a final newline is partial.
 */
export function parseDocker(line: string, e: ContainerEntry): boolean {
  const n = line.length;
  let i = skipSpace(line, 0);
  if (line.charCodeAt(i) !== 123 /* { */) return false;
  let message: string | undefined;
  let escaped = false;
  let stream = "";
  let timeStart = 0;
  let timeEnd = 0;
  i = skipSpace(line, i + 1);
  if (line.charCodeAt(i) === 125 /* } */) return false;
  for (;;) {
    if (line.charCodeAt(i) !== 34) return false;
    const keyEnd = stringEnd(line, i + 1);
    if (keyEnd < 0) return false;
    const keyStart = i + 1;
    i = skipSpace(line, keyEnd + 1);
    if (line.charCodeAt(i) !== 58 /* : */) return false;
    i = skipSpace(line, i + 1);
    const keyLength = keyEnd - keyStart;
    if (line.charCodeAt(i) === 34) {
      const valueEnd = stringEnd(line, i + 1);
      if (valueEnd < 0) return false;
      if (keyLength === 3 && line.startsWith("log", keyStart)) {
        const bs = line.indexOf("\\", i + 1);
        escaped = bs >= 0 && bs < valueEnd;
        message = unescape(line, i + 1, valueEnd);
      }
      else if (keyLength === 6 && line.startsWith("stream", keyStart)) stream = unescape(line, i + 1, valueEnd);
      else if (keyLength === 4 && line.startsWith("time", keyStart)) {
        timeStart = i + 1;
        timeEnd = valueEnd;
      }
      i = valueEnd + 1;
    } else {
      i = skipValue(line, i);
      if (i < 0) return false;
    }
    i = skipSpace(line, i);
    const c = line.charCodeAt(i);
    if (c === 125 /* } */) break;
    if (c !== 44 /* , */) return false;
    i = skipSpace(line, i + 1);
  }
  if (message === undefined || skipSpace(line, i + 1) !== n) return false;
  e.stream = stream === STDOUT ? STDOUT : stream === STDERR ? STDERR : stream;
  e.escaped = escaped;
  const last = message.length - 1;
  e.partial = last >= 0 && message.charCodeAt(last) !== 10;
  // Docker writes the application's newline; a CR before it (CRLF output) goes too, as the line splitter drops CRs.
  e.message = e.partial ? message : message.slice(0, message.charCodeAt(last - 1) === 13 ? last - 1 : last);
  e.timeStart = timeStart;
  e.timeEnd = timeEnd;
  return true;
}

function skipSpace(s: string, i: number): number {
  for (let c = s.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = s.charCodeAt(++i));
  return i;
}

// Index of the closing quote of the JSON string whose content starts at `i`, or -1.
function stringEnd(s: string, i: number): number {
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let j = q - 1; j >= i && s.charCodeAt(j) === 92; j--) backslashes++;
    if ((backslashes & 1) === 0) return q;
    i = q + 1;
  }
}

// Skips a JSON value that is not a string (number, literal, object, array); returns the index after it, or -1.
function skipValue(s: string, i: number): number {
  let depth = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(s, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === 123 || c === 91) {
      depth++;
    } else if (c === 125 || c === 93) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && (c === 44 || c === 32 || c === 9)) {
      return i;
    }
  }
  return -1;
}

const ESCAPES: Record<number, string> = { 34: '"', 92: "\\", 47: "/", 98: "\b", 102: "\f", 110: "\n", 114: "\r", 116: "\t" };

/**
 * The bytes a JSON string's content `s[start, end)` stands for, as latin1 characters: raw bytes stay as they are
 * and a `\uXXXX` escape becomes the UTF-8 bytes of its character (a surrogate pair as one 4-byte sequence).
 */
function unescape(s: string, start: number, end: number): string {
  let bs = s.indexOf("\\", start);
  if (bs < 0 || bs >= end) return s.slice(start, end);
  let out = "";
  let from = start;
  while (bs >= 0 && bs < end) {
    out += s.slice(from, bs);
    const c = s.charCodeAt(bs + 1);
    if (c === 117 /* u */) {
      let code = parseInt(s.slice(bs + 2, bs + 6), 16);
      let next = bs + 6;
      if (code >= 0xd800 && code <= 0xdbff && s.charCodeAt(next) === 92 && s.charCodeAt(next + 1) === 117) {
        const low = parseInt(s.slice(next + 2, next + 6), 16);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          next += 6;
        }
      }
      out += utf8Bytes(code !== code ? 0xfffd : code);
      from = next;
    } else {
      out += ESCAPES[c] ?? s[bs + 1] ?? "";
      from = bs + 2;
    }
    bs = s.indexOf("\\", from);
  }
  return out + s.slice(from, end);
}

// The UTF-8 encoding of one code point, one latin1 character per byte (a lone surrogate becomes U+FFFD).
function utf8Bytes(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x10000) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

const NON_ASCII = /[\x80-\xff]/;

/** Decodes bytes held as latin1 characters as UTF-8 (invalid sequences become U+FFFD). ASCII is returned as is. */
export function decodeBytes(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes;
}
