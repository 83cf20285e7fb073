// Too many series (issue 15, point 7) against a real daemon: a scrape of 300,000 series is sorted and printed in
// slices, so /healthz answers while it is being prepared; `limit` acts when a series is created; the
// --max_series_per_metric budget drops, counts, logs once and shows in the cardinality view.
import { expect } from "chai";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import protobuf from "protobufjs/light.js";
import { MetricFamilyType } from "../../src/exporter/metrics-proto.js";
import { LogtallyProcess, httpGet } from "../helpers/logtally-process.js";
import { waitFor } from "../helpers/wait-for.js";

const PROTOBUF_ACCEPT = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,text/plain;version=0.0.4;q=0.5";

/** GET with a generous timeout, noting when the first byte of the body arrived. */
function scrape(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; bytes: Buffer; firstByte: Promise<void> }> {
  let markFirst!: () => void;
  const firstByte = new Promise<void>((resolve) => (markFirst = resolve));
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers, agent: false, timeout: 60_000 }, (res) => {
      markFirst();
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        const bytes = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, body: bytes.toString("utf8"), bytes, firstByte });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on("error", reject);
  });
}

/** Runs `work` while polling /healthz back to back; the slowest answer, how many, and how long `work` took. */
async function whileHealthChecked<T>(port: number, work: () => Promise<T>): Promise<{ result: T; maxMs: number; answers: number; durationMs: number }> {
  let done = false;
  let maxMs = 0;
  let answers = 0;
  const poller = (async () => {
    while (!done) {
      const t = performance.now();
      expect((await httpGet({ port }, "/healthz")).status).to.equal(200);
      maxMs = Math.max(maxMs, performance.now() - t);
      answers++;
    }
  })();
  const t0 = performance.now();
  try {
    const result = await work();
    return { result, maxMs, answers, durationMs: performance.now() - t0 };
  } finally {
    done = true;
    await poller;
  }
}

/** A protobufjs reader over a delimited exposition. */
function protobufReader(bytes: Buffer) {
  return protobuf.Reader.create(bytes);
}

describe("hostile: too many series (integration)", function () {
  this.timeout(180_000);
  let dir: string;
  let d: LogtallyProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-hostile-series-"));
    mkdirSync(path.join(dir, "progs"));
    mkdirSync(path.join(dir, "logs"));
    writeFileSync(path.join(dir, "logs", "app.log"), "");
  });
  afterEach(async () => {
    await d?.stop("SIGKILL").catch(() => undefined);
    d = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (extra: string[] = []): Promise<number> => {
    d = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "logs", "*.log"), "--port", "0", "--address", "127.0.0.1", ...extra]);
    return d.waitForHttp();
  };

  it("answers /healthz while a scrape of 300,000 series is prepared, and the scrape is complete", async () => {
    const SERIES = 300_000;
    writeFileSync(path.join(dir, "progs", "ids.mtail"), "counter requests_total by id\n/^req (\\d+)$/ {\n  requests_total[$1]++\n}\n");
    const port = await start();
    appendFileSync(path.join(dir, "logs", "app.log"), Array.from({ length: SERIES }, (_, i) => `req ${i}\n`).join(""));
    let total = 0;
    await waitFor(
      async () => {
        total = (JSON.parse((await httpGet({ port }, "/api/cardinality")).body) as { totalSeries: number }).totalSeries;
        return total === SERIES;
      },
      120_000,
      () => `series: ${total}`,
      200,
    );

    for (const urlPath of ["/metrics", "/json"]) {
      let scrapeStarted = false;
      let beforeFirstByte = 0;
      let healthy = 0;
      let done = false;
      const pending = scrape(port, urlPath);
      const firstByte = pending.then((r) => r.firstByte);
      let gotFirstByte = false;
      void firstByte.then(() => (gotFirstByte = true));
      scrapeStarted = true;
      const poller = (async () => {
        while (!done) {
          const r = await httpGet({ port }, "/healthz");
          expect(r.status).to.equal(200);
          healthy++;
          if (scrapeStarted && !gotFirstByte) beforeFirstByte++;
        }
      })();
      let result: Awaited<ReturnType<typeof scrape>>;
      try {
        result = await pending;
      } finally {
        done = true;
        await poller;
      }
      expect(result.status, urlPath).to.equal(200);
      if (urlPath === "/metrics") {
        const lines = result.body.split("\n").filter((l) => l.startsWith("requests_total{"));
        expect(lines.length).to.equal(SERIES);
        expect(result.body).to.include('requests_total{id="299999",prog="ids.mtail"} 1\n');
        // Sorting and checking 300k series happens before the first byte: /healthz was answered meanwhile.
        expect(beforeFirstByte, "health checks answered while the scrape was prepared").to.be.greaterThan(0);
      } else {
        const parsed = JSON.parse(result.body) as Record<string, Array<{ LabelValues: unknown[] }>>;
        expect(parsed.requests_total![0]!.LabelValues.length).to.equal(SERIES);
      }
      expect(healthy).to.be.greaterThan(0);
    }

    // The protobuf exposition (Prometheus with native histograms asks for it first) is encoded in slices too: no
    // /healthz waits for more than a fraction of the scrape (encoding 300k series in one piece held it ~1 s).
    const watched = await whileHealthChecked(port, () => scrape(port, "/metrics", { Accept: PROTOBUF_ACCEPT }));
    expect(watched.result.status).to.equal(200);
    const families: Array<{ name: string; metric: unknown[] }> = [];
    const reader = protobufReader(watched.result.bytes);
    while (reader.pos < reader.len) families.push(MetricFamilyType.decodeDelimited(reader) as unknown as { name: string; metric: unknown[] });
    expect(families.find((f) => f.name === "requests_total")!.metric.length).to.equal(SERIES);
    expect(families.some((f) => f.name === "logtally_program_loaded")).to.equal(true);
    expect(watched.answers, `during ${watched.durationMs.toFixed(0)} ms`).to.be.at.least(5);
    expect(watched.maxMs, `slowest /healthz during a ${watched.durationMs.toFixed(0)} ms protobuf scrape`).to.be.below(watched.durationMs / 2);

    // A burst of cardinality requests shares one walk of the 300k series (and then its result): all answer, alike,
    // and /healthz keeps answering.
    const burst = await whileHealthChecked(port, () => Promise.all(Array.from({ length: 20 }, () => httpGet({ port }, "/api/cardinality"))));
    const bodies = new Set(burst.result.map((r) => r.body));
    expect(bodies.size).to.equal(1);
    expect((JSON.parse([...bodies][0]!) as { totalSeries: number }).totalSeries).to.equal(SERIES);
    expect(burst.answers).to.be.greaterThan(0);
  });

  it("limit acts on create; --max_series_per_metric drops, counts, logs once and shows in the cardinality view", async () => {
    writeFileSync(path.join(dir, "progs", "users.mtail"), "counter by_user by user\n/^u (\\S+)$/ {\n  by_user[$1]++\n}\n");
    writeFileSync(path.join(dir, "progs", "capped.mtail"), "counter capped by k limit 10\n/^c (\\S+)$/ {\n  capped[$1]++\n}\n");
    writeFileSync(path.join(dir, "progs", "count.mtail"), "counter seen_total\n/$/ {\n  seen_total++\n}\n");
    const port = await start(["--max_series_per_metric", "100"]);
    const lines = [
      ...Array.from({ length: 150 }, (_, i) => `u user${i}`),
      ...Array.from({ length: 50 }, (_, i) => `c key${i}`),
      "u user0",
    ];
    appendFileSync(path.join(dir, "logs", "app.log"), lines.join("\n") + "\n");
    let body = "";
    await waitFor(
      async () => (body = (await httpGet({ port }, "/metrics")).body).includes(`seen_total{prog="count.mtail"} ${lines.length}\n`),
      30_000,
      () => body.slice(0, 3000),
      50,
    );
    const seriesOf = (name: string): string[] => body.split("\n").filter((l) => l.startsWith(name + "{"));
    expect(seriesOf("by_user").length).to.equal(100);
    expect(body).to.include('by_user{prog="users.mtail",user="user0"} 2\n');
    expect(body).to.not.include('user="user100"');
    expect(body).to.include('logtally_series_dropped_total{prog="users.mtail",metric="by_user"} 50\n');
    // limit 10 kept the 10 most recent keys without waiting for the hourly collection.
    expect(seriesOf("capped").map((l) => /k="(key\d+)"/.exec(l)![1]).sort()).to.deep.equal(
      Array.from({ length: 10 }, (_, i) => `key${40 + i}`).sort(),
    );
    expect(d!.stderr.split("reached --max_series_per_metric").length - 1, d!.stderr).to.equal(1);

    const card = JSON.parse((await httpGet({ port }, "/api/cardinality")).body) as {
      totalSeries: number;
      metrics: Array<{ name: string; program: string; series: number; budget: number; dropped: number; topLabel: { name: string; values: number } | null }>;
    };
    expect(card.metrics[0]).to.deep.include({ name: "by_user", program: "users.mtail", series: 100, budget: 100, dropped: 50 });
    expect(card.metrics[0]!.topLabel).to.deep.equal({ name: "user", values: 100 });
    expect(card.metrics[1]).to.deep.include({ name: "capped", series: 10 });
    const page = (await httpGet({ port }, "/")).body;
    expect(page).to.include("<h2>Series (");
    expect(page).to.match(/<code>by_user<\/code><\/td><td><code>users\.mtail<\/code><\/td><td class="n">100<\/td>/);
  });
});
