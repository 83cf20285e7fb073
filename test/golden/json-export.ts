// Normalises mtail's --one_shot_format=json output so two runs can be compared: drops the wall-clock "Time"
// fields and sorts what Go prints in map order. Depends on nothing of ours.

/** Returns a canonical copy of a parsed mtail JSON export: no "Time" keys, arrays of label sets sorted. */
export function normaliseJsonExport(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normaliseJsonExport);
    // LabelValues and per-program metric lists come out in Go map order: sort them by their content.
    return items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === "Time") continue;
      out[key] = normaliseJsonExport((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

/** Lists the paths where two normalised exports differ (at most `limit`), e.g. `requests[0].LabelValues[1].Value.Value: 3 != 4`. */
export function diffJson(want: unknown, got: unknown, path = "", limit = 20, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (Array.isArray(want) && Array.isArray(got)) {
    if (want.length !== got.length) out.push(`${path}: ${want.length} item(s) in mtail, ${got.length} in logtally`);
    for (let i = 0; i < Math.min(want.length, got.length); i++) diffJson(want[i], got[i], `${path}[${i}]`, limit, out);
    return out;
  }
  if (want !== null && got !== null && typeof want === "object" && typeof got === "object" && !Array.isArray(want) && !Array.isArray(got)) {
    const w = want as Record<string, unknown>, g = got as Record<string, unknown>;
    for (const k of Object.keys(w)) {
      if (!(k in g)) out.push(`${path}.${k}: missing in logtally (mtail: ${JSON.stringify(w[k]).slice(0, 80)})`);
      else diffJson(w[k], g[k], path === "" ? k : `${path}.${k}`, limit, out);
    }
    for (const k of Object.keys(g)) if (!(k in w)) out.push(`${path}.${k}: extra in logtally (${JSON.stringify(g[k]).slice(0, 80)})`);
    return out;
  }
  if (!(Object.is(want, got) || want === got)) out.push(`${path}: mtail ${JSON.stringify(want)}, logtally ${JSON.stringify(got)}`);
  return out;
}
