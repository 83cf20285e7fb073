// End to end with the real Prometheus scraping logtally over TLS, with basic auth and a client certificate, as
// configured by --web_config_file: the scrape is healthy and the values arrive; a wrong password makes it fail.
// Skipped, with a message, without prometheus or openssl (.ci/run installs both).
import { expect } from "chai";
import bcrypt from "bcrypt";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { haveOpenssl, makeTestCerts } from "../../helpers/certs.js";
import { LogtallyProcess } from "../../helpers/logtally-process.js";
import { PrometheusServer, havePrometheus } from "../../helpers/prometheus-server.js";
import { waitFor } from "../../helpers/wait-for.js";

describe("Prometheus scraping over TLS with basic auth (integration)", function () {
  this.timeout(90_000);
  let dir = "";
  let logtally: LogtallyProcess | undefined;
  let prometheus: PrometheusServer | undefined;

  before(function () {
    if (!havePrometheus() || !haveOpenssl()) {
      console.log("    (skipped: needs `prometheus`, `promtool` and `openssl`; .ci/run installs them)");
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), "logtally-prom-tls-"));
  });
  after(async () => {
    await logtally?.stop("SIGTERM").catch(() => logtally?.child.kill("SIGKILL"));
    await prometheus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("scrapes with the right credentials and certificate, and fails with a wrong password", async () => {
    const certs = makeTestCerts(dir);
    const progs = path.join(dir, "progs");
    mkdirSync(progs);
    writeFileSync(path.join(progs, "web.mtail"), "counter tls_requests_total by code\n/^(?P<code>\\d+)$/ {\n  tls_requests_total[$code]++\n}\n");
    const log = path.join(dir, "web.log");
    writeFileSync(log, "");
    const web = path.join(dir, "web.yml");
    writeFileSync(web, [
      "tls_server_config:",
      `  cert_file: ${certs.serverCert}`,
      `  key_file: ${certs.serverKey}`,
      `  client_ca_file: ${certs.caCert}`,
      "  client_auth_type: RequireAndVerifyClientCert",
      "basic_auth_users:",
      `  prometheus: ${await bcrypt.hash("scrape-me", 10)}`,
      "",
    ].join("\n"));
    logtally = new LogtallyProcess(["--progs", progs, "--logs", log, "--port", "0", "--address", "127.0.0.1", "--web_config_file", web]);
    const port = await logtally.servingPort();

    const job = (name: string, password: string) => [
      `  - job_name: ${name}`,
      "    scheme: https",
      "    tls_config:",
      `      ca_file: ${certs.caCert}`,
      `      cert_file: ${certs.clientCert}`,
      `      key_file: ${certs.clientKey}`,
      "    basic_auth:",
      "      username: prometheus",
      `      password: ${password}`,
      "    static_configs:",
      `      - targets: ["127.0.0.1:${port}"]`,
    ];
    prometheus = await PrometheusServer.start(dir, [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 900ms",
      "scrape_configs:",
      ...job("logtally", "scrape-me"),
      ...job("intruder", "guess"),
      "",
    ].join("\n"));

    // A successful scrape means /metrics answered, which logtally does only once the log file is followed.
    let targets = "";
    await waitFor(async () => {
      targets = await prometheus!.targets();
      return (await prometheus!.query('up{job="logtally"} == 1')).length === 1;
    }, 60_000, () => `targets: ${targets}; prometheus log: ${prometheus!.log}`, 250);
    appendFileSync(log, "200\n200\n503\n");
    let seen: Array<[Record<string, string>, string]> = [];
    await waitFor(async () => {
      seen = await prometheus!.query('tls_requests_total{job="logtally"}');
      targets = await prometheus!.targets();
      return seen.some(([l, v]) => l.code === "200" && v === "2") && seen.some(([l, v]) => l.code === "503" && v === "1");
    }, 60_000, () => `seen ${JSON.stringify(seen)}; targets: ${targets}; prometheus log: ${prometheus!.log}`, 250);
    expect((await prometheus.query('up{job="logtally"}')).map(([, v]) => v)).to.deep.equal(["1"]);
    await waitFor(async () => (await prometheus!.query('up{job="intruder"}')).length > 0, 30_000, () => prometheus!.log, 250);
    expect((await prometheus.query('up{job="intruder"}')).map(([, v]) => v)).to.deep.equal(["0"]);
    expect(await prometheus.targets()).to.match(/401 Unauthorized/);
  });
});
