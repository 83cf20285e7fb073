// The daemon as users run it: a real `node bin/logtally.js` process on 127.0.0.1, real log files and program
// files, real signals. Ports are picked by the kernel (--port 0, or freePort() where the port must be written in a
// file), so two test runs on one machine (several engineers, CI jobs) never talk to each other's daemons.
import { expect } from "chai";
import dgram from "node:dgram";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, freePort, httpGet, waitForBody } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

const COUNT_PROGRAM = "counter requests_total by method\n/^(?P<method>[A-Z]+) / {\n  requests_total[$method]++\n}\n";
const BROKEN_PROGRAM = "counter requests_total by method\n/^(?P<method>[A-Z]+) / {\n  request_total[$method]++\n}\n";

describe("daemon (integration)", function () {
  this.timeout(30_000);
  let dir: string;
  let progs: string;
  let logs: string;
  const running: LogtallyProcess[] = [];
  const start = (args: string[]) => {
    const p = new LogtallyProcess(args);
    running.push(p);
    return p;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-daemon-"));
    progs = path.join(dir, "progs");
    logs = path.join(dir, "logs");
    mkdirSync(progs);
    mkdirSync(logs);
    writeFileSync(path.join(progs, "count.mtail"), COUNT_PROGRAM);
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop("SIGKILL").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves metrics for lines appended to a followed log, and stops cleanly on SIGTERM", async () => {
    const log = path.join(logs, "app.log");
    writeFileSync(log, "");
    const d = start(["--progs", progs, "--logs", path.join(logs, "*.log"), "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();
    appendFileSync(log, "GET /a\nPOST /b\nGET /c\n");
    const body = await waitForBody(port, "/metrics", (b) => b.includes('requests_total{method="GET",prog="count.mtail"} 2'));
    expect(body).to.include('requests_total{method="POST",prog="count.mtail"} 1');
    expect(body).to.include('logtally_lines_total{prog="count.mtail"} 3');
    expect(body).to.include("logtally_files_tailed 1");

    const status = await httpGet({ port }, "/");
    expect(status.status).to.equal(200);
    expect(status.body).to.include("count.mtail");
    expect(status.body).to.include(log);
    expect((await httpGet({ port }, "/json")).body).to.include('"Program": "count.mtail"');
    expect((await httpGet({ port }, "/healthz")).status).to.equal(200);
    expect((await httpGet({ port }, "/no-such-page")).status).to.equal(404);

    expect(await d.stop("SIGTERM")).to.equal(0);
    expect(d.stderr).to.include('"msg":"Stopped."');
    // Every log line is one JSON object.
    for (const line of d.stderr.trim().split("\n")) expect(() => JSON.parse(line), line).not.to.throw();
  });

  it("keeps the old version of a program broken on disk, shows the error, reloads it when fixed, drops it when removed", async () => {
    const log = path.join(logs, "app.log");
    writeFileSync(log, "");
    const d = start(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();
    appendFileSync(log, "GET /a\n");
    await waitForBody(port, "/metrics", (b) => b.includes('requests_total{method="GET",prog="count.mtail"} 1'));

    writeFileSync(path.join(progs, "count.mtail"), BROKEN_PROGRAM);
    await waitForBody(port, "/metrics", (b) => b.includes('logtally_program_compile_failures_total{prog="count.mtail"} 1'));
    appendFileSync(log, "GET /b\n");
    // The old version still runs and its counter still counts.
    await waitForBody(port, "/metrics", (b) => b.includes('requests_total{method="GET",prog="count.mtail"} 2'));
    const page = (await httpGet({ port }, "/")).body;
    expect(page).to.include("reload failed: previous version still running");
    expect(page).to.include("count.mtail:3:3");

    // Fixed with an extra comment line: the declaration is unchanged, so the counter keeps its value.
    writeFileSync(path.join(progs, "count.mtail"), "# fixed\n" + COUNT_PROGRAM);
    await waitForBody(port, "/metrics", (b) => b.includes('logtally_program_loads_total{prog="count.mtail"} 2'));
    appendFileSync(log, "GET /c\n");
    await waitForBody(port, "/metrics", (b) => b.includes('requests_total{method="GET",prog="count.mtail"} 3'));
    expect((await httpGet({ port }, "/")).body).not.to.include("reload failed");

    unlinkSync(path.join(progs, "count.mtail"));
    await waitForBody(port, "/metrics", (b) => !b.includes("requests_total{") && !b.includes('prog="count.mtail"'));
    expect(await d.stop("SIGINT")).to.equal(0);
  });

  it("picks up a program added to the folder (watcher, or SIGHUP)", async () => {
    const d = start(["--progs", progs, "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();
    writeFileSync(path.join(progs, "gauge.mtail"), "gauge answer\n/x/ {\n  answer = 42\n}\n");
    d.child.kill("SIGHUP");
    await waitForBody(port, "/metrics", (b) => b.includes('logtally_program_loaded{prog="gauge.mtail"} 1'));
  });

  it("reloads on SIGHUP, and only then for each signal (the watcher alone would not log this)", async () => {
    const d = start(["--progs", progs, "--port", "0", "--address", "127.0.0.1"]);
    await d.waitForHttp();
    const reloads = () => d.stderr.split("\n").filter((l) => l.includes('"msg":"Reloading programs."')).length;
    expect(reloads()).to.equal(0);
    d.child.kill("SIGHUP");
    await waitFor(() => reloads() === 1, 10_000, () => d.stderr);
    d.child.kill("SIGHUP");
    await waitFor(() => reloads() === 2, 10_000, () => d.stderr);
    // Still running after both signals (Node's default for SIGHUP is to exit).
    expect(d.exitCode).to.equal(null);
    expect(await d.stop()).to.equal(0);
  });

  it("runs the garbage collector on its interval: `del ... after` series disappear while the daemon runs", async () => {
    writeFileSync(path.join(progs, "count.mtail"),
      "counter session by id\n/^open (?P<id>\\w+)$/ {\n  session[$id]++\n}\n/^close (?P<id>\\w+)$/ {\n  del session[$id] after 1s\n}\n");
    const log = path.join(logs, "app.log");
    writeFileSync(log, "");
    const d = start(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1",
      "--expired_metrics_gc_interval=200ms"]);
    const port = await d.waitForHttp();
    appendFileSync(log, "open a\nopen b\nclose a\n");
    await waitForBody(port, "/metrics", (b) => b.includes('session{id="a",prog="count.mtail"} 1') && b.includes('session{id="b",prog="count.mtail"} 1'));
    const after = await waitForBody(port, "/metrics", (b) => !b.includes('session{id="a"'), 10_000);
    expect(after).to.include('session{id="b",prog="count.mtail"} 1');
  });

  it("exits 1 naming the port when it is already in use", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const d = start(["--progs", progs, "--port", String(port), "--address", "127.0.0.1"]);
      expect(await d.exit()).to.equal(1);
      expect(d.stderr).to.include(`Cannot listen on port ${port} on 127.0.0.1: it is already in use.`);
    } finally {
      blocker.close();
    }
  });

  it("pushes to a statsd collector over UDP", async () => {
    const received: string[] = [];
    const sock = dgram.createSocket("udp4");
    sock.on("message", (m) => received.push(...m.toString().split("\n")));
    await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
    const statsdPort = sock.address().port;
    try {
      const log = path.join(logs, "app.log");
      writeFileSync(log, "");
      const d = start(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1",
        "--statsd_hostport", `127.0.0.1:${statsdPort}`, "--metric_push_interval=200ms"]);
      const port = await d.waitForHttp();
      appendFileSync(log, "GET /a\nGET /b\n");
      await waitFor(() => received.some((l) => l.startsWith("count.mtail.requests_total.method.GET:")), 10_000,
        () => `datagrams: ${JSON.stringify(received)}`);
      expect(await d.stop()).to.equal(0);
    } finally {
      sock.close();
    }
  });

  it("pushes to a graphite collector over TCP", async () => {
    let received = "";
    const carbon = net.createServer((c) => c.setEncoding("utf8").on("data", (d: string) => (received += d)));
    await new Promise<void>((resolve) => carbon.listen(0, "127.0.0.1", resolve));
    const graphitePort = (carbon.address() as net.AddressInfo).port;
    try {
      const log = path.join(logs, "app.log");
      writeFileSync(log, "");
      const d = start(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1",
        "--graphite_host_port", `127.0.0.1:${graphitePort}`, "--graphite_prefix", "app.", "--metric_push_interval=200ms"]);
      const port = await d.waitForHttp();
      appendFileSync(log, "PUT /a\n");
      await waitFor(() => /^app\.count\.mtail\.requests_total\.method\.PUT 1 \d+$/m.test(received), 10_000, () => received);
      expect(await d.stop()).to.equal(0);
    } finally {
      carbon.close();
    }
  });

  it("keeps serving and stops cleanly when the collectors are dead", async () => {
    // Ports free a moment ago, so nothing listens there.
    const [graphitePort, statsdPort] = [await freePort(), await freePort()];
    const d = start(["--progs", progs, "--port", "0", "--address", "127.0.0.1", "--metric_push_interval=100ms",
      `--graphite_host_port=127.0.0.1:${graphitePort}`, `--statsd_hostport=127.0.0.1:${statsdPort}`]);
    const port = await d.waitForHttp();
    await waitFor(() => d.stderr.includes("Pushing to graphite failed"), 10_000, () => d.stderr);
    expect((await httpGet({ port }, "/metrics")).status).to.equal(200);
    expect(await d.stop()).to.equal(0);
  });

  it("counts runtime errors per program and shows the last one", async () => {
    writeFileSync(path.join(progs, "strict.mtail"), "counter total\n/^n=(?P<n>\\S+)$/ {\n  total += int($n)\n}\n");
    const log = path.join(logs, "app.log");
    writeFileSync(log, "");
    const d = start(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();
    appendFileSync(log, "n=5\nn=abc\nn=7\n");
    const body = await waitForBody(port, "/metrics", (b) => b.includes('logtally_runtime_errors_total{prog="strict.mtail"} 1'));
    expect(body).to.include('total{prog="strict.mtail"} 12');
    expect((await httpGet({ port }, "/")).body).to.include("Last runtime error");
    await waitFor(() => /"msg":"Runtime error in strict\.mtail\."/.test(d.stderr), 5000, () => d.stderr);
  });

  it("counts json parse failures per format and updates skipped for a missing field", async () => {
    writeFileSync(path.join(progs, "fields.mtail"), "counter req by route\njson {\n  req[$route]++\n}\nlogfmt {\n  req[$route]++\n}\n");
    const log = path.join(logs, "fields.log");
    writeFileSync(log, "");
    const d = start(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1"]);
    const port = await d.waitForHttp();
    appendFileSync(log, '{"route":"/a"}\nnot a record\n{"other":1}\nroute=/b\n');
    const body = await waitForBody(port, "/metrics", (b) => b.includes('logtally_record_parse_failures_total{prog="fields.mtail",format="logfmt"} 3'));
    expect(body).to.include('logtally_record_parse_failures_total{prog="fields.mtail",format="json"} 2');
    // {"other":1} parses (json) but has no route; as logfmt nothing else parses with a missing route.
    expect(body).to.include('logtally_field_skipped_updates_total{prog="fields.mtail"} 1');
    expect(body).to.include('req{prog="fields.mtail",route="/a"} 1');
    expect(body).to.include('req{prog="fields.mtail",route="/b"} 1');
  });

  it("serves on a UNIX socket", async () => {
    const socketPath = path.join(dir, "logtally.sock");
    const d = start(["--progs", progs, "--unix_socket", socketPath]);
    await waitFor(async () => {
      try {
        return (await httpGet({ socketPath }, "/readyz")).status === 200;
      } catch {
        return false;
      }
    }, 10_000, () => d.stderr);
    expect((await httpGet({ socketPath }, "/metrics")).body).to.include("logtally_program_loaded");
    expect(await d.stop()).to.equal(0);
  });

  it("reads a config file, and names a mistyped key in it", async () => {
    const port = await freePort(); // log_level warn hides the "Serving" line that --port 0 relies on
    const good = path.join(dir, "good.yaml");
    writeFileSync(good, `progs: progs\nport: ${port}\naddress: 127.0.0.1\nlog_level: warn\n`);
    const d = start(["--config", good]);
    await d.waitForHttp(port);
    expect((await httpGet({ port }, "/metrics")).body).to.include('logtally_program_loaded{prog="count.mtail"} 1');
    expect(await d.stop()).to.equal(0);

    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "progs: progs\nprot: 3903\n");
    const b = start(["--config", bad]);
    expect(await b.exit()).to.equal(2);
    expect(b.stderr).to.include(`${bad}:2:1: unknown key "prot". Did you mean "port"?`);
  });
});
