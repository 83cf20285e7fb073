// Maps a position in compiled JavaScript back to its TypeScript source through the .js.map file tsc writes
// beside it, so profile summaries name src/... lines. Only what profiles need: line/column lookups, no names.
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Per generated line: [generatedColumn, sourceIndex, sourceLine] segments in column order. */
type Segments = Array<Array<[number, number, number]>>;

interface LoadedMap {
  sources: string[];
  lines: Segments;
}

const cache = new Map<string, LoadedMap | null>();

/** The integers of one base64-VLQ segment (the caller splits segments on ','). */
function decodeVlq(s: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of s) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

function load(jsPath: string): LoadedMap | null {
  if (cache.has(jsPath)) return cache.get(jsPath)!;
  const mapPath = jsPath + ".map";
  let loaded: LoadedMap | null = null;
  if (existsSync(mapPath)) {
    const raw = JSON.parse(readFileSync(mapPath, "utf8")) as { sources: string[]; sourceRoot?: string; mappings: string };
    const base = resolve(dirname(jsPath), raw.sourceRoot ?? "");
    const sources = raw.sources.map((s) => resolve(base, s));
    const lines: Segments = [];
    let src = 0, srcLine = 0, srcCol = 0;
    for (const lineText of raw.mappings.split(";")) {
      let col = 0;
      const segs: Array<[number, number, number]> = [];
      for (const seg of lineText.split(",")) {
        if (!seg) continue;
        const f = decodeVlq(seg);
        col += f[0]!;
        if (f.length >= 4) {
          src += f[1]!;
          srcLine += f[2]!;
          srcCol += f[3]!;
          segs.push([col, src, srcLine]);
        }
      }
      lines.push(segs);
    }
    loaded = { sources, lines };
  }
  cache.set(jsPath, loaded);
  return loaded;
}

/** "src/x.ts:LINE" for a 0-based generated line and column of `jsPath`, or null when there is no map. */
export function originalPosition(jsPath: string, line: number, column: number, root: string): string | null {
  const map = load(jsPath);
  const segs = map?.lines[line];
  if (!map || !segs || segs.length === 0) return null;
  let best = segs[0]!;
  for (const s of segs) {
    if (s[0] > column) break;
    best = s;
  }
  return `${relative(root, map.sources[best[1]]!)}:${best[2] + 1}`;
}
